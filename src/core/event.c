/*
 * event — checking and storing construction steps (see event.h).
 *
 * Aggregates: each step adds its contribution to progress_daily in the
 * same transaction (ch_event_contribute). A forward step to stage S on day
 * D adds one household at (S, D); a withdrawal on day W takes back, at W,
 * what the steps into every stage the household had reached added, and adds
 * one to 已退出; a step back (a failed review) takes back the stages left.
 * The energy-saving households and area ride along as they were when each
 * step was recorded (kept on the event), so a later register change cannot
 * make the aggregates disagree with their events.
 *
 * A file's batch adds its contributions up in memory, one sum per
 * (year, county, stage, day), and writes each sum once when the batch
 * finishes (a weekly batch of 100,000 steps touches a few hundred of them),
 * instead of one upsert per step; the totals are the same.
 *
 * A batch read from a file checks in two halves, so that the write lock is
 * held only while writing: each row's own checks (stage, date, the
 * household it names) run under a read snapshot and keep the row in the
 * scratch table ev_stage (ch_db_scratch_table); ch_event_finish then takes
 * the lock and, row by row in line order, reads the household's stage
 * again and checks the step (step_allowed). So every check that another
 * writer, or an earlier row of the batch, could change is made under the
 * lock. The steps that passed are then written set-wise (write_set): one
 * INSERT … SELECT of the events from ev_stage and one UPDATE of the
 * households moved (from temp.ev_hh), not one INSERT and one UPDATE per
 * step. A single step (ch_event_step, event record) is checked and
 * written at once (check_step).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/event.h"
#include "core/reflist.h"
#include "core/seal_int.h"
#include "core/idcard.h"
#include "core/region.h"
#include "core/subsidy.h"
#include "core/workflow.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/idmap.h"
#include "util/strmap.h"
#include "util/text.h"

static const char *const efield_names[] = {"县市", "户编号", "环节", "日期", "备注", "证明材料"};

const char *ch_efield_name(enum ch_efield f)
{
	return f <= CH_EF_EVIDENCE ? efield_names[f] : "?";
}

/* One sum: the key of a progress_daily row and what the batch adds to it. */
struct ev_sum {
	int64_t year, county, n, es, area;
	int stage, used;
	char day[16]; /* as large as the days it is copied from */
};

/* An open-addressing table of sums (a power of two of slots, at most half
 * used), keyed by the four fields themselves: a ch_strmap would want a
 * formatted string key for every step. */
struct ev_sums {
	struct ev_sum *slot;
	size_t cap, used;
};

/* Where a household stands: what a step is checked against and written with. */
struct hh_state {
	int64_t id, plan_year, county_id, township_id, es, es_area;
	int stage;
	char stage_day[11];
};

struct ch_event_batch {
	ch_ctx *ctx;
	ch_event_opts opts;
	enum ch_perm
	    perm; /* the permission the batch was begun with; the scope is checked for it */
	char county_name[128]; /* of opts.county_id, for messages */
	/* the last step stored, for the audit entry of a single step */
	int64_t last_household;
	int last_stage;
	char last_day[16]; /* as large as the day it is copied from */
	char today[11], now[32];
	int64_t batch_id;
	int in_tx, finished;
	int deferred;     /* a file's batch: rows kept until ch_event_finish writes them */
	ch_db_load *keep; /* rows into ev_stage (a COPY on PostgreSQL) */
	int staged;       /* ev_stage was used: emptied at the end */
	size_t rows, stored, denied; /* denied: steps the actor's role may not record */
	size_t outside;              /* steps of households outside the actor's scope */
	ch_problems *problems;
	ch_strmap *cache; /* "c|name" → county id; "n|county", "s|region" → in scope (0/1) */
	/* the county named by the row before and the region last found in
	 * scope, per way of checking: a file's rows come household by
	 * household, so most rows need neither a key formatted nor a lookup */
	char last_county_name[128];
	int64_t last_county, last_in_scope[3];
	int64_t note_max; /* most characters of a note (limits.csv event_note), 0: none */
	ch_stmt *st_hh, *st_hh_id, *st_hh_pk, *st_ins, *st_upd, *st_agg, *st_link;
	struct ev_sums *sums; /* a file's batch: progress_daily's additions, until finish */
	ch_idmap *moved;      /* the households the batch moved (recall_step), id → mark */
	/* a file's batch, while reading: the stage of each household's last
	 * kept row, which the household's next kept row stages as where it
	 * comes from (if the rows between pass, as they nearly always do) */
	ch_idmap *kept;
	/* a file's batch, while reading: the household the row before named
	 * by county and 户编号, as read (id 0: none) */
	struct hh_state last_hh;
	int64_t last_hh_county;
	char last_hh_no[64];
	/* the stage texts read so far and what each means (a file spells its
	 * stages a few ways at most): no text normalized for each row */
	struct {
		char text[32];
		int stage;
	} stage_text[4];
	unsigned nstage_text;
};

#define add_problem(b, line, field, value, ...)                                                    \
	ch_problems_add((b)->problems, line, field, (field) >= 0 ? ch_efield_name(field) : NULL,   \
	                value, 0, __VA_ARGS__)

/* The batch's statements come from the connection's cache
 * (ch_db_preparef) and ch_event_free gives them back there: a single step
 * (ch_event_step, once for each self-inspection, review or payment of a
 * file) is a batch of its own, and parsing its seven statements again took
 * more than half of a file of self-inspections (docs/performance.md,
 * "Single steps with their statements parsed once"). */
static int prepare(ch_db *db, ch_stmt **st, const char *sql)
{
	return ch_db_preparef(db, st, sql, NULL);
}

/* The statements that find a household and read where it stands. */
static int prepare_reads(ch_event_batch *b)
{
	ch_db *db = b->ctx->db;
#define HH_SEL                                                                                     \
	"SELECT id, status, stage_day, plan_year, county_id, township_id,"                         \
	" es_measures IS NOT NULL,"                                                                \
	" CASE WHEN es_measures IS NOT NULL THEN coalesce(es_area_centi, 0) ELSE 0 END"            \
	" FROM household"
	int rc = prepare(db, &b->st_hh, HH_SEL " WHERE county_id = ? AND hh_no = ?");
	if (rc == 0)
		rc = prepare(db, &b->st_hh_pk, HH_SEL " WHERE id = ?");
	if (rc == 0)
		rc = prepare(db, &b->st_hh_id,
		             HH_SEL " WHERE id IN (SELECT id FROM household WHERE id_number = ?1"
		                    " AND withdrawn = 0 UNION ALL SELECT id FROM household"
		                    " WHERE id_number = ?1 AND withdrawn = 1)"
		                    " ORDER BY (?2 = 0 OR county_id = ?2"
		                    " OR township_id = ?2 OR village_id = ?2) DESC,"
		                    " status = 'withdrawn' LIMIT 1");
	return rc;
#undef HH_SEL
}

