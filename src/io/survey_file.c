/*
 * survey_file — importing the household survey and the village
 * infrastructure files (see survey_file.h). Both share one reader: find the
 * header by its headings (data/register/headings.csv, kinds survey and
 * village), check every row into problems, then read the file again and
 * store the valid rows in one transaction through core/survey.c. No row is
 * kept between the two readings: a survey of every household of a
 * province is as long as its register, and keeping its cells took 838 MiB
 * at 1,000,000 rows (docs/performance.md). A row that the second reading
 * finds bad, a different number of valid rows, or bytes whose digest is
 * not the first reading's mean the file changed between the readings: the
 * import is refused and nothing stored. The first reading checks under a
 * read snapshot; a file of more than CH_DB_LARGE_ROWS rows is checked past
 * that row in a large read and stored in a large write transaction
 * (ch_db_large_read, ch_db_large_write): otherwise each page its look-ups
 * read through the database's memory mapping stays in the process until
 * the transaction ends. 1,000,000 utility readings by ID number peaked at
 * 143.5 MiB (docs/performance.md, "Utility readings by ID number").
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/survey.h"
#include "core/usage.h"
#include "db/db.h"
#include "io/headings.h"
#include "io/rejects.h"
#include "io/rows.h"
#include "io/survey_file.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strmap.h"
#include "util/strv.h"
#include "util/text.h"

enum {
	S_COUNTY,
	S_TOWNSHIP,
	S_VILLAGE,
	S_HHNO,
	S_HEAD,
	S_HEATING,
	S_COAL,
	S_AREA,
	S_STRUCTURE,
	S_YEAR,
	S_WALL,
	S_WINDOW,
	S_MEASURES,
	S_OCCUPANTS,
	S_CONSENT,
	S_INCOME,
	S_METER_GAS,
	S_METER_ELEC,
	S_COUNT
};
static const char *const survey_keys[S_COUNT] = {
    "county",   "township",  "village",   "hh_no",  "head",      "heating",
    "coal",     "area",      "structure", "year",   "wall",      "window",
    "measures", "occupants", "consent",   "income", "meter_gas", "meter_electric"};
static const char *const survey_names[S_COUNT] = {
    "县市",           "乡镇",         "村",       "户编号",         "户主姓名", "现取暖方式",
    "年用煤量(t)",    "取暖面积(m²)", "房屋结构", "建成年份",       "墙体",     "窗户",
    "拟节能改造措施", "常住人口",     "同意改造", "家庭年收入(元)", "燃气表号", "电表号"};

enum {
	V_COUNTY,
	V_TOWNSHIP,
	V_VILLAGE,
	V_GAS,
	V_GAS_DIST,
	V_HEAT_DIST,
	V_TRANSFORMER,
	V_RATED,
	V_PEAK,
	V_WORKS,
	V_WORKS_DATE,
	V_COUNT
};
static const char *const village_keys[V_COUNT] = {
    "county",      "township", "village", "gas_main", "gas_distance", "heat_distance",
    "transformer", "rated",    "peak",    "works",    "works_date"};
static const char *const village_names[V_COUNT] = {"县市",
                                                   "乡镇",
                                                   "村",
                                                   "燃气主管网",
                                                   "距燃气主管网(km)",
                                                   "距热网(km)",
                                                   "变压器编号",
                                                   "额定容量(kVA)",
                                                   "冬季最大负荷(kVA)",
                                                   "计划工程",
                                                   "计划完成日期"};

enum { U_METER, U_ID, U_KIND, U_MONTH, U_AMOUNT, U_READING, U_COUNT };
static const char *const usage_keys[U_COUNT] = {"meter", "id_number", "kind",
                                                "month", "amount",    "reading"};
static const char *const usage_names[U_COUNT] = {"表号", "身份证号", "类别",
                                                 "月份", "用量",     "本期读数"};

struct spec {
	const char *kind;
	const char *const *keys, *const *names;
	int n;
	unsigned required; /* bit per field */
};

