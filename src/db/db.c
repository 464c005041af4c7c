/*
 * db — driver selection, forwarding, nested transactions and the
 * bind-by-format-string helpers (see db.h).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strv.h"

/* Every driver this build knows, tried in order; the last one is the
 * fallback for plain paths. */
static const struct ch_db_driver *const drivers[] = {
    &ch_db_pg_driver,
    &ch_db_sqlite_driver,
};

/* An existing database with none of the program's tables (a PostgreSQL
 * database its administrator has just made, an empty file) is not there
 * yet: opened to read, it would get the schema but not its first user.
 * Only a database without schema_version is listed: one with it has a
 * table, and the list costs a server a catalogue query on every open. */
static int require_schema(ch_db *db, const char *url, int versioned)
{
	if (versioned)
		return 0;
	ch_strv tables;
	ch_strv_init(&tables);
	int rc = ch_db_tables(db, &tables);
	if (rc == 0 && tables.len == 0)
		rc = ch_error_set(CH_ENOTFOUND,
		                  "数据库「%s」还没有建立表结构（请检查 --db；只有写入数据的命令和 "
		                  "db init 会建立数据库）",
		                  url);
	ch_strv_dispose(&tables);
	return rc;
}

static int db_open(ch_db **out, const char *url, int create, int *created)
{
	*out = NULL;
	for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
		const char *target = drivers[i]->accepts(url);
		if (!target)
			continue;
		if (drivers[i]->version != CH_DB_DRIVER_VERSION)
			return ch_error_set(
			    CH_ERROR, "database driver %s has table version %d, not %d",
			    drivers[i]->name, drivers[i]->version, CH_DB_DRIVER_VERSION);
		ch_db *db = ch_calloc(1, sizeof *db);
		db->drv = drivers[i];
		int versioned = 0;
		int rc = db->drv->open(&db->impl, target, create);
		if (rc == 0)
			rc = db->drv->has_table(db->impl, "schema_version", &versioned);
		if (rc == 0 && !create)
			rc = require_schema(db, url, versioned);
		if (rc == 0)
			rc = ch_db_migrate(db, versioned, created);
		if (rc) {
			ch_db_close(db);
			return rc;
		}
		*out = db;
		return 0;
	}
	return ch_error_set(CH_EINVALID, "database URL '%s' names no known driver", url);
}

int ch_db_open(ch_db **out, const char *url, int *created)
{
	return db_open(out, url, 1, created);
}

int ch_db_open_existing(ch_db **out, const char *url)
{
	return db_open(out, url, 0, NULL);
}

static void stmt_destroy(ch_stmt *st)
{
	if (!st)
		return;
	if (st->db->drv->scan_steps)
		st->db->scan_steps += st->db->drv->scan_steps(st->impl);
	st->db->drv->finalize(st->impl);
	free(st);
}

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* A prepared statement for SQL from the cache (prepared now if absent). */
static int cached_prepare(ch_db *db, const char *sql, ch_stmt **out)
{
	uint64_t h = sql_hash(sql);
	struct ch_db_cached *slot = NULL;
	for (int i = 0; i < CH_DB_CACHE; i++) {
		struct ch_db_cached *c = &db->cache[i];
		if (c->sql && !c->busy && c->hash == h && strcmp(c->sql, sql) == 0) {
			c->busy = 1;
			c->used = ++db->clock;
			*out = c->st;
			return 0;
		}
		/* the slot to fill: a free one, else the least recently used idle one */
		if (!c->busy && (!slot || (slot->sql && (!c->sql || c->used < slot->used))))
			slot = c;
	}
	int rc = ch_db_prepare(db, out, sql);
	if (rc || !slot)
		return rc;
	stmt_destroy(slot->st);
	free(slot->sql);
	slot->sql = ch_strdup(sql);
	slot->hash = h;
	slot->st = *out;
	slot->busy = 1;
	slot->used = ++db->clock;
	return 0;
}

/* Gives ST back to the cache (or finalizes it if it was not cached). */
static void cached_release(ch_db *db, ch_stmt *st)
{
	for (int i = 0; i < CH_DB_CACHE; i++)
		if (db->cache[i].st == st) {
			ch_stmt_reset(st);
			db->cache[i].busy = 0;
			return;
		}
	stmt_destroy(st);
}

