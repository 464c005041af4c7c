/*
 * Samples of the plan operations for test_ops.c: SAMPLE("group.verb",
 * "arguments after cleanheat GROUP VERB"), run in order as the prefecture
 * administrator on the scenario of tests/fixtures/funds/.
 */
SAMPLE("plan.check", "tests/fixtures/funds/plan.csv")
SAMPLE("plan.import", "tests/fixtures/funds/plan.csv --year 2023")
SAMPLE("plan.show", "--year 2023")
SAMPLE("plan.coverage", "--year 2023")