static const struct spec specs[] = {
    [CH_SURVEY_HOUSEHOLDS] = {"survey", survey_keys, survey_names, S_COUNT,
                              1u << S_COUNTY | 1u << S_TOWNSHIP | 1u << S_VILLAGE | 1u << S_HHNO |
                                  1u << S_HEATING | 1u << S_AREA | 1u << S_STRUCTURE |
                                  1u << S_CONSENT},
    [CH_SURVEY_VILLAGES] = {"village", village_keys, village_names, V_COUNT,
                            1u << V_COUNTY | 1u << V_TOWNSHIP | 1u << V_VILLAGE | 1u << V_GAS},
    [CH_SURVEY_USAGE] = {"usage", usage_keys, usage_names, U_COUNT, 1u << U_MONTH},
};

struct reader {
	ch_ctx *ctx;
	const struct spec *sp;
	ch_problems *pr;   /* NULL on the second pass: rows already checked */
	ch_strmap *places; /* "LEVEL|PARENT|NAME" → region id, 0: none usable */
	ch_reflist *measures;
	char measure_buf[128];
	int64_t county_id; /* the county every row must be of (the file's), or 0 */
	const char *county;
};

static void problem(struct reader *rd, size_t line, int field, const char *value, const char *fmt,
                    const char *arg)
{
	if (rd->pr)
		ch_problems_add(rd->pr, line, field, field >= 0 ? rd->sp->names[field] : NULL,
		                value, 0, fmt, arg);
}

/* The county, township and village a row names; 0 with the ids, else 1
 * with a problem added. */
static int find_place(struct reader *rd, size_t line, char **v, int64_t ids[3])
{
	ch_region r = {0};
	int64_t parent = 0;
	static const int levels[3] = {CH_LEVEL_COUNTY, CH_LEVEL_TOWNSHIP, CH_LEVEL_VILLAGE};
	for (int k = 0; k < 3; k++) {
		/* a file names few places many times: each is looked up once
		 * (the look-up by name took 85 % of an import's time while it
		 * read the whole table of places; migration 0028 indexes it, and
		 * the cache still spares each row its queries by code, then name) */
		char key[512];
		int64_t id = 0;
		int n = snprintf(key, sizeof key, "%d|%lld|%s", k, (long long)parent, v[k]);
		int cached = n > 0 && (size_t)n < sizeof key;
		if (!cached || !ch_strmap_get(rd->places, key, &id)) {
			int rc = ch_region_find(rd->ctx, v[k], levels[k], parent, &r);
			id = rc == 0 && !r.obsolete ? r.id : 0;
			ch_error_clear();
			ch_region_dispose(&r);
			if (cached)
				ch_strmap_put(rd->places, key, id);
		}
		if (!id) {
			problem(rd, line, k, v[k], "%s",
			        k == 0 ? "不是本州的县市"
			               : "没有这个地名（先用 region import 载入乡镇和村）");
			return 1;
		}
		ids[k] = parent = id;
		if (k == 0 && rd->county_id && ids[0] != rd->county_id) {
			problem(rd, line, 0, v[0], "不是所导入的县市（%s）", rd->county);
			return 1;
		}
	}
	return 0;
}

/* A non-negative decimal of at most DECIMALS places into *OUT (scaled);
 * blank gives DFLT. 0, or 1 with a problem added. */
static int number(struct reader *rd, size_t line, int field, const char *s, int decimals,
                  int64_t max, int64_t dflt, int64_t *out)
{
	enum ch_num_status st = ch_text_parse_fixed(s, decimals, out);
	if (st == CH_NUM_EMPTY) {
		*out = dflt;
		return 0;
	}
	if (st != CH_NUM_OK || *out > max) {
		problem(rd, line, field, s, "%s", st != CH_NUM_OK ? "不是数" : "超出合理范围");
		return 1;
	}
	return 0;
}

/* 是/有/同意 → 1, 否/无/不同意 → 0, else -1. */
static int yes_no(const char *s)
{
	if (ch_str_in_list(s, "是|有|同意|愿意|Y|y|1|√"))
		return 1;
	if (ch_str_in_list(s, "否|无|没有|不同意|不愿意|N|n|0"))
		return 0;
	return -1;
}

