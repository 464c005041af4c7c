/*
 * router — answering one HTTP request (see http.h).
 *
 * The router, not the operations, does what every route needs, so no route
 * can forget it: it finds the route, authenticates the caller (a session
 * cookie, or a bearer token for scripts), demands the CSRF token on every
 * change made with a cookie, checks the operation's permission, reads the
 * parameters from the query, a JSON object or a multipart form by the same
 * specs the command line uses (an unknown field, a wrong type or a missing
 * one is a 400), runs the operation as the signed-in user and renders its
 * result as JSON, CSV or XLSX. Errors are JSON everywhere, from the one
 * error table that also gives the command line its exit status.
 *
 * Each worker thread keeps one open database context and acts for each
 * request's user in turn; its connection is one of many
 * (ch_db_one_of_many: SQLite reads it without the file's mapping, which
 * each transaction after another worker's commit would drop and make
 * again). Concurrent requests of an operation flagged
 * CH_OP_GROUP are committed together (group commit, see group_call). Answers of aggregate reports
 * are kept by the data's version (the newest audit entry: every write appends one) and answer
 * If-None-Match with 304 while nothing changed. Paths outside /api/ are the web pages (static.c).
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/ops.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/ctx.h"
#include "core/user.h"
#include "db/db.h"
#include "http/downloads.h"
#include "http/http.h"
#include "http/routes.h"
#include "core/store.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/text.h"

#define VERSION "0.1.0"
#define COOKIE  "cleanheat_session"

static struct http_config config;
static struct ch_auth_limits limits;
static pthread_key_t ctx_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* ---- responses ---- */

void http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
	resp->status = 200;
	resp->content_type = "application/json; charset=utf-8";
	ch_buf_init(&resp->body);
	resp->body_fd = -1;
}

int http_response_file(struct http_response *resp, int fd)
{
	struct stat st;
	ch_buf_clear(&resp->body);
	if (resp->body_fd >= 0)
		close(resp->body_fd);
	resp->body_fd = -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return ch_error_set(CH_ERROR, "cannot read the file to answer with: %s",
		                    strerror(errno));
	}
	uint64_t len = (uint64_t)st.st_size;
	if (len > HTTP_BODY_IN_MEMORY) {
		resp->body_fd = fd;
		resp->body_fd_len = len;
		return 0;
	}
	int rc = ch_fd_append(&resp->body, fd, (size_t)len);
	if (rc != 0)
		rc = ch_error_set(CH_ERROR, "cannot read the file to answer with: %s",
		                  strerror(errno));
	close(fd);
	return rc;
}

void http_response_dispose(struct http_response *resp)
{
	for (size_t i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	ch_buf_dispose(&resp->body);
	if (resp->body_fd >= 0)
		close(resp->body_fd);
	resp->body_fd = -1;
}

void http_response_header(struct http_response *resp, const char *name, const char *value)
{
	resp->headers = ch_realloc(resp->headers, (resp->nheaders + 1) * sizeof *resp->headers);
	resp->headers[resp->nheaders].name = ch_strdup(name);
	resp->headers[resp->nheaders].value = ch_strdup(value);
	resp->nheaders++;
}

void http_kv_free(struct http_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].name);
		free(kv[i].value);
	}
	free(kv);
}

const char *http_kv_get(const struct http_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0)
			return kv[i].value;
	return NULL;
}

static int write_body(const char *s, size_t len, void *data)
{
	ch_buf_put(data, s, len);
	return 0;
}

/* The answer J (its reference taken), with the problems of the N lists
 * LISTS written as the array of J's key KEY, which J holds empty at
 * nesting DEPTH. They are written one at a time (ch_problems_write_json):
 * made a tree of jansson values, the 150,000 problems of a 38 MB upload
 * with a fault on every row took the server to 237 MiB, against 72 MiB
 * written this way (docs/performance.md). The empty array is found by its
 * text: only the document's structure puts a newline in it (a string's is
 * "\n"), followed by its depth's blanks, and KEY is once in its object. */
static void set_json_with(struct http_response *resp, int status, json_t *j, const char *key,
                          size_t depth, const ch_problems *const *lists, size_t n)
{
	const size_t flags = JSON_INDENT(1) | JSON_PRESERVE_ORDER;
	ch_buf_clear(&resp->body);
	if (!j || json_dump_callback(j, write_body, &resp->body, flags) != 0) {
		/* jansson refused a value: never an empty or broken answer */
		status = 500;
		ch_buf_clear(&resp->body);
		ch_buf_puts(&resp->body, "{\"error\": {\"code\": \"internal\", \"message\": "
		                         "\"internal error\"}}");
	} else if (key) {
		char mark[64];
		int k = snprintf(mark, sizeof mark, "\n%*s\"%s\": []",
		                 (int)(depth * (flags & JSON_MAX_INDENT)), "", key);
		char *at = k > 0 && (size_t)k < sizeof mark ? strstr(resp->body.ptr, mark) : NULL;
		if (at) {
			size_t cut = (size_t)(at - resp->body.ptr) + (size_t)k - 2;
			char *rest = ch_strdup(resp->body.ptr + cut + 2);
			resp->body.len = cut;
			resp->body.ptr[cut] = '\0';
			ch_problems_write_json(lists, n, flags, depth, write_body, &resp->body);
			ch_buf_puts(&resp->body, rest);
			free(rest);
		}
	}
	ch_buf_putc(&resp->body, '\n');
	json_decref(j);
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
}

static void set_json(struct http_response *resp, int status, json_t *j)
{
	set_json_with(resp, status, j, NULL, 0, NULL, 0);
}

/* A copy of S in which each byte that does not belong to valid UTF-8 is
 * U+FFFD: JSON holds only UTF-8, and messages may quote what a client sent. */
static char *utf8_clean(const char *s)
{
	size_t len = strlen(s), i = 0;
	ch_buf b;
	ch_buf_init(&b);
	while (i < len) {
		size_t ok = ch_utf8_valid_prefix(s + i, len - i, NULL);
		ch_buf_put(&b, s + i, ok);
		i += ok;
		if (i < len) {
			ch_buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		}
	}
	return ch_buf_detach(&b);
}

