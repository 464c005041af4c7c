/*
 * household_history — one household's history read from the tables of
 * each kind of record, and its evidence files (see household_history.h).
 *
 * The items of a household are few (tens), so they are gathered into an
 * array, sorted, and handed out. Each item has a rank: its place in the
 * workflow within one day, so that two things recorded the same day come
 * in the order they can happen (a failed inspection, then the order it
 * opened; an order closed, then the inspection it allowed). Items of the
 * same day and rank come in the order they were recorded.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/household.h"
#include "core/household_history.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/subsidy.h"
#include "core/user.h"
#include "core/workflow.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"

static const char *const kind_labels[CH_HIST_KIND_COUNT] = {
    [CH_HIST_REGISTER] = "登记", [CH_HIST_STEP] = "进度",    [CH_HIST_INSPECT] = "自验",
    [CH_HIST_REVIEW] = "复核",   [CH_HIST_RECTIFY] = "整改", [CH_HIST_FOLLOWUP] = "回访",
    [CH_HIST_SUBSIDY] = "补助",
};

const char *ch_hist_kind_label(enum ch_hist_kind kind)
{
	return kind < CH_HIST_KIND_COUNT ? kind_labels[kind] : "?";
}

/* Ranks within a day, in workflow order. */
enum {
	R_FIRST = 0, /* registration: first, whatever its day */
	R_REGISTER = 10,
	R_STEP_BUILD = 20, /* 已开工 已完工 已调试: rank + stage */
	R_CLOSE = 30,      /* an order closed */
	R_INSPECT = 31,
	R_STEP_INSPECTED = 32,
	R_APPLY = 40,
	R_STEP_REQUESTED = 41,
	R_SAMPLE = 42,
	R_RESULT = 43,
	R_STEP_REVIEWED = 44, /* 复核通过, or back to 已调试 */
	R_FOLLOWUP = 50,
	R_ENTITLE = 60,
	R_RESERVE = 61,
	R_PAY = 62,
	R_RETURN = 63,
	R_STEP_SUBSIDIZED = 64,
	R_WITHDRAW = 70,
};

struct item {
	enum ch_hist_kind kind;
	int rank;
	char day[11];
	char *at; /* recorded, UTC; "" unknown */
	size_t seq;
	char *what, *detail, *actor;
	int superseded;
	int64_t event_id;  /* a step: its evidence from event_evidence */
	int64_t review_id; /* a review result: its evidence from review_evidence */
	ch_hist_evidence *ev;
	size_t nev;
};

struct history {
	ch_ctx *ctx;
	int64_t hh;
	struct item *items;
	size_t n, cap;
};

static struct item *add(struct history *hs, enum ch_hist_kind kind, int rank, const char *day,
                        const char *at, const char *what, const char *actor)
{
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? hs->cap * 2 : 32;
		hs->items = ch_reallocarray(hs->items, hs->cap, sizeof *hs->items);
	}
	struct item *it = &hs->items[hs->n];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->rank = rank;
	snprintf(it->day, sizeof it->day, "%.10s", day ? day : "");
	it->at = ch_strdup(at ? at : "");
	it->seq = hs->n++;
	it->what = ch_strdup(what);
	it->actor = ch_strdup(actor ? actor : "");
	return it;
}

static void set_detail(struct item *it, ch_buf *b)
{
	free(it->detail);
	it->detail = ch_buf_detach(b);
}

/* The Beijing day of a UTC time "YYYY-MM-DDTHH:MM:SSZ" into OUT (11 bytes). */
static void beijing_day(const char *utc, char out[11])
{
	ch_date d;
	char day[11];
	snprintf(day, sizeof day, "%.10s", utc ? utc : "");
	out[0] = '\0';
	if (ch_date_parse(day, &d) != 0) {
		ch_error_clear();
		return;
	}
	if (strlen(utc) >= 13 && atoi(utc + 11) >= 16) /* 16:00 UTC is midnight in Beijing */
		ch_date_from_days(ch_date_days(&d) + 1, &d);
	ch_date_format(&d, out, 11);
}

/* "41,000.00 元" into OUT. */
static const char *yuan(int64_t fen, char *out, size_t outsz)
{
	char m[40];
	ch_money_format(fen, m, sizeof m);
	snprintf(out, outsz, "%s 元", m);
	return out;
}

/* The last part of a path: a file's name without the folders it was in. */
static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

static int step_done(int rc)
{
	return rc == CH_DB_DONE ? 0 : rc;
}

/* ---- 登记: registration and register updates ---- */

