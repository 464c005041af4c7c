/* Samples of the audit operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("audit.log", "--limit 5")
SAMPLE("audit.verify", "")