void ch_db_close(ch_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < CH_DB_CACHE; i++) {
		stmt_destroy(db->cache[i].st);
		free(db->cache[i].sql);
	}
	if (db->impl)
		db->drv->close(db->impl);
	free(db);
}

const char *ch_db_driver_name(const ch_db *db)
{
	return db->drv->name;
}

const char *ch_db_dialect(const ch_db *db)
{
	return db->drv->dialect;
}

int ch_db_prepare(ch_db *db, ch_stmt **out, const char *sql)
{
	void *impl;
	*out = NULL;
	int rc = db->drv->prepare(db->impl, &impl, sql);
	if (rc)
		return rc;
	db->prepares++;
	ch_stmt *st = ch_malloc(sizeof *st);
	st->db = db;
	st->impl = impl;
	*out = st;
	return 0;
}

int ch_stmt_bind_int64(ch_stmt *st, int idx, int64_t v)
{
	return st->db->drv->bind_int64(st->impl, idx, v);
}

int ch_stmt_bind_text(ch_stmt *st, int idx, const char *s)
{
	return s ? st->db->drv->bind_text(st->impl, idx, s) : st->db->drv->bind_null(st->impl, idx);
}

int ch_stmt_bind_text_ref(ch_stmt *st, int idx, const char *s)
{
	const struct ch_db_driver *d = st->db->drv;
	if (!s)
		return d->bind_null(st->impl, idx);
	return d->bind_text_ref ? d->bind_text_ref(st->impl, idx, s)
	                        : d->bind_text(st->impl, idx, s);
}

int ch_stmt_bind_blob(ch_stmt *st, int idx, const void *data, size_t len)
{
	return st->db->drv->bind_blob(st->impl, idx, data, len);
}

int ch_stmt_bind_null(ch_stmt *st, int idx)
{
	return st->db->drv->bind_null(st->impl, idx);
}

int ch_stmt_step(ch_stmt *st)
{
	return st->db->drv->step(st->impl);
}

int ch_stmt_reset(ch_stmt *st)
{
	return st->db->drv->reset(st->impl);
}

int64_t ch_stmt_int64(ch_stmt *st, int col)
{
	return st->db->drv->column_int64(st->impl, col);
}

const char *ch_stmt_text(ch_stmt *st, int col)
{
	return st->db->drv->column_text(st->impl, col);
}

int ch_stmt_is_null(ch_stmt *st, int col)
{
	return st->db->drv->column_is_null(st->impl, col);
}

int ch_stmt_column_count(ch_stmt *st)
{
	return st->db->drv->column_count(st->impl);
}

const char *ch_stmt_column_name(ch_stmt *st, int col)
{
	return st->db->drv->column_name(st->impl, col);
}

const void *ch_stmt_blob(ch_stmt *st, int col, size_t *len)
{
	return st->db->drv->column_blob(st->impl, col, len);
}

int ch_db_tables(ch_db *db, ch_strv *out)
{
	return db->drv->tables(db->impl, out);
}

int ch_db_temp_table(ch_db *db, const char *name, const char *definition)
{
	return db->drv->temp_table(db->impl, name, definition);
}

int ch_db_table_grew(ch_db *db, const char *table)
{
	return db->drv->table_grew ? db->drv->table_grew(db->impl, table) : 0;
}

int ch_db_scratch_table(ch_db *db, const char *name, const char *definition)
{
	return db->drv->scratch_table(db->impl, name, definition);
}

int ch_db_scratch_clear(ch_db *db, const char *const *names, size_t n)
{
	return db->drv->scratch_clear(db->impl, names, n);
}

int ch_db_note_deletes(ch_db *db, const char *table, const char *key, const char *note_table,
                       int value)
{
	return db->drv->note_deletes(db->impl, table, key, note_table, value);
}

const char *ch_db_json_sql(const ch_db *db, enum ch_db_json what, int close)
{
	return db->drv->json[what][close ? 1 : 0];
}

const char *ch_db_fn(const ch_db *db, enum ch_db_fn fn)
{
	return db->drv->fn[fn];
}

const char *ch_db_indexed_by(const ch_db *db)
{
	return db->drv->indexed_by;
}

const char *ch_db_bulk_verb(const ch_db *db, enum ch_db_bulk verb)
{
	return db->drv->bulk[verb];
}

int ch_db_text_match(ch_db *db, const char *table, const char *const *alt, size_t n, int param,
                     ch_buf *sql, ch_strv *values)
{
	return db->drv->text_match(table, alt, n, param, sql, values);
}

