/* Samples of the rules operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("rules.list", "--all")
SAMPLE("rules.show", "calendar --year 2023")
SAMPLE("rules.import", "calendar tests/fixtures/rules/calendar-2024.csv --year 2024")
SAMPLE("rules.show", "calendar --year 2024 --format csv")
