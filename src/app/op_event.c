/*
 * op_event — construction progress: `event record` (one step for one
 * household), `event import` (a county's weekly batch), `event correct`
 * (the date of a recorded step), `event evidence-reuse` (one evidence file
 * attached for several households).
 *
 * Recording and correcting write steps, so they need the register's write
 * permission; core checks it again, with the roles the workflow table allows
 * for each step and the actor's region scope.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "core/event.h"
#include "io/event_file.h"
#include "util/error.h"

static int event_record(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *hh = ch_args_str(a, "household"), *stage = ch_args_str(a, "stage");
	const char *date = ch_args_str(a, "date");
	ch_event_opts eo = {.today = ch_args_str(a, "today")};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	ch_evidence *ev = NULL;
	size_t nev = 0;
	int rc = app_read_evidence(a, "evidence", &ev, &nev);
	if (rc == 0 && (rc = ch_event_begin(ctx, &eo, &b)) == 0) {
		ch_event_in in = {.line = 1,
		                  .county = ch_args_str(a, "county"),
		                  .household = hh,
		                  .stage = stage,
		                  .day = date,
		                  .note = ch_args_str(a, "note"),
		                  .evidence = ev,
		                  .nevidence = nev};
		if ((rc = ch_event_add(b, &in)) == 0) {
			rc = ch_event_finish(b, &sum);
			const ch_problems *p = ch_event_problems(b);
			if (rc != 0 && ch_problems_nrejected(p)) {
				/* one step: its problem is the error message; a refusal
				 * is the last one found (nothing is checked after it) */
				const ch_problem *x = ch_problems_get(
				    p, rc == CH_EDENIED ? ch_problems_count(p) - 1 : 0);
				ch_error_set(rc, "%s%s%s", x->column ? x->column : "",
				             x->column ? "：" : "", x->reason);
			} else if (rc == 0) {
				ch_result_printf(res, "已记录：%s %s %s\n", hh, stage, date);
				/* warnings (money of a withdrawn household): shown, not refused */
				for (size_t i = 0; i < ch_problems_count(p); i++)
					ch_result_printf(res, "（提示）%s\n",
					                 ch_problems_get(p, i)->reason);
			}
		}
	}
	ch_event_free(b);
	app_free_evidence(ev, nev);
	return rc;
}

static int event_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_event_file_opts o = {.path = ch_args_str(a, "file"),
	                        .sheet = ch_args_str(a, "sheet"),
	                        .county = ch_args_str(a, "county"),
	                        .rejects = ch_args_str(a, "rejects"),
	                        .skip_invalid = ch_args_flag(a, "skip-invalid"),
	                        .today = ch_args_str(a, "today")};
	ch_event_summary sum;
	ch_event_batch *b = NULL;
	/* a county outside the scope: refused before the file is read */
	int rc = ch_ctx_require_county(ctx, CH_PERM_HOUSEHOLD_WRITE, o.county);
	if (rc)
		return rc;
	rc = ch_event_import_file(ctx, &o, &sum, &b);
	if (b) {
		ch_result_add_problems(res, ch_event_take_problems(b));
		ch_result_count(res, "rows", (int64_t)sum.rows);
		ch_result_count(res, "stored", (int64_t)sum.stored);
		ch_result_count(res, "rejected", (int64_t)sum.rejected);
		if (o.rejects && sum.rejected)
			app_rejects_written(res, o.rejects);
		ch_result_printf(res, "%s：读入 %zu 行；记录 %zu 条，拒收 %zu 行\n", o.path,
		                 sum.rows, sum.stored, sum.rejected);
	}
	ch_event_free(b);
	return rc;
}

static int event_correct(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *hh = ch_args_str(a, "household"), *stage = ch_args_str(a, "stage");
	const char *date = ch_args_str(a, "date");
	int rc = ch_event_correct(ctx, ch_args_str(a, "county"), hh, stage, date,
	                          ch_args_str(a, "note"), ch_args_str(a, "today"));
	if (rc == 0)
		ch_result_printf(res, "已更正：%s「%s」日期改为 %s\n", hh, stage, date);
	return rc;
}