void http_response_fail(struct http_response *resp, int status, const char *code,
                        const char *message, const char *field)
{
	char *m = utf8_clean(message ? message : code);
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", m);
	if (e && field) {
		char *f = utf8_clean(field);
		json_object_set_new(e, "field", json_string(f));
		free(f);
	}
	free(m);
	set_json(resp, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

size_t http_unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		int hi = r[0] == '%' ? ch_hex_digit(r[1]) : -1;
		int lo = hi >= 0 ? ch_hex_digit(r[2]) : -1;
		if (lo >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* S escaped into OUT (N bytes): control bytes, DEL and backslashes as \xHH,
 * spaces too when SPACES, cut with "..." when it does not fit. */
static const char *log_escape(char *out, size_t n, const char *s, int spaces)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		int plain = *p >= 0x20 && *p != 0x7f && *p != '\\' && !(spaces && *p == ' ');
		/* what this byte takes, and room left for "..." and the NUL */
		if (o + (plain ? 1 : 4) + 4 > n) {
			if (o + 4 <= n) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	if (n)
		out[o < n ? o : n - 1] = '\0';
	return out;
}

const char *http_log_text(char *out, size_t n, const char *s)
{
	return log_escape(out, n, s, 0);
}

const char *http_log_word(char *out, size_t n, const char *s)
{
	return log_escape(out, n, s && *s ? s : "-", 1);
}

void http_log_time(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void http_log_write(const char *line, size_t len)
{
	/* one write(2) of the whole line: no lock on stderr for the workers to
	 * queue at, and lines of two threads never interleave */
	if (write(STDERR_FILENO, line, len) < 0) {
		/* nowhere to report that the log cannot be written */
	}
}

void http_log_eventv(const char *event, const char *fmt, va_list ap)
{
	char msg[1024], esc[1024], now[32], line[1200];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	http_log_time(now, sizeof now);
	int n = snprintf(line, sizeof line - 1, "%s - %s %s", now, event,
	                 http_log_text(esc, sizeof esc, msg));
	size_t nl = n < 0 ? 0 : (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
	line[nl++] = '\n';
	http_log_write(line, nl);
}

void http_log_event(const char *event, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	http_log_eventv(event, fmt, ap);
	va_end(ap);
}

void http_response_error(struct http_response *resp, int code, const char *message,
                         const char *field)
{
	int status = ch_err_http_status(code);
	if (code == CH_EBUSY) {
		/* another write held the database past the wait: nothing was done,
		 * and the same request may be sent again once that wait has passed */
		char after[16];
		snprintf(after, sizeof after, "%d", ch_busy_wait() > 0 ? ch_busy_wait() : 1);
		http_response_header(resp, "Retry-After", after);
		http_log_event("busy", "%s", message);
	} else if (status >= 500) {
		/* the detail of an internal error goes to the log, not to the client */
		http_log_event("error", "internal error: %s", message);
		message = "internal error";
	}
	http_response_fail(resp, status, ch_err_json_code(code), message, field);
}

/* The current error as the answer. */
static void fail_current(struct http_response *resp, int rc)
{
	http_response_error(resp, rc, ch_error_message(), ch_error_field());
	ch_error_clear();
}

/* ---- the worker ---- */

/* What each worker thread keeps: its context, and who the last bearer token
 * it checked belonged to. Looking a token up and loading its user reads the
 * token, the user and the user's scope, and depends on the clock only by
 * the second (expiry); every change to those rows is a write, and every
 * write appends an audit entry. So within the same second and the same data
 * version (the newest audit entry) the lookup would answer the same, and a
 * script's run of requests costs one read of the version each. */
struct worker {
	ch_ctx *ctx;
	char token_hash[CH_HASH_HEX_LEN + 1]; /* "" when nothing is remembered */
	int64_t at;                           /* the second it was checked in */
	int64_t version;                      /* the data's version then */
	ch_user user;                         /* whom it named */
};

static void free_worker(void *p)
{
	struct worker *w = p;
	ch_user_dispose(&w->user);
	ch_ctx_free(w->ctx);
	free(w);
}

static void make_key(void)
{
	pthread_key_create(&ctx_key, free_worker);
}

/* This thread's worker, its context with nobody acting, opened on first
 * use. */
static int thread_worker(struct worker **out)
{
	pthread_once(&key_once, make_key);
	struct worker *w = pthread_getspecific(ctx_key);
	if (!w) {
		ch_ctx *ctx;
		int rc = ch_ctx_open_anonymous(&ctx, config.db_url);
		if (rc == 0 && (rc = ch_db_one_of_many(ch_ctx_db(ctx))) != 0)
			ch_ctx_free(ctx);
		if (rc)
			return rc;
		ch_op_prepare(ctx);
		w = ch_calloc(1, sizeof *w);
		w->ctx = ctx;
		pthread_setspecific(ctx_key, w);
	}
	ch_ctx_act_as(w->ctx, NULL);
	*out = w;
	return 0;
}

int http_router_init(const struct http_config *cfg)
{
	config = *cfg;
	if (!config.upload_limit)
		config.upload_limit = 50u << 20;
	ch_auth_limits_default(&limits);
	if (cfg->session_idle)
		limits.session_idle = cfg->session_idle;
	http_routes_init(config.upload_limit);
	/* the database exists, is migrated and has its reference data before the
	 * first request, so no request pays for it */
	ch_store *store = NULL;
	int rc = ch_store_open(&store, config.db_url, NULL);
	ch_store_free(store);
	if (rc == 0)
		rc = http_downloads_init();
	if (rc == 0)
		rc = http_static_init(cfg->web_root);
	return rc;
}

static void cache_clear(void);

void http_router_dispose(void)
{
	/* the calling thread's context (a program that handled requests on its
	 * own thread); a worker's is freed when the worker ends */
	pthread_once(&key_once, make_key);
	struct worker *w = pthread_getspecific(ctx_key);
	if (w)
		free_worker(w);
	pthread_setspecific(ctx_key, NULL);
	cache_clear();
	http_downloads_dispose();
	http_routes_dispose();
	http_static_dispose();
}

size_t http_body_limit(const char *method, const char *path, const char *content_type)
{
	int known;
	const struct http_route *r = http_route_find(method, path, &known);
	if (!r)
		return 0;
	/* only the files of a multipart form go to disk as they arrive */
	if (!content_type || strncmp(content_type, "multipart/form-data", 19) != 0)
		return r->body_limit < HTTP_TEXT_LIMIT ? r->body_limit : HTTP_TEXT_LIMIT;
	return r->body_limit;
}

/* ---- who is asking ---- */

struct caller {
	char *user;                   /* NULL: nobody */
	char csrf[CH_SECRET_HEX + 1]; /* the session's CSRF token */
	int by_cookie;                /* 1: a session cookie, 0: a bearer token */
	char session[CH_SECRET_HEX + 1];
	struct ch_session_info info; /* a session's second factor */
};

/* The value of cookie NAME in a Cookie header, into OUT. */
static int cookie_value(const char *header, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t plen = end ? (size_t)(end - p) : strlen(p);
		if (plen > len && strncmp(p, name, len) == 0 && p[len] == '=') {
			size_t vlen = plen - len - 1;
			if (vlen >= n)
				return 0;
			memcpy(out, p + len + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		p = end;
	}
	return 0;
}

/* Finds who is asking and makes them CTX's actor; VERSION is the data's
 * version read for this request, or -1 when it could not be. */
static int identify(struct worker *w, const struct http_request *req, int64_t version,
                    struct caller *who)
{
	ch_ctx *ctx = w->ctx;
	int64_t now = (int64_t)time(NULL);
	int rc;
	memset(who, 0, sizeof *who);
	if (req->authorization && strncmp(req->authorization, "Bearer ", 7) == 0) {
		const char *token = req->authorization + 7;
		char hash[CH_HASH_HEX_LEN + 1];
		ch_hash_hex(token, strlen(token), hash);
		if (version >= 0 && w->token_hash[0] && w->at == now && w->version == version &&
		    sodium_memcmp(hash, w->token_hash, CH_HASH_HEX_LEN) == 0) {
			who->user = ch_strdup(w->user.name);
			ch_ctx_set_factor(ctx, 0); /* a token is no second factor */
			return ch_ctx_act_as_user(ctx, &w->user);
		}
		w->token_hash[0] = '\0';
		if ((rc = ch_auth_token(ctx, token, now, &who->user)) != 0 ||
		    (rc = ch_ctx_act_as(ctx, who->user)) != 0)
			return rc;
		ch_ctx_set_factor(ctx, 0);
		if (version >= 0) {
			ch_user_dispose(&w->user);
			ch_user_copy(&w->user, ch_ctx_actor(ctx));
			memcpy(w->token_hash, hash, sizeof hash);
			w->at = now;
			w->version = version;
		}
		return 0;
	}
	if (req->cookie && cookie_value(req->cookie, COOKIE, who->session, sizeof who->session)) {
		who->by_cookie = 1;
		rc = ch_auth_session(ctx, who->session, now, &limits, &who->user, who->csrf,
		                     &who->info);
		if (rc == 0 && (rc = ch_ctx_act_as(ctx, who->user)) == 0)
			ch_ctx_set_factor(ctx, who->info.fresh && !who->info.enrol_only);
		return rc;
	}
	return ch_error_set(CH_EDENIED, "未登录");
}

/* The user's record as JSON: name, role, its label, scope, and whether
 * the role may see ID and phone numbers whole (the pages offer 显示 then;
 * which operations it may call is each one's x-roles in the OpenAPI). */
static json_t *user_json(ch_ctx *ctx)
{
	const ch_user *u = ch_ctx_actor(ctx);
	return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:b}", "user", u->name, "role",
	                 ch_role_name(u->role), "role_label", ch_role_label(u->role), "scope",
	                 u->scope_name, "may_reveal", ch_role_allows(u->role, CH_PERM_REVEAL),
	                 "totp_required", ch_role_requires_totp(u->role));
}

/* A session's second factor, added to the user's record: whether it is
 * enrolled, and whether the session may only enrol one (docs/auth.md). */
static void factor_json(json_t *o, const struct ch_session_info *info)
{
	json_object_set_new(o, "totp_enrolled", json_boolean(info->enrolled));
	json_object_set_new(o, "enrol_only", json_boolean(info->enrol_only));
}

/* ---- sign-in ---- */

static void set_cookie(struct http_response *resp, const char *value, int tls)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", COOKIE, value,
	         tls ? "; Secure" : "", *value ? "" : "; Max-Age=0");
	http_response_header(resp, "Set-Cookie", c);
}

static int is_json(const struct http_request *req)
{
	return req->content_type && strncmp(req->content_type, "application/json", 16) == 0;
}

static void session_create(ch_ctx *ctx, const struct http_request *req, struct http_response *resp)
{
	char session[CH_SECRET_HEX + 1], csrf[CH_SECRET_HEX + 1];
	json_error_t jerr;
	if (!is_json(req)) {
		http_response_fail(resp, 415, "unsupported_media_type",
		                   "sign in with a JSON body {\"user\", \"password\"}", NULL);
		return;
	}
	json_t *j =
	    json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	const char *user = NULL, *password = NULL;
	struct ch_signin_factor factor = {0};
	if (!j || json_unpack_ex(j, &jerr, JSON_STRICT, "{s:s, s:s, s?:s}", "user", &user,
	                         "password", &password, "totp", &factor.code) != 0) {
		http_response_fail(resp, 400, "bad_request",
		                   "expected a JSON object with user, password and, for a second "
		                   "factor, totp",
		                   NULL);
		json_decref(j);
		return;
	}
	int rc = ch_auth_signin(ctx, user, password, req->client, (int64_t)time(NULL), &limits,
	                        &factor, session, csrf);
	if (rc == CH_EDENIED && factor.totp_required) {
		if (factor.code && *factor.code)
			http_log_event("auth", "wrong one-time code for '%s' from %s", user,
			               req->client);
		http_response_fail(resp, 401, "totp_required", ch_error_message(), "totp");
	} else if (rc == CH_EDENIED) {
		http_log_event("auth", "failed sign-in for '%s' from %s", user, req->client);
		http_response_fail(resp, 401, "unauthorized", ch_error_message(), NULL);
	} else if (rc == CH_ETHROTTLED) {
		char after[16];
		snprintf(after, sizeof after, "%lld", (long long)limits.failure_window);
		http_response_header(resp, "Retry-After", after);
		http_response_error(resp, rc, ch_error_message(), NULL);
	} else if (rc) {
		fail_current(resp, rc);
	} else if ((rc = ch_ctx_act_as(ctx, user)) != 0) {
		fail_current(resp, rc);
	} else {
		json_t *o = user_json(ctx);
		struct ch_session_info info = {factor.enrolled, factor.enrol_only, 1};
		factor_json(o, &info);
		json_object_set_new(o, "csrf_token", json_string(csrf));
		set_cookie(resp, session, req->tls);
		set_json(resp, 200, o);
		snprintf(resp->user, sizeof resp->user, "%s", user);
	}
	ch_error_clear();
	sodium_memzero(session, sizeof session);
	json_decref(j);
}

/* ---- parameters ---- */

/* A value of a JSON body as text for ch_args_set; NULL when its type does
 * not fit. */
static const char *json_text(json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return NULL;
}

/* What reading one request's parameters keeps besides the values. */
struct reading {
	ch_args *a;
	const struct ch_op *op;
	int status; /* 415 when the body's type is wrong, else 0 */
};

static int set_param(struct reading *rd, const char *name, json_t *v, const char *text)
{
	char buf[64];
	ch_args *a = rd->a;
	const struct ch_param *p = ch_op_param(rd->op, name);
	if (!p)
		return ch_error_set_field(CH_EUSAGE, name, "unknown field '%s'", name);
	if (p->type == CH_PT_FILE)
		return ch_error_set_field(CH_EUSAGE, name, "a file comes as a multipart upload");
	if (p->type == CH_PT_OUTFILE) { /* a private path; the name only chooses the format */
		const char *want = v ? json_string_value(v) : text;
		char path[512];
		if (!want)
			return ch_error_set_field(CH_EUSAGE, name, "expected a file name");
		http_downloads_path(path, sizeof path,
		                    ch_str_ends(want, ".xlsx")  ? ".xlsx"
		                    : ch_str_ends(want, ".pdf") ? ".pdf"
		                                                : ".csv");
		return ch_args_set(a, p, path);
	}
	if (p->type == CH_PT_FLAG) {
		int on = v ? json_is_true(v)
		           : text && (strcmp(text, "1") == 0 || strcmp(text, "true") == 0);
		if (v && !json_is_boolean(v))
			return ch_error_set_field(CH_EUSAGE, name, "expected true or false");
		return on ? ch_args_set(a, p, NULL) : 0;
	}
	if (v && json_is_array(v)) {
		if (!(p->flags & CH_PF_REPEAT))
			return ch_error_set_field(CH_EUSAGE, name,
			                          "expected one value, not a list");
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			const char *t = json_text(x, buf, sizeof buf);
			if (!t)
				return ch_error_set_field(CH_EUSAGE, name, "expected text");
			int rc = ch_args_set(a, p, t);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (v && !(text = json_text(v, buf, sizeof buf)))
		return ch_error_set_field(CH_EUSAGE, name, "expected text or a whole number");
	return ch_args_set(a, p, text);
}

/* Evidence is a photo or a scan: JPEG, PNG or PDF, judged by content. */
static int evidence_ok(const char *path)
{
	unsigned char head[8] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	return (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) ||
	       (n >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	       (n >= 4 && memcmp(head, "%PDF", 4) == 0);
}

/* The output format asked for ("format": json, csv or xlsx) into *FMT. */
static int read_format(const struct ch_op *op, const char *f, enum ch_format *fmt)
{
	*fmt = CH_FMT_JSON;
	if (!f || strcmp(f, "json") == 0)
		return 0;
	if ((strcmp(f, "csv") == 0 && (op->formats & CH_RF(CH_FMT_CSV))) ||
	    (strcmp(f, "xlsx") == 0 && (op->formats & CH_RF(CH_FMT_XLSX)))) {
		*fmt = f[0] == 'c' ? CH_FMT_CSV : CH_FMT_XLSX;
		return 0;
	}
	return ch_error_set_field(CH_EUSAGE, "format", "'%s': this answer comes as json%s%s", f,
	                          op->formats & CH_RF(CH_FMT_CSV) ? ", csv" : "",
	                          op->formats & CH_RF(CH_FMT_XLSX) ? ", xlsx" : "");
}

/* Reads REQ's parameters for OP into A; *FMT the answer's format. Output
 * files get private paths (their names from the client only choose the
 * extension). */
static int read_params(const struct http_route *r, const struct http_request *req,
                       struct reading *rd, enum ch_format *fmt)
{
	const struct ch_op *op = r->op;
	ch_args *a = rd->a;
	const char *format = NULL;
	json_t *body = NULL; /* a JSON body, kept while FORMAT points into it */
	int rc = 0;
	if (strcmp(r->method, "GET") == 0) {
		for (size_t i = 0; i < req->nquery && rc == 0; i++) {
			if (strcmp(req->query[i].name, "format") == 0)
				format = req->query[i].value;
			else
				rc = set_param(rd, req->query[i].name, NULL, req->query[i].value);
		}
	} else if (r->uploads && (!r->json_too || !is_json(req))) {
		if (!req->content_type ||
		    strncmp(req->content_type, "multipart/form-data", 19) != 0) {
			rd->status = 415;
			return ch_error_set(
			    CH_EUSAGE, r->json_too ? "this route takes multipart/form-data, or "
			                             "a JSON object when no file comes with it"
			                           : "this route takes multipart/form-data with "
			                             "the file");
		}
		for (size_t i = 0; i < req->nform && rc == 0; i++)
			rc = strcmp(req->form[i].name, "format") == 0
			         ? (format = req->form[i].value, 0)
			         : set_param(rd, req->form[i].name, NULL, req->form[i].value);
		for (size_t i = 0; i < req->nuploads && rc == 0; i++) {
			const struct http_upload *u = &req->uploads[i];
			const struct ch_param *p = ch_op_param(op, u->field);
			if (!p || p->type != CH_PT_FILE)
				rc = ch_error_set_field(CH_EUSAGE, u->field, "no file field '%s'",
				                        u->field);
			else if (strcmp(p->name, "evidence") == 0 && !evidence_ok(u->path))
				rd->status = 415,
				rc = ch_error_set_field(
				    CH_EUSAGE, u->field,
				    "证明材料只收 JPEG、PNG 或 PDF 文件（%s 不是）", u->filename);
			else
				rc = ch_args_set(a, p, u->path);
		}
	} else {
		json_error_t jerr;
		/* a form here would be read as no parameters at all */
		if ((req->body_len || req->nform || req->nuploads) && !is_json(req)) {
			rd->status = 415;
			return ch_error_set(CH_EUSAGE, "send the parameters as a JSON object");
		}
		json_t *j = req->body_len ? json_loadb(req->body, req->body_len,
		                                       JSON_REJECT_DUPLICATES, &jerr)
		                          : json_object();
		if (!j)
			return ch_error_set(CH_EUSAGE, "the body is not valid JSON: %s", jerr.text);
		if (!json_is_object(j)) {
			json_decref(j);
			return ch_error_set(CH_EUSAGE, "the body is not a JSON object");
		}
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			if (rc)
				break;
			if (strcmp(k, "format") == 0)
				format = json_string_value(v);
			else if (!json_is_null(v))
				rc = set_param(rd, k, v, NULL);
		}
		body = j;
	}
	if (rc == 0)
		rc = read_format(op, format, fmt);
	json_decref(body);
	/* an output file the operation cannot do without gets a private path even
	 * when the client named none; an optional one only when asked for (else
	 * the answer carries the result itself, as the dispatch's table) */
	for (const struct ch_param *p = op->params; rc == 0 && p && p->name; p++) {
		if (p->type != CH_PT_OUTFILE || !(p->flags & CH_PF_REQUIRED) ||
		    ch_args_has(a, p->name))
			continue;
		char path[512];
		http_downloads_path(path, sizeof path, ".csv");
		rc = ch_args_set(a, p, path);
	}
	if (rc == 0)
		rc = ch_args_check(a);
	return rc;
}

/* ---- rendering ---- */

/* The extension of a file the operation wrote: by its media type when that
 * is not a table's (an evidence photo), else by its path. */
static const char *download_ext(const struct ch_result_file *f)
{
	static const struct {
		const char *type, *ext;
	} exts[] = {{"image/jpeg", ".jpg"},      {"image/png", ".png"},
	            {"image/gif", ".gif"},       {"image/webp", ".webp"},
	            {"application/pdf", ".pdf"}, {"application/octet-stream", ".bin"}};
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (strcmp(f->media_type, exts[i].type) == 0)
			return exts[i].ext;
	return ch_str_ends(f->path, ".xlsx") ? ".xlsx" : ".csv";
}

/* The name a client downloads a file the operation NAME wrote as. */
static void download_name(char *out, size_t n, const char *name, const struct ch_result_file *f)
{
	snprintf(out, n, "%s-%s%s", name, f->param, download_ext(f));
}

/* TEXT as the client may see it, a new string: each private path of the
 * server's replaced by the name the client knows (an uploaded file's by the
 * name the client gave it, a file written for RES of operation NAME by its
 * download name; RES and NAME may be NULL), and valid UTF-8. */
static char *shown(const struct http_request *req, const ch_result *res, const char *name,
                   const char *text)
{
	ch_buf b;
	char dl[300];
	ch_buf_init(&b);
	for (const char *p = text ? text : ""; *p;) {
		const char *to = NULL;
		size_t len = 0;
		for (size_t i = 0; i < req->nuploads; i++) {
			const struct http_upload *u = &req->uploads[i];
			size_t n = u->path ? strlen(u->path) : 0;
			if (n > len && strncmp(p, u->path, n) == 0) {
				to = u->filename && *u->filename ? u->filename : u->field;
				len = n;
			}
		}
		for (size_t i = 0; res && name && i < res->nfiles; i++) {
			size_t n = strlen(res->files[i].path);
			if (n > len && strncmp(p, res->files[i].path, n) == 0) {
				download_name(dl, sizeof dl, name, &res->files[i]);
				to = dl;
				len = n;
			}
		}
		if (to) {
			ch_buf_puts(&b, to);
			p += len;
		} else {
			ch_buf_putc(&b, *p++);
		}
	}
	char *raw = ch_buf_detach(&b), *clean = utf8_clean(raw);
	free(raw);
	return clean;
}

/* The current error as the answer, its message as shown(). */
static void fail_shown(const struct http_request *req, struct http_response *resp, int rc)
{
	char *m = shown(req, NULL, NULL, ch_error_message());
	http_response_error(resp, rc, m, ch_error_field());
	free(m);
	ch_error_clear();
}

/* The result as one JSON object: message, counts, tables, problems (an
 * empty array, written by set_json_with), the document, and the files to
 * download. */
static json_t *result_json(const struct http_request *req, const ch_result *res, const char *user,
                           const char *default_name)
{
	json_t *o = json_object(), *tables = json_array(), *problems = json_array();
	ch_buf msg;
	ch_buf_init(&msg);
	for (size_t i = 0; i < res->nparts; i++) {
		const struct ch_result_part *p = &res->parts[i];
		if (p->kind == CH_PART_TEXT)
			ch_buf_puts(&msg, p->text);
		else if (p->kind == CH_PART_TABLE)
			json_array_append_new(tables, ch_report_to_json(p->table));
	}
	char *m = shown(req, res, default_name, msg.ptr);
	json_object_set_new(o, "message", json_string(m));
	free(m);
	json_t *counts = json_object();
	for (size_t i = 0; i < res->ncounts; i++)
		json_object_set_new(counts, res->counts[i].key, json_integer(res->counts[i].value));
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "tables", tables);
	json_object_set_new(o, "problems", problems);
	if (res->data)
		json_object_set(o, "data", res->data);
	json_t *files = json_array();
	for (size_t i = 0; i < res->nfiles; i++) {
		char url[128];
		const struct ch_result_file *f = &res->files[i];
		char name[300];
		download_name(name, sizeof name, default_name, f);
		if (http_downloads_add(f->path, user, name, f->media_type, url, sizeof url) == 0)
			json_array_append_new(files, json_pack("{s:s, s:s, s:s}", "param", f->param,
			                                       "name", name, "url", url));
	}
	json_object_set_new(o, "files", files);
	ch_buf_dispose(&msg);
	return o;
}

/* Content-Disposition with a Chinese file name (RFC 6266 / 5987). */
static void attachment(struct http_response *resp, const char *title, const char *ext)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "attachment; filename=\"report%s\"; filename*=UTF-8''", ext);
	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			ch_buf_putc(&b, (char)*p);
		else
			ch_buf_printf(&b, "%%%02X", *p);
	}
	ch_buf_puts(&b, ext);
	http_response_header(resp, "Content-Disposition", b.ptr);
	ch_buf_dispose(&b);
}

