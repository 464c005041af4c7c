/*
 * db_pg — the PostgreSQL driver, the only file that includes libpq-fe.h
 * (and, at its end, what loads libpq on first use).
 *
 * It accepts "postgresql://..." and "postgres://..." URLs, "pg:" followed
 * by any libpq connection string (key=value pairs, or empty to take
 * everything from PGHOST, PGPORT, PGUSER, PGDATABASE and the other libpq
 * variables), and libpq key=value strings that name a host or a dbname.
 * PostgreSQL 15 or later is required (the migrations use its syntax).
 *
 * Statements: the `?` placeholders of the domain SQL become $1, $2, ... and
 * `?NNN` becomes $NNN, once, when the statement is prepared; string
 * literals, quoted names and comments are left alone. Parameters travel as
 * text (int64 typed int8, text untyped so the server infers the column's
 * type; blobs in binary as bytea). A statement is prepared on the server
 * once per connection (a named statement, prepared again when the types
 * bound to it change; deallocated with the connection's next statement
 * after it is finalized). It runs on its first step, in one round trip
 * (libpq's pipeline mode: the savepoint, the preparation when needed, the
 * statement, the savepoint's release and the read of the change notes,
 * then one sync), and its rows are then read from the result; booleans
 * read as integers are 1 and 0, as SQLite's comparisons give.
 *
 * Inside a transaction each statement runs under a savepoint, so a failed
 * statement (a constraint the caller expected to hit, say) undoes only
 * itself and the transaction goes on, as in SQLite; PostgreSQL would
 * otherwise abort the whole transaction.
 *
 * Row ids: an INSERT into a table with an identity column gets "RETURNING
 * <that column>" appended when it has no RETURNING of its own, and the
 * driver keeps the last value it returned for last_id (the value
 * sqlite3_last_insert_rowid gives: not changed by inserts of triggers).
 *
 * Transactions: a write transaction takes one transaction-level advisory
 * lock at its start, so write transactions run one at a time as in SQLite
 * (BEGIN IMMEDIATE) and what a transaction read stays true until it
 * commits; readers are not blocked. The wait for that lock is bounded by
 * the busy wait (lock_timeout). A read transaction is one REPEATABLE READ
 * snapshot. Errors map to the same ch_err as SQLite's: lock timeouts,
 * serialization failures (40001) and deadlocks (40P01) are CH_EBUSY with
 * the same message (the first two also mark the connection conflicted,
 * ch_db_conflicted, for the retry of the whole operation, ch_op_call),
 * integrity violations (class 23) CH_ECONFLICT worded as SQLite words them
 * ("UNIQUE constraint failed: table.columns"), the messages of the
 * schema's own triggers as raised.
 *
 * Change hook: the schema gives the sealed tables statement triggers,
 * ch_note_rows (src/db/sql/pg/0031), which note each row a statement
 * changed, from its transition table, in this session's temporary table
 * ch_changes (a row of a table that belongs to another is noted as a
 * change of that other row); with a hook set, the driver reads the notes
 * after the last one it heard after each write statement (in the
 * statement's round trip) and tells the hook; they are deleted when the
 * next write transaction begins. The driver makes
 * ch_changes before the connection's first write transaction, or before a
 * statement that is not a read, a script or a COPY outside any
 * transaction; always outside a transaction (so no rollback takes it
 * away), and never for a connection that only reads: a session's first
 * temporary table costs the server milliseconds. Writes inside a read
 * snapshot (the scratch tables of an import's check) are heard only once
 * it exists. The canonical JSON of the seals is built with
 * json_build_array and json_agg and made compact by ch_json_min (migration
 * 0011; since 0030 it counts the separators first and uses a plain replace
 * when no blank lies in a string), so it comes out byte for byte as
 * SQLite's json_array.
 *
 * Bulk loads (ch_db_load_*) are COPY ... FROM STDIN in text format, the
 * rows buffered and sent a megabyte at a time, each COPY under the
 * statement savepoint.
 *
 * There are no files: backup, restore and check_file refuse (pg_dump and
 * pg_restore are the tools; db copy moves a whole database).
 */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/dl.h"
#include "util/error.h"

#define OID_INT8  20
#define OID_BYTEA 17
#define OID_TEXT  25

/* Tables and their identity column ("" when none), learnt once per table. */
#define IDENT_CACHE 64

struct pg_conn {
	PGconn *c;
	int64_t last_id;
	int64_t changes;
	int in_tx;
	int conflicted;       /* 40001 or 40P01 since the transaction began */
	ch_db_change_fn hook; /* the change hook, or NULL */
	int changes_made;     /* this session's ch_changes exists (make_changes) */
	void *hook_arg;
	char *ident_table[IDENT_CACHE];
	char *ident_col[IDENT_CACHE];
	int ident_n;
	uint64_t names;  /* prepared statements named so far ("ch_1", "ch_2", ...) */
	ch_strv dealloc; /* names of finalized statements, deallocated with the next one */
	int64_t heard;   /* the number of the last note of ch_changes told the hook */
};

struct pg_stmt {
	struct pg_conn *conn;
	char *sql; /* with $n placeholders */
	int nparams;
	char **vals;
	int *lens, *fmts;
	Oid *types;
	PGresult *res;
	int row, nrows;
	int ran;
	int hidden_returning; /* the RETURNING was added for last_id */
	unsigned char *blob;  /* the last blob read (PQunescapeBytea) */
	int text_typed;       /* text parameters are sent typed text (after 42P18) */
	int reads;            /* a SELECT or VALUES: the change hook needs no read after it */
	char name[24];        /* its name on the server once prepared, else "" */
	Oid *prep_types;      /* the parameter types it was prepared with */
};

static int pg_error(struct pg_conn *pc, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg || !*msg)
		msg = PQerrorMessage(pc->c);
	if (!state)
		state = "";
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		pc->conflicted = 1;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return ch_error_set(CH_EBUSY,
		                    "数据库正忙（另一项写入正在进行，已等待 %d 秒），本次未作任何"
		                    "修改，请稍后重试 (database: %s)",
		                    ch_busy_wait(), msg);
	if (strncmp(state, "23", 2) != 0)
		return ch_error_set(CH_ERROR, "database: %s", msg);
	const char *table = PQresultErrorField(r, PG_DIAG_TABLE_NAME);
	const char *column = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
	const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	if (strcmp(state, "23505") == 0 && table && detail && strncmp(detail, "Key (", 5) == 0) {
		/* "Key (a, b)=(...) already exists." -> "UNIQUE constraint failed: t.a, t.b" */
		ch_buf b;
		ch_buf_init(&b);
		const char *p = detail + 5, *end = strstr(p, ")=(");
		while (p && end && p < end) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;
			ch_buf_printf(&b, "%s%s.%.*s", b.len ? ", " : "", table, (int)(stop - p),
			              p);
			p = comma ? comma + 2 : end;
		}
		int rc = ch_error_set(CH_ECONFLICT, "database: UNIQUE constraint failed: %s",
		                      b.len ? b.ptr : table);
		ch_buf_dispose(&b);
		return rc;
	}
	if (strcmp(state, "23502") == 0 && table && column)
		return ch_error_set(CH_ECONFLICT, "database: NOT NULL constraint failed: %s.%s",
		                    table, column);
	if (strcmp(state, "23503") == 0)
		return ch_error_set(CH_ECONFLICT, "database: FOREIGN KEY constraint failed");
	if (strcmp(state, "23514") == 0 && cons)
		return ch_error_set(CH_ECONFLICT, "database: CHECK constraint failed: %s", cons);
	return ch_error_set(CH_ECONFLICT, "database: %s", msg);
}

