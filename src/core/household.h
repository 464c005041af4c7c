/*
 * household — the household register (户档案): importing county ledgers
 * row by row with every check, and reading the register back.
 *
 * An import checks first and writes after, so that the database's write
 * lock is held only for the writing. While the rows are read, under a read
 * snapshot and without the write lock (other users keep writing), each row
 * is checked (regions, ID number, phone, areas within limits, technology and
 * measures from the reference lists, required fields) and, when valid, kept
 * in a temporary table (on disk, not in memory). ch_hh_import_finish then
 * takes the write lock and writes the kept rows in one transaction: a new
 * household is inserted, a household with the same county and 户编号 as a
 * stored one is updated (audited with before and after). What another
 * writer could have changed meanwhile is checked again there: an ID number
 * already held by another active household blocks the row; two rows of the
 * same file with one ID number (or one 户编号) are both rejected; townships
 * and villages to be added are looked up again. If users, rules or regions
 * changed between the two halves, the import says so (ch_hh_import_stale)
 * and its caller runs it again with every check under the lock. At the end
 * the import either commits (no errors, or --skip-invalid: the valid rows)
 * or rolls back, leaving the register exactly as it was.
 *
 * The import keeps only the problems in memory, never the rows, so a
 * million-row ledger needs no more memory than a small one.
 */
#ifndef CH_CORE_HOUSEHOLD_H
#define CH_CORE_HOUSEHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "core/problems.h"

typedef struct ch_ctx ch_ctx;

/* The fields of a register row, in ledger column order. */
enum ch_hfield {
	CH_HF_COUNTY,       /* 县市 */
	CH_HF_TOWNSHIP,     /* 乡镇 */
	CH_HF_VILLAGE,      /* 村 */
	CH_HF_HH_NO,        /* 户编号 */
	CH_HF_HEAD,         /* 户主姓名 */
	CH_HF_ID,           /* 身份证号 */
	CH_HF_PHONE,        /* 联系电话 */
	CH_HF_ADDRESS,      /* 地址 */
	CH_HF_HEATED_AREA,  /* 取暖面积 (m²) */
	CH_HF_STRUCTURE,    /* 房屋结构 */
	CH_HF_ORIG_HEATING, /* 原取暖方式 */
	CH_HF_TECH,         /* 改造方式 */
	CH_HF_MEASURES,     /* 节能改造措施 */
	CH_HF_ES_AREA,      /* 节能改造面积 (m²) */
	CH_HF_YEAR,         /* 年度 */
	CH_HF_BATCH,        /* 批次: 新建 / 续建 */
	CH_HF_CONTRACTOR,   /* 施工单位 */
	CH_HF_COST,         /* 总投资 (元) */
	CH_HF_NOTE,         /* 备注 */
	CH_HF_BANK,         /* 收款账号: bank card or 惠农一卡通 */
	CH_HF_COUNT
};

/* The Chinese column name of F (县市, 乡镇, ...) and its JSON key. */
const char *ch_hfield_name(enum ch_hfield f);
const char *ch_hfield_key(enum ch_hfield f);

/* A problem of a register row; its field is an enum ch_hfield (or -1). */
typedef ch_problem ch_hh_problem;

typedef struct ch_hh_import_opts {
	const char *file;      /* the file's name, for the record */
	const char *file_hash; /* its hash */
	int64_t county_id;     /* every row belongs to it (0: from 县市) */
	int skip_invalid;      /* store the valid rows even if others are invalid */
	int cost_in_10k;       /* the 总投资 column is in 万元 */
	const char *today;     /* YYYY-MM-DD for birth-date checks; NULL: now */
	int new_places;        /* add townships and villages not yet known even
	                          where the county (township) has a list */
	int check_under_lock;  /* check the rows under the write lock too (the
	                          retry of an import found stale) */
} ch_hh_import_opts;

typedef struct ch_hh_import_summary {
	size_t rows, inserted, updated, unchanged, rejected, warnings;
	size_t townships_added, villages_added;
	size_t changed_after_review; /* households whose subsidy's facts changed: held */
	char *added_regions;         /* "县 乡镇 / 村" lines of regions added, or NULL */
	int64_t import_id;
} ch_hh_import_summary;

