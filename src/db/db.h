/*
 * db — the storage interface every other layer uses.
 *
 * A small driver table in the style of SQLite's VFS: a connection is opened
 * from a URL and carries the driver that serves it. "sqlite:PATH", "file:PATH"
 * or a plain path select the SQLite driver (db_sqlite.c); "postgresql://...",
 * "postgres://...", "pg:CONNINFO" and libpq key=value strings the PostgreSQL
 * driver (db_pg.c). Domain SQL is written once, with `?` placeholders, in
 * the dialect both drivers accept; where the dialects differ the SQL lives
 * in per-dialect files (the migrations) or behind a driver operation.
 *
 * Opening a database also brings its schema up to date (migrate.c): the
 * migrations in src/db/sql/ are compiled into the binary and applied in
 * order, each in its own transaction.
 *
 * Conventions: functions return 0 or a negative ch_err with the message in
 * the error state; a step returns CH_DB_ROW, CH_DB_DONE or a negative code.
 * Statements belong to their connection and must be finalized before it is
 * closed.
 */
#ifndef CH_DB_DB_H
#define CH_DB_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_db ch_db;
typedef struct ch_stmt ch_stmt;

#define CH_DB_DONE 0
#define CH_DB_ROW  1

/* Opens (creating if needed) the database named by URL and migrates it.
 * *CREATED (if not NULL) is set to 1 when the database had no schema yet. */
int ch_db_open(ch_db **out, const char *url, int *created);
/* Opens and migrates the database named by URL only if it exists: a
 * missing one is CH_ENOTFOUND, naming it (a mistyped --db must not leave
 * an empty database behind), and so is one without any of the program's
 * tables (an empty PostgreSQL database, an empty file). */
int ch_db_open_existing(ch_db **out, const char *url);
void ch_db_close(ch_db *db);
/* The driver's name: "sqlite" or "postgresql". */
const char *ch_db_driver_name(const ch_db *db);
/* The driver's SQL dialect: "sqlite" or "pg". */
const char *ch_db_dialect(const ch_db *db);

int ch_db_prepare(ch_db *db, ch_stmt **out, const char *sql);
int ch_stmt_bind_int64(ch_stmt *st, int idx, int64_t v);
/* Binds a copy of S; NULL binds SQL NULL. */
int ch_stmt_bind_text(ch_stmt *st, int idx, const char *s);
/* Binds S itself without copying it (a bulk path binding a million rows
 * saves an allocation and a copy per value): S must stay unchanged until
 * the statement has been stepped and reset, and every parameter bound so
 * must be bound again before the statement is stepped again. NULL binds
 * SQL NULL. */
int ch_stmt_bind_text_ref(ch_stmt *st, int idx, const char *s);
int ch_stmt_bind_null(ch_stmt *st, int idx);
/* Binds a copy of LEN bytes at DATA. */
int ch_stmt_bind_blob(ch_stmt *st, int idx, const void *data, size_t len);
int ch_stmt_step(ch_stmt *st);
int ch_stmt_reset(ch_stmt *st);
int64_t ch_stmt_int64(ch_stmt *st, int col);
/* Text of column COL, NULL for SQL NULL; valid until the next step. */
const char *ch_stmt_text(ch_stmt *st, int col);
int ch_stmt_is_null(ch_stmt *st, int col);
/* How many columns the statement's rows have, and the name of column COL
 * (after the first step). */
int ch_stmt_column_count(ch_stmt *st);
const char *ch_stmt_column_name(ch_stmt *st, int col);
/* The bytes of column COL when it holds a blob (their number in *LEN),
 * valid until the next step; NULL when it holds anything else. */
const void *ch_stmt_blob(ch_stmt *st, int col, size_t *len);
void ch_stmt_finalize(ch_stmt *st);

struct ch_strv;
/* The names of the program's tables in DB (appended to OUT), whatever the
 * driver: the SQLite catalogue or PostgreSQL's current schema. */
int ch_db_tables(ch_db *db, struct ch_strv *out);

/* Inside a write transaction: foreign keys are checked when it commits
 * rather than per statement (SQLite: defer_foreign_keys; PostgreSQL: SET
 * CONSTRAINTS ALL DEFERRED), for loading rows that refer forward. */
int ch_db_defer_checks(ch_db *db);
/* The rows that make a file's load large (ch_db_large_write,
 * ch_db_large_read): the one threshold the imports share. */
