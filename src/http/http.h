/*
 * http — what the HTTP front end's files share: a request as the router sees
 * it, the answer it builds, and the server's settings.
 *
 * server.c (the only file that includes microhttpd.h) turns each HTTP
 * exchange into a struct http_request, with the body already read under the
 * route's size limit, uploads already saved to private temporary files and
 * form fields decoded, and hands it to http_handle (router.c). The router
 * authenticates, checks CSRF and permission, runs the operation and fills a
 * struct http_response, which server.c sends with the security headers.
 */
#ifndef CH_HTTP_HTTP_H
#define CH_HTTP_HTTP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct http_kv {
	char *name;
	char *value;
};

/* A file field of a multipart/form-data body, saved to disk. */
struct http_upload {
	char *field;    /* the form field's name ("file") */
	char *filename; /* what the client called it (never used as a path) */
	char *path;     /* the private temporary file holding it */
	size_t size;
};

struct http_request {
	const char *method; /* "GET", "POST", "DELETE", ... */
	const char *path;   /* "/api/households", without the query */
	struct http_kv *query;
	size_t nquery;
	struct http_kv *form; /* urlencoded or multipart text fields */
	size_t nform;
	struct http_upload *uploads;
	size_t nuploads;
	const char *body; /* the raw body of a JSON request (NUL-terminated) */
	size_t body_len;
	const char *content_type;
	const char *cookie;
	const char *authorization;
	const char *csrf;            /* X-CSRF-Token */
	const char *totp;            /* X-TOTP-Code: a one-time code to re-authenticate */
	const char *if_none_match;   /* If-None-Match */
	const char *accept_encoding; /* Accept-Encoding */
	char client[64];             /* the client's address */
	int tls;                     /* 1 when the connection is HTTPS */
};

struct http_response {
	int status;
	const char *content_type; /* static */
	ch_buf body;
	int body_fd;             /* >= 0: the body is this file instead (http_response_file) */
	uint64_t body_fd_len;    /* its size */
	struct http_kv *headers; /* extra headers (Set-Cookie, ETag, ...) */
	size_t nheaders;
	int personal;  /* 1: holds personal data, never cached */
	char user[64]; /* who asked, for the log line ("" when nobody) */
};

/* The server's settings, from `cleanheat serve`'s options. */
struct http_config {
	const char *db_url;
	const char *listen;   /* "127.0.0.1:8080" */
	const char *tls_cert; /* PEM files, or NULL for plain HTTP */
	const char *tls_key;
	int insecure_http;        /* allow plain HTTP on a non-loopback address */
	unsigned workers;         /* threads; 0: the number of processors */
	size_t upload_limit;      /* bytes an import may upload (default 50 MB) */
	unsigned max_connections; /* in total */
	unsigned max_per_client;  /* from one address */
	unsigned timeout_s;       /* a connection idle this long is dropped */
	long session_idle;        /* seconds a session lives unused; 0: default */
	const char *web_root;     /* serve the pages from this directory; NULL:
	                             the files compiled into the program */
};

/* Starts the server with CFG and serves until SIGINT or SIGTERM; requests
 * in flight finish first. Returns 0, or a ch_err with a message. */
int http_serve(const struct http_config *cfg);

/* ---- router.c ---- */

/* Prepares the router for CFG (called once before the first request). */
int http_router_init(const struct http_config *cfg);
/* Releases what the router holds: its cache, the downloads and their
 * directory, and the calling thread's database context. */
void http_router_dispose(void);
/* The most text a request may hold in memory (a JSON body, the text fields
 * of a form), in bytes; only uploaded files may be larger. */
#define HTTP_TEXT_LIMIT (64u * 1024)
/* The most a request to METHOD PATH, its body of CONTENT_TYPE (NULL when
 * none is given), may carry in its body, in bytes: the route's limit for a
 * multipart form, whose files go to disk; for any other body no more than
 * HTTP_TEXT_LIMIT; 0 when no route has METHOD PATH. */
