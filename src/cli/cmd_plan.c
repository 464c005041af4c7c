/*
 * cmd_plan — `cleanheat plan check|import|show`.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/plan.h"
#include "core/region.h"
#include "io/plan_table.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/text.h"

static const char *col_label(const ch_plan_table *t, int col)
{
	return col >= 0 && t->label[col] ? t->label[col] : col >= 0 ? ch_plan_col_name(col) : NULL;
}

static int print_check_json(const ch_plan_table *t, const ch_plan_check *c)
{
	json_t *fa = json_array(), *sa = json_array();
	for (size_t i = 0; i < c->nfindings; i++) {
		const ch_plan_finding *f = &c->findings[i];
		json_t *o = json_pack("{s:s, s:s}", "kind", ch_plan_finding_kind_name(f->kind),
		                      "message", f->message);
		json_object_set_new(o, "row",
		                    f->line ? json_integer((json_int_t)f->line) : json_null());
		json_object_set_new(o, "county", f->county ? json_string(f->county) : json_null());
		json_object_set_new(
		    o, "column", f->col >= 0 ? json_string(ch_plan_col_key(f->col)) : json_null());
		json_object_set_new(o, "column_label",
		                    f->col >= 0 ? json_string(col_label(t, f->col)) : json_null());
		if (f->kind == CH_PF_ROW_SUM || f->kind == CH_PF_COLUMN_SUM) {
			json_object_set_new(o, "expected", json_integer(f->expected));
			json_object_set_new(o, "actual", json_integer(f->actual));
		}
		if (f->value)
			json_object_set_new(o, "value", json_string(f->value));
		json_array_append_new(fa, o);
	}
	for (size_t i = 0; i < c->nfixes; i++) {
		const ch_plan_fix *x = &c->fixes[i];
		json_array_append_new(sa,
		                      json_pack("{s:I, s:s?, s:s, s:s, s:I, s:I, s:s}", "row",
		                                (json_int_t)x->line, "county", x->county, "column",
		                                ch_plan_col_key(x->col), "column_label",
		                                col_label(t, x->col), "from", (json_int_t)x->from,
		                                "to", (json_int_t)x->to, "message", x->message));
	}
	json_t *j = json_pack("{s:s?, s:s?, s:b, s:I, s:b, s:o, s:o}", "file", t->source, "title",
	                      t->title, "ok", c->nfindings == 0, "counties", (json_int_t)t->nrows,
	                      "has_total_row", t->has_total, "findings", fa, "suggestions", sa);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(j);
	return 0;
}

static void print_check_text(const ch_plan_table *t, const ch_plan_check *c)
{
	if (c->nfindings == 0) {
		printf("%s：表格一致，%zu 个县（市）", t->source, t->nrows);
		if (t->has_total)
			printf("，合计 %" PRId64 " 户", t->total.cell[CH_PCOL_TOTAL].value);
		printf("%s\n", t->has_total ? "" : "（表中无总计行，未核对列合计）");
		return;
	}
	printf("%s：发现 %zu 处问题\n", t->source, c->nfindings);
	for (size_t i = 0; i < c->nfindings; i++)
		printf("  %zu. %s\n", i + 1, c->findings[i].message);
	for (size_t i = 0; i < c->nfixes; i++)
		printf("%s\n", c->fixes[i].message);
}

/* Reads and checks FILE; the caller disposes T and C. */
static int read_and_check(struct cli *cli, const char *file, const char *sheet, ch_plan_table *t,
                          ch_plan_check *c)
{
	memset(c, 0, sizeof *c);
	int rc = ch_plan_table_read(file, sheet, t);
	if (rc)
		return rc;
	return ch_plan_check_table(cli->ctx, t, c);
}

int cmd_plan_check(struct cli *cli, int argc, char **argv)
{
	enum { O_SHEET = 1 };
	static const struct option opts[] = {
	    {"sheet", required_argument, 0, O_SHEET}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	const char *sheet = NULL;
	ch_plan_table t;
	ch_plan_check c;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_SHEET)
			sheet = optarg;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "plan check takes one FILE");
	if (cli->format != CH_FMT_TABLE && cli->format != CH_FMT_JSON)
		return cli_usage(cli, "plan check prints --format table or json");
	if ((rc = read_and_check(cli, argv[optind], sheet, &t, &c)) == 0) {
		if (cli->format == CH_FMT_JSON)
			print_check_json(&t, &c);
		else
			print_check_text(&t, &c);
		if (c.nfindings)
			rc = ch_error_set(CH_EINVALID, "%s: %zu problem(s) found", argv[optind],
			                  c.nfindings);
	}
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
	return rc;
}

