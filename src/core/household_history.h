/*
 * household_history — one household's whole story, and its evidence files.
 *
 * A clerk, a dispatcher or an auditor opens a household and wants to know
 * everything that happened to it: when it was registered and how its
 * record changed, every recorded step with its note, who recorded it and
 * its evidence (a step later corrected shown as superseded, its correction
 * as such), the self-inspections with their failed checklist items, the
 * review application it was in, whether the sample drew it and the
 * reviewer's result, the rectification orders opened and closed, the
 * follow-up visits and what they found, and the subsidy: its entitlement,
 * the reservation, each payment and what the bank answered.
 *
 * The history is read from the tables that hold each of these (nothing is
 * stored twice for it). Registration comes first (steps are dated as on
 * the forms, which may be before the ledger was imported); the rest in date
 * order, within one day in the order of the workflow (a failed inspection
 * before the order it opened, a closed order before the inspection that
 * followed it), then by the time they were recorded. Personal numbers
 * (the bank account of a payment, the numbers changed by a register
 * update) are masked: the history is not a way around the audited reveal.
 */
#ifndef CH_CORE_HOUSEHOLD_HISTORY_H
#define CH_CORE_HOUSEHOLD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* The kinds of item, in the order their labels are listed. */
enum ch_hist_kind {
	CH_HIST_REGISTER, /* 登记: registration and register updates */
	CH_HIST_STEP,     /* 进度: a workflow step (event) */
	CH_HIST_INSPECT,  /* 自验 */
	CH_HIST_REVIEW,   /* 复核: application, sample, result */
	CH_HIST_RECTIFY,  /* 整改: orders opened and closed */
	CH_HIST_FOLLOWUP, /* 回访 */
	CH_HIST_SUBSIDY,  /* 补助: entitlement, reservation, payments */
	CH_HIST_KIND_COUNT
};
/* The Chinese label of KIND (登记, 进度, 自验, 复核, 整改, 回访, 补助). */
const char *ch_hist_kind_label(enum ch_hist_kind kind);

/* An evidence file attached to an item. */
typedef struct ch_hist_evidence {
	const char *hash; /* BLAKE2b-256, 64 hex digits: the file's key */
	const char *name; /* the name it was first stored under */
	int64_t size;     /* bytes */
} ch_hist_evidence;

/* One item of the history. Strings are valid during the callback only. */
typedef struct ch_hist_item {
	enum ch_hist_kind kind;
	const char *day;  /* YYYY-MM-DD (Beijing); "" when not recorded */
	const char *what; /* 事项: 已开工, 自验不合格, 整改单开具, 补助发放 ... */
	const char *detail;      /* 详情, in Chinese; "" when there is nothing more */
	const char *actor;       /* 经办人: the user who recorded it (or the inspector,
	                            reviewer, visitor named on the form); "" unknown */
	const char *recorded_at; /* when it was recorded (UTC); "" unknown */
	int superseded;          /* a step whose date was later corrected */
	const ch_hist_evidence *evidence;
	size_t nevidence;
} ch_hist_item;

/* Calls FN for every item of the history of one household, found by
 * county (name or code) and 户编号 KEY, or by ID number when COUNTY is NULL,
 * in the order described above; stops at FN's first non-zero return,
 * which it returns. Requires CH_PERM_READ and the household within the
 * actor's scope (CH_ENOTFOUND naming it otherwise, as for household show).
 * When HH_NO is not NULL it receives the household's county name and 户编号
 * ("昌吉市 CJ001", caller frees) for a title. */
int ch_household_history(ch_ctx *ctx, const char *county, const char *key,
                         int (*fn)(const ch_hist_item *it, void *arg), void *arg, char **hh_no);

/* An evidence file's bytes, as loaded by ch_household_evidence. */
typedef struct ch_evidence_file {
	char hash[65];
	char *name;
	const char *media_type; /* from its first bytes: image/jpeg, image/png,
	                           image/gif, image/webp, application/pdf, or
	                           application/octet-stream for anything else */
	unsigned char *data;
	size_t len;
} ch_evidence_file;

/* Loads evidence file HASH (its 64 hex digits, or a prefix of at least 8
 * that names one file) attached to a step or a review result of the
 * household COUNTY/KEY (as for ch_household_history). Only someone who may
 * see that household gets it: CH_PERM_READ and the household within the
 * actor's scope. CH_ENOTFOUND when the household has no such file (also
 * when the file exists but belongs to other households only), CH_EINVALID
 * for a hash that is not hex or a prefix that fits several of its files.
 * The caller disposes *OUT (also after a failure). */
int ch_household_evidence(ch_ctx *ctx, const char *county, const char *key, const char *hash,
                          ch_evidence_file *out);
void ch_evidence_file_dispose(ch_evidence_file *f);

/* The media type of a file by its first bytes (see ch_evidence_file). */
const char *ch_evidence_media_type(const unsigned char *data, size_t len);

#endif
