/*
 * fuzz_db — a database for the targets whose readers need one (the weekly
 * event file, the region file, the rules files, the household ledger, the
 * bank's return), shared by fuzz_<target>.c files that include it.
 *
 * fuzz_db_setup makes, once per process, a temporary directory holding a
 * database with the fuzz user (a prefecture administrator, who may do
 * everything these readers do), the small 2023 plan of the progress tests
 * (昌吉市 4 households, 阜康市 2), its six households (CJ001..CJ004,
 * FK001, FK002: tests/fixtures/progress/register.csv) and their first
 * week's steps (week1.csv), so that event rows naming them reach the
 * workflow checks, and a finance user "fin" (fuzz_db_fin, over the same
 * connection, so in the same transaction); all of it is removed at exit.
 * Each input then runs between fuzz_db_begin and fuzz_db_rollback: inside
 * one transaction (the importers' own transactions nest in it) that is
 * rolled back, so every input meets the same database, which
 * fuzz_db_rollback checks by the audit log's length (every import that
 * stores anything appends to it).
 *
 * With FUZZ_TRACE set, each input's outcome is printed (fuzz_trace).
 *
 * fuzz_check_problems holds an importer's problems to what users read:
 * every one names a row (1-based, at most the input's last line) and says
 * why in valid UTF-8.
 */
#ifndef CH_FUZZ_FUZZ_DB_H
#define CH_FUZZ_FUZZ_DB_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/ops.h"
#include "core/ctx.h"
#include "core/event.h"
#include "core/problems.h"
#include "core/store.h"
#include "fuzz.h"
#include "io/csv.h"
#include "util/error.h"
#include "util/text.h"

#define FUZZ_DB_USER "fuzz"

/* tests/fixtures/progress/plan-small.csv */
static const char fuzz_db_plan_csv[] =
    "2023年度农村清洁取暖安排项目表（测试用，两县小任务）,,,,,,\n"
    "序号,县(市),2023年实施农村清洁取暖改造任务数(户),,,2023年实施建筑节能改造户数(户),"
    "备注\n"
    ",,合计,2023年实施户数,续建2022年户数,,\n"
    "1,昌吉市,4,3,1,2,\n"
    "2,阜康市,2,2,,1,\n"
    "昌吉州总计,,6,5,1,3,\n";

/* tests/fixtures/progress/register.csv */
static const char fuzz_db_register_csv[] =
    "县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,改造方式,节能改造措施,"
    "节能改造面积,年度,批次,总投资\n"
    "昌吉市,大西渠镇,大西渠村,CJ001,进度甲,652301197003010018,,,120,空气能,外墙保温,100,"
    "2023,新建,\n"
    "昌吉市,大西渠镇,大西渠村,CJ002,进度乙,652301197003010026,,,120,空气能,门窗,50,2023,"
    "新建,\n"
    "昌吉市,大西渠镇,大西渠村,CJ003,进度丙,652301197003010034,,,120,空气能,,,2023,新建,\n"
    "昌吉市,大西渠镇,大西渠村,CJ004,进度丁,652301197003010042,,,120,空气能,,,2023,续建,\n"
    "阜康市,滋泥泉子镇,滋泥泉子村,FK001,进度戊,652302197003010014,,,120,空气能,屋顶,80,"
    "2023,新建,\n"
    "阜康市,滋泥泉子镇,滋泥泉子村,FK002,进度己,652302197003010022,,,120,空气能,,,2023,"
    "新建,\n";

/* tests/fixtures/progress/week1.csv */
static const char fuzz_db_week1_csv[] = "县市,户编号,环节,日期,备注\n"
                                        "昌吉市,CJ001,已开工,2023-04-03,\n"
                                        "昌吉市,CJ002,开工,2023-04-20,\n"
                                        "昌吉市,CJ003,已开工,2023/5/31,\n"
                                        "阜康市,FK001,已开工,2023-06-20,\n";

static char fuzz_db_dir[256]; /* the temporary directory, "" before setup */
static ch_store *fuzz_db_store;
static ch_ctx *fuzz_db_ctx; /* acting as the fuzz user */
static ch_ctx *fuzz_db_fin; /* acting as "fin", a finance user for the whole prefecture */
static int64_t fuzz_db_audit_rows;