/* Aggregate reports hold no personal data and may be kept by version. */
static int cacheable(const struct ch_op *op)
{
	return strcmp(op->group, "report") == 0 || strcmp(op->group, "plan") == 0 ||
	       strcmp(op->group, "region") == 0;
}

/* Whether OP, with arguments A, needs a fresh second factor of a session:
 * CH_OP_REAUTH, and for an operation with a reveal flag only when it is
 * given. 0 when WHO is no session or its factor is fresh (a script's API
 * token has none to give: docs/auth.md). Otherwise checks the X-TOTP-Code
 * header's code, if any, and answers 401 reauth_required (or the refusal)
 * into RESP, returning 1. Any other operation may carry a code too, which
 * makes the factor fresh for what core asks of it (enrolling someone
 * else). */
static int needs_reauth(ch_ctx *ctx, const struct ch_op *op, const ch_args *a,
                        const struct caller *who, const struct http_request *req,
                        struct http_response *resp)
{
	int flagged = (op->flags & CH_OP_REAUTH) &&
	              !(ch_op_param(op, "reveal") && !ch_args_flag(a, "reveal"));
	if (!who->by_cookie || who->info.fresh || (!flagged && !(req->totp && *req->totp)))
		return 0;
	if (!req->totp || !*req->totp) {
		http_response_fail(resp, 401, "reauth_required",
		                   "此操作须重新输入动态验证码（上次输入已超过 10 分钟）", "totp");
		return 1;
	}
	int rc =
	    ch_auth_reauth(ctx, who->session, req->totp, req->client, (int64_t)time(NULL), &limits);
	if (rc == 0) {
		ch_ctx_set_factor(ctx, 1);
		return 0;
	}
	if (rc == CH_EDENIED)
		http_response_fail(resp, 401, "reauth_required", ch_error_message(), "totp");
	else
		http_response_error(resp, rc, ch_error_message(), NULL);
	ch_error_clear();
	return 1;
}