typedef struct ch_hh_import ch_hh_import;

/* Starts an import: checks CH_PERM_HOUSEHOLD_WRITE, begins the read
 * snapshot (the write transaction when opts->check_under_lock) and loads
 * the reference lists. */
int ch_hh_import_begin(ch_ctx *ctx, const ch_hh_import_opts *opts, ch_hh_import **out);
/* Checks and (if valid) keeps one row for writing. FIELDS has CH_HF_COUNT entries, NULL
 * for a column the file does not have. Problems are recorded, not returned:
 * the result is 0 unless the import itself failed (a negative ch_err). */
int ch_hh_import_row(ch_hh_import *imp, size_t line, const char *const *fields);
/* Records a problem found outside the row checks (a row the reader could
 * not split, a column it does not know). */
void ch_hh_import_add_problem(ch_hh_import *imp, size_t line, int field, const char *value,
                              int warning, const char *reason);
/* Ends the import: takes the write lock (CH_EBUSY, nothing stored, when
 * another write holds it past the busy wait), writes the kept rows, and
 * commits unless there are errors and skip_invalid is off, in which case it
 * rolls back and returns CH_EINVALID (nothing stored). Fills *SUM either
 * way. CH_ECONFLICT with ch_hh_import_stale true when users, rules or
 * regions changed since the rows were checked (nothing stored). */
int ch_hh_import_finish(ch_hh_import *imp, ch_hh_import_summary *sum);
size_t ch_hh_import_nproblems(const ch_hh_import *imp);
const ch_hh_problem *ch_hh_import_problem(const ch_hh_import *imp, size_t i);
/* The problems found so far. */
const ch_problems *ch_hh_import_problems(const ch_hh_import *imp);
/* Hands the problems found over to the caller (who frees them) once the
 * import is finished or given up; IMP then has none, and may only be
 * freed. */
ch_problems *ch_hh_import_take_problems(ch_hh_import *imp);
/* 1 when LINE has an error (the row was not stored). */
int ch_hh_import_rejected(const ch_hh_import *imp, size_t line);
/* 1 when ch_hh_import_finish refused because what the rows were checked
 * against changed meanwhile: run the import again with check_under_lock. */
int ch_hh_import_stale(const ch_hh_import *imp);
/* Rolls back if not finished, and frees. */
void ch_hh_import_free(ch_hh_import *imp);
void ch_hh_import_summary_dispose(ch_hh_import_summary *sum);

/* A household as read back. Text fields are NULL when empty; numbers are
 * -1 when unknown. */
typedef struct ch_household {
	int64_t id;
	char *county, *county_code, *township, *village;
	char *hh_no, *head_name, *id_number, *phone, *address;
	int64_t heated_area_centi, es_area_centi, cost_fen;
	char *structure, *original_heating, *technology, *measures;
	int plan_year;
	char *batch; /* "new" / "continuing" */
	char *contractor, *note, *status, *updated_at;
	char *bank_account; /* 收款账号: a bank card or 惠农一卡通 account */
} ch_household;

typedef struct ch_hh_filter {
	const char *county, *township, *village; /* names or codes; NULL: any */
	const char *technology;                  /* key or spelling */
	const char *batch;                       /* new / continuing / 新建 / 续建 */
	const char *status; /* where the household stands: a stage (已开工, started, ...) */
	int plan_year;      /* 0: any */
	const char *text;   /* search: see the rule at ch_household_each */
	int64_t limit;      /* 0: no limit */
	int64_t offset;     /* skip this many first (paging) */
	const char *after;  /* "县市/户编号": only the households after this one (paging) */
	int reveal;         /* 1: ID and phone numbers unmasked (see "Personal data" below) */
} ch_hh_filter;

/*
 * Personal data. The functions below that read households back hand out ID
 * numbers, phone numbers and bank accounts masked (652301********1234,
 * 138****5678, 6230********0001), so that no front end can show them by
 * forgetting to mask. A caller that asks
 * to reveal them gets them whole only when the actor's role holds
 * CH_PERM_REVEAL for the households' region, and then one audit entry
 * (household.reveal, object household:personal-data, with the filters
 * asked for and how many households it shows) is committed before any
 * household is handed out; otherwise the call fails with CH_EDENIED and
 * writes nothing. A reveal of no household (not found, or a list that
 * finds nobody) writes nothing either.
 */

