/*
 * op_household — the household register: `household import`, `household
 * list`, `household search`, `household show`, `household duplicates`,
 * and one household's story: `household history` (every registration,
 * step, inspection, review, order, visit and payment in date order) and
 * `household evidence` (the bytes of an evidence file of its steps or
 * review results).
 *
 * ID and phone numbers and bank accounts arrive from core already masked
 * unless --reveal was given by a role that may see them, in which case core
 * has audited the reveal; nothing here masks or unmasks. Reading the
 * register needs only CH_PERM_READ; --reveal also needs CH_PERM_REVEAL,
 * which core checks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "core/household.h"
#include "core/household_history.h"
#include "core/reflist.h"
#include "core/workflow.h"
#include "io/household_file.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/money.h"

/* ---- import ---- */

static int household_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_hh_file_opts o = {0};
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	o.path = ch_args_str(a, "file");
	o.county = ch_args_str(a, "county");
	o.sheet = ch_args_str(a, "sheet");
	o.skip_invalid = ch_args_flag(a, "skip-invalid");
	o.rejects = ch_args_str(a, "rejects");
	o.ignore_unknown_columns = ch_args_flag(a, "ignore-unknown-columns");
	o.new_places = ch_args_flag(a, "new-places");
	o.today = ch_args_str(a, "today");
	/* a county outside the scope: refused before the file is read */
	int rc = ch_ctx_require_county(ctx, CH_PERM_HOUSEHOLD_WRITE, o.county);
	if (rc)
		return rc;
	rc = ch_household_import_file(ctx, &o, &sum, &imp);
	if (imp) {
		size_t added = sum.townships_added + sum.villages_added;
		ch_result_add_problems(res, ch_hh_import_take_problems(imp));
		if (added && added <= 20)
			ch_result_printf(res, "新增行政区划：\n%s",
			                 sum.added_regions ? sum.added_regions : "");
		if (o.rejects && sum.rejected)
			app_rejects_written(res, o.rejects);
		if (added)
			ch_result_printf(res, "新增乡镇 %zu 个、村 %zu 个%s\n", sum.townships_added,
			                 sum.villages_added,
			                 added > 20 ? "（明细见 cleanheat region list）" : "");
		ch_result_printf(res,
		                 "%s：读入 %zu 行；新增 %zu 户，更新 %zu 户，未变 %zu 户，拒收 %zu "
		                 "行，提示 %zu 条\n",
		                 o.path, sum.rows, sum.inserted, sum.updated, sum.unchanged,
		                 sum.rejected, sum.warnings);
		ch_result_count(res, "rows", (int64_t)sum.rows);
		ch_result_count(res, "inserted", (int64_t)sum.inserted);
		ch_result_count(res, "updated", (int64_t)sum.updated);
		ch_result_count(res, "unchanged", (int64_t)sum.unchanged);
		ch_result_count(res, "rejected", (int64_t)sum.rejected);
		ch_result_count(res, "warnings", (int64_t)sum.warnings);
		ch_result_count(res, "townships_added", (int64_t)sum.townships_added);
		ch_result_count(res, "villages_added", (int64_t)sum.villages_added);
		if (sum.changed_after_review) {
			ch_result_count(res, "changed_after_review",
			                (int64_t)sum.changed_after_review);
			ch_result_printf(
			    res,
			    "其中 %zu 户复核通过后改动了补助依据（改造方式、面积、总投资、"
			    "账号或身份证号），暂停发放，待州级审批（subsidy holds 列出）\n",
			    sum.changed_after_review);
		}
	}
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	return rc;
}

/* ---- the register's columns ---- */

