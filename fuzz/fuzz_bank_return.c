/*
 * fuzz_bank_return — libFuzzer target for the bank's return file
 * (ch_bank_return_open and ch_bank_return_next in src/io/bank_file.c) and
 * its reconciliation (ch_subsidy_reconcile in src/core/reconcile.c:
 * 流水号, 状态, 日期 and 金额 of each row against the payments).
 *
 * The input is the return file, CSV in any encoding or XLSX (by its "PK"
 * signature), saved to a temporary file. Reading needs no database: it
 * gives rows with increasing row numbers below the header and every cell a
 * valid UTF-8 string, then the end or an error with a message (at the
 * open, no row). The file is then reconciled, read again as it is
 * applied, as the finance user over the database of fuzz_db.h, to which
 * the first input adds four households of 昌吉市 taken through the
 * workflow to 复核通过, funded, reserved and paid: payments 1-4 are at the
 * bank (sent), in a transaction rolled back after each input. A file the
 * reader gave up on part-way fails the reconciliation with the reader's
 * error. Every problem must name a row the reader gave, and a reason; at
 * most the four payments are confirmed or failed; the ledger verifies
 * afterwards (ch_ledger_verify: every transfer balanced, no account
 * overdrawn, no household above its entitlement).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core/ledger.h"
#include "core/subsidy.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "io/bank_file.h"
#include "util/error.h"
#include "util/alloc.h"
#include "util/hash.h"

/* Four more households of 昌吉市 (tests/fixtures/funds/register.csv's
 * CJ001-CJ004 as PAY1-PAY4), each with a cost and a bank account. */
static const char pay_register[] =
    "县市,乡镇,村,户编号,户主姓名,身份证号,取暖面积,改造方式,节能改造措施,节能改造面积,"
    "年度,批次,施工单位,总投资,收款账号\n"
    "昌吉市,大西渠镇,大西渠村,PAY1,资金甲,652301198001010019,100,空气能,外墙保温,50,2023,"
    "新建,甲公司,10000,6230000000000001\n"
    "昌吉市,大西渠镇,大西渠村,PAY2,资金乙,652301198001010027,100,燃气,,,2023,新建,甲公司,"
    "3000,6230000000000002\n"
    "昌吉市,大西渠镇,大西渠村,PAY3,资金丙,652301198001010035,100,集中供热,,,2023,新建,"
    "甲公司,3000,6230000000000003\n"
    "昌吉市,大西渠镇,大西渠村,PAY4,资金丁,652301198001010043,100,直热式电暖器,门窗改造,200,"
    "2023,新建,甲公司,20000,6230000000000004\n";

/* Takes PAY1-PAY4 through the workflow to 复核通过, funds 昌吉市 and pays
 * them: payments 1-4 at the bank (status sent), as a real return finds
 * them. */