/* The statements that write a step. */
static int prepare_writes(ch_event_batch *b)
{
	ch_db *db = b->ctx->db;
	int rc = prepare(db, &b->st_ins,
	                 "INSERT INTO event(household_id, stage_no, from_stage_no, day, note, es,"
	                 " es_area_centi, plan_year, county_id, actor, recorded_at, batch_id,"
	                 " corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (rc == 0)
		rc = prepare(db, &b->st_upd,
		             "UPDATE household SET status = ?, stage_day = ? WHERE id = ?");
	if (rc == 0)
		rc = prepare(
		    db, &b->st_agg,
		    "INSERT INTO progress_daily(plan_year, county_id, stage_no, day,"
		    " households, es_households, es_area_centi) VALUES (?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT(plan_year, county_id, stage_no, day) DO UPDATE SET"
		    " households = progress_daily.households + excluded.households,"
		    " es_households = progress_daily.es_households + excluded.es_households,"
		    " es_area_centi = progress_daily.es_area_centi + excluded.es_area_centi");
	if (rc == 0)
		rc =
		    prepare(db, &b->st_link,
		            "INSERT INTO event_evidence(event_id, hash, county_id) VALUES (?, ?, ?)"
		            " ON CONFLICT DO NOTHING");
	return rc;
}

/* Takes the write lock (nested in the caller's transaction, if any), opens
 * the batch's record and prepares what writing needs. */
static int begin_writing(ch_event_batch *b)
{
	ch_ctx *ctx = b->ctx;
	int rc = ch_ctx_begin(ctx);
	if (rc)
		return rc;
	b->in_tx = 1;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO event_batch(file, file_hash, at, actor) VALUES (?, ?, ?, ?)",
	               "tttt", b->opts.file, b->opts.file_hash, b->now, ctx->actor.name);
	if (rc)
		return rc;
	b->batch_id = ch_db_last_id(ctx->db);
	if (!b->st_hh && (rc = prepare_reads(b)) != 0)
		return rc;
	return prepare_writes(b);
}

/* Starts a batch for an actor whose role holds PERM; each step is then
 * checked against the workflow table's roles and the actor's scope. */
static int begin(ch_ctx *ctx, const ch_event_opts *opts, enum ch_perm perm, ch_event_batch **out)
{
	ch_event_batch *b = ch_calloc(1, sizeof *b);
	int rc;
	*out = NULL;
	b->ctx = ctx;
	b->opts = *opts;
	b->perm = perm;
	b->problems = ch_problems_new();
	b->cache = ch_strmap_new();
	b->moved = ch_idmap_new();
	b->kept = ch_idmap_new();
	ch_now_utc(b->now, sizeof b->now);
	ch_today_at_most(opts->today, b->today, sizeof b->today);
	if ((rc = ch_ctx_require_role(ctx, perm)) != 0)
		goto fail;
	/* a county outside the scope: refused before any row is read */
	if (opts->county_id && (rc = ch_ctx_require_near(ctx, perm, opts->county_id)) != 0)
		goto fail;
	b->note_max = ch_ref_text_max(ctx, "event_note");
	if (opts->county_id) {
		ch_region c;
		if ((rc = ch_region_get(ctx, opts->county_id, &c)) != 0)
			goto fail;
		snprintf(b->county_name, sizeof b->county_name, "%s", c.name);
		ch_region_dispose(&c);
	}
	if (opts->file) {
		/* a file: checked under a read snapshot, written by ch_event_finish */
		b->deferred = 1;
		b->sums = ch_calloc(1, sizeof *b->sums);
		if ((rc = ch_ctx_begin_read(ctx)) != 0)
			goto fail;
		b->in_tx = 1;
		rc =
		    ch_db_scratch_table(ctx->db, "ev_stage",
		                        "line INTEGER PRIMARY KEY, household_id INTEGER,"
		                        " stage INTEGER, day TEXT, household TEXT, stage_text TEXT,"
		                        " day_text TEXT, note TEXT, from_stage INTEGER");
		static const char *const cols[] = {"line",     "household_id", "stage",
		                                   "day",      "household",    "stage_text",
		                                   "day_text", "note",         "from_stage"};
		b->staged = 1;
		if (rc == 0)
			rc = ch_db_load_begin(ctx->db, "ev_stage", cols, 9, &b->keep);
		if (rc == 0)
			rc = prepare_reads(b);
		if (rc)
			goto fail;
	} else if ((rc = begin_writing(b)) != 0) {
		goto fail;
	}
	*out = b;
	return 0;
fail:
	ch_event_free(b);
	return rc;
}

int ch_event_begin(ch_ctx *ctx, const ch_event_opts *opts, ch_event_batch **out)
{
	return begin(ctx, opts, CH_PERM_HOUSEHOLD_WRITE, out);
}

void ch_event_add_problem(ch_event_batch *b, size_t line, int field, const char *value,
                          const char *reason)
{
	add_problem(b, line, field, value, "%s", reason);
}

const ch_problems *ch_event_problems(const ch_event_batch *b)
{
	return b->problems;
}

ch_problems *ch_event_take_problems(ch_event_batch *b)
{
	ch_problems *p = b->problems;
	b->problems = ch_problems_new();
	return p;
}