/* Runs SQL (one or more statements, no parameters). */
static int pg_simple(struct pg_conn *pc, const char *sql)
{
	PGresult *r = PQexec(pc->c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : pg_error(pc, r);
	PQclear(r);
	return rc;
}

static const char *pg_accepts(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return url;
	if (strncmp(url, "pg:", 3) == 0)
		return url + 3;
	/* a libpq key=value string: it starts with a keyword and '=' and names
	 * a database, a host or a service (a file name rarely does) */
	size_t key = strspn(url, "abcdefghijklmnopqrstuvwxyz_");
	if (key > 0 && url[key] == '=' && strstr(url, "://") == NULL &&
	    (strstr(url, "dbname=") || strstr(url, "host=") || strstr(url, "service=")))
		return url;
	return NULL;
}

static void pg_close(void *impl)
{
	struct pg_conn *pc = impl;
	if (!pc)
		return;
	PQfinish(pc->c);
	ch_strv_dispose(&pc->dealloc);
	for (int i = 0; i < pc->ident_n; i++) {
		free(pc->ident_table[i]);
		free(pc->ident_col[i]);
	}
	free(pc);
}

static int pg_open(void **impl, const char *target, int create)
{
	(void)create; /* a server database is created by its administrator */
	struct pg_conn *pc = ch_calloc(1, sizeof *pc);
	pc->c = PQconnectdb(target);
	if (PQstatus(pc->c) != CONNECTION_OK) {
		char *msg = ch_strdup(PQerrorMessage(pc->c));
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		int rc =
		    ch_error_set(CH_ENOTFOUND, "无法连接 PostgreSQL 数据库「%s」：%s", target, msg);
		free(msg);
		pg_close(pc);
		return rc;
	}
	if (PQserverVersion(pc->c) < 150000) {
		int rc = ch_error_set(CH_EINVALID,
		                      "PostgreSQL 服务器版本为 %d，cleanheat 需要 15 或更新的版本",
		                      PQserverVersion(pc->c) / 10000);
		pg_close(pc);
		return rc;
	}
	/* The session's settings, then the database's collation, in one round
	 * trip (PQexec returns the last statement's result, or the error that
	 * stopped them). Text sorts by code point, as in SQLite, only under
	 * the C collation: lists and reports would otherwise come out in
	 * another order. */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SET client_min_messages = warning; SET lock_timeout = %lld;"
	         " SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
	         " SELECT CASE WHEN datlocprovider = 'c' THEN datcollate"
	         " ELSE 'icu ' || daticulocale END FROM pg_database"
	         " WHERE datname = current_database()",
	         /* 0 would mean no bound at all: a busy wait of 0 is 1 ms */
	         ch_busy_wait() > 0 ? (long long)ch_busy_wait() * 1000 : 1LL);
	PGresult *r = PQexec(pc->c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pg_error(pc, r);
		PQclear(r);
		pg_close(pc);
		return rc;
	}
	const char *coll = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
	int c_order =
	    strcmp(coll, "C") == 0 || strcmp(coll, "POSIX") == 0 || strncmp(coll, "C.", 2) == 0;
	if (!c_order) {
		int rc =
		    ch_error_set(CH_EINVALID,
		                 "PostgreSQL 数据库「%s」的排序规则是「%s」：cleanheat 需要 C "
		                 "排序（与 SQLite 相同的顺序），请这样新建数据库：CREATE DATABASE "
		                 "名称 TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'",
		                 PQdb(pc->c), coll);
		PQclear(r);
		pg_close(pc);
		return rc;
	}
	PQclear(r);
	*impl = pc;
	return 0;
}

/* The identity column of TABLE ("" when none, NULL on error). */
static const char *ident_column(struct pg_conn *pc, const char *table)
{
	for (int i = 0; i < pc->ident_n; i++)
		if (strcmp(pc->ident_table[i], table) == 0)
			return pc->ident_col[i];
	const char *p[1] = {table};
	PGresult *r = PQexecParams(pc->c,
	                           "SELECT a.attname FROM pg_attribute a WHERE a.attrelid ="
	                           " to_regclass($1) AND a.attidentity <> '' AND a.attnum > 0",
	                           1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return "";
	}
	const char *col = PQntuples(r) ? PQgetvalue(r, 0, 0) : "";
	int i = pc->ident_n < IDENT_CACHE ? pc->ident_n++ : IDENT_CACHE - 1;
	if (i == IDENT_CACHE - 1 && pc->ident_table[i]) {
		free(pc->ident_table[i]);
		free(pc->ident_col[i]);
	}
	pc->ident_table[i] = ch_strdup(table);
	pc->ident_col[i] = ch_strdup(col);
	PQclear(r);
	return pc->ident_col[i];
}

/* Does the SQL text from P on start with WORD (case-insensitive, then a
 * non-name character)? */
static int word_at(const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncasecmp(p, word, n) == 0 &&
	       !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	         (p[n] >= '0' && p[n] <= '9'));
}

/* Rewrites SQL's placeholders into B; returns the number of parameters.
 * Sets *RETURNING when the text has a RETURNING outside literals. */
static int translate(const char *sql, ch_buf *b, int *returning)
{
	int n = 0, max = 0;
	*returning = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *s = p++;
			while (*p && !(*p == q && p[1] != q))
				p += *p == q ? 2 : 1;
			if (*p)
				p++;
			ch_buf_printf(b, "%.*s", (int)(p - s), s);
		} else if (p[0] == '-' && p[1] == '-') {
			const char *s = p;
			while (*p && *p != '\n')
				p++;
			ch_buf_printf(b, "%.*s", (int)(p - s), s);
		} else if (p[0] == '/' && p[1] == '*') {
			const char *s = p, *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
			ch_buf_printf(b, "%.*s", (int)(p - s), s);
		} else if (*p == '?') {
			p++;
			if (*p >= '0' && *p <= '9') {
				int v = (int)strtol(p, (char **)&p, 10);
				if (v > max)
					max = v;
				ch_buf_printf(b, "$%d", v);
			} else {
				ch_buf_printf(b, "$%d", ++n);
				if (n > max)
					max = n;
			}
		} else {
			if ((p == sql || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
			                   (p[-1] >= 'A' && p[-1] <= 'Z'))) &&
			    word_at(p, "RETURNING"))
				*returning = 1;
			ch_buf_putc(b, *p);
			p++;
		}
	}
	return max;
}

