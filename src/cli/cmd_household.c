/*
 * cmd_household — `cleanheat household import|list|search|show|duplicates`.
 *
 * ID numbers and phone numbers are masked in every output unless --reveal is
 * given by a role allowed to see them; a reveal is itself audited.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/workflow.h"
#include "io/household_file.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

int cmd_household_import(struct cli *cli, int argc, char **argv)
{
	enum { O_COUNTY = 1, O_SHEET, O_SKIP, O_REJECTS, O_IGNORE, O_TODAY };
	static const struct option opts[] = {{"county", required_argument, 0, O_COUNTY},
	                                     {"sheet", required_argument, 0, O_SHEET},
	                                     {"skip-invalid", no_argument, 0, O_SKIP},
	                                     {"rejects", required_argument, 0, O_REJECTS},
	                                     {"ignore-unknown-columns", no_argument, 0, O_IGNORE},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	ch_hh_file_opts o = {0};
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case O_COUNTY:
			o.county = optarg;
			break;
		case O_SHEET:
			o.sheet = optarg;
			break;
		case O_SKIP:
			o.skip_invalid = 1;
			break;
		case O_REJECTS:
			o.rejects = optarg;
			break;
		case O_IGNORE:
			o.ignore_unknown_columns = 1;
			break;
		case O_TODAY:
			o.today = optarg;
			break;
		default:
			if ((rc = cli_common_option(cli, opt, optarg)) != 0)
				return rc;
		}
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "household import takes one FILE");
	if (cli->format != CH_FMT_TABLE && cli->format != CH_FMT_JSON)
		return cli_usage(cli, "household import prints --format table or json");
	o.path = argv[optind];
	rc = ch_household_import_file(cli->ctx, &o, &sum, &imp);
	if (imp)
		cli_print_problems(ch_hh_import_problems(imp), cli->format);
	if (imp && cli->format == CH_FMT_TABLE) {
		size_t added = sum.townships_added + sum.villages_added;
		if (added && added <= 20)
			printf("新增行政区划：\n%s", sum.added_regions ? sum.added_regions : "");
		if (o.rejects && sum.rejected)
			printf("拒收的行已写入 %s（含“错误原因”列），改正后可重新导入\n",
			       o.rejects);
		if (added)
			printf("新增乡镇 %zu 个、村 %zu 个%s\n", sum.townships_added,
			       sum.villages_added,
			       added > 20 ? "（明细见 cleanheat region list）" : "");
		printf("%s：读入 %zu 行；新增 %zu 户，更新 %zu 户，未变 %zu 户，拒收 %zu 行，提示 "
		       "%zu 条\n",
		       o.path, sum.rows, sum.inserted, sum.updated, sum.unchanged, sum.rejected,
		       sum.warnings);
	}
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	return rc;
}

/* ---- listing ---- */

struct hh_out {
	struct cli *cli;
	ch_report *r;
	ch_reflist *tech, *measures;
	int reveal;
	int c[20];
	size_t n;
};

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
	C_NCOLS
};

/* The register's columns: key, heading, kind. */
static const struct {
	const char *key, *label;
	enum ch_col_kind kind;
} hh_cols[C_NCOLS] = {
    {"county", "县市", CH_COL_TEXT},
    {"township", "乡镇", CH_COL_TEXT},
    {"village", "村", CH_COL_TEXT},
    {"hh_no", "户编号", CH_COL_TEXT},
    {"head_name", "户主姓名", CH_COL_TEXT},
    {"id_number", "身份证号", CH_COL_TEXT},
    {"phone", "联系电话", CH_COL_TEXT},
    {"address", "地址", CH_COL_TEXT},
    {"heated_area", "取暖面积(㎡)", CH_COL_TEXT},
    {"technology", "改造方式", CH_COL_TEXT},
    {"measures", "节能改造措施", CH_COL_TEXT},
    {"es_area", "节能改造面积(㎡)", CH_COL_TEXT},
    {"plan_year", "年度", CH_COL_INT},
    {"batch", "批次", CH_COL_TEXT},
    {"contractor", "施工单位", CH_COL_TEXT},
    {"cost", "总投资(元)", CH_COL_TEXT},
    {"status", "状态", CH_COL_TEXT},
};