/* ---- group commit ---- */

/* Requests of CH_OP_GROUP operations wait in one queue. The first thread
 * that finds no group being committed takes the whole queue (its own
 * request among them, up to GROUP_MAX), runs each in one transaction of
 * its own context under a savepoint of its own and as its own user, and
 * commits once; only then is every request of the group done, with its
 * own result or error (one that failed was undone alone; if the commit
 * fails, every request of the group fails with its error). A conflict with
 * another transaction (PostgreSQL: a serialization failure or a deadlock)
 * is what a request alone would have run again (ch_op_call): a request
 * that conflicted under its savepoint runs again alone once the group has
 * committed, and when the commit itself conflicted, nothing of the group
 * is stored and every request of it runs again alone. Meanwhile the
 * next requests queue up for the next group. On SQLite one commit (one
 * write lock, one WAL append) then serves many requests. */
#define GROUP_MAX 256

struct grouped {
	const struct ch_op *op;
	const ch_args *a;
	ch_result *res;
	ch_user actor;
	int fresh; /* the caller gave a recent second factor */
	int rc, code;
	char *msg, *field; /* the error, when RC */
	int again;         /* conflicted under its savepoint: runs again alone */
	int done;
	struct grouped *next;
};

static pthread_mutex_t group_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_cv = PTHREAD_COND_INITIALIZER;
static struct grouped *group_head, **group_tail = &group_head;
static int group_busy; /* a thread is committing a group */