/* PATH of FILE in the temporary directory, into OUT. */
static inline void fuzz_db_path(char *out, size_t n, const char *file)
{
	snprintf(out, n, "%s/%s", fuzz_db_dir, file);
}

static void fuzz_db_cleanup(void)
{
	char cmd[300];
	ch_ctx_free(fuzz_db_fin);
	ch_ctx_free(fuzz_db_ctx);
	ch_store_free(fuzz_db_store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_db_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fuzz_db_dir);
}

/* fuzz_op as the fuzz user. */
static void fuzz_db_op(const char *group, const char *verb, const char *const *kv)
{
	fuzz_op(fuzz_db_ctx, group, verb, kv);
}

/* Imports TEXT, written to a file NAME, with operation GROUP import. */
static void fuzz_db_import(const char *group, const char *name, const char *text,
                           const char *const *more)
{
	char path[300];
	const char *kv[8] = {"file", path};
	size_t n = 2;
	fuzz_db_path(path, sizeof path, name);
	fuzz_write_file(path, text, strlen(text));
	for (size_t i = 0; more && more[i] && n + 2 < sizeof kv / sizeof kv[0]; i += 2) {
		kv[n++] = more[i];
		kv[n++] = more[i + 1];
	}
	kv[n] = NULL;
	fuzz_db_op(group, "import", kv);
	unlink(path);
}

static inline int64_t fuzz_db_count_audit(void)
{
	int64_t n = -1;
	FUZZ_CHECK(ch_db_query_int64(ch_ctx_db(fuzz_db_ctx), &n, "SELECT count(*) FROM audit_log",
	                             NULL) == 0);
	return n;
}

/* Makes the database (once); NAME names the temporary directory. */
static void fuzz_db_setup(const char *name)
{
	if (fuzz_db_dir[0])
		return;
	const char *t = getenv("TMPDIR");
	char url[300];
	snprintf(fuzz_db_dir, sizeof fuzz_db_dir, "%s/cleanheat-fuzz-%s-XXXXXX",
	         t && *t ? t : "/tmp", name);
	FUZZ_CHECK(mkdtemp(fuzz_db_dir) != NULL);
	atexit(fuzz_db_cleanup);
	snprintf(url, sizeof url, "sqlite:%s/fuzz.db", fuzz_db_dir);
	FUZZ_CHECK(ch_store_open(&fuzz_db_store, url, FUZZ_DB_USER) == 0);
	FUZZ_CHECK(ch_ctx_new(&fuzz_db_ctx, fuzz_db_store, FUZZ_DB_USER) == 0);
	fuzz_db_import("plan", "plan.csv", fuzz_db_plan_csv,
	               (const char *const[]){"year", "2023", NULL});
	fuzz_db_import("household", "register.csv", fuzz_db_register_csv,
	               (const char *const[]){"new-places", NULL, NULL});
	fuzz_db_import("event", "week1.csv", fuzz_db_week1_csv, NULL);
	fuzz_db_op("user", "add", (const char *const[]){"name", "fin", "role", "finance", NULL});
	FUZZ_CHECK(ch_ctx_new(&fuzz_db_fin, fuzz_db_store, "fin") == 0);
	fuzz_db_audit_rows = fuzz_db_count_audit();
	ch_error_clear();
}

/* Opens the transaction an input runs in. */
static inline void fuzz_db_begin(void)
{
	FUZZ_CHECK(ch_ctx_begin(fuzz_db_ctx) == 0);
}

/* Rolls it back; the database must be as before. */
static inline void fuzz_db_rollback(void)
{
	ch_ctx_rollback(fuzz_db_ctx);
	ch_error_clear();
	FUZZ_CHECK(fuzz_db_count_audit() == fuzz_db_audit_rows);
}

/* The number of lines of DATA (a last line without its '\n' counts; CR,
 * LF and CRLF all end one), the largest row number a problem may name. */
static inline size_t fuzz_count_lines(const uint8_t *data, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
			n++;
	return n + 1;
}