static void set_centi(ch_report *r, int col, int64_t v)
{
	char buf[32];
	if (v < 0)
		return;
	if (v % 100)
		snprintf(buf, sizeof buf, "%" PRId64 ".%02d", v / 100, (int)(v % 100));
	else
		snprintf(buf, sizeof buf, "%" PRId64, v / 100);
	ch_report_set_text(r, col, buf);
}

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
	char masked[64];
	ch_report_add_row(r, 0);
	ch_report_set_text(r, o->c[C_COUNTY], h->county);
	ch_report_set_text(r, o->c[C_TOWNSHIP], h->township);
	ch_report_set_text(r, o->c[C_VILLAGE], h->village);
	ch_report_set_text(r, o->c[C_HHNO], h->hh_no);
	ch_report_set_text(r, o->c[C_HEAD], h->head_name);
	if (o->reveal) {
		ch_report_set_text(r, o->c[C_ID], h->id_number);
		ch_report_set_text(r, o->c[C_PHONE], h->phone);
	} else {
		ch_idcard_mask(h->id_number, masked, sizeof masked);
		ch_report_set_text(r, o->c[C_ID], masked);
		if (h->phone) {
			ch_phone_mask(h->phone, masked, sizeof masked);
			ch_report_set_text(r, o->c[C_PHONE], masked);
		}
	}
	ch_report_set_text(r, o->c[C_ADDRESS], h->address);
	set_centi(r, o->c[C_AREA], h->heated_area_centi);
	ch_report_set_text(r, o->c[C_TECH], ch_reflist_name(o->tech, h->technology));
	char *m = measure_names(o->measures, h->measures);
	ch_report_set_text(r, o->c[C_MEASURES], m);
	free(m);
	set_centi(r, o->c[C_ESAREA], h->es_area_centi);
	ch_report_set_int(r, o->c[C_YEAR], h->plan_year);
	ch_report_set_text(r, o->c[C_BATCH], strcmp(h->batch, "continuing") == 0 ? "续建" : "新建");
	ch_report_set_text(r, o->c[C_CONTRACTOR], h->contractor);
	set_centi(r, o->c[C_COST], h->cost_fen);
	int stage = ch_stage_parse(h->status);
	ch_report_set_text(r, o->c[C_STATUS], stage >= 0 ? ch_stage_name(stage) : h->status);
	o->n++;
	return 0;
}

static int hh_out_init(struct hh_out *o, struct cli *cli, const char *title, int reveal)
{
	int rc;
	memset(o, 0, sizeof *o);
	o->cli = cli;
	o->reveal = reveal;
	if ((rc = ch_reflist_load(cli->ctx, "technology", &o->tech)) != 0 ||
	    (rc = ch_reflist_load(cli->ctx, "measure", &o->measures)) != 0)
		return rc;
	o->r = ch_report_new(title);
	for (int i = 0; i < C_NCOLS; i++)
		o->c[i] =
		    ch_report_add_col(o->r, hh_cols[i].key, hh_cols[i].label, hh_cols[i].kind);
	return 0;
}

static void hh_out_dispose(struct hh_out *o)
{
	ch_report_free(o->r);
	ch_reflist_free(o->tech);
	ch_reflist_free(o->measures);
}

/* Shared by list and search: SEARCH takes the text to look for. */
static int list_or_search(struct cli *cli, int argc, char **argv, int search)
{
	enum { O_COUNTY = 1, O_TOWNSHIP, O_VILLAGE, O_TECH, O_BATCH, O_YEAR, O_LIMIT, O_REVEAL };
	static const struct option opts[] = {{"county", required_argument, 0, O_COUNTY},
	                                     {"township", required_argument, 0, O_TOWNSHIP},
	                                     {"village", required_argument, 0, O_VILLAGE},
	                                     {"technology", required_argument, 0, O_TECH},
	                                     {"batch", required_argument, 0, O_BATCH},
	                                     {"year", required_argument, 0, O_YEAR},
	                                     {"limit", required_argument, 0, O_LIMIT},
	                                     {"reveal", no_argument, 0, O_REVEAL},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	ch_hh_filter f = {0};
	struct hh_out o;
	long year = 0, limit = 0;
	int opt, rc = 0, reveal = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case O_COUNTY:
			f.county = optarg;
			break;
		case O_TOWNSHIP:
			f.township = optarg;
			break;
		case O_VILLAGE:
			f.village = optarg;
			break;
		case O_TECH:
			f.technology = optarg;
			break;
		case O_BATCH:
			f.batch = optarg;
			break;
		case O_YEAR:
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
			break;
		case O_LIMIT:
			rc = cli_parse_int(cli, "--limit", optarg, 1, 100000000, &limit);
			break;
		case O_REVEAL:
			reveal = 1;
			break;
		default:
			rc = cli_common_option(cli, opt, optarg);
		}
		if (rc)
			return rc;
	}
	if (optind + (search ? 1 : 0) != argc)
		return cli_usage(cli, search ? "household search takes one TEXT"
		                             : "household list takes no arguments");
	if (search)
		f.text = argv[optind];
	f.plan_year = (int)year;
	f.limit = limit;
	if (reveal && (rc = ch_household_reveal(cli->ctx, search ? f.text : "list")) != 0)
		return rc;
	if ((rc = hh_out_init(&o, cli, search ? "农户查询结果" : "农户档案", reveal)) == 0)
		rc = ch_household_each(cli->ctx, &f, add_hh_row, &o);
	if (rc == 0) {
		char note[64];
		snprintf(note, sizeof note, "共 %zu 户", o.n);
		if (cli->format == CH_FMT_TABLE)
			ch_report_add_note(o.r, note);
		rc = cli_write_report(cli, o.r);
	}
	hh_out_dispose(&o);
	return rc;
}