enum {
	C_COUNTY,
	C_TOWNSHIP,
	C_VILLAGE,
	C_HHNO,
	C_HEAD,
	C_ID,
	C_PHONE,
	C_ADDRESS,
	C_AREA,
	C_TECH,
	C_MEASURES,
	C_ESAREA,
	C_YEAR,
	C_BATCH,
	C_CONTRACTOR,
	C_COST,
	C_STATUS,
	/* household show only: the list's columns, then these */
	C_STRUCTURE,
	C_ORIG_HEATING,
	C_BANK,
};
static const struct app_col hh_cols[] = {
    [C_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [C_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [C_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [C_HHNO] = {"hh_no", "户编号", CH_COL_TEXT},
    [C_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [C_ID] = {"id_number", "身份证号", CH_COL_TEXT},
    [C_PHONE] = {"phone", "联系电话", CH_COL_TEXT},
    [C_ADDRESS] = {"address", "地址", CH_COL_TEXT},
    [C_AREA] = {"heated_area", "取暖面积(㎡)", CH_COL_TEXT},
    [C_TECH] = {"technology", "改造方式", CH_COL_TEXT},
    [C_MEASURES] = {"measures", "节能改造措施", CH_COL_TEXT},
    [C_ESAREA] = {"es_area", "节能改造面积(㎡)", CH_COL_TEXT},
    [C_YEAR] = {"plan_year", "年度", CH_COL_INT},
    [C_BATCH] = {"batch", "批次", CH_COL_TEXT},
    [C_CONTRACTOR] = {"contractor", "施工单位", CH_COL_TEXT},
    [C_COST] = {"cost", "总投资(元)", CH_COL_TEXT},
    [C_STATUS] = {"status", "状态", CH_COL_TEXT},
    [C_STRUCTURE] = {"structure", "房屋结构", CH_COL_TEXT},
    [C_ORIG_HEATING] = {"original_heating", "原取暖方式", CH_COL_TEXT},
    [C_BANK] = {"bank_account", "收款账号", CH_COL_TEXT},
};
/* The columns of list and search: all but show's own. */
#define HH_LIST_COLS C_STRUCTURE

/* A register table being filled, with the reference lists that name the
 * stored keys. */
struct hh_out {
	ch_report *r;
	ch_reflist *tech, *measures;
	size_t n;
	int record; /* one household's record (show): its own columns too */
};

/* "外墙保温、门窗改造" for the stored keys "wall+window"; NULL for none. */
static char *measure_names(const ch_reflist *l, const char *keys)
{
	ch_buf b;
	if (!keys)
		return NULL;
	ch_buf_init(&b);
	char *copy = ch_strdup(keys), *save = NULL;
	for (char *k = strtok_r(copy, "+", &save); k; k = strtok_r(NULL, "+", &save))
		ch_buf_printf(&b, "%s%s", b.len ? "、" : "", ch_reflist_name(l, k));
	free(copy);
	return ch_buf_detach(&b);
}

static int add_hh_row(const ch_household *h, void *arg)
{
	struct hh_out *o = arg;
	ch_report *r = o->r;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, C_COUNTY, h->county);
	ch_report_set_text(r, C_TOWNSHIP, h->township);
	ch_report_set_text(r, C_VILLAGE, h->village);
	ch_report_set_text(r, C_HHNO, h->hh_no);
	ch_report_set_text(r, C_HEAD, h->head_name);
	ch_report_set_text(r, C_ID, h->id_number);
	ch_report_set_text(r, C_PHONE, h->phone);
	ch_report_set_text(r, C_ADDRESS, h->address);
	app_set_centi(r, C_AREA, h->heated_area_centi);
	ch_report_set_text(r, C_TECH, ch_reflist_name(o->tech, h->technology));
	char *m = measure_names(o->measures, h->measures);
	ch_report_set_text(r, C_MEASURES, m);
	free(m);
	app_set_centi(r, C_ESAREA, h->es_area_centi);
	ch_report_set_int(r, C_YEAR, h->plan_year);
	ch_report_set_text(r, C_BATCH, strcmp(h->batch, "continuing") == 0 ? "续建" : "新建");
	ch_report_set_text(r, C_CONTRACTOR, h->contractor);
	app_set_centi(r, C_COST, h->cost_fen);
	int stage = ch_stage_parse(h->status);
	ch_report_set_text(r, C_STATUS, stage >= 0 ? ch_stage_name(stage) : h->status);
	if (o->record) {
		ch_report_set_text(r, C_STRUCTURE, h->structure);
		ch_report_set_text(r, C_ORIG_HEATING, h->original_heating);
		ch_report_set_text(r, C_BANK, h->bank_account);
	}
	o->n++;
	return 0;
}

/* Starts a register table titled TITLE: the list's columns, or with RECORD
 * one household's record with show's own columns too. */
static int hh_out_init(struct hh_out *o, ch_ctx *ctx, const char *title, int record)
{
	int rc;
	memset(o, 0, sizeof *o);
	if ((rc = ch_reflist_load(ctx, "technology", &o->tech)) != 0 ||
	    (rc = ch_reflist_load(ctx, "measure", &o->measures)) != 0)
		return rc;
	o->record = record;
	o->r = record ? APP_REPORT(title, hh_cols) : app_report(title, hh_cols, HH_LIST_COLS);
	return 0;
}

/* Hands the table to RES when RC is 0 (a failed query shows no table), and
 * releases the rest. Returns RC. */
static int hh_out_finish(struct hh_out *o, ch_result *res, int rc)
{
	if (rc == 0)
		ch_result_add_table(res, o->r);
	else
		ch_report_free(o->r);
	ch_reflist_free(o->tech);
	ch_reflist_free(o->measures);
	return rc;
}

/* ---- list, search, show ---- */

/* list and search: SEARCH takes the text to look for. */
static int list_or_search(ch_ctx *ctx, const ch_args *a, ch_result *res, int search)
{
	ch_hh_filter f = {0};
	struct hh_out o;
	f.county = ch_args_str(a, "county");
	f.township = ch_args_str(a, "township");
	f.village = ch_args_str(a, "village");
	f.technology = ch_args_str(a, "technology");
	f.batch = ch_args_str(a, "batch");
	f.status = ch_args_str(a, "status");
	f.plan_year = (int)ch_args_int(a, "year", 0);
	f.limit = ch_args_int(a, "limit", 0);
	f.offset = ch_args_int(a, "offset", 0);
	f.after = ch_args_str(a, "after");
	f.reveal = ch_args_flag(a, "reveal");
	f.text = search ? ch_args_str(a, "text") : NULL;
	int rc = hh_out_init(&o, ctx, search ? "农户查询结果" : "农户档案", 0);
	if (rc == 0)
		rc = ch_household_each(ctx, &f, add_hh_row, &o);
	if ((rc = hh_out_finish(&o, res, rc)) == 0) {
		ch_result_count(res, "households", (int64_t)o.n);
		ch_result_printf(res, "共 %zu 户\n", o.n);
	}
	return rc;
}

static int household_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return list_or_search(ctx, a, res, 0);
}

static int household_search(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return list_or_search(ctx, a, res, 1);
}

static int household_show(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_household h;
	struct hh_out o;
	int rc = ch_household_get(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                          ch_args_flag(a, "reveal"), &h);
	if (rc == 0) {
		if ((rc = hh_out_init(&o, ctx, "农户档案", 1)) == 0) {
			add_hh_row(&h, &o);
			ch_report_set_record(o.r);
		}
		rc = hh_out_finish(&o, res, rc);
	}
	ch_household_dispose(&h);
	return rc;
}

/* ---- history ---- */

enum { T_DAY, T_KIND, T_WHAT, T_DETAIL, T_ACTOR, T_EVIDENCE };
static const struct app_col hist_cols[] = {
    [T_DAY] = {"day", "日期", CH_COL_TEXT},       [T_KIND] = {"category", "类别", CH_COL_TEXT},
    [T_WHAT] = {"what", "事项", CH_COL_TEXT},     [T_DETAIL] = {"detail", "详情", CH_COL_TEXT},
    [T_ACTOR] = {"actor", "经办人", CH_COL_TEXT}, [T_EVIDENCE] = {"evidence", "证据", CH_COL_TEXT},
};

/* Whole bytes with thousands separators ("12,345") into OUT. */
static const char *bytes_text(int64_t n, char *out, size_t outsz)
{
	ch_money_format(n * 100, out, outsz);
	out[strlen(out) - 3] = '\0'; /* no decimals */
	return out;
}

/* The history as a document (with each evidence file's full hash, by which
 * `household evidence` fetches it), gathered first: the table's title names
 * the household, which core tells at the end. */
static int add_hist_item(const ch_hist_item *it, void *arg)
{
	json_t *files = json_array();
	for (size_t i = 0; i < it->nevidence; i++) {
		const ch_hist_evidence *e = &it->evidence[i];
		json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "hash", e->hash, "name",
		                                       e->name, "size", (json_int_t)e->size));
	}
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "day", it->day,
	                                     "category", ch_hist_kind_label(it->kind), "what",
	                                     it->what, "detail", it->detail, "actor", it->actor,
	                                     "superseded", it->superseded, "evidence", files));
	return 0;
}