/* Runs ST (bound) to completion and resets it. */
static int run(ch_stmt *st)
{
	int rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		;
	ch_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- progress_daily's additions, summed in memory ---- */

static uint64_t sum_hash(int64_t year, int64_t county, int stage, const char *day)
{
	uint64_t h = 1469598103934665603u;
	h = (h ^ (uint64_t)year) * 1099511628211u;
	h = (h ^ (uint64_t)county) * 1099511628211u;
	h = (h ^ (uint64_t)stage) * 1099511628211u;
	for (const char *p = day; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h ^ (h >> 29);
}

static struct ev_sum *sum_slot(struct ev_sums *t, int64_t year, int64_t county, int stage,
                               const char *day)
{
	if (2 * (t->used + 1) > t->cap) {
		struct ev_sums bigger = {ch_calloc(t->cap ? 2 * t->cap : 1024, sizeof *t->slot),
		                         t->cap ? 2 * t->cap : 1024, 0};
		for (size_t i = 0; i < t->cap; i++) {
			struct ev_sum *o = &t->slot[i];
			if (o->used)
				*sum_slot(&bigger, o->year, o->county, o->stage, o->day) = *o;
		}
		free(t->slot);
		*t = bigger;
	}
	size_t i = (size_t)sum_hash(year, county, stage, day) & (t->cap - 1);
	for (;; i = (i + 1) & (t->cap - 1)) {
		struct ev_sum *x = &t->slot[i];
		if (!x->used) {
			*x = (struct ev_sum){
			    .year = year, .county = county, .stage = stage, .used = 1};
			snprintf(x->day, sizeof x->day, "%s", day);
			t->used++;
			return x;
		}
		if (x->year == year && x->county == county && x->stage == stage &&
		    strcmp(x->day, day) == 0)
			return x;
	}
}

static int sum_cmp(const void *a, const void *b)
{
	const struct ev_sum *x = a, *y = b;
	if (x->used != y->used)
		return x->used ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->county != y->county)
		return x->county < y->county ? -1 : 1;
	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	return strcmp(x->day, y->day);
}

static void sums_free(struct ev_sums *t)
{
	if (t)
		free(t->slot);
	free(t);
}

static int add_row_now(ch_stmt *agg, int64_t year, int64_t county, int stage, const char *day,
                       int64_t n, int64_t es, int64_t area);

/* Writes every sum into progress_daily through AGG, in key order, and
 * empties the table. */
static int sums_write(struct ev_sums *t, ch_stmt *agg)
{
	int rc = 0;
	if (!t || !t->used)
		return 0;
	qsort(t->slot, t->cap, sizeof *t->slot, sum_cmp);
	for (size_t i = 0; i < t->used && rc == 0; i++) {
		struct ev_sum *x = &t->slot[i];
		rc = add_row_now(agg, x->year, x->county, x->stage, x->day, x->n, x->es, x->area);
	}
	memset(t->slot, 0, t->cap * sizeof *t->slot);
	t->used = 0;
	return rc;
}

/* Where a step's contributions go: straight into progress_daily through
 * AGG, or, when SUMS is set, into the batch's sums. */
struct ev_sink {
	ch_stmt *agg;
	struct ev_sums *sums;
};

static int add_row(const struct ev_sink *to, int64_t year, int64_t county, int stage,
                   const char *day, int64_t n, int64_t es, int64_t area)
{
	if (to->sums) {
		struct ev_sum *x = sum_slot(to->sums, year, county, stage, day);
		x->n += n;
		x->es += es;
		x->area += area;
		return 0;
	}
	return add_row_now(to->agg, year, county, stage, day, n, es, area);
}

static int add_row_now(ch_stmt *agg, int64_t year, int64_t county, int stage, const char *day,
                       int64_t n, int64_t es, int64_t area)
{
	int rc;
	if ((rc = ch_stmt_bind_int64(agg, 1, year)) == 0 &&
	    (rc = ch_stmt_bind_int64(agg, 2, county)) == 0 &&
	    (rc = ch_stmt_bind_int64(agg, 3, stage)) == 0 &&
	    (rc = ch_stmt_bind_text(agg, 4, day)) == 0 &&
	    (rc = ch_stmt_bind_int64(agg, 5, n)) == 0 &&
	    (rc = ch_stmt_bind_int64(agg, 6, es)) == 0 &&
	    (rc = ch_stmt_bind_int64(agg, 7, area)) == 0)
		rc = run(agg);
	return rc;
}

static int contribute(ch_ctx *ctx, const struct ev_sink *agg, int64_t event_id, int64_t household,
                      int64_t year, int64_t county, int stage, int from, const char *day,
                      int64_t es, int64_t area, int sign);

int ch_event_contribute(ch_ctx *ctx, ch_stmt *agg, int64_t event_id, int64_t household,
                        int64_t year, int64_t county, int stage, int from, const char *day,
                        int64_t es, int64_t area, int sign)
{
	struct ev_sink to = {agg, NULL};
	return contribute(ctx, &to, event_id, household, year, county, stage, from, day, es, area,
	                  sign);
}

static int contribute(ch_ctx *ctx, const struct ev_sink *agg, int64_t event_id, int64_t household,
                      int64_t year, int64_t county, int stage, int from, const char *day,
                      int64_t es, int64_t area, int sign)
{
	int back = stage < from && stage != CH_STAGE_WITHDRAWN;
	ch_stmt *st;
	int rc;
	if (stage != CH_STAGE_WITHDRAWN && !back)
		return add_row(agg, year, county, stage, day, sign, sign * es, sign * area);
	/* leaving stages: take back what the latest current step into each,
	 * before this one, added */
	int lo = back ? stage + 1 : CH_STAGE_STARTED;
	rc = ch_db_preparef(
	    ch_ctx_db(ctx), &st,
	    "SELECT f.stage_no, f.plan_year, f.county_id, f.es, f.es * f.es_area_centi"
	    " FROM event f WHERE f.household_id = ? AND f.superseded_by IS NULL"
	    " AND f.stage_no BETWEEN ? AND ? AND f.stage_no > f.from_stage_no"
	    " AND f.stage_no <> ?6 AND f.id = (SELECT max(g.id) FROM event g"
	    "  WHERE g.household_id = f.household_id AND g.stage_no = f.stage_no"
	    "  AND g.superseded_by IS NULL AND g.stage_no > g.from_stage_no"
	    "  AND (g.day < ?4 OR (g.day = ?4 AND g.id < ?5)))",
	    "iiitii", household, (int64_t)lo, (int64_t)from, day, event_id,
	    (int64_t)CH_STAGE_WITHDRAWN);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = add_row(agg, ch_stmt_int64(st, 1), ch_stmt_int64(st, 2),
		             (int)ch_stmt_int64(st, 0), day, -sign, -sign * ch_stmt_int64(st, 3),
		             -sign * ch_stmt_int64(st, 4));
		if (rc)
			break;
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (stage == CH_STAGE_WITHDRAWN)
		return add_row(agg, year, county, CH_STAGE_WITHDRAWN, day, sign, sign * es,
		               sign * area);
	return 0;
}

/* How a household's region is checked against the actor's scope. */
enum scope_check {
	SCOPE_NEAR,    /* a county asked for, before any household is looked up */
	SCOPE_NAMED,   /* the household's township or village; the refusal names it */
	SCOPE_UNNAMED, /* the same for a household found by ID number: it does not */
};

static int scope_require(ch_ctx *ctx, enum ch_perm perm, int64_t region, enum scope_check how)
{
	return how == SCOPE_NEAR    ? ch_ctx_require_near(ctx, perm, region)
	       : how == SCOPE_NAMED ? ch_ctx_require(ctx, perm, region)
	                            : ch_ctx_require_unnamed(ctx, perm, region);
}

/* Outside your scope: 0 when the actor's scope allows a household of
 * REGION, checked HOW (cached); else 1, the refusal recorded as the row's
 * problem without anything of the household's state. */
static int outside(ch_event_batch *b, const ch_event_in *in, int64_t region, enum scope_check how)
{
	char key[48];
	int64_t ok;
	if (region && b->last_in_scope[how] == region)
		return 0;
	snprintf(key, sizeof key, "%c|%" PRId64, how == SCOPE_NEAR ? 'n' : 's', region);
	if (ch_strmap_get(b->cache, key, &ok) && ok) {
		b->last_in_scope[how] = region;
		return 0;
	}
	if (scope_require(b->ctx, b->perm, region, how) == 0) {
		ch_strmap_put(b->cache, key, 1);
		b->last_in_scope[how] = region;
		return 0;
	}
	add_problem(b, in->line, CH_EF_HOUSEHOLD, in->household, "%s", ch_error_message());
	ch_error_clear();
	b->outside++;
	return 1;
}

/* The stage of a household's status: its key as stored, else as parsed. */
static int stage_of_status(const char *status)
{
	for (int i = 0; status && i < CH_STAGE_COUNT; i++)
		if (strcmp(status, ch_stage_key((enum ch_stage)i)) == 0)
			return i;
	return ch_stage_parse(status);
}

/* Copies the text SRC (NULL: "") into OUT of SIZE bytes, cut if longer. */
static void copy_text(char *out, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= size)
		n = size - 1;
	memcpy(out, src ? src : "", n);
	out[n] = '\0';
}

/* The household's state from the columns of HH_SEL at AT in ST's row. */
static void state_at(ch_stmt *st, int at, struct hh_state *h)
{
	h->id = ch_stmt_int64(st, at);
	h->stage = stage_of_status(ch_stmt_text(st, at + 1));
	copy_text(h->stage_day, sizeof h->stage_day, ch_stmt_text(st, at + 2));
	h->plan_year = ch_stmt_int64(st, at + 3);
	h->county_id = ch_stmt_int64(st, at + 4);
	h->township_id = ch_stmt_int64(st, at + 5);
	h->es = ch_stmt_int64(st, at + 6);
	h->es_area = ch_stmt_int64(st, at + 7);
}

static int read_state(ch_stmt *st, struct hh_state *h)
{
	int rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		state_at(st, 0, h);
		rc = 1;
	}
	ch_stmt_reset(st);
	return rc;
}

