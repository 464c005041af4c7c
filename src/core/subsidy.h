/*
 * subsidy — from a passed review to money in the household's account.
 *
 * The year's policy (data/subsidy/, loaded as numbered versions) sets each
 * technology's subsidy (a fixed amount, or a share of the household's cost
 * with a cap), the energy-saving subsidy per m² with a cap, and how the
 * fund sources split each subsidy. A household whose review passed is
 * entitled to that, never more than its cost; reserving moves the
 * entitlement from the county's special accounts to the household's payable
 * accounts, source by source. A payment batch moves what is payable to the
 * bank (transit) and writes the bank's file; the bank's return file then
 * confirms each payment (paid; the household reaches 补助已发放 once paid in
 * full) or fails it (reversed, payable again for the next batch). All of it
 * goes through the ledger (ledger.c), with idempotency keys, so repeating a
 * step pays no one twice.
 */
#ifndef CH_CORE_SUBSIDY_H
#define CH_CORE_SUBSIDY_H

#include <stddef.h>
#include <stdint.h>

#include "core/problems.h"

typedef struct ch_ctx ch_ctx;

#define CH_MAX_SOURCES 6

typedef struct ch_entitlement {
	int64_t household_id;
	char hh_no[72], county_code[16], county[64], head_name[100];
	int plan_year;
	int64_t policy_id;
	int policy_version, example; /* example: the shipped example policy */
	int64_t cost_fen, tech_fen, es_fen, total_fen;
	char lines[4][256]; /* how each part was computed, in Chinese */
	size_t nlines;
	struct {
		char source[16];
		int64_t fen;
	} split[CH_MAX_SOURCES];
	size_t nsplit;
	int64_t payment_days, idle_days;
} ch_entitlement;

/* Computes the entitlement of a household (county and 户编号, or ID number)
 * under its plan year's active policy, explained line by line. */
int ch_subsidy_entitlement(ch_ctx *ctx, const char *county, const char *household,
                           ch_entitlement *out);

typedef struct ch_reserve_summary {
	size_t reserved, short_of_funds, zero, no_cost, no_policy;
	int64_t total_fen;
} ch_reserve_summary;
/* Reserves the entitlement of every household of COUNTY whose review passed
 * and that has none yet, as far as the county's accounts allow (the others
 * wait, and are counted). Requires CH_PERM_FUNDS. */
int ch_subsidy_reserve(ch_ctx *ctx, const char *county, const char *day, ch_reserve_summary *sum);

enum ch_pay_method { CH_PAY_CARD, CH_PAY_YIKATONG, CH_PAY_METER };
/* The Chinese name of a stored method key (card → 银行卡); KEY if unknown. */
const char *ch_pay_method_label(const char *key);
/* Pays everything payable in COUNTY: one transfer and one payment row per
 * household, committed in chunks so that a crash loses at most the chunk it
 * was in and a new run pays the rest, no one twice. Households without an
 * account (for card and 一卡通) are left payable and listed in PROBLEMS.
 * *BATCH gets the batch number (0 when nothing was payable). Refuses
 * (CH_ECONFLICT, before any batch) when a household to pay differs from
 * what the audit log recorded for it (seal.h). */
int ch_subsidy_pay(ch_ctx *ctx, const char *county, const char *day, enum ch_pay_method method,
                   int64_t *batch, size_t *n, int64_t *total_fen, ch_problems *problems);

typedef struct ch_payment_row {
	int64_t id, batch;
	const char *county, *hh_no, *head_name, *id_number, *account, *method, *status;
	int64_t amount_fen;
} ch_payment_row;
/* The payments of BATCH, for the bank's file. Requires CH_PERM_FUNDS.
 * CH_ECONFLICT, naming the payment or household and the field, when a
 * payment differs from its ledger transfer or a payment or household from
 * its audit seal (seal.h): no file is written from such a batch. */
int ch_subsidy_payments(ch_ctx *ctx, int64_t batch, int (*fn)(const ch_payment_row *p, void *arg),
                        void *arg);