size_t http_body_limit(const char *method, const char *path, const char *content_type);
/* Answers REQ into RESP (initialised by the caller with http_response_init). */
void http_handle(const struct http_request *req, struct http_response *resp);

void http_response_init(struct http_response *resp);
void http_response_dispose(struct http_response *resp);
/* Adds header NAME: VALUE to RESP. */
void http_response_header(struct http_response *resp, const char *name, const char *value);
/* Makes the file FD (open for reading) RESP's body, from its start: more
 * than HTTP_BODY_IN_MEMORY bytes of it are sent from the file as the
 * client takes them, so that a large download does not sit in memory
 * (server.c closes FD when it is sent, http_response_dispose when it is
 * not); a smaller file is read into the body and FD closed. RESP keeps FD
 * in either case. 0, or CH_ERROR when FD cannot be read. */
#define HTTP_BODY_IN_MEMORY ((uint64_t)1 << 20)
int http_response_file(struct http_response *resp, int fd);
/* A JSON error answer {"error": {"code", "message", "field"?}} for ch_err
 * CODE with MESSAGE; the status and code come from the error table. */
void http_response_error(struct http_response *resp, int code, const char *message,
                         const char *field);
/* The same with an HTTP STATUS and JSON CODE of the protocol's own (401,
 * 413, 415, 429) that no ch_err has. */
void http_response_fail(struct http_response *resp, int status, const char *code,
                        const char *message, const char *field);

/* ---- static.c ---- */

/* Prepares the pages for serving: from directory ROOT when not NULL (its
 * files read on each request), else the compiled-in ones. CH_EUSAGE when
 * ROOT is not a directory. */
int http_static_init(const char *root);
void http_static_dispose(void);
/* Answers REQ, a path outside /api/, with a page of the dashboard: `/` is
 * index.html; a name outside the set is 404, a method but GET or HEAD 405. */
void http_static(const struct http_request *req, struct http_response *resp);

/* Decodes each %HH of S in place, as libmicrohttpd would, except %00: a
 * NUL byte would cut the path or a value short where the router reads it,
 * so "%00" stays as it is (and is refused as the text it is). Returns the
 * new length. */
size_t http_unescape(char *s);
/* ---- the server's log (standard error; the format is documented in
 * docs/operations.md) ----
 * Every line starts with the time in UTC and a field for the user:
 *   TIME USER METHOD PATH STATUS BYTES DURATIONms   (one per request)
 *   TIME - EVENT MESSAGE                             (start, stop, busy,
 *                                                     error, auth, warn, mhd)
 * Fields are separated by one space; what a client sent is escaped so that
 * no request can forge or split a line. */

/* S made fit for one line of the log into OUT (N bytes): control bytes
 * and backslashes as \xHH, cut with "..." when it does not fit, so that a
 * client cannot forge or split log lines. Returns OUT. */
const char *http_log_text(char *out, size_t n, const char *s);
/* As http_log_text for one field of a line: spaces as \x20 too, and "-"
 * for an empty or NULL S. */
const char *http_log_word(char *out, size_t n, const char *s);
/* The log's time stamp, "2026-12-03T06:37:55Z", into OUT. */
void http_log_time(char *out, size_t n);
/* Writes LEN bytes of LINE (ending in a newline) to the log in one write. */
void http_log_write(const char *line, size_t len);
/* Writes the line "TIME - EVENT MESSAGE", MESSAGE formatted from FMT and
 * escaped as http_log_text (a trailing newline dropped). */
void http_log_event(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void http_log_eventv(const char *event, const char *fmt, va_list ap);

/* Frees N pairs of KV, their names and values (all allocated). */
void http_kv_free(struct http_kv *kv, size_t n);
/* The value of NAME among N pairs of KV, or NULL. */
const char *http_kv_get(const struct http_kv *kv, size_t n, const char *name);

#endif