/* DAY (YYYY-MM-DD, as a step's day always is once checked: format_day)
 * as the number YYYYMMDD, and back into OUT; 0 and "" stand for a day of
 * any other shape, which no checked step has. */
static uint32_t day_pack(const char *day)
{
	uint32_t n = 0;
	if (strlen(day) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7)
			n = n * 10 + (uint32_t)(day[i] - '0');
	return n;
}

static void day_unpack(uint32_t n, char out[11])
{
	if (n == 0) {
		out[0] = '\0';
		return;
	}
	for (int i = 9; i >= 0; i--) {
		if (i == 4 || i == 7) {
			out[i] = '-';
			continue;
		}
		out[i] = (char)('0' + n % 10);
		n /= 10;
	}
	out[10] = '\0';
}

/* The households a file's batch has moved so far, with the stage and day
 * it wrote last: a later row of the batch takes them from here instead of
 * reading the household again. A map from the household's id to one
 * 32-bit number (mark_pack): the stage plus one above bit 27, the day as
 * the number YYYYMMDD below (0 in the map of kept rows, which has no day:
 * DAY NULL). The year's batch marks every household of
 * the register in each of two such maps (kept while checking, moved while
 * writing), about 4.5 MiB a million households each (util/idmap.h). */
#define MARK_DAY_BITS 27

static uint32_t mark_pack(int stage, const char *day)
{
	return (uint32_t)(stage + 1) << MARK_DAY_BITS | (day ? day_pack(day) : 0);
}

static int mark_stage(uint32_t mark)
{
	return (int)(mark >> MARK_DAY_BITS) - 1;
}

static uint32_t mark_day(uint32_t mark)
{
	return mark & ((1u << MARK_DAY_BITS) - 1);
}

/* Remembers that the batch moved HOUSEHOLD to STAGE on DAY. */
static void remember_step(ch_event_batch *b, int64_t household, int stage, const char *day)
{
	ch_idmap_put(b->moved, household, mark_pack(stage, day));
}

/* Overrides H's stage and day with what this batch wrote last, if it did. */
static void recall_step(ch_event_batch *b, struct hh_state *h)
{
	uint32_t mark = ch_idmap_get(b->moved, h->id);
	if (!mark)
		return;
	h->stage = mark_stage(mark);
	day_unpack(mark_day(mark), h->stage_day);
}

/* Finds the household of IN; 1 found, 0 not (problem recorded), <0 error. */
static int find_household(ch_event_batch *b, const ch_event_in *in, struct hh_state *h)
{
	char key[300];
	int64_t county = b->opts.county_id;
	const char *hh = in->household ? in->household : "";
	char *norm = ch_text_normalize(hh);
	int rc = 0;
	if (in->household_id) {
		if ((rc = ch_stmt_bind_int64(b->st_hh_pk, 1, in->household_id)) == 0)
			rc = read_state(b->st_hh_pk, h);
		goto found;
	}
	if (!*norm) {
		add_problem(b, in->line, CH_EF_HOUSEHOLD, NULL, "缺少户编号");
		goto done;
	}
	if (in->county && *in->county && b->last_county &&
	    strcmp(in->county, b->last_county_name) == 0) {
		county = b->last_county;
	} else if (in->county && *in->county) {
		snprintf(key, sizeof key, "c|%s", in->county);
		if (!ch_strmap_get(b->cache, key, &county)) {
			ch_region r;
			county = ch_region_find(b->ctx, in->county, CH_LEVEL_COUNTY, 0, &r) == 0 &&
			                 !r.obsolete
			             ? r.id
			             : 0;
			if (r.id)
				ch_region_dispose(&r);
			ch_error_clear();
			ch_strmap_put(b->cache, key, county);
		}
		if (!county) {
			add_problem(b, in->line, CH_EF_COUNTY, in->county,
			            "「%s」不是本州的县（市）", in->county);
			goto done;
		}
		if (b->opts.county_id && county != b->opts.county_id) {
			add_problem(b, in->line, CH_EF_COUNTY, in->county,
			            "与导入时指定的县市「%s」不符", b->county_name);
			goto done;
		}
		/* a county that passed both checks: the next row naming it too
		 * passes them without a lookup */
		if (strlen(in->county) < sizeof b->last_county_name) {
			memcpy(b->last_county_name, in->county, strlen(in->county) + 1);
			b->last_county = county;
		}
	}
	/* a county outside the scope: no lookup, nothing said of the household */
	if (county && outside(b, in, county, SCOPE_NEAR))
		goto done;
	if (county && b->deferred && b->last_hh.id && county == b->last_hh_county &&
	    strcmp(norm, b->last_hh_no) == 0) {
		/* the household of the row before: a file's rows come household
		 * by household, and nothing changes under the read snapshot */
		*h = b->last_hh;
		rc = 1;
	} else if (county) {
		if ((rc = ch_stmt_bind_int64(b->st_hh, 1, county)) != 0 ||
		    (rc = ch_stmt_bind_text(b->st_hh, 2, norm)) != 0)
			goto done;
		rc = read_state(b->st_hh, h);
		b->last_hh.id = 0;
		if (rc == 1 && b->deferred && strlen(norm) < sizeof b->last_hh_no) {
			memcpy(b->last_hh_no, norm, strlen(norm) + 1);
			b->last_hh_county = county;
			b->last_hh = *h;
		}
	} else {
		char id[CH_ID_LEN + 1];
		if (ch_idcard_normalize(norm, NULL, id) != 0) {
			ch_error_clear();
			add_problem(b, in->line, CH_EF_HOUSEHOLD, norm,
			            "没有县市时，户编号一栏须填身份证号（或在导入时指定县市）");
			goto done;
		}
		if ((rc = ch_stmt_bind_text(b->st_hh_id, 1, id)) != 0 ||
		    (rc = ch_stmt_bind_int64(b->st_hh_id, 2, b->ctx->actor.scope_region_id)) != 0)
			goto done;
		rc = read_state(b->st_hh_id, h);
	}
found:
	if (rc == 0 || rc == CH_DB_DONE) {
		rc = 0;
		add_problem(b, in->line, CH_EF_HOUSEHOLD, norm, "没有这一户（户编号「%s」）", norm);
	}
done:
	free(norm);
	return rc;
}

/* 1 when the actor's role may record TR. */
static int may_record(ch_event_batch *b, const struct ch_transition *tr)
{
	return (tr->roles & (1u << b->ctx->actor.role)) != 0;
}

/* Stores EV in the county of step EVENT_ID (its household's, COUNTY) and
 * links it to the step. */
static int store_evidence(ch_event_batch *b, int64_t event_id, int64_t county,
                          const ch_evidence *ev)
{
	char hash[CH_HASH_HEX_LEN + 1];
	int rc;
	if ((rc = ch_evidence_store(b->ctx, county, ev, hash)) != 0)
		return rc;
	if ((rc = ch_stmt_bind_int64(b->st_link, 1, event_id)) != 0 ||
	    (rc = ch_stmt_bind_text(b->st_link, 2, hash)) != 0 ||
	    (rc = ch_stmt_bind_int64(b->st_link, 3, county)) != 0)
		return rc;
	return run(b->st_link);
}

/* D as YYYY-MM-DD into OUT, as ch_date_format writes it, without going
 * through snprintf for the usual four-digit year. */