/* The table an INSERT writes to (a copy), or NULL when SQL is no INSERT. */
static char *insert_table(const char *sql)
{
	const char *p = sql;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!word_at(p, "INSERT"))
		return NULL;
	p += 6;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!word_at(p, "INTO"))
		return NULL;
	p += 4;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	size_t n = strcspn(p, " \t\n(");
	if (n == 0)
		return NULL;
	char *t = ch_malloc(n + 1);
	memcpy(t, p, n);
	t[n] = '\0';
	return t;
}

static int pg_prepare(void *impl, void **stmt, const char *sql)
{
	struct pg_conn *pc = impl;
	struct pg_stmt *st = ch_calloc(1, sizeof *st);
	ch_buf b;
	int returning;
	ch_buf_init(&b);
	st->conn = pc;
	st->nparams = translate(sql, &b, &returning);
	char *table = returning ? NULL : insert_table(sql);
	if (table) {
		const char *col = ident_column(pc, table);
		if (col && *col) {
			/* a trailing ';' or blanks go after the RETURNING clause */
			size_t end = b.len;
			while (end && (b.ptr[end - 1] == ';' || b.ptr[end - 1] == ' ' ||
			               b.ptr[end - 1] == '\n'))
				end--;
			b.ptr[end] = '\0';
			b.len = end;
			ch_buf_printf(&b, " RETURNING \"%s\"", col);
			st->hidden_returning = 1;
		}
		free(table);
	}
	st->sql = ch_strdup(b.ptr ? b.ptr : "");
	ch_buf_dispose(&b);
	const char *w = sql;
	while (*w == ' ' || *w == '\t' || *w == '\n' || *w == '(')
		w++;
	st->reads = word_at(w, "SELECT") || word_at(w, "VALUES");
	int np = st->nparams ? st->nparams : 1;
	st->vals = ch_calloc((size_t)np, sizeof *st->vals);
	st->lens = ch_calloc((size_t)np, sizeof *st->lens);
	st->fmts = ch_calloc((size_t)np, sizeof *st->fmts);
	st->types = ch_calloc((size_t)np, sizeof *st->types);
	st->prep_types = ch_calloc((size_t)np, sizeof *st->prep_types);
	*stmt = st;
	return 0;
}

static int param_slot(struct pg_stmt *st, int idx)
{
	if (idx < 1 || idx > st->nparams)
		return ch_error_set(CH_ERROR,
		                    "database: bind index %d out of range (%d parameters)", idx,
		                    st->nparams);
	free(st->vals[idx - 1]);
	st->vals[idx - 1] = NULL;
	st->lens[idx - 1] = 0;
	st->fmts[idx - 1] = 0;
	st->types[idx - 1] = 0;
	return 0;
}

static int pg_bind_int64(void *stmt, int idx, int64_t v)
{
	struct pg_stmt *st = stmt;
	int rc = param_slot(st, idx);
	if (rc)
		return rc;
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	st->vals[idx - 1] = ch_strdup(tmp);
	st->types[idx - 1] = OID_INT8;
	return 0;
}

static int pg_bind_text(void *stmt, int idx, const char *s)
{
	struct pg_stmt *st = stmt;
	int rc = param_slot(st, idx);
	if (rc == 0)
		st->vals[idx - 1] = ch_strdup(s);
	return rc;
}

static int pg_bind_null(void *stmt, int idx)
{
	return param_slot(stmt, idx);
}

static int pg_bind_blob(void *stmt, int idx, const void *data, size_t len)
{
	struct pg_stmt *st = stmt;
	int rc = param_slot(st, idx);
	if (rc)
		return rc;
	st->vals[idx - 1] = ch_malloc(len ? len : 1);
	memcpy(st->vals[idx - 1], data, len);
	st->lens[idx - 1] = (int)len;
	st->fmts[idx - 1] = 1;
	st->types[idx - 1] = OID_BYTEA;
	return 0;
}

/* Tells the change hook what the last statement changed: the rows of R,
 * the result of reading the new notes of ch_changes. */
static void tell_hook(struct pg_conn *pc, PGresult *r)
{
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t n = strtoll(PQgetvalue(r, i, 3), NULL, 10);
		if (n > pc->heard)
			pc->heard = n;
		const char *op = PQgetvalue(r, i, 0);
		pc->hook(pc->hook_arg,
		         op[0] == 'I'   ? CH_DB_INSERT
		         : op[0] == 'D' ? CH_DB_DELETE
		                        : CH_DB_UPDATE,
		         PQgetvalue(r, i, 1), strtoll(PQgetvalue(r, i, 2), NULL, 10));
	}
}

/* Makes this session's ch_changes, where the schema's ch_note_rows
 * triggers note the rows (without it they note nothing: other sessions,
 * psql), once, when a change hook is set; does nothing inside a
 * transaction. Called before a write transaction begins, and before a
 * statement that is not a read, a script or a COPY outside a transaction
 * (see the top of this file). */
static int make_changes(struct pg_conn *pc)
{
	if (!pc->hook || pc->changes_made || pc->in_tx)
		return 0;
	int rc = pg_simple(pc, "CREATE TEMP TABLE IF NOT EXISTS ch_changes"
	                       " (op text NOT NULL, tbl text NOT NULL, id bigint NOT NULL,"
	                       " n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)");
	if (rc == 0)
		pc->changes_made = 1;
	return rc;
}

/* The notes after the last one heard, by their number, at most
 * DRAIN_MAX at a time: deleting them instead would leave dead rows that
 * every later read in the same transaction scans again (a batch of N
 * writes would cost N^2/2); they are deleted when the next transaction
 * begins. Planned each time (a plan kept from when the table was small
 * would scan it whole); the LIMIT makes the planner take the index. */
#define DRAIN_MAX 100
#define DRAIN_SQL "SELECT op, tbl, id, n FROM pg_temp.ch_changes WHERE n > $1 ORDER BY n LIMIT 100"

/* Tells the change hook what the last statements changed (ch_changes), in
 * a round trip of its own (after a script). */