#define CH_DB_LARGE_ROWS 5000
/* Says that the open write transaction will write much (a bulk load of
 * thousands of rows or more), until it ends: the engine then reads pages
 * in the way that costs least in a large transaction. SQLite: no reads
 * through memory mapping. With them, every page a query reads, even one
 * in the page cache, is first looked for in the WAL, by a search that
 * grows with the frames the transaction has written, so a transaction's
 * cost grew faster than its rows (docs/performance.md, "Reading in a
 * large transaction, and sealing after a large import"). PostgreSQL:
 * nothing. */
int ch_db_large_write(ch_db *db);
/* Says that the open read snapshot will read much (the check of thousands
 * of rows, each finding its own household), until it ends. SQLite: no
 * reads through memory mapping, as in a large write: each page read
 * through the mapping stays in the process's resident memory as long as
 * the mapping does (up to its 256 MiB), where the page cache keeps at most
 * its 64 MiB. PostgreSQL: nothing. */
int ch_db_large_read(ch_db *db);
/* Says that DB is one of many connections of a process with many threads
 * (the HTTP server's workers), whose transactions mostly start after
 * another connection has committed, for the rest of its life: every
 * transaction then reads as a large one does. SQLite: no reads through
 * memory mapping. A connection drops its whole mapping of the file when it
 * starts a transaction and finds the database changed, maps it again and
 * faults each page back in as it reads it; in a process with threads on
 * several processors every such unmapping interrupts them all to flush
 * their address translations. Over HTTP with 64 clients posting single
 * transfers that took a quarter to a third of the server's time
 * (docs/performance.md, "The server's connections without the memory
 * mapping"). PostgreSQL: nothing. Outside a transaction. */
int ch_db_one_of_many(ch_db *db);
/* Says that what is left of the open large write transaction
 * (ch_db_large_write) mostly appends rows, an audit entry and a seal for
 * each of many households, and lets the engine give memory back while it
 * does. SQLite keeps an index of the transaction's WAL in memory, 8 bytes
 * for each page written: about 11 MiB for the 6 GB an update of 3,000,000
 * households writes, on top of a full page cache. For the rest of the
 * transaction the page cache is held to the part of it that comes from
 * huge pages (db_sqlite.c, "Cache pages from huge pages"), its clean pages
 * are let go, and the allocator gives the free memory back to the system.
 * Pages the cache lets go of later are given back at the next call: call
 * it again every so many rows appended. The cache is set back when the
 * transaction ends (docs/performance.md, "The end of a large update: the
 * page cache makes room for the WAL's index"). Nothing outside a large
 * write transaction; PostgreSQL: nothing. Also while a statement reads:
 * the pages it holds stay. */
int ch_db_large_append(ch_db *db);
/* ON 1: the statements until ON 0 sort more rows than fit in memory (an
 * ORDER BY or GROUP BY over a large temporary table), so the engine should
 * sort in bounded runs. SQLite sorts in runs as large as the page cache,
 * held beside it, which would double a load's peak memory: the page cache
 * is cut to the size it has while an index is built and set back at ON 0.
 * PostgreSQL: nothing (work_mem bounds its sorts). Between statements
 * only. */
int ch_db_large_sort(ch_db *db, int on);
/* ON 1: the statements until ON 0 build indexes of TABLE from its rows
 * (the statements ch_db_deferrable_indexes gives). SQLite sorts each
 * index's keys in runs as large as the page cache, held beside it: when
 * TABLE is larger than half the page cache (or SQLite cannot count its
 * pages), the cache is cut as for ch_db_large_sort; the keys of a smaller
 * table fit beside the cache, which then keeps the table's pages for each
 * build that reads them. Either way a second thread helps to sort.
 * PostgreSQL: nothing. Between statements only. */
int ch_db_index_builds(ch_db *db, const char *table, int on);
/* After rows of TABLE were loaded with their own ids: new rows get ids
 * above them (PostgreSQL: the identity's sequence is set; SQLite needs
 * nothing). */
int ch_db_reset_ids(ch_db *db, const char *table);
/* The non-unique indexes of TABLE that a bulk load into it may drop
 * before and create again after, in the same transaction (building an
 * index from sorted keys costs far less than growing it row by row), and
 * with UNIQUE its unique indexes made by CREATE UNIQUE INDEX too (not those
 * of the table's own UNIQUE constraints; creating one again fails if the
 * load broke it, so the caller drops it only where no loaded row can):
 * their names appended to NAMES and to DEFS, in the same order, the
 * statement that creates each again (run between ch_db_index_builds ON 1
 * and ON 0). SQLite answers from its catalogue; PostgreSQL appends
 * nothing (its loads keep every index in place, and its DDL would take
 * locks other readers wait for). */