static int parse_survey(struct reader *rd, size_t line, char **v, ch_survey_row *o)
{
	int64_t ids[3], n;
	int bad = find_place(rd, line, v, ids);
	memset(o, 0, sizeof *o);
	o->county_id = ids[0], o->township_id = ids[1], o->village_id = ids[2];
	o->hh_no = v[S_HHNO];
	o->head_name = v[S_HEAD];
	if ((o->heating = ch_heating_parse(v[S_HEATING])) < 0)
		bad = 1, problem(rd, line, S_HEATING, v[S_HEATING], "%s",
		                 "应为 燃煤炉、土暖气、火炕、电取暖 或 无");
	bad |= number(rd, line, S_COAL, v[S_COAL], 3, 100000, -1, &o->coal_kg);
	bad |= number(rd, line, S_AREA, v[S_AREA], 2, 100000, 0, &o->area_centi);
	if (!bad && (o->area_centi < 500 || o->area_centi > 100000))
		bad = 1,
		problem(rd, line, S_AREA, v[S_AREA], "%s", "取暖面积应在 5 到 1,000 m² 之间");
	if ((o->structure = ch_structure_parse(v[S_STRUCTURE])) < 0)
		bad = 1, problem(rd, line, S_STRUCTURE, v[S_STRUCTURE], "%s",
		                 "应为 土木、砖木、砖混 或 框架");
	bad |= number(rd, line, S_YEAR, v[S_YEAR], 0, 2100, 0, &n);
	o->year_built = (int)n;
	if (!bad && n && n < 1900)
		bad = 1,
		problem(rd, line, S_YEAR, v[S_YEAR], "%s", "建成年份应为 1900 年以后的四位年份");
	o->wall_insulated = strstr(v[S_WALL], "保温") && !strstr(v[S_WALL], "无保温") &&
	                    !strstr(v[S_WALL], "未保温");
	o->window_efficient = strstr(v[S_WINDOW], "双层") || strstr(v[S_WINDOW], "节能") ||
	                      strstr(v[S_WINDOW], "中空") || strstr(v[S_WINDOW], "断桥");
	/* measures: keys of the register's measure list, '+'-joined */
	rd->measure_buf[0] = '\0';
	char *ms = ch_strdup(v[S_MEASURES]);
	static const char *const wide[] = {"、", "，", "；"};
	for (size_t w = 0; w < 3; w++) /* each is 3 bytes: write ",  " over it */
		for (char *q = strstr(ms, wide[w]); q; q = strstr(q, wide[w]))
			memcpy(q, ",  ", 3);
	for (char *tok = strtok(ms, ",;+/ "); tok; tok = strtok(NULL, ",;+/ ")) {
		const char *key = ch_reflist_find(rd->measures, tok);
		if (!key) {
			bad = 1;
			problem(rd, line, S_MEASURES, v[S_MEASURES], "不认识的节能改造措施“%s”",
			        tok);
		} else if (!strstr(rd->measure_buf, key)) {
			size_t l = strlen(rd->measure_buf);
			snprintf(rd->measure_buf + l, sizeof rd->measure_buf - l, "%s%s",
			         l ? "+" : "", key);
		}
	}
	free(ms);
	o->planned_measures = rd->measure_buf;
	bad |= number(rd, line, S_OCCUPANTS, v[S_OCCUPANTS], 0, 50, -1, &n);
	o->occupants = (int)n;
	if ((o->consent = yes_no(v[S_CONSENT])) < 0)
		bad = 1, problem(rd, line, S_CONSENT, v[S_CONSENT], "%s", "应为 是 或 否");
	bad |= number(rd, line, S_INCOME, v[S_INCOME], 2, 100000000000, -1, &o->income_fen);
	o->meter_gas = v[S_METER_GAS];
	o->meter_electric = v[S_METER_ELEC];
	return bad;
}

