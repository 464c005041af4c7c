/* Samples of the database operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("db.init", "")