int ch_db_deferrable_indexes(ch_db *db, const char *table, int unique, struct ch_strv *names,
                             struct ch_strv *defs);
/* Drops the indexes NAMES (of ch_db_deferrable_indexes), in the caller's
 * transaction. */
int ch_db_indexes_drop(ch_db *db, const struct ch_strv *names);
/* Runs DEFS (ch_db_deferrable_indexes's statements for indexes of TABLE
 * the caller dropped) between ch_db_index_builds ON and OFF. */
int ch_db_indexes_build(ch_db *db, const char *table, const struct ch_strv *defs);

/* Scratch tables: the rows a bulk path keeps for the length of one
 * operation (an import's checked rows), private to the connection and no
 * part of the database. ch_db_scratch_table makes table NAME with the
 * columns DEFINITION (as in CREATE TABLE, a rowid table on SQLite) if the
 * connection has none, and empties it; its name alone reaches it in SQL.
 * ch_db_scratch_clear drops or empties the N tables NAMES when the
 * operation is done. SQLite keeps them in a private file of their own,
 * which clearing outside a transaction deletes whole instead of freeing
 * page by page (inside one it deletes their rows); PostgreSQL in
 * temporary tables, which clearing truncates. */
int ch_db_scratch_table(ch_db *db, const char *name, const char *definition);
int ch_db_scratch_clear(ch_db *db, const char *const *names, size_t n);

/* A temporary table NAME with the columns and key DEFINITION (as in CREATE
 * TABLE), made if this connection has none: SQLite keeps it clustered by
 * its key (WITHOUT ROWID) and up to 64 MB of temporary tables in memory. */
int ch_db_temp_table(ch_db *db, const char *name, const char *definition);
/* TABLE, a temporary table that statements prepared on this connection
 * look rows up in by its key, has grown many times over since they were
 * planned. PostgreSQL analyses it, which makes the server plan those
 * statements again: no autovacuum visits a temporary table, and a plan
 * the server made and kept while the table was nearly empty read the
 * whole of it for each look-up (docs/performance.md, "PostgreSQL: the
 * claims of a register sent again"). SQLite's plans follow the indexes
 * whatever the table holds: nothing. */
int ch_db_table_grew(ch_db *db, const char *table);
/* From now on, in this connection, each deletion of a row of TABLE adds
 * (VALUE, the row's KEY) to the temporary table NOTE_TABLE unless it is
 * there (SQLite: a temporary trigger; PostgreSQL: the schema's change
 * triggers already report a child row's deletion as a change of the row it
 * belongs to, through the change hook, so nothing is added here). */
int ch_db_note_deletes(ch_db *db, const char *table, const char *key, const char *note_table,
                       int value);
/* How the dialect spells the JSON the canonical forms of sealed objects
 * are built with, so that they come out byte for byte as SQLite's
 * json_array gives them on either engine: the text that opens (CLOSE 0) or
 * closes (CLOSE 1) an outermost array of values, an array inside another,
 * an aggregate array of rows, and a JSON value embedded in an array. */
enum ch_db_json {
	CH_DB_JSON_ARRAY,
	CH_DB_JSON_INNER_ARRAY,
	CH_DB_JSON_GROUP_ARRAY,
	CH_DB_JSON_EMBED,
	CH_DB_JSON_N
};
const char *ch_db_json_sql(const ch_db *db, enum ch_db_json what, int close);
/* The name of a function the dialects name differently: CH_DB_FN_INSTR
 * (haystack, needle) gives the 1-based position of needle, 0 when absent
 * (SQLite instr, PostgreSQL strpos); CH_DB_FN_GROUP_CONCAT (text,
 * separator) joins a group's texts, always given its separator (SQLite
 * group_concat, PostgreSQL string_agg; neither orders the group, so a
 * query that needs an order feeds it from an ordered subquery). */