static void pay_setup(void)
{
	static const char *const hh[] = {"PAY1", "PAY2", "PAY3", "PAY4"};
	static const char *const stages[][2] = {
	    {"已开工", "2023-05-10"}, {"已完工", "2023-07-20"}, {"已调试", "2023-08-01"}};
	char photo[300], out[300], *app = NULL;
	ch_ctx *rv = NULL;
	fuzz_db_path(photo, sizeof photo, "photo.jpg");
	fuzz_db_path(out, sizeof out, "bank.csv");
	fuzz_write_file(photo, "\xFF\xD8\xFF JPEG", 8);
	fuzz_db_import("household", "pay.csv", pay_register, NULL);
	for (size_t i = 0; i < 4; i++) {
		for (size_t k = 0; k < 3; k++)
			fuzz_db_op("event", "record",
			           (const char *const[]){"household", hh[i], "county", "昌吉市",
			                                 "stage", stages[k][0], "date",
			                                 stages[k][1], NULL});
		fuzz_db_op("inspect", "record",
		           (const char *const[]){"household", hh[i], "county", "昌吉市", "result",
		                                 "pass", "date", "2023-10-08", "inspector", "张三",
		                                 "evidence", photo, NULL});
	}
	fuzz_db_op("user", "add", (const char *const[]){"name", "rv", "role", "reviewer", NULL});
	FUZZ_CHECK(ch_ctx_new(&rv, fuzz_db_store, "rv") == 0);
	fuzz_db_op("review", "apply",
	           (const char *const[]){"county", "昌吉市", "date", "2023-10-10", "all-passed",
	                                 NULL, NULL});
	FUZZ_CHECK(ch_db_query_text(ch_ctx_db(fuzz_db_ctx), &app,
	                            "SELECT number FROM review_application", NULL) == 0);
	fuzz_db_op("review", "assign",
	           (const char *const[]){"application", app, "unit", "州住建局", "reviewer", "rv",
	                                 "seed", "fuzz", NULL});
	/* pass every sampled household until the application completes */
	for (int left = 16; left > 0; left--) {
		char *next = NULL;
		if (ch_db_query_text(ch_ctx_db(fuzz_db_ctx), &next,
		                     "SELECT h.hh_no FROM review_item i JOIN household h"
		                     " ON h.id = i.household_id WHERE i.sample_round > 0"
		                     " AND i.result IS NULL LIMIT 1",
		                     NULL) != 0)
			break;
		fuzz_op(rv, "review", "result",
		        (const char *const[]){"application", app, "household", next, "result",
		                              "pass", "date", "2023-10-20", "evidence", photo,
		                              NULL});
		free(next);
	}
	ch_error_clear();
	free(app);
	ch_ctx_free(rv);
	static const char *const sources[] = {"central", "region", "prefecture", "county"};
	for (size_t i = 0; i < 4; i++) {
		char key[32];
		snprintf(key, sizeof key, "FUZZ-%zu", i);
		fuzz_op(fuzz_db_fin, "funds", "appropriate",
		        (const char *const[]){"source", sources[i], "amount", "100000", "date",
		                              "2023-06-01", "key", key, "to", "昌吉市", "direct",
		                              NULL, NULL});
	}
	fuzz_op(fuzz_db_fin, "subsidy", "reserve",
	        (const char *const[]){"county", "昌吉市", "date", "2023-11-24", NULL});
	/* publicised for the policy's 5 working days (24 to 30 November)
	 * before the payment */
	fuzz_op(fuzz_db_fin, "notice", "create",
	        (const char *const[]){"county", "昌吉市", "date", "2023-11-24", NULL});
	fuzz_op(
	    fuzz_db_fin, "subsidy", "pay",
	    (const char *const[]){"county", "昌吉市", "date", "2023-12-02", "output", out, NULL});
	int64_t n = 0;
	FUZZ_CHECK(ch_db_query_int64(ch_ctx_db(fuzz_db_ctx), &n,
	                             "SELECT count(*) FROM payment WHERE status = 'sent'",
	                             NULL) == 0);
	FUZZ_CHECK(n == 4);
	fuzz_db_audit_rows = fuzz_db_count_audit();
	unlink(photo);
	unlink(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300], hash[CH_HASH_HEX_LEN + 1];
	ch_bank_return *in = NULL;
	ch_return_row r;
	size_t *lines = NULL, n = 0, cap = 0;
	if (!fuzz_db_dir[0]) {
		fuzz_db_setup("bank");
		pay_setup();
	}
	fuzz_db_path(path, sizeof path, "return.csv");
	fuzz_write_file(path, data, size);
	int xlsx = size >= 2 && data[0] == 'P' && data[1] == 'K';
	int distinct = xlsx || fuzz_lines_distinct(data, size);

	/* the rows the reader gives, without a database */
	ch_error_clear();
	int rc = ch_bank_return_open(path, NULL, &in), opened = rc == 0;
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	if (rc < 0)
		FUZZ_CHECK(in == NULL);
	size_t max_line = xlsx ? 0 : fuzz_count_lines(data, size);
	while (rc == 0 && (rc = ch_bank_return_next(in, &r)) == 1) {
		rc = 0;
		FUZZ_CHECK(r.line >= 1 && (!max_line || r.line <= max_line));
		FUZZ_CHECK(n == 0 || r.line >= lines[n - 1]);
		/* below the header, one row to a line, unless a bare CR ends a
		 * record within a line (see fuzz_lines_distinct) */
		if (distinct)
			FUZZ_CHECK(r.line >= 2 && (n == 0 || r.line > lines[n - 1]));
		fuzz_check_text(r.payment);
		fuzz_check_text(r.amount);
		fuzz_check_text(r.status);
		fuzz_check_text(r.day);
		fuzz_check_text(r.reason);
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			lines = ch_reallocarray(lines, cap, sizeof *lines);
		}
		lines[n++] = r.line;
	}
	fuzz_trace("return read", rc, "%zu rows", n);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	int read_rc = rc;
	ch_bank_return_close(in);
	in = NULL;
	ch_hash_hex(data, size, hash);
	if (opened) {
		ch_error_clear();
		FUZZ_CHECK(ch_bank_return_open(path, hash, &in) == 0);
	}

	if (in) {
		ch_problems *p = ch_problems_new();
		ch_reconcile_summary sum;
		fuzz_db_begin();
		ch_error_clear();
		rc = ch_subsidy_reconcile(fuzz_db_fin, ch_bank_return_next, in, hash, p, &sum);
		fuzz_trace("reconcile", rc,
		           "%zu problems, %zu confirmed, %zu failed, %zu repeated, %zu unknown",
		           ch_problems_count(p), sum.confirmed, sum.failed, sum.repeated,
		           sum.unknown);
		FUZZ_CHECK(rc <= 0);
		fuzz_check_error(rc);
		/* a file the reader gave up on is not applied */
		FUZZ_CHECK(read_rc == 0 || rc != 0);
		/* a row that stops the whole file is named */
		if (rc == CH_EINVALID && !read_rc && !strstr(ch_error_message(), "第"))
			fprintf(stderr, "fuzz_bank_return: %s\n", ch_error_message());
		FUZZ_CHECK(rc != CH_EINVALID || read_rc ||
		           strstr(ch_error_message(), "第") != NULL);
		fuzz_trace_problems(p);
		fuzz_check_problems(p, max_line);
		for (size_t i = 0; i < ch_problems_count(p); i++) {
			size_t line = ch_problems_get(p, i)->line, j = 0;
			while (j < n && lines[j] != line)
				j++;
			FUZZ_CHECK(j < n);
		}
		/* four payments at the bank, each applied at most once */
		FUZZ_CHECK(sum.confirmed + sum.failed <= 4);
		FUZZ_CHECK(sum.confirmed + sum.failed + sum.repeated + sum.unknown <= n);
		FUZZ_CHECK(sum.released <= sum.failed);
		/* and whatever the file said, the books still balance */
		ch_ledger_report rep;
		memset(&rep, 0, sizeof rep);
		int vrc = ch_ledger_verify(fuzz_db_fin, &rep);
		if (vrc)
			fprintf(stderr, "fuzz_bank_return: ledger: %s %s\n", rep.problem,
			        ch_error_message());
		FUZZ_CHECK(vrc == 0);
		ch_problems_free(p);
		fuzz_db_rollback();
	}
	ch_bank_return_close(in);
	free(lines);
	unlink(path);
	return 0;
}