/* The document's items as a table for people; *NEVIDENCE counts the files. */
static ch_report *history_table(const char *title, json_t *items, size_t *nevidence)
{
	ch_report *r = APP_REPORT(title, hist_cols);
	size_t i, k;
	json_t *x, *e;
	*nevidence = 0;
	json_array_foreach(items, i, x)
	{
		ch_buf ev;
		ch_buf_init(&ev);
		json_array_foreach(json_object_get(x, "evidence"), k, e)
		{
			char size[32];
			ch_buf_printf(&ev, "%s%s（%.16s，%s 字节）", k ? "；" : "",
			              json_string_value(json_object_get(e, "name")),
			              json_string_value(json_object_get(e, "hash")),
			              bytes_text(json_integer_value(json_object_get(e, "size")),
			                         size, sizeof size));
			(*nevidence)++;
		}
		ch_report_add_row(r, 0);
		ch_report_set_text(r, T_DAY, json_string_value(json_object_get(x, "day")));
		ch_report_set_text(r, T_KIND, json_string_value(json_object_get(x, "category")));
		ch_report_set_text(r, T_WHAT, json_string_value(json_object_get(x, "what")));
		ch_report_set_text(r, T_DETAIL, json_string_value(json_object_get(x, "detail")));
		ch_report_set_text(r, T_ACTOR, json_string_value(json_object_get(x, "actor")));
		ch_report_set_text(r, T_EVIDENCE, ev.len ? ev.ptr : NULL);
		ch_buf_dispose(&ev);
	}
	return r;
}