/* Calls FN for each household matching F that the actor may see (their
 * scope), ordered by county code, township, village, 户编号; masked unless
 * F->reveal. Requires CH_PERM_READ (and CH_PERM_REVEAL to reveal);
 * CH_EDENIED when a region of F (or F->after's county) is outside the
 * actor's scope; CH_ENOTFOUND when a region or technology in F is unknown
 * or F->after names no household of the scope, CH_EINVALID for a batch
 * that is not 新建 or 续建.
 *
 * F->text, normalised, of N characters, finds the households whose
 * 户主姓名 contains it (N <= 2: within the name's first 4 characters);
 * whose 地址 contains it (N >= 3); whose 户编号, 身份证号 or 联系电话 begins
 * with it; or whose 身份证号 or 联系电话 ends with it (N >= 2). The stored
 * numbers are compared, never their masked forms. A page of the list or of
 * a search costs about the same at any depth and register size (see
 * household_query.c). */
int ch_household_each(ch_ctx *ctx, const ch_hh_filter *f,
                      int (*fn)(const ch_household *h, void *arg), void *arg);
/* A household as a progress batch names it. */
typedef struct ch_hh_key {
	const char *county_code, *county; /* its county's code and name */
	const char *hh_no;                /* 户编号 */
} ch_hh_key;
/* Calls FN for each household of PLAN_YEAR now at STAGE (enum ch_stage)
 * that the actor may see (their scope), in the order they were
 * registered; stops at a non-zero return, which it returns. Requires
 * CH_PERM_READ. The strings are valid during the call. */
int ch_household_each_at_stage(ch_ctx *ctx, int plan_year, int stage,
                               int (*fn)(const ch_hh_key *k, void *arg), void *arg);
/* Loads one household of the actor's scope by county (name or code) and
 * 户编号, or by ID number when COUNTY is NULL; masked unless REVEAL.
 * Refused (CH_EDENIED) and not found (CH_ENOTFOUND) as ch_household_locate
 * with CH_PERM_READ, and CH_PERM_REVEAL to REVEAL. The caller disposes *OUT
 * (also on failure). */
int ch_household_get(ch_ctx *ctx, const char *county, const char *key, int reveal,
                     ch_household *out);
void ch_household_dispose(ch_household *h);

/* Where a household stands: enough to check a step for it. */
typedef struct ch_hh_ref {
	int64_t id, county_id, township_id;
	int plan_year;
	int stage;          /* enum ch_stage */
	char stage_day[11]; /* "" when registered */
	char hh_no[72];
} ch_hh_ref;
/* Finds a household by COUNTY (name or code) and 户编号 KEY, or by ID
 * number when COUNTY is NULL, for an actor who needs PERM (enum ch_perm)
 * for it. Permission and scope come first: CH_EDENIED when the role lacks
 * PERM or COUNTY is outside the actor's scope, before anything is looked
 * up; CH_ENOTFOUND, naming it, when there is no such household; CH_EDENIED
 * when the household found lies outside the scope (a township operator's
 * neighbour; one found by ID number, without saying where it is). A
 * refusal says nothing of the household's state. */
int ch_household_locate(ch_ctx *ctx, unsigned perm, const char *county, const char *key,
                        ch_hh_ref *out);

/* One group of households sharing an ID number, phone or address. */
typedef struct ch_hh_dup {
	const char *kind;  /* "id_number", "phone", "address" */
	const char *value; /* the shared value, masked like the members' unless revealed */
	const ch_household *members;
	size_t n;
} ch_hh_dup;
/* Calls FN for every group of two or more households, within the actor's
 * scope, that share an ID number (any status), a phone or an address;
 * masked unless REVEAL. Requires CH_PERM_READ (and CH_PERM_REVEAL to
 * reveal). */
int ch_household_duplicates(ch_ctx *ctx, int reveal, int (*fn)(const ch_hh_dup *d, void *arg),
                            void *arg);

#endif