static int parse_village(struct reader *rd, size_t line, char **v, ch_village_row *o)
{
	int64_t ids[3];
	int bad = find_place(rd, line, v, ids);
	memset(o, 0, sizeof *o);
	o->county_id = ids[0], o->village_id = ids[2];
	if ((o->gas_main = yes_no(v[V_GAS])) < 0)
		bad = 1, problem(rd, line, V_GAS, v[V_GAS], "%s", "应为 有 或 无");
	/* kilometres with up to 3 places → metres */
	bad |= number(rd, line, V_GAS_DIST, v[V_GAS_DIST], 3, 1000000, -1, &o->gas_distance_m);
	bad |= number(rd, line, V_HEAT_DIST, v[V_HEAT_DIST], 3, 1000000, -1, &o->heat_network_m);
	o->transformer = v[V_TRANSFORMER];
	bad |= number(rd, line, V_RATED, v[V_RATED], 0, 100000, 0, &o->rated_kva);
	bad |= number(rd, line, V_PEAK, v[V_PEAK], 0, 100000, 0, &o->peak_kva);
	if (*o->transformer && !*v[V_RATED])
		bad = 1, problem(rd, line, V_RATED, "", "%s", "有变压器编号就要写额定容量");
	if (!*o->transformer && (*v[V_RATED] || *v[V_PEAK]))
		bad = 1,
		problem(rd, line, V_TRANSFORMER, "", "%s", "写了容量或负荷就要写变压器编号");
	o->works = v[V_WORKS];
	o->works_date = v[V_WORKS_DATE];
	ch_date d;
	if (*o->works_date && ch_date_parse(o->works_date, &d) != 0)
		bad = 1,
		problem(rd, line, V_WORKS_DATE, o->works_date, "%s", "日期应写作 2023-05-31");
	ch_error_clear();
	return bad;
}

struct usage_row {
	int64_t household_id;
	const char *kind;
	char month[8];
	int64_t amount_milli, reading_milli; /* -1: not given */
};

static int parse_usage(struct reader *rd, size_t line, char **v, struct usage_row *o)
{
	int bad = 0, y = 0, m = 0;
	char rest[8] = "";
	memset(o, 0, sizeof *o);
	const char *kind = NULL;
	if (*v[U_KIND]) {
		if (strstr(v[U_KIND], "气"))
			kind = "gas";
		else if (strstr(v[U_KIND], "电"))
			kind = "electric";
		else
			bad = 1, problem(rd, line, U_KIND, v[U_KIND], "%s", "应为 燃气 或 电");
	}
	if (!bad &&
	    ch_usage_locate(rd->ctx, v[U_METER], v[U_ID], kind, &o->household_id, &o->kind)) {
		char masked[64];
		bad = 1;
		if (*v[U_METER]) {
			problem(rd, line, U_METER, v[U_METER], "%s", ch_error_message());
		} else { /* an ID number is personal data: shown masked, as everywhere */
			ch_idcard_mask(v[U_ID], masked, sizeof masked);
			problem(rd, line, U_ID, masked, "%s", ch_error_message());
		}
	}
	ch_error_clear();
	int64_t hc = 0;
	if (!bad && rd->county_id &&
	    (ch_household_county(rd->ctx, o->household_id, &hc) != 0 || hc != rd->county_id)) {
		ch_error_clear();
		bad = 1;
		problem(rd, line, *v[U_METER] ? U_METER : U_ID, *v[U_METER] ? v[U_METER] : "",
		        "该户不在所导入的县市（%s）", rd->county);
	}
	if (!((sscanf(v[U_MONTH], "%4d-%2d%7s", &y, &m, rest) == 2 ||
	       sscanf(v[U_MONTH], "%4d/%2d%7s", &y, &m, rest) == 2 ||
	       sscanf(v[U_MONTH], "%4d年%2d月%7s", &y, &m, rest) == 2 ||
	       (strlen(v[U_MONTH]) == 6 && sscanf(v[U_MONTH], "%4d%2d", &y, &m) == 2)) &&
	      y >= 2000 && y <= 2100 && m >= 1 && m <= 12))
		bad = 1, problem(rd, line, U_MONTH, v[U_MONTH], "%s", "月份应写作 2023-11");
	else
		snprintf(o->month, sizeof o->month, "%04d-%02d", y, m);
	bad |= number(rd, line, U_AMOUNT, v[U_AMOUNT], 3, 100000000000, -1, &o->amount_milli);
	bad |= number(rd, line, U_READING, v[U_READING], 3, 100000000000000, -1, &o->reading_milli);
	if (!*v[U_AMOUNT] && !*v[U_READING])
		bad = 1, problem(rd, line, U_AMOUNT, "", "%s", "用量和本期读数至少要写一个");
	return bad;
}