static void group_keep_error(struct grouped *g, int rc)
{
	g->rc = rc;
	g->code = ch_error_code();
	g->msg = ch_strdup(ch_error_message());
	g->field = ch_error_field() ? ch_strdup(ch_error_field()) : NULL;
	ch_error_clear();
}

/* Runs G again alone, in a transaction of its own, with the retries a
 * request alone gets; its result or error is the new one. */
static void group_run_alone(ch_ctx *ctx, struct grouped *g)
{
	free(g->msg);
	free(g->field);
	g->msg = g->field = NULL;
	g->rc = g->again = 0;
	ch_error_clear();
	ch_result_dispose(g->res);
	ch_result_init(g->res);
	int r = ch_ctx_act_as_user(ctx, &g->actor);
	ch_ctx_set_factor(ctx, g->fresh);
	if (r == 0)
		r = ch_op_call(g->op, ctx, g->a, g->res);
	if (r)
		group_keep_error(g, r);
}

/* Runs the group LIST in one transaction of CTX (see above). Returns how
 * many of its requests ran again alone after a conflict; *COMMITTED says
 * whether the group's transaction (or each request alone) committed. */
static size_t group_run(ch_ctx *ctx, struct grouped *list, int *committed)
{
	ch_db *db = ch_ctx_db(ctx);
	size_t alone = 0;
	*committed = 0;
	int rc = ch_ctx_begin(ctx);
	for (struct grouped *g = list; g; g = g->next) {
		ch_db_savepoint sp;
		if (rc) {
			group_keep_error(g, rc);
			continue;
		}
		int r = ch_ctx_act_as_user(ctx, &g->actor);
		ch_ctx_set_factor(ctx, g->fresh);
		if (r == 0 && (r = ch_db_savepoint_set(db, &sp)) == 0) {
			r = g->op->run(ctx, g->a, g->res);
			int end = ch_db_savepoint_end(db, &sp, r != 0);
			if (r == 0)
				r = end;
		}
		if (r) {
			/* the connection stays marked conflicted for the rest of
			 * the transaction: a later request that fails busy runs
			 * again too, which a busy failure may always do */
			g->again = r == CH_EBUSY && ch_db_conflicted(db);
			group_keep_error(g, r);
		}
	}
	if (rc == 0) {
		rc = ch_ctx_commit(ctx);
		int conflicted = rc && ch_db_conflicted(db);
		if (rc && !conflicted) {
			int code = ch_error_code();
			char *msg = ch_strdup(ch_error_message());
			for (struct grouped *g = list; g; g = g->next)
				if (g->rc == 0) {
					ch_error_set(code, "%s", msg);
					group_keep_error(g, rc);
					ch_result_dispose(g->res);
					ch_result_init(g->res);
				}
			free(msg);
		}
		/* after a conflicted commit nothing of the group is stored,
		 * and what a request's failure saw may not be either: every
		 * request of the group runs again */
		ch_error_clear();
		for (struct grouped *g = list; g; g = g->next)
			if (g->again || conflicted) {
				group_run_alone(ctx, g);
				alone++;
			}
		*committed = rc == 0 || conflicted;
	}
	ch_ctx_act_as(ctx, NULL);
	return alone;
}