static int drain_changes(struct pg_conn *pc)
{
	for (int more = pc->changes_made; more;) {
		char heard[24];
		snprintf(heard, sizeof heard, "%lld", (long long)pc->heard);
		const char *p[1] = {heard};
		PGresult *r = PQexecParams(pc->c, DRAIN_SQL, 1, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			int rc = pg_error(pc, r);
			PQclear(r);
			return rc;
		}
		tell_hook(pc, r);
		more = PQntuples(r) == DRAIN_MAX;
		PQclear(r);
	}
	return 0;
}

/* Undoes the failed statement's savepoint without touching the error
 * state (the statement's error is the one to report). */
static void undo_savepoint(struct pg_conn *pc)
{
	PQclear(PQexec(pc->c, "ROLLBACK TO SAVEPOINT ch_stmt; RELEASE SAVEPOINT ch_stmt"));
}

/* The parameter types ST is sent with now: int8 and bytea as bound, text
 * untyped (the server infers it from where it stands) unless
 * ST->text_typed. */
static void param_types(struct pg_stmt *st)
{
	if (st->text_typed)
		for (int i = 0; i < st->nparams; i++)
			if (st->types[i] == 0 && st->fmts[i] == 0)
				st->types[i] = OID_TEXT;
}

/* Can ST run as prepared on the server with the types bound now? A NULL
 * fits any type; another value must have the type it was prepared with. */
static int prepared_fits(const struct pg_stmt *st)
{
	if (!st->name[0])
		return 0;
	for (int i = 0; i < st->nparams; i++)
		if (st->vals[i] && st->types[i] != st->prep_types[i])
			return 0;
	return 1;
}

/* What one round trip sends, in order: the deallocation of finalized
 * statements, the savepoint, the statement's preparation (first run, or
 * new types), its execution, the savepoint's release and the read of the
 * change hook's notes. */
enum pipe_part { P_DEALLOC, P_SAVEPOINT, P_PREPARE, P_EXEC, P_RELEASE, P_DRAIN };

/* Runs ST (first step) in one round trip with pipeline mode: in a
 * transaction "SAVEPOINT ch_stmt", the statement and "RELEASE SAVEPOINT
 * ch_stmt" (a failure undoes only the statement: one more round trip
 * rolls back to the savepoint), outside one the statement alone; with a
 * change hook after a write, the read of ch_changes. The statement is
 * prepared once per connection (again when its bound types change), in
 * the same round trip. On success ST->res holds its result; on failure
 * *FAILED_AT says which part failed and the error is set. */
static int run_pipelined(struct pg_stmt *st, enum pipe_part *failed_at, char state[6])
{
	struct pg_conn *pc = st->conn;
	PGconn *c = pc->c;
	enum pipe_part sent[16];
	int n = 0, ok = 1;
	size_t ndealloc = pc->dealloc.len < 8 ? pc->dealloc.len : 8;
	int prepare = !prepared_fits(st);
	int drain = pc->hook && pc->changes_made && !st->reads;
	state[0] = '\0';
	if (prepare && st->name[0]) {
		/* prepared with other types: that one goes, a new one comes */
		ch_strv_push(&pc->dealloc, st->name);
		st->name[0] = '\0';
	}
	if (PQenterPipelineMode(c) != 1)
		return ch_error_set(CH_ERROR, "database: %s", PQerrorMessage(c));
	char sql[48];
	for (size_t i = 0; i < ndealloc && ok; i++) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", pc->dealloc.items[i]);
		ok = PQsendQueryParams(c, sql, 0, NULL, NULL, NULL, NULL, 0);
		sent[n++] = P_DEALLOC;
	}
	if (ok && pc->in_tx) {
		ok = PQsendQueryParams(c, "SAVEPOINT ch_stmt", 0, NULL, NULL, NULL, NULL, 0);
		sent[n++] = P_SAVEPOINT;
	}
	char name[24];
	snprintf(name, sizeof name, "ch_%llu", (unsigned long long)pc->names + 1);
	if (ok && prepare) {
		ok = PQsendPrepare(c, name, st->sql, st->nparams, st->types);
		sent[n++] = P_PREPARE;
	}
	if (ok) {
		ok = PQsendQueryPrepared(c, prepare ? name : st->name, st->nparams,
		                         (const char *const *)st->vals, st->lens, st->fmts, 0);
		sent[n++] = P_EXEC;
	}
	if (ok && pc->in_tx) {
		ok =
		    PQsendQueryParams(c, "RELEASE SAVEPOINT ch_stmt", 0, NULL, NULL, NULL, NULL, 0);
		sent[n++] = P_RELEASE;
	}
	char heard[24];
	const char *heard_p[1] = {heard};
	snprintf(heard, sizeof heard, "%lld", (long long)pc->heard);
	if (ok && drain) {
		Oid int8 = OID_INT8;
		ok = PQsendQueryParams(c, DRAIN_SQL, 1, &int8, heard_p, NULL, NULL, 0);
		sent[n++] = P_DRAIN;
	}
	if (ok)
		ok = PQpipelineSync(c);
	if (!ok) {
		/* nothing reached the server in order: the connection is broken */
		int rc = ch_error_set(CH_ERROR, "database: %s", PQerrorMessage(c));
		PQexitPipelineMode(c);
		return rc;
	}
	PGresult *err = NULL, *drained = NULL;
	int rc = 0;
	size_t dealloc_done = 0;
	*failed_at = P_EXEC;
	for (int i = 0; i < n; i++) {
		PGresult *r;
		while ((r = PQgetResult(c)) != NULL) {
			ExecStatusType s = PQresultStatus(r);
			if (s == PGRES_FATAL_ERROR && !err) {
				err = r;
				*failed_at = sent[i];
				continue;
			}
			if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
				if (sent[i] == P_DEALLOC)
					dealloc_done++;
				else if (sent[i] == P_PREPARE) {
					pc->names++;
					snprintf(st->name, sizeof st->name, "%s", name);
					memcpy(st->prep_types, st->types,
					       (size_t)st->nparams * sizeof *st->types);
				} else if (sent[i] == P_EXEC) {
					PQclear(st->res);
					st->res = r;
					continue;
				} else if (sent[i] == P_DRAIN) {
					PQclear(drained);
					drained = r;
					continue;
				}
			}
			PQclear(r);
		}
	}
	/* the sync's own result, then out of pipeline mode */
	PGresult *r;
	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType s = PQresultStatus(r);
		PQclear(r);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	PQexitPipelineMode(c);
	if (dealloc_done) {
		for (size_t i = 0; i < dealloc_done; i++)
			free(pc->dealloc.items[i]);
		memmove(pc->dealloc.items, pc->dealloc.items + dealloc_done,
		        (pc->dealloc.len - dealloc_done) * sizeof *pc->dealloc.items);
		pc->dealloc.len -= dealloc_done;
	}
	if (err) {
		const char *sqlstate = PQresultErrorField(err, PG_DIAG_SQLSTATE);
		snprintf(state, 6, "%s", sqlstate ? sqlstate : "");
		rc = pg_error(pc, err);
		PQclear(err);
		PQclear(st->res);
		st->res = NULL;
	} else if (drained) {
		tell_hook(pc, drained);
		/* more notes than one read takes: the rest in more round trips */
		if (PQntuples(drained) == DRAIN_MAX)
			rc = drain_changes(pc);
	}
	PQclear(drained);
	return rc;
}