/* Chinese names of the register's stored columns, as the audit entries of
 * updates name them; personal ones are named, never shown. */
static const struct {
	const char *key, *label;
	int personal, centi;
} columns[] = {
    {"county_id", "县市", 0, 0},
    {"township_id", "乡镇", 0, 0},
    {"village_id", "村", 0, 0},
    {"hh_no", "户编号", 0, 0},
    {"head_name", "户主姓名", 0, 0},
    {"id_number", "身份证号", 1, 0},
    {"phone", "联系电话", 1, 0},
    {"address", "地址", 0, 0},
    {"heated_area_centi", "取暖面积(㎡)", 0, 1},
    {"structure", "房屋结构", 0, 0},
    {"original_heating", "原取暖方式", 0, 0},
    {"technology", "改造方式", 0, 0},
    {"es_measures", "节能改造措施", 0, 0},
    {"es_area_centi", "节能改造面积(㎡)", 0, 1},
    {"plan_year", "年度", 0, 0},
    {"batch", "批次", 0, 0},
    {"contractor", "施工单位", 0, 0},
    {"cost_fen", "总投资(元)", 0, 1},
    {"note", "备注", 0, 0},
    {"bank_account", "收款账号", 1, 0},
};

/* A register value as shown: hundredths as a decimal, a technology by its
 * name (LIST, when the column holds its keys), text as it is. */
static void shown_value(json_t *v, int centi, const ch_reflist *list, char *out, size_t outsz)
{
	if (list && json_is_string(v))
		snprintf(out, outsz, "%s", ch_reflist_name(list, json_string_value(v)));
	else if (!v || json_is_null(v))
		snprintf(out, outsz, "（空）");
	else if (json_is_integer(v) && centi)
		snprintf(out, outsz, "%" PRId64 ".%02" PRId64, (int64_t)json_integer_value(v) / 100,
		         ((int64_t)json_integer_value(v) % 100 + 100) % 100);
	else if (json_is_integer(v))
		snprintf(out, outsz, "%" PRId64, (int64_t)json_integer_value(v));
	else
		snprintf(out, outsz, "%s", json_string_value(v) ? json_string_value(v) : "");
}

/* "改造方式 燃气 → 空气能；收款账号（已变更）" for an update's before and after;
 * returns how many columns changed (an import audits a row it left
 * unchanged with the same before and after: 0). */
static size_t describe_update(const char *before, const char *after, const ch_reflist *tech,
                              ch_buf *b)
{
	size_t changed = 0;
	json_t *jb = before ? json_loads(before, 0, NULL) : NULL;
	json_t *ja = after ? json_loads(after, 0, NULL) : NULL;
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		json_t *x = jb ? json_object_get(jb, columns[i].key) : NULL;
		json_t *y = ja ? json_object_get(ja, columns[i].key) : NULL;
		if (json_equal(x ? x : json_null(), y ? y : json_null()))
			continue;
		if (changed++)
			ch_buf_puts(b, "；");
		if (columns[i].personal ||
		    strcmp(columns[i].key + strlen(columns[i].key) - 3, "_id") == 0) {
			ch_buf_printf(b, "%s（已变更）", columns[i].label);
		} else {
			char vx[256], vy[256];
			const ch_reflist *l =
			    strcmp(columns[i].key, "technology") == 0 ? tech : NULL;
			shown_value(x, columns[i].centi, l, vx, sizeof vx);
			shown_value(y, columns[i].centi, l, vy, sizeof vy);
			ch_buf_printf(b, "%s %s → %s", columns[i].label, vx, vy);
		}
	}
	json_decref(jb);
	json_decref(ja);
	return changed;
}