/* Runs OP for CTX's actor as one request of a group; returns when the
 * group has committed, with the request's own result or error. */
static int group_call(ch_ctx *ctx, const struct ch_op *op, const ch_args *a, ch_result *res)
{
	struct grouped me = {op, a, res, {0}, 0, 0, 0, NULL, NULL, 0, 0, NULL};
	ch_user_copy(&me.actor, ch_ctx_actor(ctx));
	me.fresh = ch_ctx_factor(ctx);
	pthread_mutex_lock(&group_mu);
	*group_tail = &me;
	group_tail = &me.next;
	while (!me.done) {
		if (group_busy) {
			pthread_cond_wait(&group_cv, &group_mu);
			continue;
		}
		/* commit the queue as it is now */
		struct grouped *list = group_head, *last = NULL;
		size_t n = 0;
		for (struct grouped *g = list; g && n < GROUP_MAX; g = g->next, n++)
			last = g;
		group_head = last->next;
		last->next = NULL;
		if (!group_head)
			group_tail = &group_head;
		group_busy = 1;
		pthread_mutex_unlock(&group_mu);
		int committed;
		size_t alone = group_run(ctx, list, &committed);
		if (alone)
			http_log_event("group",
			               "%zu of %zu requests conflicted and ran again alone", alone,
			               n);
		if (committed && n > alone + 1)
			http_log_event("group", "%zu requests committed in one transaction",
			               n - alone);
		pthread_mutex_lock(&group_mu);
		for (struct grouped *g = list, *next; g; g = next) {
			next = g->next;
			g->done = 1;
		}
		group_busy = 0;
		pthread_cond_broadcast(&group_cv);
	}
	pthread_mutex_unlock(&group_mu);
	ch_ctx_act_as_user(ctx, &me.actor);
	ch_ctx_set_factor(ctx, me.fresh);
	ch_user_dispose(&me.actor);
	if (me.rc)
		ch_error_set_field(me.code, me.field, "%s", me.msg);
	free(me.msg);
	free(me.field);
	return me.rc;
}