/* Parses an area in m² with up to two decimals into hundredths. */
static int parse_area(struct cli *cli, const char *arg, int64_t *centi)
{
	const char *p = arg;
	int64_t v = 0;
	int dec = -1;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9' && dec < 2 && v < INT64_MAX / 100) {
			v = v * 10 + (*p - '0');
			if (dec >= 0)
				dec++;
		} else if (*p == '.' && dec < 0) {
			dec = 0;
		} else {
			return cli_usage(
			    cli, "--es-area '%s': expected square metres, e.g. 2462300", arg);
		}
	}
	for (int d = dec < 0 ? 0 : dec; d < 2; d++)
		v *= 10;
	*centi = v;
	return 0;
}

int cmd_plan_import(struct cli *cli, int argc, char **argv)
{
	enum { O_YEAR = 1, O_ACCEPT, O_REASON, O_REPLACE, O_AREA, O_SHEET };
	static const struct option opts[] = {{"year", required_argument, 0, O_YEAR},
	                                     {"sheet", required_argument, 0, O_SHEET},
	                                     {"accept-discrepancies", no_argument, 0, O_ACCEPT},
	                                     {"reason", required_argument, 0, O_REASON},
	                                     {"replace", no_argument, 0, O_REPLACE},
	                                     {"es-area", required_argument, 0, O_AREA},
	                                     {0, 0, 0, 0}};
	ch_plan_import_opts o = {0};
	const char *sheet = NULL;
	ch_plan_table t;
	ch_plan_check c;
	enum ch_plan_outcome outcome = CH_PLAN_STORED;
	int opt, rc, version = 0;
	long year = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_YEAR:
			if ((rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year)) != 0)
				return rc;
			break;
		case O_ACCEPT:
			o.accept_discrepancies = 1;
			break;
		case O_REASON:
			o.reason = optarg;
			break;
		case O_REPLACE:
			o.replace = 1;
			break;
		case O_SHEET:
			sheet = optarg;
			break;
		case O_AREA:
			if ((rc = parse_area(cli, optarg, &o.es_area_total_centi)) != 0)
				return rc;
			break;
		default:
			return cli_usage(cli, "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "plan import takes one FILE");
	if (!year)
		return cli_usage(cli, "--year is required");
	if (o.accept_discrepancies && (!o.reason || !*o.reason))
		return cli_usage(cli, "--accept-discrepancies needs --reason TEXT");
	o.year = (int)year;
	if ((rc = read_and_check(cli, argv[optind], sheet, &t, &c)) == 0) {
		if (c.nfindings)
			print_check_text(&t, &c);
		rc = ch_plan_import(cli->ctx, &t, &c, &o, &outcome, &version);
	}
	if (rc == 0) {
		if (outcome == CH_PLAN_UNCHANGED)
			printf("%d年计划与已存的第%d版相同，未作更改\n", o.year, version);
		else
			printf("%d年计划已%s：第%d版，%zu 个县（市）%s\n", o.year,
			       outcome == CH_PLAN_REPLACED ? "替换" : "导入", version, t.nrows,
			       c.nfindings ? "（含已接受的不一致，原因已记入审计日志）" : "");
	}
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
	return rc;
}