static void format_day(const ch_date *d, char *out, size_t size)
{
	if (size < 11 || d->year < 1000 || d->year > 9999 || d->month < 1 || d->month > 12 ||
	    d->day < 1 || d->day > 31) {
		ch_date_format(d, out, size);
		return;
	}
	out[0] = (char)('0' + d->year / 1000);
	out[1] = (char)('0' + d->year / 100 % 10);
	out[2] = (char)('0' + d->year / 10 % 10);
	out[3] = (char)('0' + d->year % 10);
	out[4] = '-';
	out[5] = (char)('0' + d->month / 10);
	out[6] = (char)('0' + d->month % 10);
	out[7] = '-';
	out[8] = (char)('0' + d->day / 10);
	out[9] = (char)('0' + d->day % 10);
	out[10] = '\0';
}

static int keep(ch_event_batch *b, const ch_event_in *in, int64_t household, int at, int stage,
                const char *day);
static int check_step(ch_event_batch *b, const ch_event_in *in, const struct hh_state *hp,
                      int stage, const char *day);

/* The stage TEXT names (ch_stage_parse), -1 for none; the last few texts
 * are remembered. */
static int stage_of_text(ch_event_batch *b, const char *text)
{
	unsigned n = b->nstage_text < 4 ? b->nstage_text : 4;
	for (unsigned i = 0; i < n; i++)
		if (strcmp(b->stage_text[i].text, text) == 0)
			return b->stage_text[i].stage;
	int stage = ch_stage_parse(text);
	size_t len = strlen(text);
	if (len < sizeof b->stage_text[0].text) {
		unsigned i = b->nstage_text++ % 4;
		memcpy(b->stage_text[i].text, text, len + 1);
		b->stage_text[i].stage = stage;
	}
	return stage;
}

int ch_event_add(ch_event_batch *b, const ch_event_in *in)
{
	struct hh_state h = {0};
	ch_date d;
	char day[16];
	int rc, stage;
	size_t before = ch_problems_nrejected(b->problems);

	b->rows++;
	stage = in->stage ? stage_of_text(b, in->stage) : -1;
	if (stage < 0) {
		add_problem(b, in->line, CH_EF_STAGE, in->stage,
		            "环节「%s」应为 已开工、已完工、已调试 或 已退出",
		            in->stage ? in->stage : "");
	}
	if (!in->day || ch_date_parse(in->day, &d) != 0) {
		ch_error_clear();
		add_problem(b, in->line, CH_EF_DAY, in->day, "日期「%s」无效（请写作 %s）",
		            in->day ? in->day : "", CH_DATE_FORMATS);
		day[0] = '\0';
	} else {
		format_day(&d, day, sizeof day);
		if (strcmp(day, b->today) > 0)
			add_problem(b, in->line, CH_EF_DAY, in->day, "日期 %s 在今天（%s）之后",
			            day, b->today);
	}
	if ((rc = find_household(b, in, &h)) < 0)
		return rc;
	if (ch_problems_nrejected(b->problems) > before || !h.id)
		return 0;
	/* the scope before anything of the household's state */
	if (outside(b, in, h.township_id,
	            in->household_id || (in->county && *in->county) || b->opts.county_id
	                ? SCOPE_NAMED
	                : SCOPE_UNNAMED))
		return 0;
	if (b->deferred)
		return keep(b, in, h.id, h.stage, stage, day);
	return check_step(b, in, &h, stage, day);
}

/* Keeps a row whose own checks passed, for ch_event_finish (loaded into
 * ev_stage: on PostgreSQL one COPY for many rows). */
static int keep(ch_event_batch *b, const ch_event_in *in, int64_t household, int at, int stage,
                const char *day)
{
	char line[24], hh[24], st[24], from[24];
	/* thousands of rows: each finds its household, all over the file
	 * (the snapshot then reads without the mapping; ch_db_large_read) */
	if (b->rows >= CH_DB_LARGE_ROWS) {
		int rc = ch_db_large_read(b->ctx->db);
		if (rc)
			return rc;
	}
	/* the note as it would be stored: the set-wise write takes it from here */
	char *note = in->note ? ch_text_normalize(in->note) : NULL;
	/* where the step comes from: the stage of the household's kept row
	 * before, else AT, where the household stands under the read snapshot */
	uint32_t mark = ch_idmap_get(b->kept, household);
	const char *from_text = ch_text_i64(from, mark ? mark_stage(mark) : at);
	ch_idmap_put(b->kept, household, mark_pack(stage, NULL));
	const char *vals[9] = {ch_text_i64(line, (int64_t)in->line), ch_text_i64(hh, household),
	                       ch_text_i64(st, stage), day, in->household,
	                       /* the texts as written, for messages: NULL when
	                        * they are what the write would say anyway */
	                       strcmp(in->stage, ch_stage_name((enum ch_stage)stage)) ? in->stage
	                                                                              : NULL,
	                       strcmp(in->day, day) ? in->day : NULL, note, from_text};
	int rc = ch_db_load_row(b->keep, vals);
	free(note);
	return rc;
}

/* A withdrawal of HOUSEHOLD (row IN) with money at the bank or reserved:
 * says what becomes of it, as a note on the row. */
static int withdrawal_note(ch_event_batch *b, const ch_event_in *in, int64_t household)
{
	char *money = NULL;
	int rc = ch_subsidy_withdrawal_note(b->ctx, household, &money);
	if (rc == 0 && money)
		ch_problems_add(b->problems, in->line, CH_EF_HOUSEHOLD,
		                ch_efield_name(CH_EF_HOUSEHOLD), in->household, 1, "%s", money);
	free(money);
	return rc;
}

/* The checks of step STAGE on DAY of IN for household H, which stands
 * where the database says now (under the write lock), NOTE the row's note
 * normalized: 1 when the step may be written (*TRP its transition), 0 when
 * it is refused (the problem recorded). */
static int step_allowed(ch_event_batch *b, const ch_event_in *in, const struct hh_state *hp,
                        int stage, const char *day, const char *note,
                        const struct ch_transition **trp)
{
	const struct hh_state h = *hp;
	const struct ch_transition *tr;
	if (b->opts.from_import && stage != CH_STAGE_STARTED && stage != CH_STAGE_INSTALLED &&
	    stage != CH_STAGE_COMMISSIONED && stage != CH_STAGE_WITHDRAWN) {
		add_problem(b, in->line, CH_EF_STAGE, in->stage,
		            "周报只能报 已开工、已完工、已调试、已退出；「%s」由验收功能记录",
		            ch_stage_name(stage));
		return 0;
	}
	tr = h.stage >= 0 ? ch_workflow_find(h.stage, stage) : NULL;
	if (!tr) {
		add_problem(b, in->line, CH_EF_STAGE, in->stage,
		            "该户当前为「%s」，不能记录「%s」：%s",
		            h.stage >= 0 ? ch_stage_name(h.stage) : "?", ch_stage_name(stage),
		            ch_workflow_refusal(h.stage, stage));
		return 0;
	}
	if (h.stage_day[0] && strcmp(day, h.stage_day) < 0) {
		add_problem(b, in->line, CH_EF_DAY, in->day, "日期 %s 早于上一环节「%s」的日期 %s",
		            day, ch_stage_name(h.stage), h.stage_day);
		return 0;
	}
	if (!may_record(b, tr)) {
		add_problem(b, in->line, CH_EF_HOUSEHOLD, in->household,
		            "用户 %s（%s）无权记录「%s」", b->ctx->actor.name,
		            ch_role_label(b->ctx->actor.role), ch_stage_name(stage));
		b->denied++;
		return 0;
	}
	char why[256];
	if (ch_ref_text_over("备注", note, b->note_max, why, sizeof why)) {
		char *start = ch_ref_text_start(note);
		add_problem(b, in->line, CH_EF_NOTE, start, "%s", why);
		free(start);
		return 0;
	}
	if (tr->needs_note && (!note || !*note)) {
		add_problem(b, in->line, CH_EF_NOTE, NULL, "「%s」须在备注中写明原因",
		            ch_stage_name(stage));
		return 0;
	}
	if (tr->needs_evidence && in->nevidence == 0) {
		add_problem(b, in->line, CH_EF_EVIDENCE, NULL, "「%s」须附证明材料",
		            ch_stage_name(stage));
		return 0;
	}
	*trp = tr;
	return 1;
}

