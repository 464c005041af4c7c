/*
 * plan — the annual plan: targets per county, checked before stored.
 *
 * Offices publish the plan as a table (安排项目表): one row per county with
 * the clean-heating households in total (合计), new this year and continuing
 * from last year (续建), and the building energy-saving households, then a
 * total row (总计). Such tables are typed by hand and do not always add up:
 * the 2023 Changji table prints 7,325 where the text says 7,235. So a plan
 * is first read into a ch_plan_table (io/plan_table.c), then checked here
 * (every inconsistency, and the single-cell corrections that would resolve
 * them), and only then stored: a clean plan as it is, an inconsistent one
 * only when the user accepts the findings with a reason, which the audit log
 * keeps. Stored plans are versioned; one version per year is active.
 */
#ifndef CH_CORE_PLAN_H
#define CH_CORE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "util/text.h"

typedef struct ch_ctx ch_ctx;

/* The numeric columns of a plan table. */
enum ch_plan_col {
	CH_PCOL_TOTAL,      /* 合计: clean-heating households this year */
	CH_PCOL_NEW,        /* 2023年实施户数: new this year */
	CH_PCOL_CONTINUING, /* 续建2022年户数: continuing from last year */
	CH_PCOL_ES,         /* 建筑节能改造户数: energy-saving households */
	CH_PCOL_COUNT
};

/* The usual Chinese heading of a column (for messages when the file's own
 * heading is unknown). */
const char *ch_plan_col_name(enum ch_plan_col col);
/* A stable English key for JSON: total, new, continuing, energy_saving. */
const char *ch_plan_col_key(enum ch_plan_col col);

/* The largest count a plan cell may hold; beyond it the cell is invalid. */
#define CH_PLAN_MAX_COUNT 1000000000000LL

typedef struct ch_plan_cell {
	char *text;                /* as written in the file (NULL: column absent) */
	enum ch_num_status status; /* CH_NUM_EMPTY counts as 0 */
	int64_t value;             /* the number when status is OK (0 when EMPTY) */
} ch_plan_cell;

typedef struct ch_plan_row {
	size_t line;  /* row number in the file, 1-based */
	char *county; /* the county as written */
	char *remark; /* 备注, or NULL */
	ch_plan_cell cell[CH_PCOL_COUNT];
	/* set by ch_plan_check */
	int64_t region_id; /* 0 when the county is unknown, obsolete or a duplicate */
	char *region_code;
	char *region_name;
} ch_plan_row;

typedef struct ch_plan_table {
	char *title;                      /* the title row, or NULL */
	size_t title_line;                /* its row in the file (0: unknown) */
	size_t label_line[CH_PCOL_COUNT]; /* the row of each heading (0: unknown) */
	char *source;                     /* the file's name as given */
	char *label[CH_PCOL_COUNT];       /* the headings as written; NULL: column absent */
	ch_plan_row *rows;                /* county rows, in file order */
	size_t nrows, cap;
	int has_total; /* a 总计 row was found */
	ch_plan_row total;
} ch_plan_table;

void ch_plan_table_init(ch_plan_table *t);
void ch_plan_table_dispose(ch_plan_table *t);
/* Appends an empty row (owned by T) and returns it. */
ch_plan_row *ch_plan_table_add_row(ch_plan_table *t);
/* Sets a cell from its text: parses the count (see ch_text_parse_count). */
void ch_plan_cell_set(ch_plan_cell *c, const char *text);

enum ch_plan_finding_kind {
	CH_PF_ROW_SUM,          /* 合计 ≠ 新建 + 续建 on one row */
	CH_PF_COLUMN_SUM,       /* a column's rows do not add up to its 总计 */
	CH_PF_UNKNOWN_COUNTY,   /* a name that is no county of the prefecture */
	CH_PF_OBSOLETE_COUNTY,  /* a county that no longer exists (米泉市) */
	CH_PF_DUPLICATE_COUNTY, /* a county listed twice */
	CH_PF_NEGATIVE,         /* a negative number */
	CH_PF_NOT_NUMBER,       /* a cell that is not a whole number */
	CH_PF_KIND_COUNT
};
/* "row_sum", "column_sum", ... for JSON. */
const char *ch_plan_finding_kind_name(enum ch_plan_finding_kind kind);

typedef struct ch_plan_finding {
	enum ch_plan_finding_kind kind;
	size_t line;      /* file row; 0 for a whole column */
	char *county;     /* as written, or NULL */
	int col;          /* enum ch_plan_col, or -1 */
	int64_t expected; /* sums: what the figures add up to */
	int64_t actual;   /* sums: what the table prints */
	char *value;      /* bad cells: the text as written */
	char *message;    /* one line in Chinese naming county/column, figures, reason */
} ch_plan_finding;

/* A one-cell change after which every row and column adds up. */
typedef struct ch_plan_fix {
	size_t line;
	char *county;
	int col;
	int64_t from, to;
	char *message;
} ch_plan_fix;

typedef struct ch_plan_check {
	ch_plan_finding *findings;
	size_t nfindings;
	ch_plan_fix *fixes;
	size_t nfixes;
} ch_plan_check;