/* A row checked into its kind's record. */
union record {
	ch_survey_row survey;
	ch_village_row village;
	struct usage_row usage;
};

/* Row LINE's normalised cells V into *O: 1 when the row is bad, its
 * problems added to RD->pr (none on the second reading, which has none). */
static int check_row(struct reader *rd, size_t line, char **v, union record *o)
{
	const struct spec *sp = rd->sp;
	int bad = 0;
	for (int k = 0; k < sp->n; k++)
		if ((sp->required & (1u << k)) && !*v[k]) {
			problem(rd, line, k, "", "缺少%s", sp->names[k]);
			bad = 1;
		}
	if (bad)
		return 1;
	if (sp == &specs[CH_SURVEY_HOUSEHOLDS])
		return parse_survey(rd, line, v, &o->survey);
	if (sp == &specs[CH_SURVEY_VILLAGES])
		return parse_village(rd, line, v, &o->village);
	if (!*v[U_METER] && !*v[U_ID]) {
		problem(rd, line, U_METER, "", "%s", "没有表号，也没有身份证号");
		return 1;
	}
	return parse_usage(rd, line, v, &o->usage);
}

/* The normalised cells of ROW by field into V (SP->n of them, each the
 * caller's to free; "" where the file has no such column): 1 when every
 * one is blank. */
static int row_cells(const struct spec *sp, const int *col, const ch_csv_row *row, char **v)
{
	int blank = 1;
	for (int k = 0; k < sp->n; k++) {
		v[k] = ch_text_normalize(
		    col[k] >= 0 && (size_t)col[k] < row->nfields ? row->fields[col[k]] : "");
		blank &= !*v[k];
	}
	return blank;
}

static void free_cells(const struct spec *sp, char **v)
{
	for (int k = 0; k < sp->n; k++)
		free(v[k]);
}

/* Stores the record O of row LINE (cells V); VILLAGES holds the villages
 * stored so far (a village's first row replaces what it had). */
static int store_row(struct reader *rd, char **v, union record *o, ch_strmap *villages,
                     ch_survey_file_result *res)
{
	if (rd->sp == &specs[CH_SURVEY_HOUSEHOLDS]) {
		int ins = 0;
		int rc = ch_survey_put(rd->ctx, &o->survey, &ins);
		res->inserted += (size_t)ins;
		return rc;
	}
	if (rd->sp == &specs[CH_SURVEY_USAGE])
		return ch_usage_put(rd->ctx, o->usage.household_id, o->usage.kind, o->usage.month,
		                    o->usage.amount_milli, o->usage.reading_milli);
	ch_buf key;
	ch_buf_init(&key);
	ch_buf_printf(&key, "%s\x1f%s\x1f%s", v[V_COUNTY], v[V_TOWNSHIP], v[V_VILLAGE]);
	int first = !ch_strmap_get(villages, key.ptr, NULL);
	ch_strmap_put(villages, key.ptr, 1);
	ch_buf_dispose(&key);
	return ch_village_put(rd->ctx, &o->village, first);
}

/* The second reading: every valid row of the file stored, EXPECTED of them,
 * inside the caller's transaction. CHECKED is the first reading's list. */