typedef struct ch_batch_row {
	int64_t id;
	const char *county, *day, *method, *created_at, *created_by;
	int64_t n, total_fen;       /* payments in the batch and their sum */
	int64_t sent, paid, failed; /* payments by status */
} ch_batch_row;
/* The payment batches of COUNTY (NULL: every county the actor may see), the
 * newest first, so that a batch whose run was interrupted before its bank
 * file was written can be found and its file written with payfile.
 * Requires CH_PERM_READ (no personal data is shown). */
int ch_subsidy_batches(ch_ctx *ctx, const char *county, int (*fn)(const ch_batch_row *b, void *arg),
                       void *arg);

/* One row of the bank's return file. */
typedef struct ch_return_row {
	size_t line;
	const char *payment; /* 流水号 */
	const char *amount;  /* yuan as written */
	const char *status;  /* 成功 / 失败 (success / failed) */
	const char *reason;
	const char *day;
} ch_return_row;
typedef struct ch_reconcile_summary {
	size_t confirmed, failed, repeated, unknown, subsidized;
	size_t released; /* failed payments of withdrawn households, back to the county */
} ch_reconcile_summary;
/* The rows of a return file, one at a time: fills *ROW (its texts good
 * until the next call) and returns 1, 0 after the last row, or a negative
 * ch_err with its message set. */
typedef int (*ch_return_next_fn)(void *data, ch_return_row *row);
/* Applies the bank's return, the rows NEXT reads (called with DATA): paid
 * rows confirmed, failed rows reversed (payable again; for a household that
 * has withdrawn meanwhile, back to the county's account), rows already
 * applied skipped, unknown or inconsistent rows reported in PROBLEMS. One
 * transaction; a row NEXT cannot read undoes it. Requires CH_PERM_FUNDS for
 * the county of every payment the file names: a payment of another county
 * refuses the whole file (CH_EDENIED), nothing applied. */
int ch_subsidy_reconcile(ch_ctx *ctx, ch_return_next_fn next, void *data, const char *file_hash,
                         ch_problems *problems, ch_reconcile_summary *sum);

/* What becomes of the money of household HOUSEHOLD that withdraws now, in
 * Chinese, into *NOTE (the caller frees it; NULL when it has none at the
 * bank and none reserved): a payment at the bank (sent, not yet returned)
 * stays there; returned failed it goes back to the county's account,
 * returned paid it is a case for recovery (the fund audit's 追回); money
 * reserved but not yet sent stays reserved and is never paid. No permission
 * check: for the withdrawal step, which has checked its own. */
int ch_subsidy_withdrawal_note(ch_ctx *ctx, int64_t household, char **note);

/* ---- recovery (追回) ---- */

/* Records a claim of AMOUNT_FEN against household HOUSEHOLD (户编号 in
 * COUNTY, or ID number), paid what it should not keep, for REASON
 * (equipment removed, found ineligible, paid twice) on DAY; *ID its
 * number. CH_EINVALID when the amount passes what the bank has paid it,
 * less what is already claimed. Requires CH_PERM_FUNDS. Audited. */
int ch_recovery_claim(ch_ctx *ctx, const char *county, const char *household, int64_t amount_fen,
                      const char *reason, const char *day, int64_t *id);
/* Records AMOUNT_FEN of claim CLAIM come back on DAY: one ledger transfer
 * from the household's paid accounts to the county account the money left,
 * source by source in proportion to what each paid (*TRANSFER); the
 * household's entitlement is less by as much. CH_EINVALID beyond what the
 * claim still asks. Requires CH_PERM_FUNDS for the county. Audited. */
int ch_recovery_receive(ch_ctx *ctx, int64_t claim, int64_t amount_fen, const char *day,
                        int64_t *transfer);

typedef struct ch_recovery_row {
	int64_t id;
	const char *county, *hh_no, *head_name, *reason, *day;
	int64_t amount_fen, recovered_fen;
} ch_recovery_row;
/* The claims of COUNTY (NULL: all the actor may see), oldest first.
 * Requires CH_PERM_READ. */