static int pg_step(void *stmt)
{
	struct pg_stmt *st = stmt;
	struct pg_conn *pc = st->conn;
	if (!st->ran) {
		int rc;
		if (!st->reads && !pc->in_tx && (rc = make_changes(pc)) != 0)
			return rc;
		enum pipe_part at;
		char state[6];
		st->ran = 1;
		st->row = 0;
		PQclear(st->res);
		st->res = NULL;
		param_types(st);
		rc = run_pipelined(st, &at, state);
		if (rc && pc->in_tx && at != P_SAVEPOINT && at != P_DEALLOC)
			undo_savepoint(pc);
		if (rc && !st->text_typed && (at == P_PREPARE || at == P_EXEC) &&
		    (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0 ||
		     strcmp(state, "42725") == 0)) {
			/* a parameter the server cannot give a type (one only tested
			 * for NULL, or the argument of length()): text, as SQLite
			 * would take it; remembered */
			st->text_typed = 1;
			param_types(st);
			rc = run_pipelined(st, &at, state);
			if (rc && pc->in_tx && at != P_SAVEPOINT && at != P_DEALLOC)
				undo_savepoint(pc);
		} else if (rc && at == P_EXEC && strcmp(state, "0A000") == 0 && st->name[0]) {
			/* "cached plan must not change result type": a table it
			 * reads was made again with other columns; prepared anew */
			ch_strv_push(&pc->dealloc, st->name);
			st->name[0] = '\0';
			rc = run_pipelined(st, &at, state);
			if (rc && pc->in_tx && at != P_SAVEPOINT && at != P_DEALLOC)
				undo_savepoint(pc);
		}
		if (rc)
			return rc;
		ExecStatusType s = PQresultStatus(st->res);
		const char *n = PQcmdTuples(st->res);
		if (n && *n)
			pc->changes = strtoll(n, NULL, 10);
		st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		if (st->hidden_returning) {
			if (st->nrows > 0)
				pc->last_id =
				    strtoll(PQgetvalue(st->res, st->nrows - 1, 0), NULL, 10);
			st->nrows = 0;
		}
		if (st->nrows > 0)
			return CH_DB_ROW;
		return CH_DB_DONE;
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		return CH_DB_ROW;
	}
	st->row = st->nrows;
	return CH_DB_DONE;
}

static int pg_reset(void *stmt)
{
	struct pg_stmt *st = stmt;
	PQclear(st->res);
	st->res = NULL;
	st->ran = 0;
	st->nrows = 0;
	st->row = 0;
	return 0;
}