enum ch_db_fn { CH_DB_FN_INSTR, CH_DB_FN_GROUP_CONCAT, CH_DB_FN_N };
const char *ch_db_fn(const ch_db *db, enum ch_db_fn fn);
/* What goes between a table and the index a query must read it by: SQLite's
 * " INDEXED BY " (then the index's name); NULL when the dialect has no such
 * hint (PostgreSQL's planner chooses). */
const char *ch_db_indexed_by(const ch_db *db);
/* The verb that begins a statement writing many rows whose failure its
 * caller answers only by rolling back the transaction or savepoint around
 * it (never by going on with the rows before the failure kept or undone):
 * CH_DB_BULK_UPDATE "UPDATE", CH_DB_BULK_INSERT "INSERT" as PostgreSQL
 * spells them. SQLite's are "UPDATE OR FAIL" and "INSERT OR FAIL": a
 * statement that may stop half-way with its rows undone (a NOT NULL or
 * UNIQUE check, a table with triggers) otherwise copies every page it
 * changes to a statement journal first, a file once it passes 64 KiB, one
 * write call per page; OR FAIL leaves the rows before the failure in
 * place, for the caller to roll back. Foreign-key checks still journal. */
enum ch_db_bulk { CH_DB_BULK_UPDATE, CH_DB_BULK_INSERT, CH_DB_BULK_N };
const char *ch_db_bulk_verb(const ch_db *db, enum ch_db_bulk verb);

struct ch_buf;
/* A trigram search index TABLE, made by the schema over a table's text
 * (SQLite: an FTS5 table with the trigram tokenizer, its rowid the row's
 * id; PostgreSQL: a view of (id, doc) over an expression the table's
 * pg_trgm GIN index holds). Appends to SQL a SELECT of the ids of the rows
 * that hold one of the N strings ALT (1 or 2, each of three characters or
 * more) somewhere in their text, and may give more (each must then be
 * checked against the row itself); it reads parameters ?PARAM and up, whose
 * texts are appended to VALUES, in order, to be bound by the caller.
 * SQLite: one FTS5 query, each string's trigrams ANDed, the strings ORed;
 * PostgreSQL: one LIKE '%string%' per string (which the index answers). */
int ch_db_text_match(ch_db *db, const char *table, const char *const *alt, size_t n, int param,
                     struct ch_buf *sql, struct ch_strv *values);
/* Brings the trigram search index TABLE (above) in step with the rows of
 * its table that a bulk write changed, when the program writes the index:
 * OUT_SQL (NULL: none) selects the entries to take out, as they were
 * written (the row's id, then the values of the index's columns COLS);
 * IN_SQL the entries to put in, in the same form. Neither has parameters.
 * SQLite (FTS5, contentless): the two are run as FTS5's 'delete' command
 * and an insert, one statement each (FTS5 writes a segment per
 * statement). PostgreSQL does nothing: its index is the table's own and
 * follows every write by itself. */
int ch_db_text_index(ch_db *db, const char *table, const char *cols, const char *out_sql,
                     const char *in_sql);
/* ---- bulk loading ----
 *
 * Many rows into one table, by what each engine loads fastest: SQLite a
 * prepared INSERT of up to 64 rows (the rows held until they fill one, or
 * the load ends); PostgreSQL `COPY table (cols) FROM STDIN` in
 * text format (one COPY per megabyte of rows, so a load of any size takes
 * a few round trips and bounded memory). The rows are given as texts and
 * converted to the columns' types by the engine, as a text bound to an
 * INSERT would be; a NULL entry is SQL NULL. Texts may hold any UTF-8,
 * tabs, newlines and backslashes.
 *
 * Other statements may run on the connection between rows (the rows
 * buffered for a COPY are sent when the buffer is full and at the end), so
 * a row loaded is not yet visible to them: read the table after
 * ch_db_load_end. The load belongs to the caller's transaction, if any:
 * an error leaves the transaction usable but the rows loaded before the
 * error may stay, so a caller that wants all or nothing rolls back (a
 * rollback takes every row of the load back). An error in a row is
 * reported by the ch_db_load_row of that row or a later one, or by
 * ch_db_load_end, naming the row (counted from 1 in the load); after an
 * error the remaining rows are ignored and the same error is returned. */
typedef struct ch_db_load ch_db_load;
/* Starts a load of the NCOLS columns COLS of TABLE ("name" or
 * "schema.name"; a temporary table by its name). */
int ch_db_load_begin(ch_db *db, const char *table, const char *const *cols, int ncols,
                     ch_db_load **out);
