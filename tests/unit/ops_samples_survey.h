/* Samples of the survey operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("region.import", "tests/fixtures/advise/regions.csv")
SAMPLE("village.import", "tests/fixtures/advise/villages.csv")
SAMPLE("survey.import", "tests/fixtures/advise/households.csv")
SAMPLE("survey.heatload", "--county 昌吉市")
SAMPLE("advise", "--county 昌吉市 --by village")
SAMPLE("report.impact", "--year 2023 --as-of 2023-11-17")
