/*
 * lazy_pq — libpq loaded when the program first connects to PostgreSQL,
 * not when it starts. libpq brings libssl, libcrypto, Kerberos and LDAP
 * with it: loading and relocating them cost a third of a short command's
 * instructions (report dispatch, docs/performance.md), also on SQLite,
 * where none of it is used. The program (not the unit tests, which link
 * libpq itself) is linked with these functions instead of libpq: each
 * loads libpq.so.5 once and calls the function of the same name there.
 *
 * The list below is every libpq function src/db/db_pg.c calls; a new one
 * there must be added here (the link of the program names it until then).
 * When libpq cannot be loaded, PQconnectdb gives no connection and
 * PQerrorMessage says why, as libpq itself does when it cannot connect.
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>

#include "util/dl.h"

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

/* Why libpq could not be loaded ("" when it was), set once. */
static char load_failed[512];

static void load(void)
{
	static const char *const lib[] = {"libpq.so.5"};
	char why[400];
	if (ch_dl_load(lib, 1, pq_names, pq_addrs, sizeof pq_names / sizeof pq_names[0], why,
	               sizeof why) != 0)
		snprintf(load_failed, sizeof load_failed, "无法加载 PostgreSQL 客户端库：%s\n",
		         why);
}

/* 1 when libpq is loaded (loading it the first time). */
static int loaded(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	return !load_failed[0];
}

/* A function returning TYPE, with PARAMS, calling libpq's with ARGS; FALLBACK
 * when libpq is not there. */
#define PQ_FN(type, name, params, args, fallback)                                                  \
	type name params                                                                           \
	{                                                                                          \
		return loaded() ? pq.p_##name args : fallback;                                     \
	}
#define PQ_VOID(name, params, args)                                                                \
	void name params                                                                           \
	{                                                                                          \
		if (loaded())                                                                      \
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