/* Adds one row: NCOLS texts, NULL entries for SQL NULL. The texts are not
 * kept after the call. */
int ch_db_load_row(ch_db_load *l, const char *const *vals);
/* Loads the rows not yet loaded, frees L and returns the first error of
 * the load (0 when every row was stored). */
int ch_db_load_end(ch_db_load *l);
/* Frees L without loading the rows not yet sent (a caller giving up,
 * who then rolls back); NULL is ignored. */
void ch_db_load_cancel(ch_db_load *l);

/* Runs one or more statements without results (schema, PRAGMAs). */
int ch_db_exec_script(ch_db *db, const char *sql);
/* Begins a write transaction: it takes the database's write lock at once
 * (waiting up to the busy wait for another writer, else CH_EBUSY), so that
 * what it reads stays true until it commits. Nested calls only count. */
int ch_db_begin(ch_db *db);
/* Begins a read transaction: one snapshot of the database for everything
 * read until ch_db_commit, without the write lock, so other connections
 * keep writing meanwhile. Writes to TEMP tables are allowed in it; writes
 * to the database are not (CH_ERROR from ch_db_begin inside it, and a
 * write statement would fail busy). Only at the outermost level. */
int ch_db_begin_read(ch_db *db);
/* The longest time, in nanoseconds, this connection has held the write lock
 * (from ch_db_begin to its commit or rollback), and the sum over all its
 * write transactions. */
void ch_db_lock_times(const ch_db *db, int64_t *max_ns, int64_t *total_ns);
int ch_db_commit(ch_db *db);
/* Rolls back; keeps the current error (code, message and field), which is
 * usually why the caller rolls back. */
int ch_db_rollback(ch_db *db);
/* What a change hook is told: the kind of change, the table and the row. */
enum ch_db_change { CH_DB_INSERT = 1, CH_DB_UPDATE, CH_DB_DELETE };
typedef void (*ch_db_change_fn)(void *arg, enum ch_db_change op, const char *table, int64_t rowid);
/* Makes FN (NULL: none) hear of every row this connection inserts, updates
 * or deletes in a table of the main database that has a rowid, as it
 * happens (a rolled-back change too: the caller forgets what it heard when
 * it rolls back). FN must not use the connection. Other connections' and
 * programs' changes are not heard. PostgreSQL: the tables the schema gives
 * the triggers ch_note_rows (the sealed tables, src/db/sql/pg/0031), heard
 * after each statement; a row of a table that belongs to another (a plan's
 * target) is heard as a change of that other row. */
void ch_db_set_change_hook(ch_db *db, ch_db_change_fn fn, void *arg);

/* 1 when the current or last transaction failed because it conflicted
 * with another one (PostgreSQL: serialization failure 40001 or deadlock
 * 40P01; the error is CH_EBUSY): it was rolled back, and running it again
 * from the start may succeed. Never on SQLite. */
int ch_db_conflicted(ch_db *db);
/* How many write transactions this connection has committed (outermost
 * levels): a caller that sees it unchanged knows a failed run left
 * nothing behind. */
int64_t ch_db_commits(const ch_db *db);
/* What this connection's statements have done, for the tests that guard a
 * plan and for measuring (CLEANHEAT_DB_WORK, cli/main.c): a count that
 * grows with the register where it should not tells of a look-up that
 * lost its index, or a large load that stayed small.
 *   scan_steps  rows stepped over in full scans of a table (SQLite's
 *               SQLITE_STMTSTATUS_FULLSCAN_STEP), over every statement
 *               prepared through this layer (not the scripts of
 *               ch_db_exec_script); 0 on a driver that does not count
 *               them (PostgreSQL)
 *   large_tx    transactions made large (ch_db_large_write,
 *               ch_db_large_read), counted where the driver has such a
 *               thing, as a read of ch_db_one_of_many's connection is
 *               not
 *   prepares    statements prepared (ch_db_prepare, and the cache's
 *               misses): a count that grows with a file's rows tells of
 *               SQL parsed again for each row */
struct ch_db_work {
	int64_t scan_steps, large_tx, prepares;
};
void ch_db_work(const ch_db *db, struct ch_db_work *out);
/* How deep in ch_db_begin the connection is: 0 outside a transaction, 1
 * in the outermost one (whose ch_db_commit reaches the database). */
