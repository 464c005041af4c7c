/*
 * Samples of the plan operations for test_ops.c: SAMPLE("group.verb",
 * "arguments after cleanheat GROUP VERB"), run in order as the prefecture
 * administrator on the scenario of tests/fixtures/funds/.
 */
SAMPLE("plan.check", "tests/fixtures/funds/plan.csv")
SAMPLE("plan.import", "tests/fixtures/funds/plan.csv --year 2023")
SAMPLE("plan.show", "--year 2023")
SAMPLE("plan.coverage", "--year 2023")
SAMPLE("plan.import", "tests/fixtures/plan/year-2024.csv --year 2024 --title 2024年测试实施方案")
SAMPLE("plan.withdraw", "--year 2024 --version 1 --reason 误导入")