static void run_op(ch_ctx *ctx, const struct http_route *r, const struct http_request *req,
                   const struct caller *who, struct http_response *resp)
{
	const struct ch_op *op = r->op;
	enum ch_format fmt = CH_FMT_JSON;
	ch_result res;
	char name[128];
	ch_args *a = ch_args_new(op);
	struct reading rd = {a, op, 0};
	ch_result_init(&res);
	resp->personal = !cacheable(op);
	if (who->by_cookie && who->info.enrol_only && !(op->flags & CH_OP_ENROL)) {
		http_response_fail(resp, 403, "totp_enrolment_required",
		                   "须先绑定动态验证码（本角色登录须二次验证）才能使用其他功能",
		                   NULL);
		goto done;
	}
	int rc = ch_ctx_require_role(ctx, (enum ch_perm)op->perm);
	if (rc == 0)
		rc = read_params(r, req, &rd, &fmt);
	if (rc && rd.status == 415) {
		http_response_fail(resp, 415, "unsupported_media_type", ch_error_message(),
		                   ch_error_field());
		ch_error_clear();
		goto done;
	}
	if (rc) {
		fail_current(resp, rc);
		goto done;
	}
	if (needs_reauth(ctx, op, a, who, req, resp))
		goto done;
	rc = op->flags & CH_OP_GROUP ? group_call(ctx, op, a, &res) : ch_op_call(op, ctx, a, &res);
	ch_op_name(op, name, sizeof name);
	if (rc) {
		const ch_problems *p = NULL;
		for (size_t i = 0; i < res.nparts; i++)
			if (res.parts[i].kind == CH_PART_PROBLEMS)
				p = res.parts[i].problems;
		if (rc == CH_EINVALID && (p || res.data)) {
			char *m = shown(req, &res, name, ch_error_message());
			json_t *e = json_pack("{s:s, s:s}", "code", p ? "invalid_rows" : "invalid",
			                      "message", m);
			free(m);
			if (p)
				json_object_set_new(e, "rows", json_array());
			if (res.data)
				json_object_set(e, "data", res.data);
			set_json_with(resp, 422, json_pack("{s:o}", "error", e), p ? "rows" : NULL,
			              2, &p, 1);
			ch_error_clear();
		} else {
			fail_shown(req, resp, rc);
		}
		goto done;
	}
	const ch_report *t = ch_result_table(&res);
	if (fmt != CH_FMT_JSON && t) {
		/* from a file: a county's register as a download is not held in
		 * memory (http_response_file) */
		int fd;
		if ((rc = ch_report_tmpfile(t, fmt, &fd)) != 0 ||
		    (rc = http_response_file(resp, fd)) != 0) {
			fail_current(resp, rc);
			goto done;
		}
		resp->content_type = fmt == CH_FMT_CSV ? "text/csv; charset=utf-8"
		                                       : "application/vnd.openxmlformats-"
		                                         "officedocument.spreadsheetml.sheet";
		attachment(resp, ch_report_title(t), fmt == CH_FMT_CSV ? ".csv" : ".xlsx");
	} else {
		const ch_problems **lists = ch_calloc(res.nparts + 1, sizeof *lists);
		size_t n = 0;
		for (size_t i = 0; i < res.nparts; i++)
			if (res.parts[i].kind == CH_PART_PROBLEMS)
				lists[n++] = res.parts[i].problems;
		set_json_with(resp, 200, result_json(req, &res, ch_ctx_actor(ctx)->name, name),
		              "problems", 1, lists, n);
		free(lists);
	}
done:
	ch_result_dispose(&res);
	ch_args_free(a);
}

/* ---- the answer cache ---- */

#define CACHE_SLOTS 64

static struct {
	char key[CH_HASH_HEX_LEN + 1]; /* the hash of user, path and query */
	int64_t version;
	char etag[40];
	char *body;
	size_t len;
	const char *content_type;
	char *disposition;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

/* The answer's key: a hash of everything that chooses it, however long the
 * query (a cut-off key would let two queries share an answer). Each part
 * is written with its length, so no two requests give the same text. */
static void cache_key(const struct http_request *req, const char *user,
                      char key[CH_HASH_HEX_LEN + 1])
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "%zu:%s%zu:%s", strlen(user), user, strlen(req->path), req->path);
	for (size_t i = 0; i < req->nquery; i++)
		ch_buf_printf(&b, "%zu:%s%zu:%s", strlen(req->query[i].name), req->query[i].name,
		              strlen(req->query[i].value), req->query[i].value);
	ch_hash_hex(b.ptr, b.len, key);
	ch_buf_dispose(&b);
}

static size_t cache_slot(const char *key)
{
	return strtoul(key + 56, NULL, 16) % CACHE_SLOTS;
}