static const char *cell(struct pg_stmt *st, int col)
{
	if (!st->res || st->row >= st->nrows || col >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_column_int64(void *stmt, int col)
{
	const char *v = cell(stmt, col);
	if (!v)
		return 0;
	if (strcmp(v, "t") == 0)
		return 1;
	if (strcmp(v, "f") == 0)
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(void *stmt, int col)
{
	struct pg_stmt *st = stmt;
	const char *v = cell(st, col);
	/* booleans read as text are what SQLite would give: 1 and 0 */
	if (v && PQftype(st->res, col) == 16 /* bool */)
		return strcmp(v, "t") == 0 ? "1" : "0";
	return v;
}

static int pg_column_is_null(void *stmt, int col)
{
	return cell(stmt, col) == NULL;
}

static int pg_column_count(void *stmt)
{
	struct pg_stmt *st = stmt;
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(void *stmt, int col)
{
	struct pg_stmt *st = stmt;
	return st->res ? PQfname(st->res, col) : NULL;
}

static const void *pg_column_blob(void *stmt, int col, size_t *len)
{
	struct pg_stmt *st = stmt;
	const char *v = cell(st, col);
	if (!v || PQftype(st->res, col) != OID_BYTEA)
		return NULL;
	PQfreemem(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)v, len);
	return st->blob ? (const void *)st->blob : "";
}

static int pg_tables(void *impl, ch_strv *out)
{
	struct pg_conn *pc = impl;
	PGresult *r = PQexec(pc->c, "SELECT tablename FROM pg_tables"
	                            " WHERE schemaname = current_schema()");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pg_error(pc, r);
		PQclear(r);
		return rc;
	}
	for (int i = 0; i < PQntuples(r); i++)
		ch_strv_push(out, PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

/* to_regclass looks the name up in the catalogue's caches; a query over
 * pg_class (as pg_tables is) costs a fresh session milliseconds more
 * (docs/performance.md, "PostgreSQL: what every command opens"). */
static int pg_has_table(void *impl, const char *name, int *has)
{
	struct pg_conn *pc = impl;
	const char *p[1] = {name};
	PGresult *r = PQexecParams(pc->c,
	                           "SELECT to_regclass(quote_ident(current_schema()) || '.' ||"
	                           " quote_ident($1)) IS NOT NULL",
	                           1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pg_error(pc, r);
		PQclear(r);
		return rc;
	}
	*has = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return 0;
}

static int pg_defer_checks(void *impl)
{
	return pg_simple(impl, "SET CONSTRAINTS ALL DEFERRED");
}

static int pg_reset_ids(void *impl, const char *table)
{
	struct pg_conn *pc = impl;
	const char *col = ident_column(pc, table);
	if (!col || !*col)
		return 0;
	char *t = PQescapeIdentifier(pc->c, table, strlen(table));
	char *c = PQescapeIdentifier(pc->c, col, strlen(col));
	char *lt = PQescapeLiteral(pc->c, table, strlen(table));
	char *lc = PQescapeLiteral(pc->c, col, strlen(col));
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(
	    &b,
	    "SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max(%s), 0) + 1, false)"
	    " FROM %s",
	    lt, lc, c, t);
	int rc = pg_simple(pc, b.ptr);
	ch_buf_dispose(&b);
	PQfreemem(t);
	PQfreemem(c);
	PQfreemem(lt);
	PQfreemem(lc);
	return rc;
}

static void pg_finalize(void *stmt)
{
	struct pg_stmt *st = stmt;
	if (!st)
		return;
	PQclear(st->res);
	PQfreemem(st->blob);
	for (int i = 0; i < st->nparams; i++)
		free(st->vals[i]);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->types);
	free(st->prep_types);
	free(st->sql);
	/* deallocated on the server with the connection's next statement */
	if (st->name[0])
		ch_strv_push(&st->conn->dealloc, st->name);
	free(st);
}

/* Is SQL a savepoint command (SAVEPOINT, RELEASE, ROLLBACK TO)? It is run
 * bare: under the statement savepoint, releasing that savepoint would
 * take a savepoint just set with it, and rolling back to an earlier one
 * would take the statement savepoint. */
static int savepoint_command(const char *sql)
{
	return strncasecmp(sql, "SAVEPOINT ", 10) == 0 || strncasecmp(sql, "RELEASE ", 8) == 0 ||
	       strncasecmp(sql, "ROLLBACK TO ", 12) == 0;
}

static int pg_exec_script(void *impl, const char *sql)
{
	struct pg_conn *pc = impl;
	if (pc->in_tx && savepoint_command(sql))
		return pg_simple(pc, sql);
	int rc = pc->in_tx ? pg_simple(pc, "SAVEPOINT ch_stmt") : make_changes(pc);
	if (rc)
		return rc;
	rc = pg_simple(pc, sql);
	if (rc && pc->in_tx)
		undo_savepoint(pc);
	else if (pc->in_tx)
		rc = pg_simple(pc, "RELEASE SAVEPOINT ch_stmt");
	if (rc == 0 && pc->hook)
		rc = drain_changes(pc);
	return rc;
}

/* The key of the advisory lock every write transaction takes: one writer
 * at a time, as SQLite's BEGIN IMMEDIATE ("cleanheat" in ASCII). */
#define WRITE_LOCK_KEY "7162738192837465"

static int pg_begin(void *impl, int read)
{
	struct pg_conn *pc = impl;
	pc->conflicted = 0;
	int rc = read ? 0 : make_changes(pc);
	if (rc)
		return rc;
	/* with a change hook, the notes heard before go (see DRAIN_SQL) */
	rc = pg_simple(pc, read ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
	                   : pc->changes_made
	                       ? "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY
	                         "); DELETE FROM pg_temp.ch_changes"
	                       : "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")");
	if (rc) {
		pg_simple(pc, "ROLLBACK");
		return rc;
	}
	pc->in_tx = 1;
	return 0;
}

static int pg_commit(void *impl)
{
	struct pg_conn *pc = impl;
	pc->in_tx = 0;
	return pg_simple(pc, "COMMIT");
}

static int pg_rollback(void *impl)
{
	struct pg_conn *pc = impl;
	pc->in_tx = 0;
	return pg_simple(pc, "ROLLBACK");
}

static int pg_conflicted(void *impl)
{
	return ((struct pg_conn *)impl)->conflicted;
}

static int64_t pg_last_id(void *impl)
{
	return ((struct pg_conn *)impl)->last_id;
}

static int64_t pg_changes(void *impl)
{
	return ((struct pg_conn *)impl)->changes;
}

static const char *pg_file(void *impl)
{
	(void)impl;
	return "";
}

static int pg_backup(void *impl, const char *path)
{
	(void)impl;
	return ch_error_set(
	    CH_EINVALID,
	    "PostgreSQL 数据库不能备份到文件「%s」：请用 pg_dump 备份，或用 db copy "
	    "复制到另一个数据库",
	    path);
}

static int pg_restore(void *impl, const char *path)
{
	(void)impl;
	return ch_error_set(CH_EINVALID,
	                    "PostgreSQL 数据库不能从文件「%s」恢复：请用 pg_restore，或用 db copy",
	                    path);
}

static int pg_check_file(const char *path, int64_t *schema_version)
{
	(void)schema_version;
	return ch_error_set(CH_EINVALID, "「%s」：PostgreSQL 数据库没有文件可检查", path);
}

static void pg_change_hook(void *impl, ch_db_change_fn fn, void *arg)
{
	struct pg_conn *pc = impl;
	/* the table the notes go to is made on the first write (make_changes) */
	pc->hook = fn;
	pc->hook_arg = arg;
}

static int pg_temp_table(void *impl, const char *name, const char *definition)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s (%s)", name, definition);
	int rc = pg_simple(impl, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

static int pg_table_grew(void *impl, const char *table)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "ANALYZE %s", table);
	int rc = pg_simple(impl, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

/* Scratch tables are temporary tables, emptied by TRUNCATE: a DELETE
 * would leave its dead rows in the table's file, which no autovacuum
 * visits, so a connection's every import would make it larger. */
static int pg_scratch_table(void *impl, const char *name, const char *definition)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s (%s); TRUNCATE %s", name, definition,
	              name);
	int rc = pg_simple(impl, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

static int pg_scratch_clear(void *impl, const char *const *names, size_t n)
{
	if (n == 0)
		return 0;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "TRUNCATE ");
	for (size_t i = 0; i < n; i++)
		ch_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	int rc = pg_simple(impl, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

static int pg_note_deletes(void *impl, const char *table, const char *key, const char *note_table,
                           int value)
{
	/* ch_note_rows reports a deleted row of TABLE as a change of the row
	 * it belongs to, through the change hook (see the top of this file) */
	(void)impl;
	(void)table;
	(void)key;
	(void)note_table;
	(void)value;
	return 0;
}

/* ---- bulk loading: COPY ... FROM STDIN ---- */

/* Rows are sent in one COPY once this many bytes of them are waiting. */
#define LOAD_CHUNK (1u << 20)

struct pg_load {
	struct pg_conn *pc;
	char *copy_sql; /* COPY table (cols) FROM STDIN */
	int ncols;
	ch_buf data;       /* rows not yet sent, in COPY's text format */
	int64_t rows;      /* rows given */
	int64_t sent_rows; /* of which sent (data holds the rest) */
};

/* NAME as an identifier, each part of "schema.name" quoted on its own. */
static int quote_ident(PGconn *c, ch_buf *b, const char *name)
{
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, ".");
		char *q = PQescapeIdentifier(c, p, n);
		if (!q)
			return ch_error_set(CH_ERROR, "database: %s", PQerrorMessage(c));
		ch_buf_puts(b, q);
		PQfreemem(q);
		p += n;
		if (*p == '.') {
			ch_buf_putc(b, '.');
			p++;
		}
	}
	return 0;
}

static int pg_load_begin(void *impl, const char *table, const char *const *cols, int ncols,
                         void **out)
{
	struct pg_conn *pc = impl;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "COPY ");
	int rc = quote_ident(pc->c, &b, table);
	for (int i = 0; i < ncols && rc == 0; i++) {
		ch_buf_puts(&b, i ? ", " : " (");
		rc = quote_ident(pc->c, &b, cols[i]);
	}
	if (rc) {
		ch_buf_dispose(&b);
		return rc;
	}
	ch_buf_puts(&b, ") FROM STDIN");
	struct pg_load *l = ch_calloc(1, sizeof *l);
	l->pc = pc;
	l->ncols = ncols;
	l->copy_sql = ch_buf_detach(&b);
	ch_buf_init(&l->data);
	*out = l;
	return 0;
}

/* Sends the waiting rows in one COPY, under the statement savepoint in a
 * transaction (a failed COPY undoes only itself); an error names the row
 * of the load. */
static int load_flush(struct pg_load *l)
{
	struct pg_conn *pc = l->pc;
	PGconn *c = pc->c;
	if (!l->data.len)
		return 0;
	int rc = pc->in_tx ? pg_simple(pc, "SAVEPOINT ch_stmt") : make_changes(pc);
	if (rc)
		return rc;
	PGresult *r = PQexec(c, l->copy_sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_error(pc, r);
		PQclear(r);
		if (pc->in_tx)
			undo_savepoint(pc);
		return rc;
	}
	PQclear(r);
	if (PQputCopyData(c, l->data.ptr, (int)l->data.len) != 1 || PQputCopyEnd(c, NULL) != 1)
		rc = ch_error_set(CH_ERROR, "database: %s", PQerrorMessage(c));
	while ((r = PQgetResult(c)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = pg_error(pc, r);
			/* "COPY t, line 3, column c: ..." names the row within this COPY */
			const char *ctx = PQresultErrorField(r, PG_DIAG_CONTEXT);
			const char *line = ctx ? strstr(ctx, "line ") : NULL;
			if (line)
				ch_error_prefix(
				    "载入的第 %lld 行：",
				    (long long)(l->sent_rows + strtoll(line + 5, NULL, 10)));
		} else if (rc == 0) {
			const char *n = PQcmdTuples(r);
			if (n && *n)
				pc->changes = strtoll(n, NULL, 10);
		}
		PQclear(r);
	}
	if (rc) {
		if (pc->in_tx)
			undo_savepoint(pc);
		return rc;
	}
	l->sent_rows = l->rows;
	ch_buf_clear(&l->data);
	if (pc->in_tx && (rc = pg_simple(pc, "RELEASE SAVEPOINT ch_stmt")) != 0)
		return rc;
	return pc->hook ? drain_changes(pc) : 0;
}

static int pg_load_row(void *load, const char *const *vals)
{
	struct pg_load *l = load;
	ch_buf *b = &l->data;
	for (int i = 0; i < l->ncols; i++) {
		if (i)
			ch_buf_putc(b, '\t');
		if (!vals[i]) {
			ch_buf_puts(b, "\\N");
			continue;
		}
		/* text format: a backslash, tab, newline or carriage return would
		 * end the value or the row, so each is escaped */
		const char *p = vals[i];
		while (*p) {
			size_t run = strcspn(p, "\\\t\n\r");
			ch_buf_put(b, p, run);
			p += run;
			if (!*p)
				break;
			ch_buf_puts(b, *p == '\\'   ? "\\\\"
			               : *p == '\t' ? "\\t"
			               : *p == '\n' ? "\\n"
			                            : "\\r");
			p++;
		}
	}
	ch_buf_putc(b, '\n');
	l->rows++;
	return l->data.len >= LOAD_CHUNK ? load_flush(l) : 0;
}

static void pg_load_cancel(void *load)
{
	struct pg_load *l = load;
	if (!l)
		return;
	ch_buf_dispose(&l->data);
	free(l->copy_sql);
	free(l);
}

static int pg_load_end(void *load)
{
	int rc = load_flush(load);
	pg_load_cancel(load);
	return rc;
}

/* One LIKE per string, its % _ and \\ escaped: the GIN index of the
 * search view's doc (pg_trgm) answers each from the string's trigrams. */
static int pg_text_match(const char *table, const char *const *alt, size_t n, int param,
                         ch_buf *sql, ch_strv *values)
{
	ch_buf_printf(sql, "SELECT id FROM %s WHERE", table);
	for (size_t k = 0; k < n; k++) {
		ch_buf v;
		ch_buf_init(&v);
		ch_buf_putc(&v, '%');
		for (const char *p = alt[k]; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				ch_buf_putc(&v, '\\');
			ch_buf_putc(&v, *p);
		}
		ch_buf_putc(&v, '%');
		ch_buf_printf(sql, "%s doc LIKE ?%d", k ? " OR" : "", param + (int)k);
		ch_strv_push_owned(values, ch_buf_detach(&v));
	}
	return 0;
}

const struct ch_db_driver ch_db_pg_driver = {
    .name = "postgresql",
    .version = CH_DB_DRIVER_VERSION,
    .dialect = "pg",
    .accepts = pg_accepts,
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_is_null = pg_column_is_null,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_blob = pg_column_blob,
    .finalize = pg_finalize,
    .tables = pg_tables,
    .has_table = pg_has_table,
    .defer_checks = pg_defer_checks,
    .reset_ids = pg_reset_ids,
    .deferrable_indexes = NULL, /* loads keep every index (ch_db_deferrable_indexes) */
    .large_tx = NULL,
    .large_append = NULL,
    .large_sort = NULL,
    .index_builds = NULL,
    .scratch_table = pg_scratch_table,
    .scratch_clear = pg_scratch_clear,
    .temp_table = pg_temp_table,
    .table_grew = pg_table_grew,
    .note_deletes = pg_note_deletes,
    .json =
        {
            [CH_DB_JSON_ARRAY] = {"ch_json_min(json_build_array(", "))"},
            [CH_DB_JSON_INNER_ARRAY] = {"json_build_array(", ")"},
            [CH_DB_JSON_GROUP_ARRAY] = {"coalesce(json_agg(", "), '[]'::json)"},
            [CH_DB_JSON_EMBED] = {"(", ")"},
        },
    .fn = {[CH_DB_FN_INSTR] = "strpos", [CH_DB_FN_GROUP_CONCAT] = "string_agg"},
    .indexed_by = NULL,
    .bulk = {[CH_DB_BULK_UPDATE] = "UPDATE", [CH_DB_BULK_INSERT] = "INSERT"},
    .text_match = pg_text_match,
    .text_index = NULL, /* the search view's index follows household (ch_db_text_index) */
    .exec_script = pg_exec_script,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .last_id = pg_last_id,
    .changes = pg_changes,
    .file = pg_file,
    .backup = pg_backup,
    .restore = pg_restore,
    .check_file = pg_check_file,
    .change_hook = pg_change_hook,
    .conflicted = pg_conflicted,
    .load_begin = pg_load_begin,
    .load_row = pg_load_row,
    .load_end = pg_load_end,
    .load_cancel = pg_load_cancel,
};

/* ---- libpq, loaded when the program first connects to PostgreSQL, not
 * when it starts. libpq brings libssl, libcrypto, Kerberos and LDAP with
 * it: loading and relocating them cost a third of a short command's
 * instructions (report dispatch, docs/performance.md), also on SQLite,
 * where none of it is used. The program is linked with these functions
 * instead of libpq (a unit test that links libpq too still calls these,
 * which its own definitions come before): each loads libpq.so.5 once and
 * calls the function of the same name there.
 *
 * The list below is every libpq function this file calls; a new one must
 * be added here (the link of the program names it until then).
 * When libpq cannot be loaded, PQconnectdb gives no connection and
 * PQerrorMessage says why, as libpq itself does when it cannot connect.
 */

#define PQ_FUNCS(X)                                                                                \
	X(PQclear)                                                                                 \
	X(PQcmdStatus)                                                                             \
	X(PQcmdTuples)                                                                             \
	X(PQconnectdb)                                                                             \
	X(PQdb)                                                                                    \
	X(PQenterPipelineMode)                                                                     \
	X(PQerrorMessage)                                                                          \
	X(PQescapeIdentifier)                                                                      \
	X(PQescapeLiteral)                                                                         \
	X(PQexec)                                                                                  \
	X(PQexecParams)                                                                            \
	X(PQexitPipelineMode)                                                                      \
	X(PQfinish)                                                                                \
	X(PQfname)                                                                                 \
	X(PQfreemem)                                                                               \
	X(PQftype)                                                                                 \
	X(PQgetResult)                                                                             \
	X(PQgetisnull)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQnfields)                                                                               \
	X(PQntuples)                                                                               \
	X(PQpipelineSync)                                                                          \
	X(PQputCopyData)                                                                           \
	X(PQputCopyEnd)                                                                            \
	X(PQresultErrorField)                                                                      \
	X(PQresultStatus)                                                                          \
	X(PQsendPrepare)                                                                           \
	X(PQsendQueryParams)                                                                       \
	X(PQsendQueryPrepared)                                                                     \
	X(PQserverVersion)                                                                         \
	X(PQstatus)                                                                                \
	X(PQunescapeBytea)

static struct {
#define PQ_PTR(name) __typeof__(name) *p_##name;
	PQ_FUNCS(PQ_PTR)
#undef PQ_PTR
} pq;

/* The functions' names, and where each goes. */
#define PQ_NAME(name) #name,
#define PQ_ADDR(name) (void **)&pq.p_##name,
static const char *const pq_names[] = {PQ_FUNCS(PQ_NAME)};
static void **const pq_addrs[] = {PQ_FUNCS(PQ_ADDR)};

/* What PQerrorMessage says when libpq could not be loaded. */
static char load_failed[512];

static void pq_tried(const struct ch_dl_once *set)
{
	if (set->rc != 0)
		snprintf(load_failed, sizeof load_failed, "无法加载 PostgreSQL 客户端库：%s\n",
		         set->why);
}

static const char *const pq_lib[] = {"libpq.so.5"};
static struct ch_dl_once libpq = CH_DL_ONCE_INIT(pq_lib, pq_names, pq_addrs, pq_tried);

/* A function returning TYPE, with PARAMS, calling libpq's with ARGS; FALLBACK
 * when libpq is not there. */
#define PQ_FN(type, name, params, args, fallback)                                                  \
	type name params                                                                           \
	{                                                                                          \
		return ch_dl_once(&libpq) == 0 ? pq.p_##name args : fallback;                      \
	}
#define PQ_VOID(name, params, args)                                                                \
	void name params                                                                           \
	{                                                                                          \
		if (ch_dl_once(&libpq) == 0)                                                       \
			pq.p_##name args;                                                          \
	}

PQ_FN(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)
PQ_VOID(PQfinish, (PGconn * conn), (conn))
PQ_FN(char *, PQdb, (const PGconn *conn), (conn), NULL)
PQ_FN(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD)
PQ_FN(int, PQserverVersion, (const PGconn *conn), (conn), 0)
PQ_FN(char *, PQerrorMessage, (const PGconn *conn), (conn), load_failed)
PQ_FN(PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query), NULL)
PQ_FN(PGresult *, PQexecParams,
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,
       const char *const *paramValues, const int *paramLengths, const int *paramFormats,
       int resultFormat),
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat),
      NULL)
