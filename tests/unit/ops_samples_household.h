/* samples of the household operations for test_ops.c: SAMPLE("op", "arguments") */