int cmd_plan_show(struct cli *cli, int argc, char **argv)
{
	enum { O_YEAR = 1, O_VERSION };
	static const struct option opts[] = {{"year", required_argument, 0, O_YEAR},
	                                     {"version", required_argument, 0, O_VERSION},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	long year = 0, version = 0;
	int opt, rc;
	ch_plan p;
	ch_region pref = {0};
	char title[256], l_new[64], l_cont[64], note[512];

	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == O_VERSION)
			rc = cli_parse_int(cli, "--version", optarg, 1, 1000000, &version);
		else
			rc = cli_common_option(cli, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind != argc)
		return cli_usage(cli, "plan show takes no FILE");
	if (!year)
		return cli_usage(cli, "--year is required");
	if ((rc = ch_plan_load(cli->ctx, (int)year, (int)version, &p)) != 0)
		return rc;
	if (ch_region_root(cli->ctx, &pref) != 0)
		ch_error_clear(); /* a title without the prefecture's name */
	snprintf(title, sizeof title, "%ld年度%s农村清洁取暖改造计划（第%d版）", year,
	         pref.name ? pref.name : "", p.version);
	snprintf(l_new, sizeof l_new, "%ld年实施户数", year);
	snprintf(l_cont, sizeof l_cont, "续建%ld年户数", year - 1);

	ch_report *r = ch_report_new(title);
	int c_code = ch_report_add_col(r, "code", "区划代码", CH_COL_TEXT);
	int c_name = ch_report_add_col(r, "county", "县(市)", CH_COL_TEXT);
	int c_val[CH_PCOL_COUNT];
	c_val[CH_PCOL_TOTAL] = ch_report_add_col(r, "total", "清洁取暖改造合计(户)", CH_COL_INT);
	c_val[CH_PCOL_NEW] = ch_report_add_col(r, "new", l_new, CH_COL_INT);
	c_val[CH_PCOL_CONTINUING] = ch_report_add_col(r, "continuing", l_cont, CH_COL_INT);
	c_val[CH_PCOL_ES] = ch_report_add_col(r, "energy_saving", "建筑节能改造户数", CH_COL_INT);
	int c_rem = ch_report_add_col(r, "remark", "备注", CH_COL_TEXT);
	int64_t sum[CH_PCOL_COUNT] = {0};
	for (size_t i = 0; i < p.ntargets; i++) {
		const ch_plan_target *tg = &p.targets[i];
		ch_report_add_row(r, 0);
		ch_report_set_text(r, c_code, tg->code);
		ch_report_set_text(r, c_name, tg->name);
		for (int k = 0; k < CH_PCOL_COUNT; k++) {
			ch_report_set_int(r, c_val[k], tg->v[k]);
			sum[k] += tg->v[k];
		}
		ch_report_set_text(r, c_rem, tg->remark);
	}
	ch_report_add_row(r, 1);
	ch_report_set_text(r, c_code, pref.code);
	ch_report_set_text(r, c_name, "全州合计");
	for (int k = 0; k < CH_PCOL_COUNT; k++)
		ch_report_set_int(r, c_val[k], sum[k]);
	if (p.es_area_total_centi) {
		int64_t m2 = p.es_area_total_centi / 100;
		snprintf(
		    note, sizeof note,
		    "建筑节能改造面积目标：%" PRId64 ".%02d 平方米（%" PRId64 ".%02d 万平方米）",
		    m2, (int)(p.es_area_total_centi % 100), m2 / 10000, (int)(m2 % 10000 / 100));
		ch_report_add_note(r, note);
	}
	for (int k = 0; k < CH_PCOL_COUNT && p.has_published; k++)
		if (p.published[k] != sum[k]) {
			snprintf(note, sizeof note,
			         "注意：原表总计行「%s」为 %" PRId64 "，与各县市之和 %" PRId64
			         " 不一致",
			         ch_plan_col_name(k), p.published[k], sum[k]);
			ch_report_add_note(r, note);
		}
	if (p.discrepancies) {
		snprintf(note, sizeof note,
		         "本版计划含已接受的不一致（原因：%s），详见 cleanheat audit log",
		         p.reason ? p.reason : "");
		ch_report_add_note(r, note);
	}
	snprintf(note, sizeof note, "来源：%s；%s 由 %s 导入", p.source ? p.source : "-",
	         p.created_at, p.created_by);
	ch_report_add_note(r, note);
	rc = cli_write_report(cli, r);
	ch_report_free(r);
	ch_region_dispose(&pref);
	ch_plan_dispose(&p);
	return rc;
}

/* Percent with one decimal, "-" without a target. */
static void set_pct(ch_report *r, int col, int64_t part, int64_t whole)
{
	char buf[32];
	if (whole <= 0) {
		ch_report_set_text(r, col, "-");
		return;
	}
	int64_t tenths = (part * 1000 + whole / 2) / whole;
	snprintf(buf, sizeof buf, "%" PRId64 ".%d%%", tenths / 10, (int)(tenths % 10));
	ch_report_set_text(r, col, buf);
}