int ch_db_text_index(ch_db *db, const char *table, const char *cols, const char *out_sql,
                     const char *in_sql)
{
	if (!db->drv->text_index)
		return 0;
	return db->drv->text_index(db->impl, table, cols, out_sql, in_sql);
}

int ch_db_defer_checks(ch_db *db)
{
	return db->drv->defer_checks(db->impl);
}

int ch_db_deferrable_indexes(ch_db *db, const char *table, int unique, ch_strv *names,
                             ch_strv *defs)
{
	if (!db->drv->deferrable_indexes)
		return 0;
	return db->drv->deferrable_indexes(db->impl, table, unique, names, defs);
}

/* The open transaction is a large one, until it ends (tx_ended). */
static int mark_large(ch_db *db)
{
	if (db->tx_large || db->many || !db->drv->large_tx)
		return 0;
	int rc = db->drv->large_tx(db->impl, 1);
	if (rc == 0) {
		db->tx_large = 1;
		db->large_count++;
	}
	return rc;
}

int ch_db_large_write(ch_db *db)
{
	if (db->tx_depth <= 0 || db->tx_read)
		return ch_error_set(CH_ERROR, "a large write outside a write transaction");
	return mark_large(db);
}

int ch_db_large_read(ch_db *db)
{
	if (db->tx_depth <= 0 || !db->tx_read)
		return ch_error_set(CH_ERROR, "a large read outside a read snapshot");
	return mark_large(db);
}

int ch_db_one_of_many(ch_db *db)
{
	if (db->many || !db->drv->large_tx)
		return 0;
	if (db->tx_depth > 0)
		return ch_error_set(CH_ERROR, "one of many connections said inside a transaction");
	int rc = db->drv->large_tx(db->impl, 1);
	if (rc == 0)
		db->many = 1;
	return rc;
}

int ch_db_large_append(ch_db *db)
{
	if (!db->tx_large || db->tx_read || !db->drv->large_append)
		return 0;
	return db->drv->large_append(db->impl);
}

int ch_db_large_sort(ch_db *db, int on)
{
	return db->drv->large_sort ? db->drv->large_sort(db->impl, on) : 0;
}

int ch_db_index_builds(ch_db *db, const char *table, int on)
{
	return db->drv->index_builds ? db->drv->index_builds(db->impl, table, on) : 0;
}

int ch_db_indexes_drop(ch_db *db, const ch_strv *names)
{
	ch_buf b;
	ch_buf_init(&b);
	for (size_t i = 0; i < names->len; i++)
		ch_buf_printf(&b, "DROP INDEX \"%s\";\n", names->items[i]);
	int rc = b.len ? ch_db_exec_script(db, b.ptr) : 0;
	ch_buf_dispose(&b);
	return rc;
}

int ch_db_indexes_build(ch_db *db, const char *table, const ch_strv *defs)
{
	if (defs->len == 0)
		return 0;
	int rc = ch_db_index_builds(db, table, 1);
	for (size_t i = 0; i < defs->len && rc == 0; i++)
		rc = ch_db_exec_script(db, defs->items[i]);
	int rc2 = ch_db_index_builds(db, table, 0);
	return rc ? rc : rc2;
}

int ch_db_reset_ids(ch_db *db, const char *table)
{
	return db->drv->reset_ids(db->impl, table);
}

void ch_stmt_finalize(ch_stmt *st)
{
	if (st)
		cached_release(st->db, st);
}