static int registration(struct history *hs, const char *county_code, const char *hh_no)
{
	ch_stmt *st;
	ch_reflist *tech = NULL;
	char obj[160], day[11], first_update[11] = "";
	size_t updates = 0;
	snprintf(obj, sizeof obj, "household:%s/%s", county_code, hh_no);
	int rc = ch_reflist_load(hs->ctx, "technology", &tech);
	if (rc)
		return rc;
	rc = ch_db_preparef(hs->ctx->db, &st,
	                    "SELECT at, actor, before, after FROM audit_log"
	                    " WHERE action = 'household.update' AND object = ? ORDER BY seq",
	                    "t", obj);
	if (rc) {
		ch_reflist_free(tech);
		return rc;
	}
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_buf b;
		ch_buf_init(&b);
		if (!describe_update(ch_stmt_text(st, 2), ch_stmt_text(st, 3), tech, &b)) {
			ch_buf_dispose(&b);
			continue;
		}
		beijing_day(ch_stmt_text(st, 0), day);
		if (!updates++)
			snprintf(first_update, sizeof first_update, "%s", day);
		struct item *it = add(hs, CH_HIST_REGISTER, R_REGISTER, day, ch_stmt_text(st, 0),
		                      "档案更新", ch_stmt_text(st, 1));
		set_detail(it, &b);
	}
	ch_stmt_finalize(st);
	ch_reflist_free(tech);
	if ((rc = step_done(rc)) != 0)
		return rc;
	/* registration: the import whose time the household's record carries,
	 * unless an update wrote that time since */
	rc = ch_db_preparef(hs->ctx->db, &st,
	                    "SELECT h.updated_at, i.file, i.actor, h.source_line,"
	                    " h.import_id = i.id FROM household h"
	                    " LEFT JOIN household_import i ON i.id = (SELECT max(id)"
	                    "  FROM household_import WHERE at = h.updated_at AND id <= h.import_id)"
	                    " WHERE h.id = ?",
	                    "i", hs->hh);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_buf b;
		ch_buf_init(&b);
		if (updates) {
			ch_buf_printf(&b, "首次登记的日期未单独记录（早于 %s 的档案更新）",
			              first_update);
			struct item *it =
			    add(hs, CH_HIST_REGISTER, R_FIRST, "", "", "登记入册", "");
			set_detail(it, &b);
		} else {
			beijing_day(ch_stmt_text(st, 0), day);
			if (ch_stmt_text(st, 1)) {
				ch_buf_printf(&b, "导入台账 %s", base_name(ch_stmt_text(st, 1)));
				if (ch_stmt_int64(st, 4))
					ch_buf_printf(&b, " 第 %" PRId64 " 行",
					              ch_stmt_int64(st, 3));
			}
			struct item *it =
			    add(hs, CH_HIST_REGISTER, R_FIRST, day, ch_stmt_text(st, 0), "登记入册",
			        ch_stmt_text(st, 1) ? ch_stmt_text(st, 2) : "");
			set_detail(it, &b);
		}
		rc = 0;
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 进度: the steps ---- */

static int step_rank(int stage, int from)
{
	switch (stage) {
	case CH_STAGE_SELF_INSPECTED:
		return R_STEP_INSPECTED;
	case CH_STAGE_REVIEW_REQUESTED:
		return R_STEP_REQUESTED;
	case CH_STAGE_REVIEWED:
		return R_STEP_REVIEWED;
	case CH_STAGE_SUBSIDIZED:
		return R_STEP_SUBSIDIZED;
	case CH_STAGE_WITHDRAWN:
		return R_WITHDRAW;
	default: /* a step back (a failed review) comes with the review's end */
		return stage < from ? R_STEP_REVIEWED : R_STEP_BUILD + stage;
	}
}