int cmd_plan_coverage(struct cli *cli, int argc, char **argv)
{
	enum { O_YEAR = 1 };
	static const struct option opts[] = {
	    {"year", required_argument, 0, O_YEAR}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	ch_coverage_row *rows = NULL;
	size_t n = 0;
	long year = 0;
	int64_t area_target = 0;
	int opt, rc;
	char title[128];
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		rc = opt == O_YEAR ? cli_parse_int(cli, "--year", optarg, 2000, 2100, &year)
		                   : cli_common_option(cli, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind != argc || !year)
		return cli_usage(cli, "plan coverage needs --year Y and no other arguments");
	if ((rc = ch_plan_coverage(cli->ctx, (int)year, &rows, &n, &area_target)) != 0)
		return rc;
	snprintf(title, sizeof title, "%ld年农户登记进度（对照年度计划）", year);
	ch_report *r = ch_report_new(title);
	int c_name = ch_report_add_col(r, "county", "县(市)", CH_COL_TEXT);
	int c_pt = ch_report_add_col(r, "plan_total", "计划户数", CH_COL_INT);
	int c_rt = ch_report_add_col(r, "registered", "已登记", CH_COL_INT);
	int c_pct = ch_report_add_col(r, "registered_pct", "登记率", CH_COL_TEXT);
	int c_pn = ch_report_add_col(r, "plan_new", "计划新建", CH_COL_INT);
	int c_rn = ch_report_add_col(r, "registered_new", "已登记新建", CH_COL_INT);
	int c_pc = ch_report_add_col(r, "plan_continuing", "计划续建", CH_COL_INT);
	int c_rc = ch_report_add_col(r, "registered_continuing", "已登记续建", CH_COL_INT);
	int c_pe = ch_report_add_col(r, "plan_es", "计划节能户数", CH_COL_INT);
	int c_re = ch_report_add_col(r, "registered_es", "已登记节能户数", CH_COL_INT);
	int c_ea = ch_report_add_col(r, "registered_es_area", "已登记节能面积(㎡)", CH_COL_INT);
	ch_coverage_row tot = {0};
	for (size_t i = 0; i <= n; i++) {
		const ch_coverage_row *c = i < n ? &rows[i] : &tot;
		ch_report_add_row(r, i == n);
		ch_report_set_text(r, c_name, i < n ? c->name : "全州合计");
		ch_report_set_int(r, c_pt, c->plan[CH_PCOL_TOTAL]);
		ch_report_set_int(r, c_rt, c->registered);
		set_pct(r, c_pct, c->registered, c->plan[CH_PCOL_TOTAL]);
		ch_report_set_int(r, c_pn, c->plan[CH_PCOL_NEW]);
		ch_report_set_int(r, c_rn, c->reg_new);
		ch_report_set_int(r, c_pc, c->plan[CH_PCOL_CONTINUING]);
		ch_report_set_int(r, c_rc, c->reg_continuing);
		ch_report_set_int(r, c_pe, c->plan[CH_PCOL_ES]);
		ch_report_set_int(r, c_re, c->reg_es);
		ch_report_set_int(r, c_ea, c->reg_es_area_centi / 100);
		if (i < n) {
			for (int k = 0; k < CH_PCOL_COUNT; k++)
				tot.plan[k] += c->plan[k];
			tot.registered += c->registered;
			tot.reg_new += c->reg_new;
			tot.reg_continuing += c->reg_continuing;
			tot.reg_es += c->reg_es;
			tot.reg_es_area_centi += c->reg_es_area_centi;
		}
	}
	if (area_target) {
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "节能改造面积：已登记 %" PRId64 " ㎡，计划 %" PRId64 " ㎡（",
		              tot.reg_es_area_centi / 100, area_target / 100);
		int64_t tenths = (tot.reg_es_area_centi * 1000 + area_target / 2) / area_target;
		ch_buf_printf(&b, "%" PRId64 ".%d%%）", tenths / 10, (int)(tenths % 10));
		ch_report_add_note(r, b.ptr);
		ch_buf_dispose(&b);
	}
	rc = cli_write_report(cli, r);
	ch_report_free(r);
	ch_coverage_free(rows, n);
	return rc;
}