int ch_db_exec_script(ch_db *db, const char *sql)
{
	return db->drv->exec_script(db->impl, sql);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The outermost transaction ended: counts how long it held the lock. */
static void tx_ended(ch_db *db)
{
	if (db->tx_large) { /* best effort: the transaction is over either way */
		db->tx_large = 0;
		(void)db->drv->large_tx(db->impl, 0);
	}
	if (!db->tx_read) {
		int64_t held = now_ns() - db->tx_start_ns;
		db->lock_total_ns += held;
		if (held > db->lock_max_ns)
			db->lock_max_ns = held;
	}
	db->tx_read = 0;
}

/* The serial numbers of write transactions, unique in the process, so that
 * no two connections' transactions share one either. */
static _Atomic int64_t tx_serials;

int ch_db_begin(ch_db *db)
{
	if (db->tx_depth > 0 && db->tx_read)
		return ch_error_set(CH_ERROR, "a write transaction inside a read snapshot");
	if (db->tx_depth++ > 0)
		return 0;
	db->tx_failed = 0;
	db->tx_read = 0;
	db->tx_serial = atomic_fetch_add(&tx_serials, 1) + 1;
	int rc = db->drv->begin(db->impl, 0);
	if (rc)
		db->tx_depth = 0;
	db->tx_start_ns = now_ns();
	return rc;
}

int ch_db_begin_read(ch_db *db)
{
	if (db->tx_depth > 0)
		return ch_error_set(CH_ERROR, "a read snapshot inside a transaction");
	int rc = db->drv->begin(db->impl, 1);
	if (rc)
		return rc;
	db->tx_depth = 1;
	db->tx_failed = 0;
	db->tx_read = 1;
	return 0;
}

void ch_db_lock_times(const ch_db *db, int64_t *max_ns, int64_t *total_ns)
{
	*max_ns = db->lock_max_ns;
	*total_ns = db->lock_total_ns;
}

/* Rolls the transaction back and ends it, keeping the error set before
 * (CODE, its message and field): what failed is the news, not the
 * rollback, which may fail too (a failed COMMIT has often been rolled back
 * by SQLite already: "no transaction is active"). */
static void rollback_keeping_error(ch_db *db, int code)
{
	char *msg = ch_strdup(ch_error_message()), *field = ch_strdup(ch_error_field());
	db->drv->rollback(db->impl);
	tx_ended(db);
	ch_error_set_field(code, field, "%s", msg);
	free(msg);
	free(field);
}

int ch_db_commit(ch_db *db)
{
	if (db->tx_depth <= 0)
		return ch_error_set(CH_ERROR, "commit without a transaction");
	if (--db->tx_depth > 0)
		return 0;
	if (db->tx_failed) {
		db->drv->rollback(db->impl);
		tx_ended(db);
		return ch_error_set(CH_ERROR,
		                    "an inner step failed; the transaction was rolled back");
	}
	int rc = db->drv->commit(db->impl);
	if (rc) {
		rollback_keeping_error(db, rc);
		return rc;
	}
	if (!db->tx_read)
		db->commits++;
	tx_ended(db);
	return 0;
}

int ch_db_rollback(ch_db *db)
{
	if (db->tx_depth <= 0)
		return 0;
	if (--db->tx_depth > 0) {
		db->tx_failed = 1;
		return 0;
	}
	rollback_keeping_error(db, ch_error_code());
	return 0;
}

const char *ch_db_file(ch_db *db)
{
	return db->drv->file(db->impl);
}

int ch_db_backup(ch_db *db, const char *path)
{
	return db->drv->backup(db->impl, path);
}

int ch_db_restore(ch_db *db, const char *path)
{
	if (db->tx_depth)
		return ch_error_set(CH_ERROR, "restore inside a transaction");
	return db->drv->restore(db->impl, path);
}

int ch_db_check_file(const char *path, int64_t *schema_version)
{
	/* the only driver with files; PostgreSQL has pg_dump/pg_restore */
	return ch_db_sqlite_driver.check_file(path, schema_version);
}

void ch_db_set_change_hook(ch_db *db, ch_db_change_fn fn, void *arg)
{
	db->drv->change_hook(db->impl, fn, arg);
}

/* ---- bulk loading (see db.h) ---- */

/* Rows the generic load (a driver without its own) sends in one INSERT:
 * each statement stepped costs about as much as a narrow row, so one per
 * row spent a third of a staging table's load outside its rows
 * (docs/performance.md, "Many rows to an INSERT"). At most LOAD_PARAMS
 * values a statement, the least any SQLite build accepts. */
#define LOAD_ROWS   64
#define LOAD_PARAMS 999

struct ch_db_load {
	ch_db *db;
	void *impl;    /* the driver's load, or NULL: rows go through st, many */
	ch_stmt *st;   /* the generic load's INSERT of one row */
	ch_stmt *many; /* and of `per` rows, prepared when first needed */
	char *head;    /* "INSERT … INTO table (cols) VALUES " of both */
	int ncols;
	int per;      /* rows an INSERT of many takes */
	int held;     /* rows given and not yet sent */
	ch_buf text;  /* their texts, each followed by its NUL */
	size_t *at;   /* per * ncols offsets into text; SIZE_MAX: NULL */
	int64_t rows; /* rows given */
	int rc;       /* the first error (0: none yet) */
	char *msg;    /* and its message, kept while other statements run */
};

/* Appends NAME to B as a quoted identifier, each part of "schema.name"
 * quoted on its own. */
static void quote_name(ch_buf *b, const char *name)
{
	ch_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '.')
			ch_buf_puts(b, "\".\"");
		else if (*p == '"')
			ch_buf_puts(b, "\"\"");
		else
			ch_buf_putc(b, *p);
	}
	ch_buf_putc(b, '"');
}

