/*
 * ops_samples_event — sample arguments of the event operations for the role
 * × operation test, in the order an office runs them on the funds scenario
 * (tests/fixtures/funds/): one start recorded by hand, the county's batch
 * (whose row for that start is rejected and written to a rejects file), the
 * hand-recorded date corrected to the batch's, then the evidence check.
 * One sample a line, unwrapped.
 */
/* clang-format off */
SAMPLE("event.record", "CJ001 已开工 --county 昌吉市 --date 2023-05-02 --today 2023-06-01")
SAMPLE("event.import", "tests/fixtures/funds/events.csv --skip-invalid --rejects sample-event-rejects.csv")
SAMPLE("event.correct", "CJ001 已开工 --county 昌吉市 --date 2023-05-10 --note 按施工日志更正")
SAMPLE("event.evidence-reuse", "--format csv")
/* clang-format on */