int ch_recovery_each(ch_ctx *ctx, const char *county,
                     int (*fn)(const ch_recovery_row *r, void *arg), void *arg);

/* ---- funds ---- */

/* The fund source TEXT stands for: its key (central, region, …) into KEY
 * and its Chinese name (中央资金, …) into NAME (either may be NULL). TEXT
 * may be the key, the name or a spelling of data/subsidy/sources.csv
 * (中央, 自治区, 州级, 县级 …). CH_EINVALID naming the sources otherwise. */
int ch_funds_source(ch_ctx *ctx, const char *text, char key[16], char name[64]);
/* The spending category TEXT stands for, as a new string (the caller frees
 * it): its key (WANT_NAME 0) or Chinese name (WANT_NAME 1) when TEXT is a
 * spelling of data/subsidy/categories.csv, else TEXT normalised (a
 * category outside the policy keeps the name it was given). */
char *ch_funds_category(ch_ctx *ctx, const char *text, int want_name);

/* Moves AMOUNT_FEN of SOURCE (as ch_funds_source reads it): from its origin to the prefecture (TO
 * NULL, 下达), from the prefecture to county TO (拨付), or with DIRECT from the origin straight to
 * the county. KEY makes it idempotent: *FOUND (if not NULL) is set when KEY was already recorded
 * with this content and nothing new was done. Prefecture only. */
int ch_funds_appropriate(ch_ctx *ctx, const char *source, const char *to, int direct,
                         int64_t amount_fen, const char *day, const char *key, const char *memo,
                         int *found);
/* Spends AMOUNT_FEN of COUNTY's SOURCE on CATEGORY (anything but the
 * policy's categories is 挤占, and the audit says so). SOURCE and CATEGORY
 * as ch_funds_source and ch_funds_category read them. *FOUND as above. */
int ch_funds_spend(ch_ctx *ctx, const char *county, const char *source, const char *category,
                   int64_t amount_fen, const char *day, const char *key, const char *memo,
                   int *found);

typedef struct ch_funds_finding {
	const char *kind; /* 滞留, 截留, 挪用, 追回, 待追回, 挤占, 重复发放, 结余 */
	const char *where, *what;
	int64_t amount_fen;
} ch_funds_finding;
/* The fund audit as of AS_OF. */
int ch_funds_audit(ch_ctx *ctx, const char *as_of, int (*fn)(const ch_funds_finding *f, void *arg),
                   void *arg);

typedef struct ch_funds_row {
	const char *county, *source; /* the source's Chinese name */
	int64_t received, reserved, paid, balance;
	int64_t other;     /* out of the county account but not to YEAR's households */
	int64_t recovered; /* came back from YEAR's households on recovery claims (追回) */
} ch_funds_row;
/* By county and source, as of AS_OF: received into the county account,
 * reserved out of it for households of plan year YEAR (net of reservations
 * reversed), other money out of it (spending, other years' households),
 * its balance (received = reserved + other + balance), and what YEAR's
 * households were paid. */
int ch_funds_report(ch_ctx *ctx, int year, const char *as_of,
                    int (*fn)(const ch_funds_row *r, void *arg), void *arg);

typedef struct ch_funds_hh_row {
	const char *county;
	int64_t passed;          /* households whose review passed by AS_OF */
	int64_t entitled_fen;    /* their entitlements */
	int64_t paid_full;       /* paid all of it */
	int64_t at_bank;         /* money sent, the bank has not confirmed */
	int64_t to_pay;          /* money reserved, not yet sent */
	int64_t unreserved;      /* nothing reserved, sent or paid yet */
	int64_t overdue;         /* past the payment deadline, not paid in full */
	int64_t outstanding_fen; /* entitled but not yet paid */
} ch_funds_hh_row;
/* Household payment status per county, as of AS_OF, for the households of
 * plan year YEAR whose review passed and who had not withdrawn by then.
 * The deadline is the policy's payment_days after the review. */
int ch_funds_households(ch_ctx *ctx, int year, const char *as_of,
                        int (*fn)(const ch_funds_hh_row *r, void *arg), void *arg);

#endif
