/* samples of the funds operations for test_ops.c: SAMPLE("op", "arguments") */