static int household_history(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	json_t *items = json_array();
	char *which = NULL, title[200];
	size_t nev;
	int rc = ch_household_history(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                              add_hist_item, items, &which);
	if (rc) {
		json_decref(items);
		free(which);
		return rc;
	}
	snprintf(title, sizeof title, "%s 的履历", which);
	ch_result_add_table(res, history_table(title, items, &nev));
	ch_result_count(res, "items", (int64_t)json_array_size(items));
	ch_result_count(res, "evidence", (int64_t)nev);
	ch_result_printf(res, "%s：共 %zu 项记录，证明材料 %zu 份\n", which, json_array_size(items),
	                 nev);
	ch_result_set_data(res, json_pack("{s:s, s:o}", "household", which, "items", items));
	free(which);
	return 0;
}

static int household_evidence(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_evidence_file f;
	const char *out = ch_args_str(a, "output");
	int rc = ch_household_evidence(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                               ch_args_str(a, "hash"), &f);
	if (rc == 0 && (rc = ch_file_write(out, f.data, f.len)) != 0) {
		char *why = ch_strdup(ch_error_message());
		rc = ch_error_set_field(rc, "output", "%s", why);
		free(why);
	}
	if (rc == 0) {
		char size[32];
		bytes_text((int64_t)f.len, size, sizeof size);
		ch_result_add_file_as(res, "output", out, f.media_type);
		ch_result_count(res, "bytes", (int64_t)f.len);
		ch_result_set_data(res, json_pack("{s:s, s:s, s:s, s:I}", "hash", f.hash, "name",
		                                  f.name, "media_type", f.media_type, "size",
		                                  (json_int_t)f.len));
		ch_result_printf(res, "证明材料 %s（%s 字节）已写入 %s\n", f.name, size, out);
	}
	ch_evidence_file_dispose(&f);
	return rc;
}

