/*
 * db_int — the driver table behind db.h. Only src/db/ includes this.
 *
 * A driver fills one struct ch_db_driver; db.c picks it from the URL and
 * forwards every call through it: db_sqlite.c (the default) and db_pg.c
 * (PostgreSQL). Each driver names its SQL dialect, which picks the
 * migrations (src/db/sql/ for "sqlite", src/db/sql/pg/ for "pg").
 */
#ifndef CH_DB_DB_INT_H
#define CH_DB_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/buf.h"
#include "util/strv.h"

/* The driver table's layout; a driver built for another layout is refused. */
#define CH_DB_DRIVER_VERSION 7

struct ch_db_driver {
	const char *name;
	int version;         /* CH_DB_DRIVER_VERSION */
	const char *dialect; /* "sqlite" or "pg": which migrations, which SQL files */
	/* Is this driver the one for URL? Returns the path/conninfo part or NULL. */
	const char *(*accepts)(const char *url);
	/* Opens TARGET; creates it when CREATE, else a missing database is
	 * CH_ENOTFOUND. */
	int (*open)(void **impl, const char *target, int create);
	void (*close)(void *impl);
	int (*prepare)(void *impl, void **stmt, const char *sql);
	int (*bind_int64)(void *stmt, int idx, int64_t v);
	int (*bind_text)(void *stmt, int idx, const char *s);
	int (*bind_null)(void *stmt, int idx);
	int (*bind_blob)(void *stmt, int idx, const void *data, size_t len);
	int (*step)(void *stmt);
	int (*reset)(void *stmt);
	int64_t (*column_int64)(void *stmt, int col);
	const char *(*column_text)(void *stmt, int col);
	int (*column_is_null)(void *stmt, int col);
	int (*column_count)(void *stmt);
	const char *(*column_name)(void *stmt, int col);
	/* The bytes of a blob column (*LEN of them), or NULL when the column
	 * holds no blob (then it is read as text). */
	const void *(*column_blob)(void *stmt, int col, size_t *len);
	void (*finalize)(void *stmt);
	/* The names of the program's own tables, in no particular order
	 * (not the driver's internal ones, nor a full-text index's parts). */
	int (*tables)(void *impl, ch_strv *out);
	/* Does the program's schema (SQLite: the main database; PostgreSQL:
	 * the current schema) hold a table NAME? Sets *HAS to 1 or 0. Asked
	 * on every open, so one short query, not the list above. */
	int (*has_table)(void *impl, const char *name, int *has);
	/* Inside a write transaction: foreign keys are checked at its commit,
	 * not per statement (rows that refer forward may be loaded). */
	int (*defer_checks)(void *impl);
	/* After rows were loaded with their ids: the next id TABLE hands out is
	 * above the largest it holds. */
	int (*reset_ids)(void *impl, const char *table);
	/* The non-unique indexes of TABLE (with UNIQUE, the unique ones made
	 * by CREATE UNIQUE INDEX too) a bulk load may drop and create
	 * again afterwards: their names and CREATE statements, appended to
	 * NAMES and DEFS (see ch_db_deferrable_indexes). NULL: the driver
	 * keeps every index in place during a load. */
	int (*deferrable_indexes)(void *impl, const char *table, int unique, ch_strv *names,
	                          ch_strv *defs);
	int (*temp_table)(void *impl, const char *name, const char *definition);
	/* ch_db_table_grew. NULL: nothing to do. */
	int (*table_grew)(void *impl, const char *table);
	/* ch_db_large_write, ch_db_large_read: ON 1 inside the transaction,
	 * ON 0 when it has ended; ch_db_one_of_many: ON 1 for the rest of the
	 * connection's life. NULL: a large transaction needs nothing
	 * different. */
	int (*large_tx)(void *impl, int on);
	/* ch_db_large_append, inside a large write transaction. NULL: appending
	 * needs nothing different. */
	int (*large_append)(void *impl);
	/* ch_db_large_sort. NULL: sorts need nothing different. */
	int (*large_sort)(void *impl, int on);
	/* ch_db_index_builds. NULL: building an index needs nothing
	 * different. */
	int (*index_builds)(void *impl, const char *table, int on);
	/* ch_db_scratch_table, ch_db_scratch_clear */
	int (*scratch_table)(void *impl, const char *name, const char *definition);
	int (*scratch_clear)(void *impl, const char *const *names, size_t n);
	int (*note_deletes)(void *impl, const char *table, const char *key, const char *note_table,
	                    int value);
	/* ch_db_json_sql: [what][0] opens, [what][1] closes */
	const char *json[CH_DB_JSON_N][2];
	/* ch_db_fn */
	const char *fn[CH_DB_FN_N];
	const char *indexed_by;         /* ch_db_indexed_by */
	const char *bulk[CH_DB_BULK_N]; /* ch_db_bulk_verb */
	int (*exec_script)(void *impl, const char *sql);
	/* Begins the outermost transaction: a write transaction (READ 0) holds
	 * the right to write from its start until it ends, so what it reads
	 * stays true (SQLite: BEGIN IMMEDIATE); a read one (READ 1) is one
	 * snapshot and takes no write lock. */
	int (*begin)(void *impl, int read);
	int (*commit)(void *impl);
	int (*rollback)(void *impl);
	int64_t (*last_id)(void *impl);
	int64_t (*changes)(void *impl);
	/* The file behind the connection ("" for a database in memory). */
	const char *(*file)(void *impl);
	/* Copies the whole database into a new file PATH (see ch_db_backup). */
	int (*backup)(void *impl, const char *path);
	/* Replaces the database's contents with those of the file PATH. */
	int (*restore)(void *impl, const char *path);
	/* Checks the file PATH read-only (see ch_db_check_file). */
	int (*check_file)(const char *path, int64_t *schema_version);
	/* Calls FN for every row this connection inserts, updates or deletes in
	 * a rowid table of the main database (NULL FN: no more calls). */
	void (*change_hook)(void *impl, ch_db_change_fn fn, void *arg);
	/* Binds S itself, not a copy (see ch_stmt_bind_text_ref); NULL: the
	 * driver has no such bind and bind_text is used. */
	int (*bind_text_ref)(void *stmt, int idx, const char *s);
	/* 1 when a statement or the commit of the current or last transaction
	 * failed because it conflicted with another transaction (PostgreSQL:
	 * serialization failure 40001, deadlock 40P01), so running the whole
	 * transaction again may succeed; cleared when a transaction begins.
	 * NULL: the driver never reports such a conflict. */
	int (*conflicted)(void *impl);
	/* ch_db_text_match */
	int (*text_match)(const char *table, const char *const *alt, size_t n, int param,
	                  ch_buf *sql, ch_strv *values);
	/* ch_db_text_index; NULL: the dialect's search index follows its table
	 * by itself */
	int (*text_index)(void *impl, const char *table, const char *cols, const char *out_sql,
	                  const char *in_sql);
	/* A bulk load (see ch_db_load_begin): begin makes *LOAD; row takes one
	 * row's texts (NULL entries: SQL NULL) and may report an error of an
	 * earlier row; end sends what is left, frees and reports the first
	 * error; cancel frees without sending. An error names the row (the
	 * driver counts them from 1). NULL: db.c runs a prepared INSERT per
	 * row. */
	int (*load_begin)(void *impl, const char *table, const char *const *cols, int ncols,
	                  void **load);
	int (*load_row)(void *load, const char *const *vals);
	int (*load_end)(void *load);
	void (*load_cancel)(void *load);
	/* The rows STMT has stepped over in full scans of a table since it was
	 * prepared (ch_db_work). NULL: the driver does not count them. */
	int64_t (*scan_steps)(void *stmt);
};