/* Checks T: resolves each county to its region (setting region_id, code and
 * name on the rows), then finds every inconsistency and the single-cell
 * fixes. Fills *OUT (caller disposes). Returns 0 whether or not there are
 * findings; a negative ch_err only when the check itself failed. */
int ch_plan_check_table(ch_ctx *ctx, ch_plan_table *t, ch_plan_check *out);
void ch_plan_check_dispose(ch_plan_check *c);
/* 1 when every finding is a sum that --accept-discrepancies may accept (a
 * plan with unknown counties or bad cells can never be stored). */
int ch_plan_check_acceptable(const ch_plan_check *c);
/* Checks that the years T names are those of plan year YEAR: its title and
 * its headings, where they name a year (2023年), must name YEAR, and a
 * 续建 heading the year before (续建2022年户数 in a 2023 plan). Returns 0,
 * or CH_EINVALID (field "year") naming the year found and where (the row
 * and the title or heading as written). */
int ch_plan_check_year(const ch_plan_table *t, int year);

typedef struct ch_plan_import_opts {
	int year;
	const char *title;           /* the plan document's title; NULL: the table's title row */
	int accept_discrepancies;    /* store despite sum findings... */
	const char *reason;          /* ...for this reason (required with it) */
	int replace;                 /* replace the year's active plan if different */
	int64_t es_area_total_centi; /* prefecture energy-saving area target, 0: none */
} ch_plan_import_opts;

enum ch_plan_outcome {
	CH_PLAN_STORED,    /* the year's first plan */
	CH_PLAN_UNCHANGED, /* identical to the active plan: nothing written */
	CH_PLAN_REPLACED,  /* a new version replaced the active one */
};

/* Stores checked table T (CHECK from ch_plan_check_table) as the plan for
 * OPTS->year, in one audited transaction. Refused, with nothing written:
 * CH_EDENIED without CH_PERM_PLAN_WRITE; CH_EINVALID when the table names
 * another year (ch_plan_check_year) or CHECK has findings that are not
 * accepted (or cannot be); CH_ECONFLICT when the year has a different plan
 * and OPTS->replace is not set. A new version's number is never one a
 * withdrawn version had. *OUTCOME and *VERSION say what happened. */
int ch_plan_import(ch_ctx *ctx, const ch_plan_table *t, const ch_plan_check *check,
                   const ch_plan_import_opts *opts, enum ch_plan_outcome *outcome, int *version);

/* Withdraws version VERSION of YEAR's plan, stored by mistake, for REASON:
 * it is removed (the audit entry keeps it whole, with the reason) and, if
 * it was the year's active plan, the latest remaining version becomes
 * active again (*ACTIVE gets its number, 0 when none remains). Refused,
 * with nothing changed: CH_EDENIED without CH_PERM_PLAN_WRITE;
 * CH_EINVALID (field "reason") without a reason; CH_ENOTFOUND for no such
 * version; CH_ECONFLICT when it is the active plan and anything depends on
 * the year's plan (households registered for the year, frozen dispatch
 * periods, review applications), the message saying what. */
int ch_plan_withdraw(ch_ctx *ctx, int year, int version, const char *reason, int *active);

typedef struct ch_plan_target {
	char *code, *name;
	int64_t v[CH_PCOL_COUNT]; /* indexed by enum ch_plan_col */
	char *remark;
} ch_plan_target;

typedef struct ch_plan {
	int year, version;
	char *title, *source, *created_at, *created_by;
	char *discrepancies; /* JSON of accepted findings, or NULL */
	char *reason;
	ch_plan_target *targets; /* counties in code order */
	size_t ntargets;
	int has_published;                /* the file had a 总计 row */
	int64_t published[CH_PCOL_COUNT]; /* that row as printed */
	int64_t es_area_total_centi;      /* 0: none given */
} ch_plan;

/* Loads the active plan of YEAR (VERSION 0) or a given version. CH_ENOTFOUND
 * when there is none. Requires CH_PERM_READ. */
int ch_plan_load(ch_ctx *ctx, int year, int version, ch_plan *out);
void ch_plan_dispose(ch_plan *p);

/* One county's registered households against its plan targets. */
typedef struct ch_coverage_row {
	char *code, *name;
	int64_t plan[CH_PCOL_COUNT]; /* targets (0 where the plan has none) */
	int64_t registered, reg_new, reg_continuing;
	int64_t reg_es;            /* households with an energy-saving measure */
	int64_t reg_es_area_centi; /* their energy-saving area */
} ch_coverage_row;

/* Registered (not withdrawn) households of plan year YEAR per county,
 * against the active plan of YEAR; every county of the prefecture appears.
 * *ROWS (caller frees with ch_coverage_free) in code order. CH_ENOTFOUND
 * when YEAR has no plan. *ES_AREA_TARGET gets the plan's area target. */
int ch_plan_coverage(ch_ctx *ctx, int year, ch_coverage_row **rows, size_t *n,
                     int64_t *es_area_target_centi);
void ch_coverage_free(ch_coverage_row *rows, size_t n);

#endif