/* ---- duplicates ---- */

enum { D_KIND, D_VALUE, D_COUNTY, D_VILLAGE, D_HHNO, D_HEAD, D_STATUS };
static const struct app_col dup_cols[] = {
    [D_KIND] = {"kind", "重复项", CH_COL_TEXT},
    [D_VALUE] = {"value", "重复值", CH_COL_TEXT},
    [D_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [D_VILLAGE] = {"village", "村(乡镇)", CH_COL_TEXT},
    [D_HHNO] = {"hh_no", "户编号", CH_COL_TEXT},
    [D_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [D_STATUS] = {"status", "状态", CH_COL_TEXT},
};

struct dup_out {
	ch_report *r;
	size_t groups;
};

static int add_dup(const ch_hh_dup *d, void *arg)
{
	struct dup_out *o = arg;
	const char *kind = strcmp(d->kind, "id_number") == 0 ? "身份证号"
	                   : strcmp(d->kind, "phone") == 0   ? "联系电话"
	                                                     : "地址";
	for (size_t i = 0; i < d->n; i++) {
		const ch_household *h = &d->members[i];
		ch_report_add_row(o->r, 0);
		ch_report_set_text(o->r, D_KIND, kind);
		ch_report_set_text(o->r, D_VALUE, d->value);
		ch_report_set_text(o->r, D_COUNTY, h->county);
		ch_report_set_text(o->r, D_VILLAGE, h->village ? h->village : h->township);
		ch_report_set_text(o->r, D_HHNO, h->hh_no);
		ch_report_set_text(o->r, D_HEAD, h->head_name);
		ch_report_set_text(o->r, D_STATUS,
		                   strcmp(h->status, "withdrawn") == 0 ? "已退出" : "在册");
	}
	o->groups++;
	return 0;
}

static int household_duplicates(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	struct dup_out o = {APP_REPORT("重复信息核查", dup_cols), 0};
	(void)a;
	int rc = ch_household_duplicates(ctx, 0, add_dup, &o);
	if (rc) {
		ch_report_free(o.r);
		return rc;
	}
	ch_result_add_table(res, o.r);
	ch_result_count(res, "groups", (int64_t)o.groups);
	ch_result_printf(res, "共 %zu 组\n", o.groups);
	return 0;
}

/* ---- the rows ---- */

static const struct ch_param import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "县市农户台账（UTF-8 或 GB18030 编码的 CSV，或 XLSX）"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0,
     "所有行都属于该县市（名称或代码），用于没有“县市”列的台账"},
    APP_P_SHEET,
    {"skip-invalid", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "即使有行被拒收，也保存无误的行"},
    {"rejects", CH_PT_OUTFILE, 0, "OUT", NULL, 0, 0,
     "把拒收的行连同“错误原因”写入 OUT（.csv 或 .xlsx）"},
    {"ignore-unknown-columns", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "不认识的表头只作提示，不拒收文件"},
    {"new-places", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "新增尚未登记的乡镇和村（不加时，县市已知地名以外的名称报错，并列出最接近的）"},
    {"today", CH_PT_DATE, 0, "D", NULL, 0, 0, "测试用：以该日代替今天核验出生日期"},
    {0},
};