/* Checks step STAGE on DAY of IN for household H, which stands where the
 * database says now (under the write lock), and, if valid, writes it. */
static int check_step(ch_event_batch *b, const ch_event_in *in, const struct hh_state *hp,
                      int stage, const char *day)
{
	const struct hh_state h = *hp;
	const struct ch_transition *tr = NULL;
	int rc;
	char *note = in->note ? ch_text_normalize(in->note) : NULL;
	if (step_allowed(b, in, &h, stage, day, note, &tr) != 1) {
		free(note);
		return 0;
	}
	/* write: the event, the household's stage, the aggregates, the evidence
	 * (texts bound without a copy: they outlive each statement's step) */
	ch_stmt *st = b->st_ins;
	if ((rc = ch_stmt_bind_int64(st, 1, h.id)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 2, stage)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 3, h.stage)) == 0 &&
	    (rc = ch_stmt_bind_text_ref(st, 4, day)) == 0 &&
	    (rc = ch_stmt_bind_text_ref(st, 5, note && *note ? note : NULL)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 6, h.es)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 7, h.es_area)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 8, h.plan_year)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 9, h.county_id)) == 0 &&
	    (rc = ch_stmt_bind_text_ref(st, 10, b->ctx->actor.name)) == 0 &&
	    (rc = ch_stmt_bind_text_ref(st, 11, b->now)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 12, b->batch_id)) == 0 &&
	    (rc = ch_stmt_bind_null(st, 13)) == 0)
		rc = run(st);
	free(note);
	if (rc)
		return rc;
	int64_t event_id = ch_db_last_id(b->ctx->db);
	if ((rc = ch_stmt_bind_text_ref(b->st_upd, 1, ch_stage_key(stage))) != 0 ||
	    (rc = ch_stmt_bind_text_ref(b->st_upd, 2, day)) != 0 ||
	    (rc = ch_stmt_bind_int64(b->st_upd, 3, h.id)) != 0)
		return rc;
	ch_seal_stage_writes(b->ctx, 1);
	rc = run(b->st_upd);
	ch_seal_stage_writes(b->ctx, 0);
	if (rc)
		return rc;
	struct ev_sink to = {b->st_agg, b->sums};
	rc = contribute(b->ctx, &to, event_id, h.id, h.plan_year, h.county_id, stage, h.stage, day,
	                h.es, h.es_area, 1);
	for (size_t i = 0; i < in->nevidence && rc == 0; i++)
		rc = store_evidence(b, event_id, h.county_id, &in->evidence[i]);
	if (rc == 0) {
		b->stored++;
		if (b->deferred)
			remember_step(b, h.id, stage, day);
		b->last_household = h.id;
		b->last_stage = stage;
		copy_text(b->last_day, sizeof b->last_day, day);
	}
	if (rc == 0 && stage == CH_STAGE_WITHDRAWN)
		rc = withdrawal_note(b, in, h.id);
	return rc;
}

/* A step of a file's batch that leaves stages (a withdrawal, a step back):
 * its contributions take back what earlier steps added, which needs the
 * step's own event, so they are made once the steps are written. */
struct leaving {
	int64_t household, year, county, es, area;
	int stage, from;
	char day[11];
};

/* A row whose staged from-stage is not where its household stands when
 * the row is written (a row of the household before it was refused under
 * the lock, or another writer moved the household since the snapshot). */
struct refrom {
	int64_t line;
	int from;
};

/* Loads one household the batch moved into temp.ev_hh (write_set). */
static int load_moved(void *arg, int64_t id, uint32_t mark)
{
	char idt[24], day[11];
	day_unpack(mark_day(mark), day);
	const char *vals[3] = {ch_text_i64(idt, id), ch_stage_key((enum ch_stage)mark_stage(mark)),
	                       day};
	return ch_db_load_row(arg, vals);
}

/* The set-wise write of a file's batch, once every kept row was checked
 * (write_kept): the rows refused at the write are dropped from
 * ev_stage, the others become events in one INSERT … SELECT (in line
 * order, so the ids are what one INSERT per row would have given; each
 * step's from-stage as staged when the row was kept, the rows FIX
 * corrected first where the household stood elsewhere under the lock),
 * the households moved
 * take the stage and day of their last steps (one UPDATE, from a list of
 * them in temp.ev_hh), and the steps that leave stages add their
 * contributions. */