static int store_all(struct reader *rd, const ch_survey_file_opts *o, const int *col,
                     size_t header_line, const ch_problems *checked, size_t expected,
                     const char *digest, ch_survey_file_result *res)
{
	char again[CH_HASH_HEX_LEN + 1];
	const struct spec *sp = rd->sp;
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_strmap *villages = ch_strmap_new();
	char *v[32];
	ch_strv deferred;
	ch_strv_init(&deferred);
	int rc = ch_rows_open_hashed(&rows, o->path, o->sheet);
	/* places are looked up again inside the transaction */
	ch_strmap_free(rd->places);
	rd->places = ch_strmap_new();
	if (rc == 0 && expected > CH_DB_LARGE_ROWS)
		rc = ch_db_large_write(ch_ctx_db(rd->ctx));
	if (rc == 0 && sp == &specs[CH_SURVEY_HOUSEHOLDS])
		rc = ch_survey_load_begin(rd->ctx, expected, &deferred);
	while (rc == 0 && (rc = ch_rows_next(rows, &row)) == 1) {
		rc = 0;
		if (row.line <= header_line)
			continue;
		union record rec;
		int blank = row_cells(sp, col, &row, v);
		if (!blank && !ch_problems_rejected(checked, row.line)) {
			if (check_row(rd, row.line, v, &rec) || res->stored == expected)
				rc =
				    ch_error_set(CH_EINVALID,
				                 "%s：第%zu行与核验时不同：文件在导入过程中被改动，"
				                 "什么也没有保存",
				                 o->path, row.line);
			else if ((rc = store_row(rd, v, &rec, villages, res)) != 0)
				ch_error_prefix("第%zu行：", row.line);
			else
				res->stored++;
		}
		free_cells(sp, v);
	}
	if (rc == 0 && (rc = ch_rows_hash(rows, again)) == 0 &&
	    (res->stored != expected || strcmp(again, digest) != 0))
		rc = ch_error_set(CH_EINVALID, "%s：文件在导入过程中被改动，什么也没有保存",
		                  o->path);
	if (rc == 0)
		rc = ch_survey_load_end(rd->ctx, &deferred);
	ch_strv_dispose(&deferred);
	ch_rows_free(rows);
	ch_strmap_free(villages);
	return rc;
}

