/* samples of the acceptance operations for test_ops.c: SAMPLE("op", "arguments") */