static int write_set(ch_event_batch *b, const size_t *refused, size_t nrefused,
                     const struct refrom *fix, size_t nfix, const struct leaving *lv, size_t nlv,
                     size_t accepted)
{
	ch_db *db = b->ctx->db;
	ch_stmt *st;
	int rc = 0;
	if (nrefused) {
		if ((rc = ch_db_prepare(db, &st, "DELETE FROM ev_stage WHERE line = ?")) != 0)
			return rc;
		for (size_t i = 0; i < nrefused && rc == 0; i++)
			if ((rc = ch_stmt_bind_int64(st, 1, (int64_t)refused[i])) == 0)
				rc = run(st);
		ch_stmt_finalize(st);
		if (rc)
			return rc;
	}
	if (nfix) {
		if ((rc = ch_db_prepare(db, &st,
		                        "UPDATE ev_stage SET from_stage = ? WHERE line = ?")) != 0)
			return rc;
		for (size_t i = 0; i < nfix && rc == 0; i++)
			if ((rc = ch_stmt_bind_int64(st, 1, fix[i].from)) == 0 &&
			    (rc = ch_stmt_bind_int64(st, 2, fix[i].line)) == 0)
				rc = run(st);
		ch_stmt_finalize(st);
		if (rc)
			return rc;
	}
	if (!accepted)
		return 0;
	if ((rc = ch_db_run(
	         db,
	         "INSERT INTO event(household_id, stage_no, from_stage_no, day, note, es,"
	         " es_area_centi, plan_year, county_id, actor, recorded_at, batch_id, corrects)"
	         " SELECT s.household_id, s.stage, s.from_stage, s.day,"
	         " nullif(s.note, ''), CASE WHEN h.es_measures IS NOT NULL THEN 1 ELSE 0 END,"
	         " CASE WHEN h.es_measures IS NOT NULL THEN coalesce(h.es_area_centi, 0) ELSE 0"
	         " END, h.plan_year, h.county_id, ?, ?, ?, NULL"
	         " FROM ev_stage s JOIN household h ON h.id = s.household_id ORDER BY s.line",
	         "tti", b->ctx->actor.name, b->now, b->batch_id)) != 0)
		return rc;
	if (ch_db_changes(db) != (int64_t)accepted)
		return ch_error_set(CH_ERROR,
		                    "event import: %zu steps checked, %" PRId64 " written",
		                    accepted, ch_db_changes(db));
	/* the households, in the order of their ids, through temp.ev_hh */
	static const char *const hcols[] = {"id", "status", "day"};
	ch_db_load *l = NULL;
	if ((rc = ch_db_temp_table(db, "ev_hh", "id INTEGER PRIMARY KEY, status TEXT, day TEXT")) ==
	        0 &&
	    (rc = ch_db_exec_script(db, "DELETE FROM ev_hh")) == 0 &&
	    (rc = ch_db_load_begin(db, "ev_hh", hcols, 3, &l)) == 0)
		rc = ch_idmap_each(b->moved, load_moved, l);
	if (rc == 0) {
		rc = ch_db_load_end(l);
		l = NULL;
	}
	ch_db_load_cancel(l);
	/* the households by id from the list (not the register scanned for
	 * the list's ids, which SQLite would choose with UPDATE … FROM) */
	if (rc == 0) {
		/* a failure rolls the whole batch back, so no statement journal
		 * (the households' trigger on status would call for one) */
		char sql[256];
		snprintf(sql, sizeof sql,
		         "%s household SET (status, stage_day) = (SELECT x.status, x.day"
		         " FROM ev_hh x WHERE x.id = household.id)"
		         " WHERE id IN (SELECT id FROM ev_hh)",
		         ch_db_bulk_verb(db, CH_DB_BULK_UPDATE));
		ch_seal_stage_writes(b->ctx, 1);
		rc = ch_db_run(db, sql, "");
		ch_seal_stage_writes(b->ctx, 0);
	}
	size_t nmoved = ch_idmap_count(b->moved);
	if (rc == 0 && ch_db_changes(db) != (int64_t)nmoved)
		rc = ch_error_set(CH_ERROR,
		                  "event import: %zu households moved, %" PRId64 " written", nmoved,
		                  ch_db_changes(db));
	if (rc == 0)
		rc = ch_db_exec_script(db, "DELETE FROM ev_hh");
	ch_idmap_clear(b->moved);
	if (rc)
		return rc;
	struct ev_sink to = {b->st_agg, b->sums};
	for (size_t i = 0; i < nlv && rc == 0; i++) {
		int64_t event_id = 0;
		/* a file's steps reach a stage of a household once per batch (its
		 * stages 已开工 to 已调试 forward, a step back only to 已调试 from
		 * beyond, which a file cannot reach again, 已退出 last) */
		rc =
		    ch_db_query_int64(db, &event_id,
		                      "SELECT id FROM event WHERE household_id = ? AND stage_no = ?"
		                      " AND batch_id = ?",
		                      "iii", lv[i].household, (int64_t)lv[i].stage, b->batch_id);
		if (rc == 0)
			rc = contribute(b->ctx, &to, event_id, lv[i].household, lv[i].year,
			                lv[i].county, lv[i].stage, lv[i].from, lv[i].day, lv[i].es,
			                lv[i].area, 1);
	}
	return rc;
}

/* Appends X to the array *V of *N items and *CAP slots. */
#define PUSH(v, n, cap, x)                                                                         \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 64;                                            \
			(v) = ch_reallocarray((v), (cap), sizeof *(v));                            \
		}                                                                                  \
		(v)[(n)++] = (x);                                                                  \
	} while (0)

/* The write half of a file's batch: ends the snapshot, takes the write lock
 * and checks each kept row in line order against where its household stands
 * now (an earlier row of the batch moves it: recall_step), then writes the
 * steps that passed set-wise (write_set), unless the batch is to be rolled
 * back anyway. */
static int write_kept(ch_event_batch *b)
{
	ch_stmt *st;
	int rc;
	size_t *refused = NULL, nrefused = 0, crefused = 0, accepted = 0;
	struct leaving *lv = NULL;
	size_t nlv = 0, clv = 0;
	struct refrom *fix = NULL;
	size_t nfix = 0, cfix = 0;
	rc = ch_db_load_end(b->keep);
	b->keep = NULL;
	ch_idmap_clear(b->kept);
	if (rc)
		return rc;
	b->in_tx = 0;
	if ((rc = ch_ctx_commit(b->ctx)) != 0 || (rc = begin_writing(b)) != 0)
		return rc;
	/* thousands of steps: a large transaction (the driver reads its pages
	 * the way that costs least then; ch_db_large_write): the year's 2.9
	 * million steps 12 % faster, a week's 100,000 about the same
	 * (docs/performance.md, "Reading in a large transaction, and sealing
	 * after a large import") */
	if (b->rows >= CH_DB_LARGE_ROWS && (rc = ch_db_large_write(b->ctx->db)) != 0)
		return rc;
	/* each row with its household as it stood when the lock was taken */
	if ((rc = ch_db_prepare(
	         b->ctx->db, &st,
	         "SELECT s.line, s.household_id, s.stage, s.day, s.household, s.stage_text,"
	         " s.day_text, s.note, h.id, h.status, h.stage_day, h.plan_year, h.county_id,"
	         " h.township_id, h.es_measures IS NOT NULL, CASE WHEN h.es_measures IS NOT NULL"
	         " THEN coalesce(h.es_area_centi, 0) ELSE 0 END, s.from_stage"
	         " FROM ev_stage s LEFT JOIN household h ON h.id = s.household_id"
	         " ORDER BY s.line")) != 0)
		return rc;
	struct ev_sink to = {b->st_agg, b->sums};
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		struct hh_state h = {0};
		const struct ch_transition *tr = NULL;
		int stage = (int)ch_stmt_int64(st, 2);
		const char *day = ch_stmt_text(st, 3);
		ch_event_in in = {.line = (size_t)ch_stmt_int64(st, 0),
		                  .household = ch_stmt_text(st, 4),
		                  .stage = ch_stmt_is_null(st, 5)
		                               ? ch_stage_name((enum ch_stage)stage)
		                               : ch_stmt_text(st, 5),
		                  .day = ch_stmt_is_null(st, 6) ? day : ch_stmt_text(st, 6),
		                  .note = ch_stmt_text(st, 7)};
		if (ch_stmt_is_null(st, 8)) {
			rc = ch_error_set(CH_ERROR, "household %" PRId64 " vanished",
			                  ch_stmt_int64(st, 1));
			break;
		}
		state_at(st, 8, &h);
		recall_step(b, &h);
		if ((rc = step_allowed(b, &in, &h, stage, day, in.note, &tr)) < 0)
			break;
		if (rc == 0) {
			PUSH(refused, nrefused, crefused, in.line);
			continue;
		}
		accepted++;
		/* the from-stage staged (the step before of the household, else
		 * its stage under the read snapshot) is where it stands now? */
		if (ch_stmt_is_null(st, 16) || ch_stmt_int64(st, 16) != h.stage)
			PUSH(fix, nfix, cfix, ((struct refrom){(int64_t)in.line, h.stage}));
		remember_step(b, h.id, stage, day);
		if (stage == CH_STAGE_WITHDRAWN || stage < h.stage) {
			struct leaving x = {h.id,      h.plan_year, h.county_id, h.es,
			                    h.es_area, stage,       h.stage,     ""};
			copy_text(x.day, sizeof x.day, day);
			PUSH(lv, nlv, clv, x);
		} else if ((rc = contribute(b->ctx, &to, 0, h.id, h.plan_year, h.county_id, stage,
		                            h.stage, day, h.es, h.es_area, 1)) != 0) {
			break;
		}
		rc = stage == CH_STAGE_WITHDRAWN ? withdrawal_note(b, &in, h.id) : 0;
		if (rc)
			break;
	}
	ch_stmt_finalize(st);
	/* nothing is written for a batch ch_event_finish rolls back */
	if (rc >= 0 && !b->denied && !b->outside &&
	    (b->opts.skip_invalid || ch_problems_nrejected(b->problems) == 0)) {
		rc = write_set(b, refused, nrefused, fix, nfix, lv, nlv, accepted);
		if (rc == 0)
			b->stored += accepted;
	}
	free(refused);
	free(fix);
	free(lv);
	return rc < 0 ? rc : 0; /* ch_event_free empties ev_stage */
}
#undef PUSH