int ch_survey_import_file(ch_ctx *ctx, const ch_survey_file_opts *o, ch_survey_file_result *res,
                          ch_problems **problems)
{
	const struct spec *sp = &specs[o->kind];
	struct reader rd = {.ctx = ctx, .sp = sp, .pr = ch_problems_new()};
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_strv header;
	int *field_of = NULL, col[32], rc, in_tx = 0, in_read = 0;
	size_t ncols = 0, header_line = 0, nvalid = 0;
	char digest[CH_HASH_HEX_LEN + 1];

	memset(res, 0, sizeof *res);
	*problems = rd.pr;
	if (o->county) { /* the caller checked its scope before the file was opened */
		ch_region c = {0};
		if ((rc = ch_region_find(ctx, o->county, CH_LEVEL_COUNTY, 0, &c)) != 0)
			return ch_error_mark_field("county");
		rd.county_id = c.id;
		rd.county = o->county;
		ch_region_dispose(&c);
	}
	ch_strv_init(&header);
	rd.places = ch_strmap_new();
	/* a role that may not write the register is refused before the file is read */
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_HOUSEHOLD_WRITE)) != 0 ||
	    (rc = ch_headings_load()) != 0 ||
	    (rc = ch_rows_open_hashed(&rows, o->path, o->sheet)) != 0)
		goto done;
	if (o->kind == CH_SURVEY_HOUSEHOLDS && (rc = ch_reflist_load(ctx, "measure", &rd.measures)))
		goto done;
	if ((rc = ch_ctx_begin_read(ctx)) != 0)
		goto done;
	in_read = 1;
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		rc = 0;
		if (!header_line) {
			unsigned seen = 0;
			free(field_of);
			field_of = ch_calloc(row.nfields + 1, sizeof *field_of);
			for (int k = 0; k < sp->n; k++)
				col[k] = -1;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				int f = ch_headings_find(sp->kind, h, sp->keys, (size_t)sp->n);
				field_of[c] = f;
				if (f >= 0 && col[f] < 0)
					col[f] = (int)c, seen |= 1u << f;
				else if (f < 0 && *h &&
				         ch_headings_find(sp->kind, h,
				                          (const char *const[]){"ignored"}, 1) < 0)
					field_of[c] =
					    -2; /* unknown: reported once the header is known */
				free(h);
			}
			if ((seen & sp->required) != sp->required) {
				if (row.line < 10 && !(seen & sp->required))
					continue; /* a title row above the header */
				for (int k = 0; k < sp->n; k++)
					if ((sp->required & (1u << k)) && !(seen & (1u << k))) {
						rc = ch_error_set(CH_EINVALID,
						                  "%s：第%zu行表头缺少“%s”列",
						                  o->path, row.line, sp->names[k]);
						goto done;
					}
			}
			for (size_t c = 0; c < row.nfields; c++)
				if (field_of[c] == -2) {
					rc = ch_error_set(CH_EINVALID,
					                  "%s：第%zu行第%zu列：不认识的表头“%s”",
					                  o->path, row.line, c + 1, row.fields[c]);
					goto done;
				}
			for (size_t c = 0; c < row.nfields; c++)
				ch_strv_push(&header, row.fields[c]);
			ncols = row.nfields;
			header_line = row.line;
			continue;
		}
		char *v[32];
		union record rec;
		if (!row_cells(sp, col, &row, v)) {
			if (res->rows++ == CH_DB_LARGE_ROWS &&
			    (rc = ch_db_large_read(ch_ctx_db(ctx))) != 0) {
				free_cells(sp, v);
				goto done;
			}
			nvalid += !check_row(&rd, row.line, v, &rec);
		}
		free_cells(sp, v);
	}
	in_read = 0;
	if (rc < 0) {
		ch_ctx_rollback(ctx);
		goto done;
	}
	if ((rc = ch_ctx_commit(ctx)) != 0 || (rc = ch_rows_hash(rows, digest)) != 0)
		goto done;
	if (!header_line) {
		rc = ch_error_set(CH_EINVALID, "%s：没有找到含“%s”等列的表头行", o->path,
		                  sp->names[0]);
		goto done;
	}
	(void)ncols;
	if (res->rows == 0) {
		rc = ch_rows_none(header_line);
		ch_error_prefix("%s：", o->path);
		goto done;
	}
	res->rejected = ch_problems_nrejected(rd.pr);
	if (o->rejects && res->rejected &&
	    (rc = ch_rejects_write(o->rejects, o->path, o->sheet, &header, header_line, rd.pr)) !=
	        0)
		goto done;
	if (res->rejected && !o->skip_invalid) {
		rc = ch_error_set(
		    CH_EINVALID,
		    "%s：%zu 行有错，什么也没有保存（改正后重新导入，或只保存无误的行）", o->path,
		    res->rejected);
		goto done;
	}
	if (nvalid == 0)
		goto done;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	rd.pr = NULL;
	if ((rc = store_all(&rd, o, col, header_line, *problems, nvalid, digest, res)) != 0)
		goto done;
	json_t *a =
	    json_pack("{s:s, s:I, s:I, s:I}", "file", o->path, "rows", (json_int_t)res->rows,
	              "stored", (json_int_t)res->stored, "rejected", (json_int_t)res->rejected);
	char *after = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	static const char *const actions[] = {"survey.import", "village.import", "usage.import"};
	static const char *const objects[] = {"survey:import", "village:import", "usage:import"};
	rc = ch_audit_append(ctx, actions[o->kind], objects[o->kind], NULL, after);
	free(after);
	json_decref(a);
	in_tx = 0;
	rc = ch_ctx_end(ctx, rc);
done:
	if (in_tx || in_read)
		ch_ctx_rollback(ctx);
	ch_strmap_free(rd.places);
	free(field_of);
	ch_strv_dispose(&header);
	ch_rows_free(rows);
	ch_reflist_free(rd.measures);
	return rc;
}