/* Answers from the cache when KEY was answered at VERSION. */
static int cache_get(const char *key, int64_t version, const char *if_none_match,
                     struct http_response *resp)
{
	size_t s = cache_slot(key);
	int hit = 0;
	pthread_mutex_lock(&cache_mu);
	if (cache[s].body && cache[s].version == version && strcmp(cache[s].key, key) == 0) {
		hit = 1;
		http_response_header(resp, "ETag", cache[s].etag);
		if (if_none_match && strcmp(if_none_match, cache[s].etag) == 0) {
			resp->status = 304;
		} else {
			ch_buf_put(&resp->body, cache[s].body, cache[s].len);
			resp->content_type = cache[s].content_type;
			if (cache[s].disposition)
				http_response_header(resp, "Content-Disposition",
				                     cache[s].disposition);
		}
	}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static void cache_put(const char *key, int64_t version, struct http_response *resp)
{
	size_t s = cache_slot(key);
	char etag[40], h[CH_HASH_HEX_LEN + 1];
	ch_hash_hex(resp->body.ptr, resp->body.len, h);
	snprintf(etag, sizeof etag, "\"%lld-%.16s\"", (long long)version, h);
	const char *disp = http_kv_get(resp->headers, resp->nheaders, "Content-Disposition");
	pthread_mutex_lock(&cache_mu);
	free(cache[s].body);
	free(cache[s].disposition);
	snprintf(cache[s].key, sizeof cache[s].key, "%s", key);
	cache[s].version = version;
	snprintf(cache[s].etag, sizeof cache[s].etag, "%s", etag);
	cache[s].body = ch_malloc(resp->body.len + 1);
	memcpy(cache[s].body, resp->body.ptr, resp->body.len);
	cache[s].len = resp->body.len;
	cache[s].content_type = resp->content_type;
	cache[s].disposition = disp ? ch_strdup(disp) : NULL;
	pthread_mutex_unlock(&cache_mu);
	http_response_header(resp, "ETag", etag);
}

static void cache_clear(void)
{
	pthread_mutex_lock(&cache_mu);
	for (size_t s = 0; s < CACHE_SLOTS; s++) {
		free(cache[s].body);
		free(cache[s].disposition);
		cache[s].body = cache[s].disposition = NULL;
	}
	pthread_mutex_unlock(&cache_mu);
}

/* ---- the dispatch ---- */

static void health(ch_ctx *ctx, struct http_response *resp)
{
	int64_t v;
	int db = ch_audit_version(ctx, &v) == 0;
	ch_error_clear();
	set_json(resp, db ? 200 : 503,
	         json_pack("{s:s, s:s, s:s}", "status", db ? "ok" : "degraded", "db",
	                   db ? "ok" : "unavailable", "version", VERSION));
}

static int is_utf8(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return ch_utf8_valid_prefix(s, n, NULL) == n;
}

/* 1 when the request's text is all UTF-8: the path, the names and values
 * of its query and form fields and of its file fields. What is not could
 * not be stored, nor quoted in a JSON answer. *FIELD names the field whose
 * value is not (NULL when the path or a name is not). */
static int request_utf8(const struct http_request *req, const char **field)
{
	*field = NULL;
	if (!is_utf8(req->path))
		return 0;
	for (size_t i = 0; i < req->nquery + req->nform; i++) {
		const struct http_kv *kv =
		    i < req->nquery ? &req->query[i] : &req->form[i - req->nquery];
		if (!is_utf8(kv->name))
			return 0;
		if (!is_utf8(kv->value)) {
			*field = kv->name;
			return 0;
		}
	}
	for (size_t i = 0; i < req->nuploads; i++)
		if (!is_utf8(req->uploads[i].field))
			return 0;
	return 1;
}

void http_handle(const struct http_request *req, struct http_response *resp)
{
	struct caller who = {0};
	struct worker *w;
	const char *field;
	ch_ctx *ctx;
	int known, rc;
	if (!request_utf8(req, &field)) {
		http_response_fail(resp, 400, "bad_request",
		                   field ? "this value is not UTF-8 text"
		                         : "the request is not UTF-8 text",
		                   field);
		return;
	}
	if (strncmp(req->path, "/api/files/", 11) == 0 && strcmp(req->method, "GET") == 0) {
		/* downloads are the signed-in user's own */
	} else if (strncmp(req->path, "/api/", 5) != 0 && strcmp(req->path, "/api") != 0) {
		http_static(req, resp); /* the web pages */
		return;
	}
	const struct http_route *r = http_route_find(req->method, req->path, &known);
	int download = strncmp(req->path, "/api/files/", 11) == 0;
	if (!r && !download) {
		http_response_fail(
		    resp, known ? 405 : 404, known ? "method_not_allowed" : "not_found",
		    known ? "this path takes another method" : "no such route", NULL);
		return;
	}
	if ((rc = thread_worker(&w)) != 0) {
		fail_current(resp, rc);
		return;
	}
	ctx = w->ctx;
	if (r && !r->op && strcmp(r->path, "/api/health") == 0) {
		health(ctx, resp);
		return;
	}
	if (r && !r->op && strcmp(r->path, "/api/openapi.json") == 0) {
		http_openapi(&resp->body, VERSION);
		return;
	}
	if (r && !r->op && strcmp(r->path, "/api/docs") == 0) {
		http_docs_page(&resp->body);
		resp->content_type = "text/html; charset=utf-8";
		return;
	}
	if (r && !r->op && strcmp(r->method, "POST") == 0) { /* sign in */
		session_create(ctx, req, resp);
		ch_ctx_act_as(ctx, NULL);
		return;
	}
	int changes = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
	int cached = r && r->op && !changes && cacheable(r->op);
	int bearer = req->authorization && strncmp(req->authorization, "Bearer ", 7) == 0;
	/* the data's version: the key of cached answers and of the remembered token */
	int64_t version = -1;
	if ((cached || bearer) && ch_audit_version(ctx, &version) != 0) {
		version = -1;
		ch_error_clear();
	}
	if ((rc = identify(w, req, version, &who)) != 0) {
		/* a busy or failing database is not a reason to sign anyone out */
		if (rc == CH_EDENIED)
			http_response_fail(resp, 401, "unauthorized", ch_error_message(), NULL);
		else
			http_response_error(resp, rc, ch_error_message(), NULL);
		ch_error_clear();
		goto done;
	}
	snprintf(resp->user, sizeof resp->user, "%s", who.user);
	if (changes && who.by_cookie &&
	    (!req->csrf || strlen(req->csrf) != CH_SECRET_HEX ||
	     sodium_memcmp(req->csrf, who.csrf, CH_SECRET_HEX) != 0)) {
		http_response_fail(resp, 403, "csrf", "missing or wrong X-CSRF-Token", NULL);
		goto done;
	}
	if (download) {
		if (http_downloads_get(req->path + 11, who.user, resp) != 0)
			http_response_fail(resp, 404, "not_found", "no such file, or it expired",
			                   NULL);
		resp->personal = 1;
	} else if (!r->op && strcmp(r->method, "GET") == 0) {
		json_t *o = user_json(ctx);
		if (who.by_cookie) {
			json_object_set_new(o, "csrf_token", json_string(who.csrf));
			factor_json(o, &who.info);
		}
		set_json(resp, 200, o);
	} else if (!r->op) { /* DELETE: sign out */
		/* the session must have ended (not, say, a busy database) before
		 * the answer says so */
		if (who.by_cookie &&
		    (rc = ch_auth_signout(ctx, who.session, (int64_t)time(NULL))) != 0) {
			fail_current(resp, rc);
		} else {
			set_cookie(resp, "", req->tls);
			set_json(resp, 200, json_pack("{s:b}", "signed_out", 1));
		}
	} else if (cached && !(who.by_cookie && who.info.enrol_only)) {
		char key[CH_HASH_HEX_LEN + 1];
		cache_key(req, who.user, key);
		if (version < 0 || !cache_get(key, version, req->if_none_match, resp)) {
			run_op(ctx, r, req, &who, resp);
			/* an answer sent from a file is too large to keep */
			if (resp->status == 200 && version >= 0 && resp->body_fd < 0)
				cache_put(key, version, resp);
		}
		http_response_header(resp, "Cache-Control", "private, no-cache");
	} else {
		run_op(ctx, r, req, &who, resp);
	}
done:
	free(who.user);
	sodium_memzero(who.session, sizeof who.session);
	ch_ctx_act_as(ctx, NULL);
}