PQ_FN(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR)
PQ_FN(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode), NULL)
PQ_FN(int, PQntuples, (const PGresult *res), (res), 0)
PQ_FN(int, PQnfields, (const PGresult *res), (res), 0)
PQ_FN(char *, PQfname, (const PGresult *res, int field_num), (res, field_num), NULL)
PQ_FN(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num), 0)
PQ_FN(char *, PQcmdStatus, (PGresult * res), (res), NULL)
PQ_FN(char *, PQcmdTuples, (PGresult * res), (res), NULL)
PQ_FN(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),
      (res, tup_num, field_num), NULL)
PQ_FN(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),
      (res, tup_num, field_num), 1)
PQ_VOID(PQclear, (PGresult * res), (res))
PQ_VOID(PQfreemem, (void *ptr), (ptr))
PQ_FN(char *, PQescapeLiteral, (PGconn * conn, const char *str, size_t len), (conn, str, len), NULL)
PQ_FN(char *, PQescapeIdentifier, (PGconn * conn, const char *str, size_t len), (conn, str, len),
      NULL)
PQ_FN(unsigned char *, PQunescapeBytea, (const unsigned char *strtext, size_t *retbuflength),
      (strtext, retbuflength), NULL)
PQ_FN(int, PQsendQueryParams,
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,
       const char *const *paramValues, const int *paramLengths, const int *paramFormats,
       int resultFormat),
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat),
      0)
PQ_FN(int, PQsendPrepare,
      (PGconn * conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes),
      (conn, stmtName, query, nParams, paramTypes), 0)
PQ_FN(int, PQsendQueryPrepared,
      (PGconn * conn, const char *stmtName, int nParams, const char *const *paramValues,
       const int *paramLengths, const int *paramFormats, int resultFormat),
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat), 0)
PQ_FN(PGresult *, PQgetResult, (PGconn * conn), (conn), NULL)
PQ_FN(int, PQenterPipelineMode, (PGconn * conn), (conn), 0)
PQ_FN(int, PQexitPipelineMode, (PGconn * conn), (conn), 0)
PQ_FN(int, PQpipelineSync, (PGconn * conn), (conn), 0)
PQ_FN(int, PQputCopyData, (PGconn * conn, const char *buffer, int nbytes), (conn, buffer, nbytes),
      -1)
PQ_FN(int, PQputCopyEnd, (PGconn * conn, const char *errormsg), (conn, errormsg), -1)
