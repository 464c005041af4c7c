/*
 * dbcopy — a whole database copied into another one, whatever their
 * drivers: the way an office that started on SQLite moves its history to
 * a PostgreSQL server (`cleanheat db copy`).
 *
 * Every table of the program is copied with its rows' own ids, in one
 * transaction of the target, and nothing is kept when anything fails.
 * The target must be empty (no user, no audit entry): a copy never mixes
 * two databases. On arrival the target's new ids are set above the copied
 * ones, the row counts of every table are compared, and the audit chain and
 * the ledger are verified in the target, by its own database rules too:
 * account balances are recomputed there from the postings by the ledger's
 * triggers and must come out as the source's, and transfers are sealed
 * there after their postings arrive. The full-text index of the register
 * (household_search) is not copied but made again in the target from the
 * copied households, in the same transaction: on SQLite an FTS5 table,
 * filled there; on PostgreSQL a view over an index of household, which
 * follows the copied rows by itself.
 */
#ifndef CH_CORE_DBCOPY_H
#define CH_CORE_DBCOPY_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

typedef struct ch_dbcopy_report {
	int64_t tables;        /* tables copied */
	int64_t rows;          /* rows copied, all tables together */
	int64_t audit_entries; /* audit entries verified in the target */
	int64_t transfers;     /* ledger transfers verified in the target */
} ch_dbcopy_report;

/* Copies the database at FROM_URL (NULL: the one CTX works on) into the
 * (empty) database at TO_URL. Needs CH_PERM_USER_ADMIN, and in the source
 * the actor must be a user who has it too. CH_ENOTFOUND when FROM_URL does
 * not exist (nothing is created), CH_ECONFLICT when the target holds data,
 * CH_EINVALID (naming the table) when the source has a table this program
 * does not know how to copy, or when the copy does not verify. */
int ch_dbcopy(ch_ctx *ctx, const char *from_url, const char *to_url, ch_dbcopy_report *rep);

#endif