static int steps(struct history *hs)
{
	ch_stmt *st;
	int rc = ch_db_preparef(
	    hs->ctx->db, &st,
	    "SELECT e.id, e.stage_no, e.from_stage_no, e.day, e.note, e.actor, e.recorded_at,"
	    " b.file, c.day, s.day, s.recorded_at"
	    " FROM event e LEFT JOIN event_batch b ON b.id = e.batch_id"
	    " LEFT JOIN event c ON c.id = e.corrects LEFT JOIN event s ON s.id = e.superseded_by"
	    " WHERE e.household_id = ? ORDER BY e.id",
	    "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int stage = (int)ch_stmt_int64(st, 1), from = (int)ch_stmt_int64(st, 2);
		const char *note = ch_stmt_text(st, 4), *file = ch_stmt_text(st, 7);
		const char *was = ch_stmt_text(st, 8), *now = ch_stmt_text(st, 9);
		char what[96];
		ch_buf b;
		ch_buf_init(&b);
		if (stage < from && stage != CH_STAGE_WITHDRAWN)
			snprintf(what, sizeof what, "退回「%s」", ch_stage_name(stage));
		else
			snprintf(what, sizeof what, "%s", ch_stage_name(stage));
		if (now)
			snprintf(what + strlen(what), sizeof what - strlen(what), "（已更正）");
		else if (was)
			snprintf(what + strlen(what), sizeof what - strlen(what), "（更正）");
		if (now)
			ch_buf_printf(&b, "此记录已被更正：日期改为 %s", now);
		if (was)
			ch_buf_printf(&b, "%s更正原记录的日期 %s", b.len ? "；" : "", was);
		if (note && *note)
			ch_buf_printf(&b, "%s%s%s", b.len ? "；" : "",
			              stage == CH_STAGE_WITHDRAWN ? "退出原因：" : "备注：", note);
		if (file)
			ch_buf_printf(&b, "%s周报批量导入（%s）", b.len ? "；" : "",
			              base_name(file));
		struct item *it = add(hs, CH_HIST_STEP, step_rank(stage, from), ch_stmt_text(st, 3),
		                      ch_stmt_text(st, 6), what, ch_stmt_text(st, 5));
		it->superseded = now != NULL;
		it->event_id = ch_stmt_int64(st, 0);
		set_detail(it, &b);
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 自验 ---- */

static int inspections(struct history *hs)
{
	ch_stmt *st;
	int rc = ch_db_preparef(hs->ctx->db, &st,
	                        "SELECT day, inspector, result, items, actor, recorded_at"
	                        " FROM inspection WHERE household_id = ? ORDER BY id",
	                        "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int pass = strcmp(ch_stmt_text(st, 2), "pass") == 0;
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "自验人员：%s", ch_stmt_text(st, 1));
		/* the failed items by their checklist names, in checklist order */
		json_t *items = json_loads(ch_stmt_text(st, 3), 0, NULL);
		if (!pass && items) {
			ch_stmt *cl;
			size_t nfailed = 0;
			if (ch_db_prepare(
			        hs->ctx->db, &cl,
			        "SELECT key, name FROM checklist_item ORDER BY ordinal") == 0) {
				while (ch_stmt_step(cl) == CH_DB_ROW) {
					json_t *v = json_object_get(items, ch_stmt_text(cl, 0));
					if (v && json_is_string(v) &&
					    strcmp(json_string_value(v), "fail") == 0)
						ch_buf_printf(&b, "%s%s",
						              nfailed++ ? "、" : "；不合格项：",
						              ch_stmt_text(cl, 1));
				}
				ch_stmt_finalize(cl);
			}
			if (!nfailed)
				ch_buf_puts(&b, "；未注明不合格项");
		}
		json_decref(items);
		struct item *it =
		    add(hs, CH_HIST_INSPECT, R_INSPECT, ch_stmt_text(st, 0), ch_stmt_text(st, 5),
		        pass ? "自验合格" : "自验不合格", ch_stmt_text(st, 4));
		set_detail(it, &b);
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 复核 ---- */

static int reviews(struct history *hs)
{
	ch_stmt *st;
	int rc = ch_db_preparef(
	    hs->ctx->db, &st,
	    "SELECT a.id, a.number, a.applied_at, a.applied_by, a.status, a.unit, a.reviewer,"
	    " a.assigned_at, a.assigned_by, i.sample_round, i.result, i.result_day, i.reviewer,"
	    " i.note, (SELECT max(j.result_day) FROM review_item j WHERE j.application_id = a.id"
	    "  AND j.sample_round < i.sample_round)"
	    " FROM review_item i JOIN review_application a ON a.id = i.application_id"
	    " WHERE i.household_id = ? ORDER BY a.id",
	    "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *number = ch_stmt_text(st, 1), *assigned = ch_stmt_text(st, 7);
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "复核申请 %s", number);
		struct item *it = add(hs, CH_HIST_REVIEW, R_APPLY, ch_stmt_text(st, 2), "",
		                      "列入复核申请", ch_stmt_text(st, 3));
		set_detail(it, &b);
		if (assigned) {
			char day[11];
			int round = ch_stmt_is_null(st, 9) ? 0 : (int)ch_stmt_int64(st, 9);
			const char *status = ch_stmt_text(st, 4);
			ch_buf_init(&b);
			ch_buf_printf(&b, "%s；复核单位：%s；复核人：%s", number,
			              ch_stmt_text(st, 5) ? ch_stmt_text(st, 5) : "",
			              ch_stmt_text(st, 6) ? ch_stmt_text(st, 6) : "");
			beijing_day(assigned, day);
			const char *what = "未抽中复核样本";
			if (round == 1) {
				what = "抽中复核样本";
			} else if (round > 1) {
				what = "抽中复核样本（扩大抽样）";
				ch_buf_printf(&b, "；第 %d 轮抽样", round);
				if (ch_stmt_text(st, 14))
					snprintf(day, sizeof day, "%s", ch_stmt_text(st, 14));
			} else if (strcmp(status, "completed") != 0) {
				ch_buf_puts(&b, "；样本如扩大仍可能抽中");
			}
			it = add(hs, CH_HIST_REVIEW, R_SAMPLE, day, round > 1 ? "" : assigned, what,
			         ch_stmt_text(st, 8));
			set_detail(it, &b);
		}
		if (ch_stmt_text(st, 10)) {
			int pass = strcmp(ch_stmt_text(st, 10), "pass") == 0;
			ch_buf_init(&b);
			ch_buf_puts(&b, number);
			if (ch_stmt_text(st, 13) && *ch_stmt_text(st, 13))
				ch_buf_printf(&b, "；%s", ch_stmt_text(st, 13));
			it = add(hs, CH_HIST_REVIEW, R_RESULT, ch_stmt_text(st, 11), "",
			         pass ? "复核合格" : "复核不合格", ch_stmt_text(st, 12));
			it->review_id = ch_stmt_int64(st, 0);
			set_detail(it, &b);
		}
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 整改 ---- */

static int rectifications(struct history *hs, const char *today)
{
	ch_stmt *st;
	int rc = ch_db_preparef(
	    hs->ctx->db, &st,
	    "SELECT o.source, o.issue, o.opened_day, o.deadline, o.closed_day,"
	    " o.closed_by, o.closing_note, CASE o.source"
	    "  WHEN 'inspection' THEN (SELECT actor FROM inspection WHERE id = o.source_id)"
	    "  WHEN 'followup' THEN (SELECT actor FROM followup WHERE id = o.source_id)"
	    "  ELSE (SELECT reviewer FROM review_application WHERE id = o.source_id) END"
	    " FROM rectification o WHERE o.household_id = ? ORDER BY o.id",
	    "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *source = ch_stmt_text(st, 0), *deadline = ch_stmt_text(st, 3);
		const char *closed = ch_stmt_text(st, 4);
		int rank = strcmp(source, "inspection") == 0 ? R_INSPECT + 1
		           : strcmp(source, "review") == 0   ? R_STEP_REVIEWED + 1
		                                             : R_FOLLOWUP + 1;
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "问题：%s；整改期限 %s；来源：%s", ch_stmt_text(st, 1), deadline,
		              rank == R_INSPECT + 1    ? "自验"
		              : rank == R_FOLLOWUP + 1 ? "回访"
		                                       : "复核");
		if (!closed)
			ch_buf_printf(&b, "；尚未整改完成%s",
			              strcmp(deadline, today) < 0 ? "，已逾期" : "");
		struct item *it = add(hs, CH_HIST_RECTIFY, rank, ch_stmt_text(st, 2), "",
		                      "整改单开具", ch_stmt_text(st, 7));
		set_detail(it, &b);
		if (closed) {
			ch_buf_init(&b);
			const char *note = ch_stmt_text(st, 6);
			ch_buf_printf(&b, "问题：%s", ch_stmt_text(st, 1));
			if (note && *note)
				ch_buf_printf(&b, "；整改情况：%s", note);
			if (strcmp(closed, deadline) > 0)
				ch_buf_printf(&b, "；超过期限 %s", deadline);
			it = add(hs, CH_HIST_RECTIFY, R_CLOSE, closed, "", "整改完成",
			         ch_stmt_text(st, 5));
			set_detail(it, &b);
		}
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 回访 ---- */

static int followups(struct history *hs)
{
	ch_stmt *st;
	int rc = ch_db_preparef(hs->ctx->db, &st,
	                        "SELECT visit, day, in_use, comfort, cost_complaint, coal_burned,"
	                        " fault, satisfaction, note, visitor, recorded_at"
	                        " FROM followup WHERE household_id = ? ORDER BY visit",
	                        "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *comfort = ch_stmt_text(st, 3), *fault = ch_stmt_text(st, 6);
		const char *note = ch_stmt_text(st, 8);
		char what[32];
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "%s；室内舒适度：%s",
		              ch_stmt_int64(st, 2) ? "新设施在用" : "新设施未使用",
		              strcmp(comfort, "good") == 0   ? "好"
		              : strcmp(comfort, "fair") == 0 ? "一般"
		                                             : "差");
		if (ch_stmt_int64(st, 5))
			ch_buf_puts(&b, "；仍在烧煤（返煤）");
		if (ch_stmt_int64(st, 4))
			ch_buf_puts(&b, "；反映运行费用过高");
		if (fault && *fault)
			ch_buf_printf(&b, "；设备故障：%s", fault);
		if (!ch_stmt_is_null(st, 7) && ch_stmt_int64(st, 7) > 0)
			ch_buf_printf(&b, "；满意度 %" PRId64 "/5", ch_stmt_int64(st, 7));
		if (note && *note)
			ch_buf_printf(&b, "；备注：%s", note);
		snprintf(what, sizeof what, "第 %" PRId64 " 次回访", ch_stmt_int64(st, 0));
		struct item *it = add(hs, CH_HIST_FOLLOWUP, R_FOLLOWUP, ch_stmt_text(st, 1),
		                      ch_stmt_text(st, 10), what, ch_stmt_text(st, 9));
		set_detail(it, &b);
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- 补助 ---- */

static int subsidy(struct history *hs)
{
	ch_stmt *st;
	char y[64];
	/* the entitlement, dated by its reservation (or when it was computed) */
	int rc = ch_db_preparef(
	    hs->ctx->db, &st,
	    "SELECT e.total_fen, e.cost_fen, e.detail, e.computed_at, p.version, p.label,"
	    " t.day, t.actor,"
	    " (SELECT sum(x.amount) FROM posting x WHERE x.transfer_id = t.id AND x.amount > 0)"
	    " FROM entitlement e JOIN subsidy_policy p ON p.id = e.policy_id"
	    " LEFT JOIN transfer t ON t.household_id = e.household_id AND t.kind = 'reserve'"
	    " WHERE e.household_id = ?",
	    "i", hs->hh);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_buf b;
		ch_buf_init(&b);
		char cost[64];
		ch_buf_printf(&b, "核定补助 %s（总投资 %s；补助标准第 %" PRId64 " 版%s%s）",
		              yuan(ch_stmt_int64(st, 0), y, sizeof y),
		              yuan(ch_stmt_int64(st, 1), cost, sizeof cost), ch_stmt_int64(st, 4),
		              ch_stmt_text(st, 5) ? "，" : "",
		              ch_stmt_text(st, 5) ? ch_stmt_text(st, 5) : "");
		json_t *d = json_loads(ch_stmt_text(st, 2), 0, NULL);
		json_t *lines = d ? json_object_get(d, "lines") : NULL, *l;
		size_t i;
		json_array_foreach(lines, i, l) if (json_is_string(l))
		    ch_buf_printf(&b, "；%s", json_string_value(l));
		json_decref(d);
		const char *reserved = ch_stmt_text(st, 6);
		char computed[11];
		beijing_day(ch_stmt_text(st, 3), computed);
		struct item *it =
		    add(hs, CH_HIST_SUBSIDY, R_ENTITLE, reserved ? reserved : computed,
		        ch_stmt_text(st, 3), "补助核定", ch_stmt_text(st, 7));
		set_detail(it, &b);
		if (reserved) {
			ch_buf_init(&b);
			ch_buf_printf(&b, "从县级专户预留 %s，待发放",
			              yuan(ch_stmt_int64(st, 8), y, sizeof y));
			it = add(hs, CH_HIST_SUBSIDY, R_RESERVE, reserved, "", "资金预留",
			         ch_stmt_text(st, 7));
			set_detail(it, &b);
		}
		rc = 0;
	}
	ch_stmt_finalize(st);
	if ((rc = step_done(rc)) != 0)
		return rc;
	/* each payment, and what the bank answered */
	rc = ch_db_preparef(hs->ctx->db, &st,
	                    "SELECT p.id, p.batch_id, b.day, b.method, b.created_by, p.amount,"
	                    " p.account, p.status, p.returned_at, p.reason, b.created_at,"
	                    /* who applied the bank's return: its transfer's actor */
	                    " (SELECT actor FROM transfer WHERE idem_key = CASE p.status"
	                    "  WHEN 'paid' THEN 'confirm:' ELSE 'fail:' END || p.id)"
	                    " FROM payment p JOIN payment_batch b ON b.id = p.batch_id"
	                    " WHERE p.household_id = ? ORDER BY p.id",
	                    "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *account = ch_stmt_text(st, 6), *status = ch_stmt_text(st, 7);
		const char *returned = ch_stmt_text(st, 8), *reason = ch_stmt_text(st, 9);
		char masked[64];
		ch_buf b;
		ch_buf_init(&b);
		if (account)
			ch_account_mask(account, masked, sizeof masked);
		ch_buf_printf(&b,
		              "第 %" PRId64 " 批（%s），流水号 %" PRId64 "，金额 %s%s%s；状态：%s",
		              ch_stmt_int64(st, 1), ch_pay_method_label(ch_stmt_text(st, 3)),
		              ch_stmt_int64(st, 0), yuan(ch_stmt_int64(st, 5), y, sizeof y),
		              account ? "，收款账号 " : "", account ? masked : "",
		              strcmp(status, "paid") == 0     ? "已入账"
		              : strcmp(status, "failed") == 0 ? "发放失败，已冲回"
		                                              : "已发送银行，待回单");
		struct item *it = add(hs, CH_HIST_SUBSIDY, R_PAY, ch_stmt_text(st, 2),
		                      ch_stmt_text(st, 10), "补助发放", ch_stmt_text(st, 4));
		set_detail(it, &b);
		if (returned && strcmp(status, "sent") != 0) {
			int paid = strcmp(status, "paid") == 0;
			ch_buf_init(&b);
			if (paid)
				ch_buf_printf(&b, "流水号 %" PRId64 " 入账成功 %s",
				              ch_stmt_int64(st, 0),
				              yuan(ch_stmt_int64(st, 5), y, sizeof y));
			else
				ch_buf_printf(
				    &b,
				    "流水号 %" PRId64 " 发放失败%s%s；%s 已冲回，待下批重新发放",
				    ch_stmt_int64(st, 0), reason ? "：" : "", reason ? reason : "",
				    yuan(ch_stmt_int64(st, 5), y, sizeof y));
			it = add(hs, CH_HIST_SUBSIDY, R_RETURN, returned, "",
			         paid ? "银行回单：入账" : "银行回单：失败", ch_stmt_text(st, 11));
			set_detail(it, &b);
		}
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

/* ---- evidence of the items ---- */

/* Attaches to each item the files of its step or review result. */
static int attach_evidence(struct history *hs)
{
	ch_stmt *st;
	int rc =
	    ch_db_preparef(hs->ctx->db, &st,
	                   "SELECT 'e', ee.event_id, v.hash, v.name, v.size FROM event_evidence ee"
	                   " JOIN event e ON e.id = ee.event_id AND e.county_id = ee.county_id"
	                   " JOIN evidence v ON v.hash = ee.hash AND v.county_id = ee.county_id"
	                   " WHERE e.household_id = ?1"
	                   " UNION ALL SELECT 'r', r.application_id, v.hash, v.name, v.size"
	                   " FROM review_evidence r"
	                   " JOIN evidence v ON v.hash = r.hash AND v.county_id = r.county_id"
	                   " WHERE r.household_id = ?1"
	                   " ORDER BY 1, 2, 4",
	                   "i", hs->hh);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int review = ch_stmt_text(st, 0)[0] == 'r';
		int64_t id = ch_stmt_int64(st, 1);
		for (size_t i = 0; i < hs->n; i++) {
			struct item *it = &hs->items[i];
			if (review ? it->review_id != id : it->event_id != id)
				continue;
			it->ev = ch_reallocarray(it->ev, it->nev + 1, sizeof *it->ev);
			ch_hist_evidence *e = &it->ev[it->nev++];
			e->hash = ch_strdup(ch_stmt_text(st, 2));
			e->name = ch_strdup(ch_stmt_text(st, 3));
			e->size = ch_stmt_int64(st, 4);
			break;
		}
	}
	ch_stmt_finalize(st);
	return step_done(rc);
}

static int by_time(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	/* registration opens the story whatever day the ledger was imported:
	 * steps are dated as on the forms, which may be earlier */
	if ((a->rank == R_FIRST) != (b->rank == R_FIRST))
		return a->rank == R_FIRST ? -1 : 1;
	int c = strcmp(a->day, b->day);
	if (c)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	/* known recording times in order; the rest as they were gathered */
	if (*a->at && *b->at && (c = strcmp(a->at, b->at)) != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void history_dispose(struct history *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		struct item *it = &hs->items[i];
		for (size_t k = 0; k < it->nev; k++) {
			free((char *)it->ev[k].hash);
			free((char *)it->ev[k].name);
		}
		free(it->ev);
		free(it->at);
		free(it->what);
		free(it->detail);
		free(it->actor);
	}
	free(hs->items);
}

/* The household COUNTY/KEY of the actor's scope, for reading. */
static int locate(ch_ctx *ctx, const char *county, const char *key, ch_hh_ref *ref, char code[16],
                  char name[64])
{
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	char *c = NULL;
	if (rc == 0)
		rc = ch_household_locate(ctx, CH_PERM_READ, county, key, ref);
	if (rc == 0)
		rc = ch_db_query_text(ctx->db, &c,
		                      "SELECT code || '|' || name FROM region WHERE id = ?", "i",
		                      ref->county_id);
	if (rc == 0) {
		char *bar = strchr(c, '|');
		snprintf(code, 16, "%.*s", (int)(bar - c), c);
		snprintf(name, 64, "%s", bar + 1);
	}
	free(c);
	return rc;
}

int ch_household_history(ch_ctx *ctx, const char *county, const char *key,
                         int (*fn)(const ch_hist_item *it, void *arg), void *arg, char **hh_no)
{
	struct history hs = {ctx, 0, NULL, 0, 0};
	ch_hh_ref ref;
	char code[16], name[64], today[11];
	int rc;
	if (hh_no)
		*hh_no = NULL;
	if ((rc = locate(ctx, county, key, &ref, code, name)) != 0)
		return rc;
	hs.hh = ref.id;
	ch_today_beijing(today, sizeof today);
	if ((rc = registration(&hs, code, ref.hh_no)) == 0 && (rc = steps(&hs)) == 0 &&
	    (rc = inspections(&hs)) == 0 && (rc = reviews(&hs)) == 0 &&
	    (rc = rectifications(&hs, today)) == 0 && (rc = followups(&hs)) == 0 &&
	    (rc = subsidy(&hs)) == 0)
		rc = attach_evidence(&hs);
	if (rc == 0) {
		qsort(hs.items, hs.n, sizeof *hs.items, by_time);
		for (size_t i = 0; i < hs.n && rc == 0; i++) {
			const struct item *x = &hs.items[i];
			ch_hist_item it = {
			    x->kind,  x->day, x->what,       x->detail ? x->detail : "",
			    x->actor, x->at,  x->superseded, x->ev,
			    x->nev};
			rc = fn(&it, arg);
		}
		if (rc == 0 && hh_no) {
			char t[160];
			snprintf(t, sizeof t, "%s %s", name, ref.hh_no);
			*hh_no = ch_strdup(t);
		}
	}
	history_dispose(&hs);
	return rc;
}

/* ---- evidence files ---- */

const char *ch_evidence_media_type(const unsigned char *d, size_t n)
{
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	return "application/octet-stream";
}

int ch_household_evidence(ch_ctx *ctx, const char *county, const char *key, const char *hash,
                          ch_evidence_file *out)
{
	ch_hh_ref ref;
	char code[16], name[64], prefix[65];
	ch_stmt *st = NULL;
	size_t n = hash ? strlen(hash) : 0, found = 0;
	int rc;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n && i < 64; i++)
		prefix[i] =
		    (char)(hash[i] >= 'A' && hash[i] <= 'F' ? hash[i] - 'A' + 'a' : hash[i]);
	prefix[n < 64 ? n : 64] = '\0';
	if (n < 8 || n > 64 || strspn(prefix, "0123456789abcdef") != n)
		return ch_error_set_field(CH_EINVALID, "hash",
		                          "文件指纹「%s」应为 8 至 64 位十六进制数字",
		                          hash ? hash : "");
	if ((rc = locate(ctx, county, key, &ref, code, name)) != 0)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT v.hash, v.name, v.content FROM evidence v"
	                    " WHERE substr(v.hash, 1, CAST(?1 AS INTEGER)) = ?2"
	                    " AND v.county_id = ?4 AND v.hash IN ("
	                    "  SELECT ee.hash FROM event_evidence ee"
	                    "  JOIN event e ON e.id = ee.event_id AND e.county_id = ee.county_id"
	                    "  WHERE e.household_id = ?3"
	                    "  UNION SELECT hash FROM review_evidence WHERE household_id = ?3)"
	                    " LIMIT 2",
	                    "itii", (int64_t)n, prefix, ref.id, ref.county_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW && ++found == 1) {
		size_t len = 0;
		const void *data = ch_stmt_blob(st, 2, &len);
		snprintf(out->hash, sizeof out->hash, "%s", ch_stmt_text(st, 0));
		out->name = ch_strdup(ch_stmt_text(st, 1));
		out->data = ch_malloc(len ? len : 1);
		if (len)
			memcpy(out->data, data, len);
		out->len = len;
	}
	ch_stmt_finalize(st);
	if (rc < 0 && rc != CH_DB_DONE)
		return rc;
	if (found == 0)
		return ch_error_set_field(CH_ENOTFOUND, "hash",
		                          "%s %s 没有文件指纹为 %s 的证明材料", name, ref.hh_no,
		                          prefix);
	if (found > 1)
		return ch_error_set_field(CH_EINVALID, "hash",
		                          "文件指纹 %s 对应该户的多个文件，请写出更多位", prefix);
	out->media_type = ch_evidence_media_type(out->data, out->len);
	return 0;
}

void ch_evidence_file_dispose(ch_evidence_file *f)
{
	free(f->name);
	free(f->data);
	f->name = NULL;
	f->data = NULL;
}