/* Remembers the load's first error (the one set now); returns its code. */
static int load_failed(ch_db_load *l, int rc)
{
	if (!l->rc) {
		l->rc = rc;
		l->msg = ch_strdup(ch_error_message());
	}
	return l->rc;
}

/* The load's first error, set again as the current one. */
static int load_error(ch_db_load *l)
{
	return ch_error_set(l->rc, "%s", l->msg);
}

/* Prepares into *ST the generic load's INSERT of N rows. */
static int prepare_rows(ch_db_load *l, int n, ch_stmt **st)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, l->head);
	for (int r = 0; r < n; r++) {
		ch_buf_puts(&b, r ? ", (" : "(");
		for (int i = 0; i < l->ncols; i++)
			ch_buf_puts(&b, i ? ", ?" : "?");
		ch_buf_putc(&b, ')');
	}
	int rc = ch_db_prepare(l->db, st, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

int ch_db_load_begin(ch_db *db, const char *table, const char *const *cols, int ncols,
                     ch_db_load **out)
{
	*out = NULL;
	if (ncols < 1)
		return ch_error_set(CH_ERROR, "database: a load into %s names no columns", table);
	ch_db_load *l = ch_calloc(1, sizeof *l);
	l->db = db;
	l->ncols = ncols;
	ch_buf_init(&l->text);
	int rc;
	if (db->drv->load_begin) {
		rc = db->drv->load_begin(db->impl, table, cols, ncols, &l->impl);
	} else {
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_printf(&b, "%s INTO ", ch_db_bulk_verb(db, CH_DB_BULK_INSERT));
		quote_name(&b, table);
		for (int i = 0; i < ncols; i++) {
			ch_buf_puts(&b, i ? ", " : " (");
			quote_name(&b, cols[i]);
		}
		ch_buf_puts(&b, ") VALUES ");
		l->head = ch_buf_detach(&b);
		l->per = LOAD_PARAMS / ncols < LOAD_ROWS ? LOAD_PARAMS / ncols : LOAD_ROWS;
		if (l->per < 1)
			l->per = 1;
		l->at = ch_reallocarray(NULL, (size_t)l->per * (size_t)ncols, sizeof *l->at);
		rc = prepare_rows(l, 1, &l->st);
	}
	if (rc) {
		ch_db_load_cancel(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* Binds the held rows FROM..FROM+N to ST from its first parameter on and
 * steps it once. */
static int send_rows(ch_db_load *l, ch_stmt *st, int from, int n)
{
	int rc = 0;
	for (int r = 0; r < n && rc == 0; r++)
		for (int i = 0; i < l->ncols && rc == 0; i++) {
			size_t at = l->at[(size_t)(from + r) * (size_t)l->ncols + (size_t)i];
			/* the texts stay where they are until the step is done */
			rc = ch_stmt_bind_text_ref(st, r * l->ncols + i + 1,
			                           at == SIZE_MAX ? NULL : l->text.ptr + at);
		}
	if (rc == 0) {
		rc = ch_stmt_step(st);
		rc = rc < 0 ? rc : 0;
	}
	ch_stmt_reset(st);
	return rc;
}

/* Sends the held rows: a full set in one INSERT, fewer (the load's end)
 * one at a time. The INSERTs are the dialect's bulk verb (SQLite's INSERT
 * OR FAIL: a statement of many rows that could stop half-way would copy
 * each page it changes to a statement journal first), so a row the table
 * refuses leaves the rows before it in place, as many as the engine counts
 * changed (none when a trigger's ABORT undid them all); the rows from there
 * on are sent again one at a time, so that the error names the refused
 * one, as a load of one row per INSERT did. */
static int flush_rows(ch_db_load *l)
{
	int64_t first = l->rows - l->held + 1;
	int rc = 0, r = 0;
	if (l->held == l->per && l->per > 1) {
		rc = l->many ? 0 : prepare_rows(l, l->per, &l->many);
		if (rc == 0 && (rc = send_rows(l, l->many, 0, l->per)) == 0) {
			r = l->held;
		} else if (rc != CH_ECONFLICT) { /* not a row's fault: name them all */
			ch_error_prefix("载入的第 %lld 至 %lld 行：", (long long)first,
			                (long long)(first + l->held - 1));
		} else { /* the rows before the refused one are in (OR FAIL) */
			int64_t in = ch_db_changes(l->db);
			r = in > 0 && in < l->held ? (int)in : 0;
			rc = 0;
		}
	}
	for (; r < l->held && rc == 0; r++)
		if ((rc = send_rows(l, l->st, r, 1)) != 0)
			ch_error_prefix("载入的第 %lld 行：", (long long)(first + r));
	l->held = 0;
	ch_buf_clear(&l->text);
	return rc;
}

int ch_db_load_row(ch_db_load *l, const char *const *vals)
{
	if (l->rc)
		return load_error(l);
	l->rows++;
	int rc = 0;
	if (l->impl) {
		rc = l->db->drv->load_row(l->impl, vals);
	} else {
		size_t *at = l->at + (size_t)l->held * (size_t)l->ncols;
		for (int i = 0; i < l->ncols; i++) {
			at[i] = vals[i] ? l->text.len : SIZE_MAX;
			if (vals[i])
				ch_buf_put(&l->text, vals[i], strlen(vals[i]) + 1);
		}
		if (++l->held == l->per)
			rc = flush_rows(l);
	}
	return rc ? load_failed(l, rc) : 0;
}

void ch_db_load_cancel(ch_db_load *l)
{
	if (!l)
		return;
	if (l->impl)
		l->db->drv->load_cancel(l->impl);
	ch_stmt_finalize(l->st);
	ch_stmt_finalize(l->many);
	ch_buf_dispose(&l->text);
	free(l->at);
	free(l->head);
	free(l->msg);
	free(l);
}

int ch_db_load_end(ch_db_load *l)
{
	int rc = l->rc;
	if (l->impl) {
		void *impl = l->impl;
		l->impl = NULL;
		int end = l->db->drv->load_end(impl); /* frees it */
		if (!rc && end)
			rc = load_failed(l, end);
	} else if (!rc && l->held) {
		int end = flush_rows(l);
		if (end)
			rc = load_failed(l, end);
	}
	if (rc)
		load_error(l);
	ch_db_load_cancel(l);
	return rc;
}

int ch_db_conflicted(ch_db *db)
{
	return db->drv->conflicted ? db->drv->conflicted(db->impl) : 0;
}

int64_t ch_db_commits(const ch_db *db)
{
	return db->commits;
}

void ch_db_work(const ch_db *db, struct ch_db_work *out)
{
	out->scan_steps = db->scan_steps;
	out->large_tx = db->large_count;
	out->prepares = db->prepares;
	if (!db->drv->scan_steps)
		return;
	/* the statements still prepared are the cache's (a caller finalizes
	 * its own before asking) */
	for (int i = 0; i < CH_DB_CACHE; i++)
		if (db->cache[i].st)
			out->scan_steps += db->drv->scan_steps(db->cache[i].st->impl);
}

int ch_db_tx_depth(const ch_db *db)
{
	return db->tx_depth;
}

int ch_db_savepoint_set(ch_db *db, ch_db_savepoint *sp)
{
	if (db->tx_depth <= 0 || db->tx_read)
		return ch_error_set(CH_ERROR, "a savepoint outside a write transaction");
	sp->depth = db->tx_depth;
	sp->failed = db->tx_failed;
	return db->drv->exec_script(db->impl, "SAVEPOINT ch_unit");
}

int ch_db_savepoint_end(ch_db *db, const ch_db_savepoint *sp, int rollback)
{
	int rc = 0;
	db->tx_depth = sp->depth;
	db->tx_failed = sp->failed;
	if (rollback) {
		/* keep the unit's error: rolling back is not the news */
		int code = ch_error_code();
		char *msg = ch_strdup(ch_error_message()), *field = ch_strdup(ch_error_field());
		rc = db->drv->exec_script(db->impl, "ROLLBACK TO ch_unit");
		db->tx_serial = atomic_fetch_add(&tx_serials, 1) + 1;
		if (rc == 0)
			rc = db->drv->exec_script(db->impl, "RELEASE ch_unit");
		if (rc == 0)
			ch_error_set_field(code, field, "%s", msg);
		free(msg);
		free(field);
		if (rc)
			db->tx_failed = 1;
		return rc;
	}
	rc = db->drv->exec_script(db->impl, "RELEASE ch_unit");
	if (rc)
		db->tx_failed = 1;
	return rc;
}

int64_t ch_db_tx_serial(const ch_db *db)
{
	return db->tx_depth > 0 && !db->tx_read ? db->tx_serial : 0;
}

int ch_db_next_id(ch_db *db, const char *table, int64_t *id)
{
	char sql[256];
	int pg = strcmp(db->drv->dialect, "pg") == 0;
	int64_t serial = ch_db_tx_serial(db);
	/* SQLite: the ids of one transaction follow each other, asked once */
	if (!pg && serial && db->next_id_serial == serial &&
	    strcmp(db->next_id_table, table) == 0) {
		*id = ++db->next_id;
		return 0;
	}
	if (pg)
		snprintf(sql, sizeof sql, "SELECT nextval(pg_get_serial_sequence('%s', 'id'))",
		         table);
	else
		snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) + 1 FROM %s", table);
	int rc = ch_db_query_int64(db, id, sql, NULL);
	if (rc == 0 && !pg && serial && strlen(table) < sizeof db->next_id_table) {
		strcpy(db->next_id_table, table);
		db->next_id_serial = serial;
		db->next_id = *id;
	}
	return rc;
}

int64_t ch_db_changes(ch_db *db)
{
	return db->drv->changes(db->impl);
}

int64_t ch_db_last_id(ch_db *db)
{
	return db->drv->last_id(db->impl);
}

static int bind_va(ch_stmt *st, const char *types, va_list ap)
{
	int rc = 0;
	for (int i = 0; types && types[i] && rc == 0; i++) {
		switch (types[i]) {
		case 'i':
			rc = ch_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			rc = ch_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			rc = v ? ch_stmt_bind_int64(st, i + 1, v) : ch_stmt_bind_null(st, i + 1);
			break;
		}
		case 'n':
			rc = ch_stmt_bind_null(st, i + 1);
			break;
		default:
			rc = ch_error_set(CH_ERROR, "bad bind type '%c'", types[i]);
		}
	}
	return rc;
}

int ch_db_preparef(ch_db *db, ch_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc = cached_prepare(db, sql, out);
	if (rc)
		return rc;
	va_start(ap, types);
	rc = bind_va(*out, types, ap);
	va_end(ap);
	if (rc) {
		ch_stmt_finalize(*out);
		*out = NULL;
	}
	return rc;
}

int ch_db_run(ch_db *db, const char *sql, const char *types, ...)
{
	ch_stmt *st;
	va_list ap;
	int rc = cached_prepare(db, sql, &st);
	if (rc)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW)
		rc = 0;
	cached_release(db, st);
	return rc < 0 ? rc : 0;
}

/* Steps a bound statement once; CH_ENOTFOUND for no row or NULL. */
static int first_row(ch_stmt *st, int *has)
{
	int rc = ch_stmt_step(st);
	if (rc < 0)
		return rc;
	*has = rc == CH_DB_ROW && !ch_stmt_is_null(st, 0);
	return *has ? 0 : ch_error_set(CH_ENOTFOUND, "no such row");
}

int ch_db_query_int64(ch_db *db, int64_t *out, const char *sql, const char *types, ...)
{
	ch_stmt *st;
	va_list ap;
	int has = 0, rc = cached_prepare(db, sql, &st);
	if (rc)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	if (rc == 0)
		rc = first_row(st, &has);
	if (has)
		*out = ch_stmt_int64(st, 0);
	cached_release(db, st);
	return rc;
}

int ch_db_query_text(ch_db *db, char **out, const char *sql, const char *types, ...)
{
	ch_stmt *st;
	va_list ap;
	int has = 0, rc = cached_prepare(db, sql, &st);
	*out = NULL;
	if (rc)
		return rc;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	if (rc == 0)
		rc = first_row(st, &has);
	if (has)
		*out = ch_strdup(ch_stmt_text(st, 0));
	cached_release(db, st);
	return rc;
}