/* Statements kept prepared for ch_db_run, ch_db_query_* and ch_db_preparef:
 * the same SQL runs again and again (per row of an import, per posting of a
 * ledger transfer, per request of the server), and preparing it, with the
 * triggers it fires, costs far more than running it. */
#define CH_DB_CACHE 64

struct ch_db_cached {
	char *sql;     /* NULL: a free slot */
	uint64_t hash; /* of SQL, to skip most comparisons */
	struct ch_stmt *st;
	int busy;      /* in use now (a nested call prepares its own) */
	uint64_t used; /* when last used, for eviction */
};

struct ch_db {
	const struct ch_db_driver *drv;
	void *impl;
	int tx_depth;           /* nesting of ch_db_begin; only the outermost reaches the driver */
	int tx_failed;          /* an inner level rolled back: the outermost must not commit */
	int tx_read;            /* the outermost level is a read snapshot (ch_db_begin_read) */
	int tx_large;           /* ch_db_large_write or _read was called in it */
	int many;               /* ch_db_one_of_many: every transaction reads as a large one */
	int64_t tx_start_ns;    /* when the outermost write transaction took the lock */
	int64_t lock_max_ns;    /* the longest this connection held the write lock */
	int64_t lock_total_ns;  /* and all its write transactions together */
	int64_t commits;        /* outermost write transactions committed */
	int64_t scan_steps;     /* ch_db_work: of the statements finalized */
	int64_t large_count;    /* ch_db_work: transactions made large */
	int64_t prepares;       /* ch_db_work: statements prepared */
	int64_t tx_serial;      /* the open write transaction's number (ch_db_tx_serial) */
	int64_t next_id_serial; /* ch_db_next_id: the transaction NEXT_ID was given in */
	int64_t next_id;
	char next_id_table[32];
	struct ch_db_cached cache[CH_DB_CACHE];
	uint64_t clock;
};

struct ch_stmt {
	ch_db *db;
	void *impl;
};

extern const struct ch_db_driver ch_db_sqlite_driver;
extern const struct ch_db_driver ch_db_pg_driver;

/* The folder of the embedded migrations of DIALECT ("src/db/sql/" or
 * "src/db/sql/pg/"). */
const char *ch_db_migration_dir(const char *dialect);

/* Applies the embedded migrations (migrate.c). VERSIONED: the database
 * already has its table schema_version (ch_db_open asked), so it is not
 * made again. */
int ch_db_migrate(ch_db *db, int versioned, int *created);

#endif
