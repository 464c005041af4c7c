/* samples of the demo operations for test_ops.c: SAMPLE("op", "arguments") */
