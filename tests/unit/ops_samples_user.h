/* Samples of the user operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("user.add", "sample-clerk --role county_operator --scope 昌吉市")
SAMPLE("user.list", "")
