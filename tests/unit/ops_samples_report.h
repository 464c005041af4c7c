/*
 * ops_samples_report — sample arguments of the progress report operations
 * for the role × operation test, after the event samples (every household
 * of the funds scenario commissioned on 2023-08-01): the week to 08-06
 * frozen, the next week's dispatch against it, the monthly sheet as the
 * office's XLSX, the reminders, the aggregates checked, and one county by
 * village and (as an XLSX file) by contractor.
 * One sample a line, unwrapped.
 */
/* clang-format off */
SAMPLE("report.freeze", "--year 2023 --period 2023-W31 --today 2023-08-07")
SAMPLE("report.dispatch", "--year 2023 --as-of 2023-08-13")
SAMPLE("report.dispatch", "--year 2023 --as-of 2023-08-31 --period month --format xlsx -o sample-dispatch.xlsx")
SAMPLE("report.remind", "--year 2023 --as-of 2023-08-13 -o sample-notices.txt")
SAMPLE("report.verify", "")
SAMPLE("report.county", "--year 2023 --county 昌吉市 --as-of 2023-08-13 --by village")
SAMPLE("report.county", "--year 2023 --county 昌吉市 --township 大西渠镇 --as-of 2023-08-13 --by contractor --format xlsx -o sample-county.xlsx")
/* clang-format on */