#define P_REVEAL                                                                                                    \
	{                                                                                                           \
		"reveal", CH_PT_FLAG, 0, NULL, NULL, 0, 0,                                                          \
		    "完整显示身份证号、电话和银行账号（限有权查看的角色；记入审计）" \
	}

/* search's text, then the filters: list takes the filters alone. */
static const struct ch_param search_params[] = {
    {"text", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "TEXT", NULL, 0, 0,
     "姓名、户编号、身份证号、电话或地址的一部分"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "只看该县市（名称或代码）"},
    {"township", CH_PT_STRING, 0, "T", NULL, 0, 0, "只看该乡镇"},
    {"village", CH_PT_STRING, 0, "V", NULL, 0, 0, "只看该村"},
    {"technology", CH_PT_STRING, 0, "K", NULL, 0, 0, "只看该改造方式（按台账的写法）"},
    {"batch", CH_PT_ENUM, 0, "新建|续建", "新建|续建|new|continuing", 0, 0, "只看新建或续建农户"},
    {"status", CH_PT_STRING, 0, "STAGE", NULL, 0, 0,
     "只看处于该环节的农户（已登记、已开工、已完工、已调试、自验合格……已退出）"},
    APP_P_YEAR(0, "只看该计划年度的农户"),
    {"limit", CH_PT_INT, 0, "N", NULL, 1, 100000000, "最多 N 户"},
    {"offset", CH_PT_INT, 0, "N", NULL, 0, 100000000, "跳过前 N 户（配合 --limit 分页）"},
    {"after", CH_PT_STRING, 0, "县市/户编号", NULL, 0, 0,
     "只看列表中排在该户之后的农户（上一页的最后一户，翻页用）"},
    P_REVEAL,
    {0},
};
static const struct ch_param show_params[] = {
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "户编号（配合 --county）或身份证号"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "户编号所在县市（名称或代码）"},
    P_REVEAL,
    {0},
};

static const struct ch_param history_params[] = {
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "户编号（配合 --county）或身份证号"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "户编号所在县市（名称或代码）"},
    {0},
};
static const struct ch_param evidence_params[] = {
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "户编号（配合 --county）或身份证号"},
    {"hash", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HASH", NULL, 0, 0,
     "履历中显示的文件指纹（至少前 8 位）"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "户编号所在县市（名称或代码）"},
    {"output", CH_PT_OUTFILE, CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "写到哪个文件（照片或扫描件，与保存时一致）"},
    {0},
};

const struct ch_op ch_ops_household[] = {
    {"household", "import", "导入县市农户台账（CSV 或 XLSX）；逐行核验，默认全部无误才保存",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TABLE_JSON, import_params, household_import},
    /* revealing in bulk needs a fresh second factor over HTTP (CH_OP_REAUTH) */
    {"household", "list", "列出农户台账（身份证号和电话脱敏显示，除非 --reveal）", CH_PERM_READ,
     CH_OP_REAUTH, CH_RF_ALL, search_params + 1 /* the filters */, household_list},
    {"household", "search", "按姓名、户编号、身份证号、电话或地址查找农户", CH_PERM_READ,
     CH_OP_REAUTH, CH_RF_ALL, search_params, household_search},
    {"household", "show", "一户的登记信息，含房屋结构和收款账号（脱敏显示，除非 --reveal）",
     CH_PERM_READ, 0, CH_RF_ALL, show_params, household_show},
    {"household", "duplicates", "身份证号、电话或地址相同的农户", CH_PERM_READ, 0, CH_RF_ALL, NULL,
     household_duplicates},
    {"household", "history",
     "一户的履历，按日期排列：登记、各环节及证明材料、自验、复核、整改、回访和补助", CH_PERM_READ,
     0, CH_RF_ALL, history_params, household_history},
    {"household", "evidence", "把一户某环节或复核的证明材料（照片或扫描件）写到 -o FILE",
     CH_PERM_READ, 0, CH_RF_TEXT, evidence_params, household_evidence},
    {0},
};
