/* samples of the event operations for test_ops.c: SAMPLE("op", "arguments") */
