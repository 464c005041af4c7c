/* Samples of the region operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("region.import", "tests/fixtures/region/changji-townships.csv")
SAMPLE("region.list", "昌吉市")
