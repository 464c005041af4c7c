/*
 * backup — copying the whole database to a file and bringing such a copy
 * back, for a prefecture administrator on the machine the database is on.
 *
 * A backup is a complete database file (readable by its owner only), taken
 * as one consistent snapshot while others go on working, and checked
 * before it is given its name: the database's own integrity check and the
 * audit chain must hold in the copy. A restore checks the file the same way
 * (on a private copy, so the file is never changed), keeps the database it
 * replaces beside it under a name with the time, replaces the contents in
 * one step and records the restore in the restored audit log.
 *
 * SQLite only: for PostgreSQL, pg_dump and pg_restore do this (see
 * docs/operations.md).
 */
#ifndef CH_CORE_BACKUP_H
#define CH_CORE_BACKUP_H

#include <stdint.h>

#include "core/ctx.h"

typedef struct ch_backup_report {
	int64_t audit_entries;  /* entries of the copy's audit chain, verified */
	int64_t schema_version; /* of the copy */
	char kept[4096];        /* restore: where the replaced database now is */
} ch_backup_report;

/* Writes the database of CTX to the new file PATH and verifies the copy.
 * The backup is audited (inside the copy too). Requires CH_PERM_USER_ADMIN
 * and CH_PERM_REVEAL for the whole prefecture (the copy holds every ID
 * number). CH_EEXISTS when PATH exists; CH_EINVALID when the copy does not
 * verify (then no PATH is left). */
int ch_backup_write(ch_ctx *ctx, const char *path, ch_backup_report *rep);

/* Replaces the database of CTX with the backup in the file PATH, after
 * checking that PATH is a cleanheat database (integrity, schema version
 * not newer than this program's, audit chain). The replaced database is
 * first copied to "<database>.before-restore-YYYYMMDDTHHMMSSZ" (REP->kept).
 * Requires CH_PERM_USER_ADMIN for the whole prefecture. CH_ENOTFOUND for a
 * missing PATH, CH_EINVALID (naming the file and the reason) for one that
 * does not verify; nothing is changed then. */
int ch_backup_restore(ch_ctx *ctx, const char *path, ch_backup_report *rep);

#endif