enum { R_HASH, R_NAME, R_N, R_WHICH };
static const struct app_col reuse_cols[] = {
    [R_HASH] = {"hash", "文件指纹", CH_COL_TEXT},
    [R_NAME] = {"name", "文件名", CH_COL_TEXT},
    [R_N] = {"households", "户数", CH_COL_INT},
    [R_WHICH] = {"which", "涉及农户", CH_COL_TEXT},
};

static int add_reuse(const ch_evidence_reuse *x, void *arg)
{
	ch_report *r = arg;
	char shorthash[20];
	snprintf(shorthash, sizeof shorthash, "%.16s", x->hash);
	ch_report_add_row(r, 0);
	ch_report_set_text(r, R_HASH, shorthash);
	ch_report_set_text(r, R_NAME, x->name);
	ch_report_set_int(r, R_N, (int64_t)x->nhouseholds);
	ch_report_set_text(r, R_WHICH, x->households);
	return 0;
}

static int event_evidence_reuse(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	(void)a;
	ch_report *r = APP_REPORT("同一证明材料用于多户", reuse_cols);
	ch_result_add_table(res, r);
	return ch_event_evidence_reuse(ctx, add_reuse, r);
}

#define P_HOUSEHOLD                                                                                \
	{                                                                                          \
		"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL,   \
		    0, 0, "户编号（配合 --county）或身份证号"                          \
	}
#define P_STAGE(help)                                                                              \
	{                                                                                          \
		"stage", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "STAGE", NULL, 0, 0,     \
		    help                                                                           \
	}

/* The date is checked by core, whose refusal names the step (exit 1). */
static const struct ch_param record_params[] = {
    P_HOUSEHOLD,
    P_STAGE("环节：已开工、已完工、已调试、自验合格、已申请复核、已退出等"),
    {"date", CH_PT_STRING, CH_PF_REQUIRED, "D", NULL, 0, 0, "该环节的日期（YYYY-MM-DD）"},
    APP_P_COUNTY(0, "农户所在县市（名称或代码）"),
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "备注；已退出时写退出原因"},
    {"evidence", CH_PT_FILE, CH_PF_REPEAT, "FILE", NULL, 0, 0,
     "证明该环节的照片或扫描件（自验合格必需；最多 16 份）"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "进度批次：CSV 或 XLSX，列为县市、户编号、环节、日期、备注"},
    APP_P_COUNTY(0, "所有行的县市（用于没有“县市”列的文件）"),
    APP_P_SHEET,
    {"skip-invalid", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "保存无误的行，拒收其余（默认全部无误才保存）"},
    {"rejects", CH_PT_OUTFILE, 0, "OUT", NULL, 0, 0,
     "把拒收的行加“错误原因”列写入 OUT（.csv 或 .xlsx）"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param correct_params[] = {
    P_HOUSEHOLD,
    P_STAGE("要更正日期的已录环节"),
    {"date", CH_PT_STRING, CH_PF_REQUIRED, "D", NULL, 0, 0, "正确日期（YYYY-MM-DD）"},
    APP_P_COUNTY(0, "农户所在县市（名称或代码）"),
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "更正原因"},
    APP_P_TODAY,
    {0},
};

const struct ch_op ch_ops_event[] = {
    {"event", "record",
     "为一户录入一个环节（已开工、已完工、已调试、已退出等），按户编号（配合 --county）或身份证号",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT, record_params, event_record},
    {"event", "import", "导入县市的每周进度批次（列为县市、户编号、环节、日期、备注）",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT, import_params, event_import},
    {"event", "correct", "更正已录环节的日期（原记录保留，标为已更正）", CH_PERM_HOUSEHOLD_WRITE,
     CH_OP_WRITES, CH_RF_TEXT, correct_params, event_correct},
    {"event", "evidence-reuse", "被多户重复使用的证明材料", CH_PERM_READ, 0, CH_RF_ALL, NULL,
     event_evidence_reuse},
    {0},
};
