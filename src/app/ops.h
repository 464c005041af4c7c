/*
 * ops — the operation table: every capability a user invokes, described once
 * for every front end.
 *
 * In the style of Redis's command table and tmux's argument templates: each
 * operation is one row (group, verb, summary, the permission it needs, what
 * it may be rendered as, its parameters and its function). The command line
 * (src/cli/) parses argv from the parameter specs and prints help from the
 * same rows; the HTTP server parses query strings and JSON bodies from them
 * and generates its OpenAPI description from them. Adding a capability is
 * one row and one function, and both front ends get it with the same
 * permission, which the front end checks before the function runs, so no
 * handler can forget it. Core checks the actor's permission and region
 * scope again for what it touches.
 *
 * An operation takes a context (the actor over an open database) and its
 * parsed parameters (ch_args) and fills a protocol-neutral result
 * (ch_result): text for people, tables (ch_report), the problems an import
 * found, counts, a structured document, and files it wrote. It never prints.
 * What a command computes for display (rows, totals, percentages, masking,
 * notice texts) is computed here or in core, never in a front end.
 *
 * The rows live in one file per group (op_plan.c, op_household.c, ...);
 * ops.c lists the groups.
 */
#ifndef CH_APP_OPS_H
#define CH_APP_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "core/problems.h"
#include "io/report.h"

/* ---- parameters ---- */

enum ch_ptype {
	CH_PT_STRING,  /* any text */
	CH_PT_INT,     /* a whole number from min to max */
	CH_PT_DATE,    /* YYYY-MM-DD */
	CH_PT_FLAG,    /* present or not; takes no value */
	CH_PT_ENUM,    /* one of choices ("week|month") */
	CH_PT_FILE,    /* the path of a file to read (an upload saved to disk) */
	CH_PT_OUTFILE, /* the path of a file the operation writes; its extension
	                  chooses the format (.csv or .xlsx) */
	CH_PT_SECRET,  /* a password: never on a command line (the CLI reads it
	                  from the terminal or standard input), never logged */
};

/* Parameter flags. */
#define CH_PF_REQUIRED   0x1u /* must be given */
#define CH_PF_REPEAT     0x2u /* may be given several times; values kept in order */
#define CH_PF_POSITIONAL 0x4u /* a command-line argument, not --name VALUE */

struct ch_param {
	const char *name; /* "county", "as-of": --name on the command line, the
	                     query/JSON key with '-' as '_' over HTTP */
	enum ch_ptype type;
	unsigned flags;      /* CH_PF_* */
	const char *meta;    /* the value's placeholder in usage: "C", "FILE" */
	const char *choices; /* CH_PT_ENUM: '|'-separated allowed values */
	long min, max;       /* CH_PT_INT: the allowed range */
	const char *help;    /* one line */
};

/* ---- results ---- */

enum ch_part_kind { CH_PART_TEXT, CH_PART_TABLE, CH_PART_PROBLEMS };

/* One piece of a result, in the order the operation produced it: the command
 * line prints them in this order; HTTP groups them by kind. */
struct ch_result_part {
	enum ch_part_kind kind;
	char *text;            /* CH_PART_TEXT: lines for people, in Chinese */
	ch_report *table;      /* CH_PART_TABLE */
	ch_problems *problems; /* CH_PART_PROBLEMS: row, column, value, reason */
};

/* A number a script reads ("inserted": 120). */
struct ch_result_count {
	char *key;
	int64_t value;
};

/* A file the operation wrote at the path of one of its CH_PT_OUTFILE
 * parameters (a bank file, a rejects file). */
struct ch_result_file {
	char *param;      /* the parameter's name */
	char *path;       /* where it was written */
	char *media_type; /* "text/csv", "application/vnd...sheet", "image/jpeg" */
};

typedef struct ch_result {
	struct ch_result_part *parts;
	size_t nparts;
	struct ch_result_count *counts;
	size_t ncounts;
	struct ch_result_file *files;
	size_t nfiles;
	/* A structured document (a jansson json_t *, owned) for machines, when
	 * the tables do not say it: rendered instead of the tables as JSON. */
	void *data;
} ch_result;