/* 1 when every record of the CSV file DATA has a line of its own: not so
 * when a bare CR (not before LF, in UTF-8 or UTF-16LE) stands in a file
 * with LF line ends, as the CSV reader ends a record there without
 * counting a line (src/io/csv.c), and two records then share a number. */
static inline int fuzz_lines_distinct(const uint8_t *data, size_t size)
{
	if (!memchr(data, '\n', size))
		return 1;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\r' && !(i + 1 < size && data[i + 1] == '\n') &&
		    !(i + 2 < size && data[i + 1] == 0 && data[i + 2] == '\n'))
			return 0;
	return 1;
}

static inline void fuzz_check_text(const char *s)
{
	FUZZ_CHECK(s != NULL);
	size_t n = strlen(s);
	FUZZ_CHECK(ch_utf8_valid_prefix(s, n, NULL) == n);
}

/* Every problem names a row from 1 to MAX_LINE (0: any) and a reason. */
static inline void fuzz_check_problems(const ch_problems *p, size_t max_line)
{
	for (size_t i = 0; p && i < ch_problems_count(p); i++) {
		const ch_problem *x = ch_problems_get(p, i);
		FUZZ_CHECK(x->line >= 1);
		if (max_line)
			FUZZ_CHECK(x->line <= max_line);
		fuzz_check_text(x->reason);
		FUZZ_CHECK(x->reason[0] != '\0');
		if (x->value)
			fuzz_check_text(x->value);
		if (x->column)
			fuzz_check_text(x->column);
	}
}

/* Records in the CSV file PATH (a header included), each checked as a
 * reader's row, or -1 when it cannot be read. */
static inline long fuzz_count_records(const char *path)
{
	ch_csv *r = NULL;
	ch_csv_row row;
	long n = 0;
	int rc;
	if (ch_csv_open(&r, path) != 0)
		return -1;
	while ((rc = ch_csv_next(r, &row)) == 1) {
		fuzz_check_row(&row);
		n++;
	}
	ch_csv_free(r);
	return rc == 0 ? n : -1;
}

/* With FUZZ_TRACE set in the environment, prints what an input came to:
 * WHAT, the return code and the message. */
static inline void fuzz_trace(const char *what, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void fuzz_trace(const char *what, int rc, const char *fmt, ...)
{
	if (!getenv("FUZZ_TRACE"))
		return;
	va_list ap;
	fprintf(stderr, "%s: rc %d", what, rc);
	if (fmt) {
		fputs(", ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "%s%s\n", rc ? ": " : "", rc ? ch_error_message() : "");
}

/* With FUZZ_TRACE set, prints each problem of P. */
static inline void fuzz_trace_problems(const ch_problems *p)
{
	if (!getenv("FUZZ_TRACE"))
		return;
	for (size_t i = 0; p && i < ch_problems_count(p); i++) {
		const ch_problem *x = ch_problems_get(p, i);
		fprintf(stderr, "  row %zu %s %s「%s」: %s\n", x->line,
		        x->warning ? "warning" : "error", x->column ? x->column : "-",
		        x->value ? x->value : "", x->reason);
	}
}

/* The rejects file REJECTS of an import that rejected REJECTED rows: the
 * header and one row for each. */
static inline void fuzz_check_rejects(const char *rejects, size_t rejected)
{
	long n = fuzz_count_records(rejects);
	if (n != (long)rejected + 1)
		fprintf(stderr, "fuzz: %ld records in the rejects file, %zu rejected\n", n,
		        rejected);
	FUZZ_CHECK(n == (long)rejected + 1);
}

/* The per-day aggregates the dispatch reads still match the steps. */
static inline void fuzz_check_progress(void)
{
	size_t checked = 0;
	int rc = ch_progress_verify(fuzz_db_ctx, &checked);
	if (rc)
		fprintf(stderr, "fuzz: progress: %s\n", ch_error_message());
	FUZZ_CHECK(rc == 0);
}

/* An error return says what went wrong, in valid UTF-8. */
static inline void fuzz_check_error(int rc)
{
	if (rc >= 0)
		return;
	fuzz_check_text(ch_error_message());
	FUZZ_CHECK(ch_error_message()[0] != '\0');
}

#endif
