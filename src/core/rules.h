/*
 * rules — the yearly rules an office sets itself, seen and replaced at run
 * time: the milestone calendar, the subsidy standard, the self-inspection
 * checklist, the follow-up schedule, the sampling rates, the technology
 * and energy-saving measure lists and the plausibility limits.
 *
 * Each kind is one CSV file of data/ (its columns documented in the
 * README beside it). The files shipped in the binary are the defaults of a
 * new database; an office imports its own version of a kind with
 * ch_rules_import, checked by the same loader as the shipped file and
 * applied in one transaction, audited. Every version loaded is kept (the
 * CSV text as loaded) with who loaded it and when, and one is active.
 *
 * The calendar and the subsidy standard are per plan year (a year without
 * its own calendar is refused by the reports, naming what to load); the
 * other kinds are one current set, versioned: an import replaces the set
 * from then on and the year given is recorded with it.
 *
 * Once an office has imported its own version of a kind, a newer
 * cleanheat's shipped file of that kind no longer replaces it.
 */
#ifndef CH_CORE_RULES_H
#define CH_CORE_RULES_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* One kind of rule. */
typedef struct ch_rule_kind {
	const char *kind;  /* "calendar" */
	const char *label; /* "里程碑日历" */
	int per_year;      /* one per plan year (else one current set) */
	const char *path;  /* the shipped file: "data/calendar/%d.csv" when per year */
} ch_rule_kind;

/* The kinds, in the order they are listed; N receives how many. */
const ch_rule_kind *ch_rule_kinds(size_t *n);
/* The kind named KIND (its key or its Chinese label), or NULL. */
const ch_rule_kind *ch_rule_kind_find(const char *kind);

/* One stored version of a kind. */
typedef struct ch_rule_version {
	const char *kind, *label;
	int plan_year; /* 0 for a kind that is one current set */
	int64_t version;
	const char *source; /* "builtin" (shipped) or "import" */
	const char *file, *content_hash, *loaded_by, *loaded_at;
	int active;
	int64_t rows; /* data rows of its CSV */
} ch_rule_version;

/* Calls FN for every stored version (ALL) or only the active ones, by kind
 * then year then version. Requires CH_PERM_READ. */
int ch_rules_each(ch_ctx *ctx, int all, int (*fn)(const ch_rule_version *v, void *arg), void *arg);

/* The CSV text (*CONTENT, caller frees) of KIND's active version for YEAR
 * (ignored for a kind that is one current set), or of VERSION when it is
 * not 0. CH_ENOTFOUND, saying what to load, when there is none; CH_EINVALID
 * for an unknown kind, listing the kinds. */
int ch_rules_get(ch_ctx *ctx, const char *kind, int year, int64_t version, char **content);

/* Loads DATA (LEN bytes of CSV, from a file called FILE) as KIND's new
 * version for YEAR, checked as the shipped file is and applied at once;
 * the older version is kept, inactive. Audited ("rules.import"). Requires
 * CH_PERM_PLAN_WRITE for the whole prefecture. *VERSION receives the new
 * version's number. An unchanged file (the same content as the active
 * version) changes nothing and sets *VERSION to the active one. */
int ch_rules_import(ch_ctx *ctx, const char *kind, int year, const char *file, const char *data,
                    size_t len, int64_t *version);

#endif