void ch_result_init(ch_result *res);
void ch_result_dispose(ch_result *res);
/* Appends text; consecutive text is one part. */
void ch_result_printf(ch_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a table; RES takes ownership of T. */
void ch_result_add_table(ch_result *res, ch_report *t);
/* Appends P's problems; RES takes ownership of P (an import's list can
 * hold a warning for each of millions of rows: a copy doubled it at the
 * command's end). Nothing when P is NULL. An empty P is kept: a check that
 * found nothing says so (JSON: []). */
void ch_result_add_problems(ch_result *res, ch_problems *p);
/* Writes the problems of the N lists LISTS as one JSON array of objects
 * (row, column, value, reason, severity) through WRITE (jansson's
 * json_dump_callback_t), laid out as jansson lays out such an array at
 * nesting DEPTH of a document dumped with FLAGS: the same bytes, written
 * one problem at a time: the 1,000,000 problems of an import made into
 * one tree of jansson values took the command to 1.48 GiB
 * (docs/performance.md). Returns 0, or -1 when WRITE failed. */
int ch_problems_write_json(const ch_problems *const *lists, size_t n, size_t flags, size_t depth,
                           int (*write)(const char *s, size_t len, void *data), void *data);
void ch_result_count(ch_result *res, const char *key, int64_t value);
/* Sets the structured document (a json_t *); RES takes the reference. */
void ch_result_set_data(ch_result *res, void *json);
/* Records that the operation wrote PARAM's file at PATH (CSV or XLSX by
 * its extension). */
void ch_result_add_file(ch_result *res, const char *param, const char *path);
/* The same for a file whose media type is not told by the path's extension
 * (an evidence photo: image/jpeg, image/png ...; see
 * ch_evidence_media_type). */
void ch_result_add_file_as(ch_result *res, const char *param, const char *path,
                           const char *media_type);
/* The first table of RES, or NULL. */
const ch_report *ch_result_table(const ch_result *res);

/* ---- parsed parameters ---- */

typedef struct ch_args ch_args;
struct ch_op;

/* An empty set of values for OP's parameters; ch_args_free releases it. */
ch_args *ch_args_new(const struct ch_op *op);
void ch_args_free(ch_args *a);
/* The parameter of OP called NAME ('_' matches '-'), or NULL. */
const struct ch_param *ch_op_param(const struct ch_op *op, const char *name);
/* Sets parameter P to VALUE (NULL for a flag), checking its type: a
 * whole number in range, a real date, one of the choices. A second value
 * for a parameter that does not repeat is an error. Fails with CH_EUSAGE
 * and the parameter's name as the error's field. */
int ch_args_set(ch_args *a, const struct ch_param *p, const char *value);
/* Fails with CH_EUSAGE naming the first required parameter not given. */
int ch_args_check(const ch_args *a);

/* A front end that can ask the user during a run (the command line, on
 * its terminal or standard input) sets this: FN shows SHOW (text for
 * people), asks QUESTION and writes the answer's first line into OUT of N
 * bytes; it returns 0, or an error when no answer came. */
typedef int (*ch_ask_fn)(void *arg, const char *show, const char *question, char *out, size_t n);
void ch_args_set_ask(ch_args *a, ch_ask_fn fn, void *arg);
/* Asks through the front end's FN; CH_ENOTFOUND when it has none (HTTP:
 * the operation answers what it has and the client calls again). */
int ch_args_ask(const ch_args *a, const char *show, const char *question, char *out, size_t n);

/* Values by parameter name (asserting the name is one of the operation's). */
int ch_args_has(const ch_args *a, const char *name);
/* The value, or NULL when not given (the first of a repeated one). */
const char *ch_args_str(const ch_args *a, const char *name);
/* The value as a number, or DFLT when not given. */
long ch_args_int(const ch_args *a, const char *name, long dflt);
/* 1 when the flag was given. */
int ch_args_flag(const ch_args *a, const char *name);
/* A repeated parameter's values: their count and the I-th. */
size_t ch_args_count(const ch_args *a, const char *name);
const char *ch_args_at(const ch_args *a, const char *name, size_t i);

/* ---- operations ---- */

/* What a result may be rendered as, by the front end's choice. */
#define CH_RF(f)         (1u << (f))
#define CH_RF_TEXT       0u /* text and files only: no --format */
#define CH_RF_TABLE_JSON (CH_RF(CH_FMT_TABLE) | CH_RF(CH_FMT_JSON))
#define CH_RF_ALL                                                                                  \
	(CH_RF(CH_FMT_TABLE) | CH_RF(CH_FMT_CSV) | CH_RF(CH_FMT_JSON) | CH_RF(CH_FMT_XLSX))

/* Operation flags. */
/* changes stored data (HTTP: POST, audited) */
#define CH_OP_WRITES 0x1u
/* a tool for the machine it runs on (synthetic data sets of any size): the
 * command line only, never served over HTTP */
#define CH_OP_LOCAL 0x2u
/* needs only the reference data compiled into the binary (checking a
 * file): the command line runs it over a scratch database when the one
 * named does not exist */
#define CH_OP_REFERENCE 0x4u
/* a sensitive operation: over HTTP a session whose last one-time code is
 * older than CH_REAUTH_WINDOW must give a fresh one (the X-TOTP-Code
 * header); for an operation with a `reveal` flag, only when it is given.
 * The command line (the local console) and API tokens are not asked
 * (docs/auth.md) */
#define CH_OP_REAUTH 0x100u
/* allowed to a session that may only enrol a second factor (a user of a
 * role that requires one, before enrolling) */
#define CH_OP_ENROL 0x200u
/* over HTTP, concurrent requests of this operation are committed together
 * (group commit, router.c): one thread runs several in one transaction,
 * each under its own savepoint (one that fails is undone alone and
 * answered with its own error), commits once, and only then are they
 * answered. For small writes that users send often; the operation must
 * write no table the change hook seals (core/seal.c), whose heard rows a
 * savepoint's rollback would not take back, and need no fresh second
 * factor (CH_OP_REAUTH) */
#define CH_OP_GROUP 0x400u

struct ch_op {
	const char *group;             /* "plan" */
	const char *verb;              /* "check"; NULL for a one-word command */
	const char *summary;           /* one line for help */
	unsigned perm;                 /* enum ch_perm the actor's role needs */
	unsigned flags;                /* CH_OP_* */
	unsigned formats;              /* CH_RF_*: formats the result may be rendered in */
	const struct ch_param *params; /* ended by an entry whose name is NULL */
	int (*run)(ch_ctx *ctx, const ch_args *a, ch_result *res);
};

/* Each group's rows, ended by an entry whose group is NULL. */
extern const struct ch_op ch_ops_plan[];
extern const struct ch_op ch_ops_household[];
extern const struct ch_op ch_ops_event[];
extern const struct ch_op ch_ops_report[];
extern const struct ch_op ch_ops_acceptance[];
extern const struct ch_op ch_ops_funds[];
extern const struct ch_op ch_ops_notice[];
extern const struct ch_op ch_ops_demo[];
extern const struct ch_op ch_ops_region[];
extern const struct ch_op ch_ops_user[];
extern const struct ch_op ch_ops_audit[];
extern const struct ch_op ch_ops_db[];
extern const struct ch_op ch_ops_rules[];
extern const struct ch_op ch_ops_survey[];

/* Every operation in help order: call with NULL for the first, then with the
 * previous one; NULL after the last. */
const struct ch_op *ch_op_next(const struct ch_op *prev);
/* The operation GROUP VERB (VERB NULL for a one-word command), or NULL. */
const struct ch_op *ch_op_find(const char *group, const char *verb);
/* "plan.check": the operation's stable name. Returns OUT. */
const char *ch_op_name(const struct ch_op *op, char *out, size_t outsz);

/* Applies the settings of the environment a front end runs in to CTX
 * before it runs operations: CLEANHEAT_AUDIT_KEY, the file of the key that
 * signs the audit chain (ch_ctx_set_audit_key_file). */
void ch_op_prepare(ch_ctx *ctx);

/* How many times ch_op_call runs an operation whose transaction conflicted. */
#define CH_OP_TRIES 5

/* Runs OP over CTX with A into RES, as every front end does. When the run
 * fails busy because its transaction conflicted with another one
 * (ch_db_conflicted: PostgreSQL's serialization failure 40001 or deadlock
 * 40P01), left no transaction open and committed none before it failed, so
 * that it changed nothing, RES is emptied and the whole operation runs
 * again after a jittered pause (20, 40, 80, 160 ms, each between half and
 * all of it), up to CH_OP_TRIES runs in all; then it is CH_EBUSY (exit 75,
 * HTTP 503) saying how many tries failed. An operation that had committed a
 * transaction before the conflict is not run again (its error stands).
 * Lock timeouts are not retried: they have already waited the busy wait.
 * A run again repeats what the run does outside the database too (asks
 * again, writes its output file again). */
int ch_op_call(const struct ch_op *op, ch_ctx *ctx, const ch_args *a, ch_result *res);

/* The media type of an output file by its extension (.xlsx, .pdf or else CSV). */
const char *ch_media_type_of(const char *path);

#endif
