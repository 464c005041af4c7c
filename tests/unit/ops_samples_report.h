/* samples of the report operations for test_ops.c: SAMPLE("op", "arguments") */
