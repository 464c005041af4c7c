/*
 * event — recording the steps of construction (开工, 完工, 调试, 退出) for
 * households, one by one or as the weekly batch a county sends.
 *
 * Every step is checked against the workflow table (workflow.c): no skipped
 * stage, no step backwards, nothing after a withdrawal, a date not before the
 * previous step's and not in the future, a household that exists, a role and
 * region scope allowed to record it, a reason for a withdrawal, evidence
 * where the table asks for it. A valid step is written together with the
 * household's new stage and the per-day aggregates that the dispatch report
 * reads (progress_daily), in the batch's one transaction. A batch read from
 * a file (opts.file) holds the write lock only while writing: its rows are
 * checked for themselves under a read snapshot and kept, and
 * ch_event_finish takes the lock and checks each step against where its
 * household stands then, and writes it.
 * As for register imports: all or nothing by default, or the valid rows
 * with skip_invalid.
 *
 * Evidence files are stored once per county, by content hash (the key is
 * (hash, county_id), so that a county's files are on its own node of a
 * cluster); a file attached to two different households, in one county or
 * in several, is a finding (ch_event_evidence_reuse).
 */
#ifndef CH_CORE_EVENT_H
#define CH_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/problems.h"
#include "core/workflow.h"

typedef struct ch_ctx ch_ctx;

/* Columns of an event row, for problems. */
enum ch_efield {
	CH_EF_COUNTY,
	CH_EF_HOUSEHOLD,
	CH_EF_STAGE,
	CH_EF_DAY,
	CH_EF_NOTE,
	CH_EF_EVIDENCE
};
const char *ch_efield_name(enum ch_efield f);

/* Evidence files: at most this many per record, each at most this large. */
#define CH_EVIDENCE_MAX_FILES 16
#define CH_EVIDENCE_MAX_BYTES (32u << 20)

typedef struct ch_evidence {
	const char *name;
	const unsigned char *data;
	size_t len;
} ch_evidence;

typedef struct ch_event_in {
	size_t line;           /* row in the file (1 for a single step) */
	const char *county;    /* name or code; NULL or "": the import's county, or by ID number */
	const char *household; /* 户编号, or the ID number when no county is known */
	const char *stage;     /* 已开工 ... or a stage key */
	const char *day;       /* the date as written */
	const char *note;
	const ch_evidence *evidence;
	size_t nevidence;
	int64_t household_id; /* set by core callers instead of county/household */
} ch_event_in;

typedef struct ch_event_opts {
	const char *file, *file_hash; /* NULL for a single step */
	int64_t county_id;            /* --county, 0: none */
	int skip_invalid;
	int from_import;   /* only the stages a weekly import may carry */
	const char *today; /* YYYY-MM-DD dates may not pass; NULL: today (Beijing) */
} ch_event_opts;

typedef struct ch_event_summary {
	size_t rows, stored, rejected;
	int64_t batch_id;
} ch_event_summary;

typedef struct ch_event_batch ch_event_batch;

/* Starts a batch of steps recorded by hand or imported (one write
 * transaction, committed by ch_event_finish; for a file's batch, a read
 * snapshot until ch_event_finish). Requires CH_PERM_HOUSEHOLD_WRITE; each
 * step is also checked against the roles of its workflow transition and
 * the actor's scope. The caller frees *OUT with ch_event_free. */
int ch_event_begin(ch_ctx *ctx, const ch_event_opts *opts, ch_event_batch **out);
/* Checks and, if valid, stores one step. Problems are recorded; the return
 * is 0 unless the batch itself failed. */
int ch_event_add(ch_event_batch *b, const ch_event_in *in);
/* Records a problem found by the reader. */
void ch_event_add_problem(ch_event_batch *b, size_t line, int field, const char *value,
                          const char *reason);
/* Writes a file's kept steps (CH_EBUSY, nothing stored, when another write
 * holds the lock past the busy wait), then commits, or rolls back and
 * returns CH_EINVALID (errors, no skip_invalid) or CH_EDENIED (rows outside
 * the actor's scope or role). */
int ch_event_finish(ch_event_batch *b, ch_event_summary *sum);
const ch_problems *ch_event_problems(const ch_event_batch *b);
/* Hands the problems found over to the caller (who frees them) once the
 * batch is finished or given up; B then has none, and may only be freed. */
ch_problems *ch_event_take_problems(ch_event_batch *b);
void ch_event_free(ch_event_batch *b);

/* Records one step STAGE for household HOUSEHOLD_ID on DAY, with every
 * check a batch applies, in the caller's transaction (for core modules
 * that move households: acceptance, subsidies). The caller checks the
 * permission of its own operation first; the step's workflow roles and the
 * actor's scope are checked here. CH_EINVALID or CH_EDENIED with the
 * reason. */
int ch_event_step(ch_ctx *ctx, int64_t household_id, enum ch_stage stage, const char *day,
                  const char *note, const ch_evidence *evidence, size_t nevidence,
                  const char *today);

/* Stores evidence file EV once per county (by content hash, for county
 * COUNTY_ID: the county of the step or review application that uses it) in
 * the caller's transaction and writes its hash into HASH. */
int ch_evidence_store(ch_ctx *ctx, int64_t county_id, const ch_evidence *ev, char hash[65]);

/* Adds SIGN times the contribution of step EVENT_ID to progress_daily
 * through AGG (the upsert statement of event.c): for internal use by
 * event.c and progress.c, which must apply the same rule. A step that
 * leaves stages takes back what the latest current step into each of them,
 * dated before it (or the same day and recorded before it), added. */
typedef struct ch_stmt ch_stmt;
int ch_event_contribute(ch_ctx *ctx, ch_stmt *agg, int64_t event_id, int64_t household,
                        int64_t year, int64_t county, int stage, int from, const char *day,
                        int64_t es, int64_t area, int sign);

/* Corrects the date of a household's step STAGE to DAY: the old event is
 * superseded by a new one and the aggregates move with it. The new date
 * must still lie between the neighbouring steps. Requires
 * CH_PERM_HOUSEHOLD_WRITE, a role the step's transition allows and the
 * household within the actor's scope. Audited. */
int ch_event_correct(ch_ctx *ctx, const char *county, const char *household, const char *stage,
                     const char *day, const char *note, const char *today);

/* One evidence file attached to events of more than one household. */
typedef struct ch_evidence_reuse {
	const char *hash, *name;
	size_t nhouseholds;
	const char *households; /* "县 户编号, 县 户编号, ..." */
} ch_evidence_reuse;
int ch_event_evidence_reuse(ch_ctx *ctx, int (*fn)(const ch_evidence_reuse *r, void *arg),
                            void *arg);

/* Recomputes progress_daily from the events. Returns 0 when it matches, or
 * CH_EINVALID with the first difference in the message. */
int ch_progress_verify(ch_ctx *ctx, size_t *rows_checked);

#endif