int ch_event_finish(ch_event_batch *b, ch_event_summary *sum)
{
	int rc = b->deferred ? write_kept(b) : 0;
	if (rc) {
		b->finished = 1;
		memset(sum, 0, sizeof *sum);
		sum->rows = b->rows;
		return rc;
	}
	size_t rejected = ch_problems_nrejected(b->problems);
	memset(sum, 0, sizeof *sum);
	b->finished = 1;
	sum->rows = b->rows;
	sum->rejected = rejected;
	sum->batch_id = b->batch_id;
	if (b->denied) {
		rc =
		    ch_error_set(CH_EDENIED, "用户 %s（%s）无权记录其中 %zu 个环节；什么也没有保存",
		                 b->ctx->actor.name, ch_role_label(b->ctx->actor.role), b->denied);
		goto rollback;
	}
	if (b->outside) {
		rc = ch_error_set(CH_EDENIED,
		                  "用户 %s（%s）无权为文件中 %zu 行的农户%s：超出其管辖范围（%s）；"
		                  "什么也没有保存",
		                  b->ctx->actor.name, ch_role_label(b->ctx->actor.role), b->outside,
		                  ch_perm_describe(b->perm),
		                  b->ctx->actor.scope_name ? b->ctx->actor.scope_name : "全州");
		goto rollback;
	}
	if (rejected && !b->opts.skip_invalid) {
		rc = ch_error_set_field(CH_EINVALID, "skip-invalid",
		                        "%zu 行有错误，什么也没有保存（改正后重新导入；或只保存"
		                        "正确的行，把有错误的行写入拒收文件）",
		                        rejected);
		goto rollback;
	}
	rc = sums_write(b->sums, b->st_agg);
	if (rc == 0)
		rc = ch_db_run(
		    b->ctx->db,
		    "UPDATE event_batch SET rows_read = ?, stored = ?, rejected = ? WHERE id = ?",
		    "iiii", (int64_t)b->rows, (int64_t)b->stored, (int64_t)rejected, b->batch_id);
	if (rc == 0) {
		char obj[64];
		json_t *a = json_pack("{s:s?, s:s?, s:I, s:I, s:I}", "file", b->opts.file, "hash",
		                      b->opts.file_hash, "rows", (json_int_t)b->rows, "stored",
		                      (json_int_t)b->stored, "rejected", (json_int_t)rejected);
		if (!b->opts.file && b->stored == 1) {
			/* one step: which household, so the log can be read by it */
			char *code = NULL, *hh = NULL;
			if (ch_db_query_text(b->ctx->db, &code,
			                     "SELECT r.code FROM household h JOIN region r"
			                     " ON r.id = h.county_id WHERE h.id = ?",
			                     "i", b->last_household) == 0 &&
			    ch_db_query_text(b->ctx->db, &hh,
			                     "SELECT hh_no FROM household WHERE id = ?", "i",
			                     b->last_household) == 0)
				json_object_update_new(
				    a, json_pack("{s:s, s:s, s:s, s:s}", "county", code,
				                 "household", hh, "stage",
				                 ch_stage_key((enum ch_stage)b->last_stage), "day",
				                 b->last_day));
			else
				ch_error_clear();
			free(code);
			free(hh);
		}
		char *as = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "event-batch:%" PRId64, b->batch_id);
		rc = ch_audit_append(b->ctx, b->opts.file ? "event.import" : "event.record", obj,
		                     NULL, as);
		free(as);
		json_decref(a);
	}
	if (rc == 0) {
		b->in_tx = 0;
		rc = ch_ctx_commit(b->ctx);
	}
	sum->stored = rc == 0 ? b->stored : 0;
	return rc;
rollback:
	ch_ctx_rollback(b->ctx);
	b->in_tx = 0;
	return rc;
}

void ch_event_free(ch_event_batch *b)
{
	if (!b)
		return;
	ch_stmt *sts[] = {b->st_hh,  b->st_hh_id, b->st_hh_pk, b->st_ins,
	                  b->st_upd, b->st_agg,   b->st_link};
	ch_db_load_cancel(b->keep);
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		ch_stmt_finalize(sts[i]);
	if (b->in_tx)
		ch_ctx_rollback(b->ctx);
	/* rows kept by a batch that did not finish take no room afterwards */
	if (b->staged) {
		static const char *const scratch[] = {"ev_stage"};
		(void)ch_db_scratch_clear(b->ctx->db, scratch, 1);
	}
	ch_problems_free(b->problems);
	ch_strmap_free(b->cache);
	sums_free(b->sums);
	ch_idmap_free(b->moved);
	ch_idmap_free(b->kept);
	free(b);
}

int ch_event_step(ch_ctx *ctx, int64_t household_id, enum ch_stage stage, const char *day,
                  const char *note, const ch_evidence *evidence, size_t nevidence,
                  const char *today)
{
	ch_event_opts o = {.today = today};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	/* the caller checked the permission of its own operation (review,
	 * payment); the workflow table checks the role for the step */
	int rc = begin(ctx, &o, CH_PERM_READ, &b);
	if (rc)
		return rc;
	ch_event_in in = {.line = 1,
	                  .stage = ch_stage_key(stage),
	                  .day = day,
	                  .note = note,
	                  .evidence = evidence,
	                  .nevidence = nevidence,
	                  .household_id = household_id};
	if ((rc = ch_event_add(b, &in)) == 0) {
		const ch_problems *p = ch_event_problems(b);
		rc = ch_event_finish(b, &sum);
		if (rc && ch_problems_count(p)) {
			const ch_problem *x = ch_problems_get(p, 0);
			ch_error_set(rc == CH_EDENIED ? CH_EDENIED : CH_EINVALID, "%s", x->reason);
			rc = ch_error_code();
		}
	}
	ch_event_free(b);
	return rc;
}

int ch_evidence_store(ch_ctx *ctx, int64_t county_id, const ch_evidence *ev, char hash[65])
{
	char now[32];
	ch_hash_hex(ev->data, ev->len, hash);
	ch_now_utc(now, sizeof now);
	ch_stmt *st;
	int rc = prepare(ch_ctx_db(ctx), &st,
	                 "INSERT INTO evidence(hash, name, size, content, stored_at, county_id)"
	                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash, county_id) DO NOTHING");
	if (rc)
		return rc;
	if ((rc = ch_stmt_bind_text(st, 1, hash)) == 0 &&
	    (rc = ch_stmt_bind_text(st, 2, ev->name)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 3, (int64_t)ev->len)) == 0 &&
	    (rc = ch_stmt_bind_blob(st, 4, ev->data, ev->len)) == 0 &&
	    (rc = ch_stmt_bind_text(st, 5, now)) == 0 &&
	    (rc = ch_stmt_bind_int64(st, 6, county_id)) == 0)
		rc = run(st);
	ch_stmt_finalize(st);
	return rc;
}
