/*
 * Samples of the funds operations for test_ops.c (see ops_samples_plan.h):
 * money for 昌吉市 from each source, an entitlement, reserving for the
 * households whose review passed, their public notice (公示) with an
 * objection dismissed, a hold set and released, CJ001's cost edited after
 * its review and the change approved, paying them after the notice
 * period, the batch's file again, the bank's return for the batch's first
 * payment (流水号 1: the first payment of a new database, CJ001's), a
 * recovery claimed from CJ001 and its money back, other spending, the fund
 * audit, the report, the ledger.
 * Moving money needs the finance role (docs/funds.md).
 */
/* one sample a line, as written on the command line */
/* clang-format off */
SAMPLE("funds.appropriate", "--source central --amount 100000 --date 2023-06-01 --key SAMPLE-C1")
SAMPLE("funds.appropriate", "--source central --amount 60000 --date 2023-06-05 --key SAMPLE-C2 --to 昌吉市")
SAMPLE("funds.appropriate", "--source region --amount 60000 --date 2023-06-05 --key SAMPLE-R1 --to 昌吉市 --direct")
SAMPLE("funds.appropriate", "--source prefecture --amount 20000 --date 2023-06-05 --key SAMPLE-P1 --to 昌吉市 --direct")
SAMPLE("funds.appropriate", "--source county --amount 20000 --date 2023-06-05 --key SAMPLE-X1 --to 昌吉市 --direct")
SAMPLE("subsidy.entitlement", "CJ001 --county 昌吉市")
SAMPLE("subsidy.reserve", "--county 昌吉市 --date 2023-11-20")
SAMPLE("notice.create", "--county 昌吉市 --date 2023-11-20 -o sample-notice.xlsx")
SAMPLE("notice.list", "--format csv")
SAMPLE("notice.show", "公示-652301-2023-001 --format csv")
SAMPLE("notice.print", "公示-652301-2023-001 -o sample-notice-again.xlsx")
SAMPLE("notice.object", "公示-652301-2023-001 CJ001 --date 2023-11-21 --reason 样例异议")
SAMPLE("notice.objections", "--open")
SAMPLE("notice.resolve", "1 --dismissed --note 核实不成立 --date 2023-11-22")
SAMPLE("subsidy.hold", "CJ001 --county 昌吉市 --reason 样例暂停 --date 2023-11-22")
SAMPLE("subsidy.holds", "--county 昌吉市 --format csv")
SAMPLE("subsidy.release", "CJ001 --county 昌吉市 --note 已核实 --date 2023-11-23")
SAMPLE("household.import", "tests/fixtures/funds/sample-edit.csv")
SAMPLE("subsidy.approve", "CJ001 --county 昌吉市 --note 同意 --date 2023-11-24")
SAMPLE("subsidy.pay", "--county 昌吉市 --date 2023-12-02 -o sample-bank.csv")
SAMPLE("subsidy.batches", "--format csv")
SAMPLE("subsidy.payfile", "1 -o sample-bank-again.xlsx")
SAMPLE("subsidy.reconcile", "tests/fixtures/funds/sample-return.csv")
SAMPLE("subsidy.recover", "CJ001 --county 昌吉市 --amount 100 --reason 设备已拆除 --date 2023-12-10")
SAMPLE("subsidy.recovered", "1 --amount 100 --date 2023-12-12")
SAMPLE("subsidy.recoveries", "--format csv")
SAMPLE("funds.spend", "--county 昌吉市 --source central --category 办公经费 --amount 100 --date 2023-12-10 --key SAMPLE-S1")
SAMPLE("funds.audit", "--as-of 2023-12-31")
SAMPLE("report.funds", "--year 2023 --as-of 2023-12-31")
SAMPLE("report.funds", "--year 2023 --as-of 2023-12-31 --households --format csv")
SAMPLE("ledger.verify", "")
/* clang-format on */
