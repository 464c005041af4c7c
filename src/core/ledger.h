/*
 * ledger — the double-entry ledger of subsidy funds, in integer fen.
 *
 * Every movement of money is a transfer: two or more postings to accounts
 * that add up to zero, stored once and never changed; a mistake is undone
 * by a reversing transfer. Each transfer carries an idempotency key: asked
 * again with the same key and the same content it returns the transfer
 * already made; with the same key and other content it is refused. The
 * rules are kept twice, here and by the database's triggers (0007_funds.sql,
 * rebuilt by 0016_ledger_speed.sql and, on SQLite, 0025_ledger_batch.sql),
 * so that neither a bug here nor a hand edit of the file can break them. A
 * transfer is written after its postings, already sealed: each posting
 * moves its balance as it goes in, and the database checks the transfer
 * once, as it goes in.
 *
 * Accounts are named by code and created on first use:
 *   origin:SRC                      where a fund source's money comes from
 *   pref:SRC                        the prefecture's holding of a source
 *   county:CODE:SRC                 a county's special account
 *   payable:HH:SRC, transit:HH:SRC, paid:HH:SRC   one household's money:
 *                                   reserved, sent to the bank, paid
 *   spent:CODE:SRC:CATEGORY         other spending out of a county account
 */
#ifndef CH_CORE_LEDGER_H
#define CH_CORE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

typedef struct ch_posting {
	const char *account; /* an account code */
	int64_t amount;      /* fen; positive into the account, negative out */
} ch_posting;

/* Makes (or finds, by KEY) one transfer, in the caller's transaction or its
 * own. KIND: appropriate, allocate, reserve, pay, confirm, reverse, spend,
 * adjust (an entitlement recomputed after an approved change), recover
 * (money a household gives back on a recovery claim).
 * HOUSEHOLD (0: none) and REVERSES (0: none) are recorded. CH_EUNBALANCED
 * when the postings do not add up to zero; CH_ECONFLICT for a key reused
 * with other content; CH_EINVALID for an account below zero or a rule of
 * the database broken (the message says which). *EXISTED is 1 when KEY was
 * found with the same content. */
int ch_ledger_transfer(ch_ctx *ctx, const char *key, const char *kind, const char *day,
                       const char *memo, int64_t household, int64_t reverses, const ch_posting *p,
                       size_t n, int64_t *id, int *existed);
/* Reverses transfer ID with a new transfer under KEY. */
int ch_ledger_reverse(ch_ctx *ctx, int64_t id, const char *key, const char *day, const char *memo,
                      int64_t *new_id);
/* The balance of account CODE (0 when it does not exist yet). */
int ch_ledger_balance(ch_ctx *ctx, const char *code, int64_t *balance);

typedef struct ch_ledger_report {
	int64_t transfers, postings, accounts;
	char problem[512]; /* the first rule found broken */
} ch_ledger_report;
/* Checks everything again from the transfers: every transfer sealed and
 * adding up to zero, every balance the sum of its postings, no account
 * below zero but origins, every household within its entitlement and its
 * cost, reservations only for households whose review passed. */
int ch_ledger_verify(ch_ctx *ctx, ch_ledger_report *rep);

#endif