int cmd_household_list(struct cli *cli, int argc, char **argv)
{
	return list_or_search(cli, argc, argv, 0);
}

int cmd_household_search(struct cli *cli, int argc, char **argv)
{
	return list_or_search(cli, argc, argv, 1);
}

int cmd_household_show(struct cli *cli, int argc, char **argv)
{
	enum { O_COUNTY = 1, O_REVEAL };
	static const struct option opts[] = {{"county", required_argument, 0, O_COUNTY},
	                                     {"reveal", no_argument, 0, O_REVEAL},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	const char *county = NULL;
	ch_household h;
	struct hh_out o;
	int opt, rc = 0, reveal = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_COUNTY)
			county = optarg;
		else if (opt == O_REVEAL)
			reveal = 1;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (optind + 1 != argc)
		return cli_usage(cli,
		                 "household show takes one 户编号 (with --county) or ID number");
	if (reveal && (rc = ch_household_reveal(cli->ctx, argv[optind])) != 0)
		return rc;
	if ((rc = ch_household_get(cli->ctx, county, argv[optind], &h)) != 0)
		return rc;
	if ((rc = hh_out_init(&o, cli, "农户档案", reveal)) == 0) {
		add_hh_row(&h, &o);
		if (cli->format == CH_FMT_TABLE) {
			/* one household reads better as field: value lines */
			ch_report *kv = ch_report_new("农户档案");
			int ck = ch_report_add_col(kv, "field", "项目", CH_COL_TEXT);
			int cv = ch_report_add_col(kv, "value", "内容", CH_COL_TEXT);
			for (int i = 0; i < C_NCOLS; i++) {
				ch_report_add_row(kv, 0);
				ch_report_set_text(kv, ck, hh_cols[i].label);
				ch_report_set_text(kv, cv, ch_report_cell(o.r, 0, o.c[i]));
			}
			rc = cli_write_report(cli, kv);
			ch_report_free(kv);
		} else {
			rc = cli_write_report(cli, o.r);
		}
	}
	hh_out_dispose(&o);
	ch_household_dispose(&h);
	return rc;
}

/* ---- duplicates ---- */

struct dup_out {
	ch_report *r;
	int c_kind, c_value, c_county, c_hhno, c_head, c_village, c_status;
	size_t groups;
};

static int add_dup(const ch_hh_dup *d, void *arg)
{
	struct dup_out *o = arg;
	char masked[64];
	const char *kind = strcmp(d->kind, "id_number") == 0 ? "身份证号"
	                   : strcmp(d->kind, "phone") == 0   ? "联系电话"
	                                                     : "地址";
	if (strcmp(d->kind, "id_number") == 0)
		ch_idcard_mask(d->value, masked, sizeof masked);
	else if (strcmp(d->kind, "phone") == 0)
		ch_phone_mask(d->value, masked, sizeof masked);
	else
		snprintf(masked, sizeof masked, "%s", d->value);
	for (size_t i = 0; i < d->n; i++) {
		const ch_household *h = &d->members[i];
		ch_report_add_row(o->r, 0);
		ch_report_set_text(o->r, o->c_kind, kind);
		ch_report_set_text(o->r, o->c_value, masked);
		ch_report_set_text(o->r, o->c_county, h->county);
		ch_report_set_text(o->r, o->c_village, h->village ? h->village : h->township);
		ch_report_set_text(o->r, o->c_hhno, h->hh_no);
		ch_report_set_text(o->r, o->c_head, h->head_name);
		ch_report_set_text(o->r, o->c_status,
		                   strcmp(h->status, "withdrawn") == 0 ? "已退出" : "在册");
	}
	o->groups++;
	return 0;
}

int cmd_household_duplicates(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct dup_out o = {0};
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	if (optind != argc)
		return cli_usage(cli, "household duplicates takes no arguments");
	o.r = ch_report_new("重复信息核查");
	o.c_kind = ch_report_add_col(o.r, "kind", "重复项", CH_COL_TEXT);
	o.c_value = ch_report_add_col(o.r, "value", "重复值", CH_COL_TEXT);
	o.c_county = ch_report_add_col(o.r, "county", "县市", CH_COL_TEXT);
	o.c_village = ch_report_add_col(o.r, "village", "村(乡镇)", CH_COL_TEXT);
	o.c_hhno = ch_report_add_col(o.r, "hh_no", "户编号", CH_COL_TEXT);
	o.c_head = ch_report_add_col(o.r, "head_name", "户主姓名", CH_COL_TEXT);
	o.c_status = ch_report_add_col(o.r, "status", "状态", CH_COL_TEXT);
	rc = ch_household_duplicates(cli->ctx, add_dup, &o);
	if (rc == 0) {
		char note[64];
		snprintf(note, sizeof note, "共 %zu 组", o.groups);
		if (cli->format == CH_FMT_TABLE)
			ch_report_add_note(o.r, note);
		rc = cli_write_report(cli, o.r);
	}
	ch_report_free(o.r);
	return rc;
}