int ch_db_tx_depth(const ch_db *db);
/* A number that identifies the write transaction open now (0 outside
 * one): it differs from that of every other transaction of every
 * connection of the process, so a cache of what a transaction wrote, keyed by it, cannot
 * outlive a rollback. */
int64_t ch_db_tx_serial(const ch_db *db);
/* Inside a write transaction: the id a new row of TABLE (whose key is an
 * integer column "id") may be inserted with, for a caller that must name
 * the row before inserting it (rows that refer to it come first). SQLite:
 * one above the largest (the write lock keeps it free until the commit);
 * PostgreSQL: the next value of the table's identity. SQLite asks once per
 * transaction and counts on from there: within it, rows of TABLE must be
 * inserted only with ids from here. */
int ch_db_next_id(ch_db *db, const char *table, int64_t *id);
/* A savepoint inside the open write transaction, for running several
 * units of work in one transaction, each undone alone when it fails (a
 * unit's own nested ch_db_rollback only marks the transaction failed; the
 * savepoint's rollback clears that mark again). */
typedef struct ch_db_savepoint {
	int depth;  /* ch_db_tx_depth when it was set */
	int failed; /* whether an inner level had failed by then */
} ch_db_savepoint;
/* Sets a savepoint (inside ch_db_begin only). */
int ch_db_savepoint_set(ch_db *db, ch_db_savepoint *sp);
/* Ends savepoint SP: ROLLBACK undoes everything since it was set (and
 * gives the transaction a new ch_db_tx_serial, so caches of it are
 * dropped), else it is kept. The nesting and the failed mark return to
 * what they were when SP was set; the current error is kept. */
int ch_db_savepoint_end(ch_db *db, const ch_db_savepoint *sp, int rollback);
/* Row id of the last insert on this connection. */
int64_t ch_db_last_id(ch_db *db);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t ch_db_changes(ch_db *db);

/* ---- copies of the whole database (backup and restore) ---- */

/* The file the database lives in, as the driver opened it; "" for one in
 * memory (or one that is not a file: a server database). */
const char *ch_db_file(ch_db *db);
/* Copies the whole database, as one consistent snapshot, into the new
 * file PATH (created readable and writable by its owner only; an
 * existing PATH is CH_EEXISTS). SQLite: the online backup API, a few
 * hundred pages per step, so other connections go on reading and
 * writing; the copy restarts when another connection writes in between,
 * and after a few restarts the rest is copied in one step (a reader in
 * WAL mode blocks no writer). A failed copy leaves no PATH behind. */
int ch_db_backup(ch_db *db, const char *path);
/* Replaces the whole contents of DB with the database in the file PATH,
 * in one step under the database's write lock: other connections see the
 * old contents or the new, never a mixture. PATH is read, not changed.
 * Prepared statements of DB stay usable. */
int ch_db_restore(ch_db *db, const char *path);
/* Checks, read-only and without migrating, that the file PATH is a
 * database of this program: the driver's own integrity check passes and
 * it has a schema version, which goes into *SCHEMA_VERSION. CH_ENOTFOUND
 * when PATH is missing, CH_EINVALID (naming the file and what is wrong)
 * when it is not a database, is damaged or is not cleanheat's. */
int ch_db_check_file(const char *path, int64_t *schema_version);
/* The schema version this binary migrates to. */
int64_t ch_db_schema_latest(void);

/*
 * Convenience for one statement with bound parameters. TYPES has one letter
 * per `?`: 'i' int64_t, 'I' int64_t where 0 binds NULL (optional
 * references), 't' const char * (NULL binds NULL), 'n' NULL (no argument). ch_db_run executes and
 * ignores rows; ch_db_query_int64 stores the first column of the first row into *OUT (CH_ENOTFOUND
 * when no row or the value is NULL); ch_db_query_text returns a copy of it (caller frees).
 */
int ch_db_run(ch_db *db, const char *sql, const char *types, ...);
int ch_db_query_int64(ch_db *db, int64_t *out, const char *sql, const char *types, ...);
int ch_db_query_text(ch_db *db, char **out, const char *sql, const char *types, ...);
/* Prepares SQL and binds TYPES as above (one letter for every `?`); the
 * caller steps and finalizes. The statement comes from the connection's
 * cache of prepared statements, and ch_stmt_finalize gives it back there,
 * reset, so the same SQL is parsed once per connection. */
int ch_db_preparef(ch_db *db, ch_stmt **out, const char *sql, const char *types, ...);

#endif
