/*
 * fuzz_http — libFuzzer target for the HTTP router (http_handle in
 * src/http/router.c) with its JSON and form parameter parsing, sign-in,
 * CSRF, the answer cache and the operations behind every route.
 *
 * The input is a request in lines: a method, a path, a query string
 * ("a=1&b=%E6%98%8C", decoded into name/value pairs as the server decodes
 * them: '+' is a space, %HH a byte, %00 left as it is), a content type, a
 * way to sign in, and the body (the rest, bytes as they are):
 *
 *   POST
 *   /api/users/add
 *   (empty query)
 *   application/json
 *   b
 *   {"name":"li","role":"auditor"}
 *
 * The sign-in line is "b" (the fuzz user's bearer token), "c" (its session
 * cookie and CSRF token), "k" (the cookie without the CSRF token),
 * "B:TEXT" (Authorization: TEXT), "C:TEXT" (Cookie: TEXT), or anything else
 * for nobody. A urlencoded or multipart body becomes form fields as the
 * server would hand them over; in a multipart one a field "@NAME=DATA" (or
 * "@NAME/FILENAME=DATA") is a file upload, saved to a temporary file.
 *
 * The first input creates, in a temporary directory, a database with the
 * fuzz user (a prefecture administrator with a password, a session and an
 * API token), the Changji 2023 plan and 50 synthetic households, and
 * starts the router on it; it is all removed at exit. Requests change the
 * database like any client's; when one ends the fuzz user's token or
 * session (revoked, signed out, password changed) it is made again. The
 * /api/demo/ routes, which write files as large as asked, are not run.
 *
 * With FUZZ_HTTP_TRACE set, each answer's status and start are printed.
 *
 * Every answer must have a status from 200 to 599 and a media type; a JSON
 * answer must be a JSON object, an error one {"error": {"code": ...}}; no
 * header name or value may hold CR or LF.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/ops.h"
#include "core/auth.h"
#include "core/ctx.h"
#include "core/store.h"
#include "fuzz.h"
#include "http/http.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define USER     "fuzz"
#define PASSWORD "fuzz-password-1"
#define CLIENT   "192.0.2.1"

/* The Changji 2023 plan (data/plans/changji-2023-corrected.csv). */
static const char plan_csv[] =
    "2023年度昌吉州农村清洁取暖安排项目表,,,,,,\n"
    "序号,县(市),2023年实施农村清洁取暖改造任务数(户),,,2023年实施建筑节能改造户数(户),"
    "备注\n"
    ",,合计,2023年实施户数,续建2022年户数,,\n"
    "1,昌吉市,13561,7235,6326,4060,\n"
    "2,阜康市,5958,5958,,2125,\n"
    "3,玛纳斯县,3587,3325,262,3806,\n"
    "4,呼图壁县,6769,5605,1164,3045,\n"
    "5,吉木萨尔县,5785,5785,,4085,\n"
    "6,奇台县,5000,5000,,3805,\n"
    "7,木垒县,3317,3317,,3420,\n"
    "昌吉州总计,,43977,36225,7752,24346,\n";

static char dir[256];    /* the temporary directory, "" before the first input */
static char db_url[300]; /* sqlite:DIR/fuzz.db */
static ch_store *store;  /* the fuzz target's own connection */
static ch_ctx *admin;    /* acting as the fuzz user */
static ch_ctx *anon;     /* nobody acting, for signing in */
static struct ch_auth_limits limits;
static char token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX];
static char session[CH_SECRET_HEX + 1], csrf[CH_SECRET_HEX + 1];
static char bearer[sizeof token + 16], cookie[sizeof session + 32];
static int last_status; /* the last answer's, for fuzz_json.c (which includes this file) */

static void cleanup(void)
{
	char cmd[300];
	http_router_dispose();
	ch_ctx_free(admin);
	ch_ctx_free(anon);
	ch_store_free(store);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_http: could not remove %s\n", dir);
}

/* Runs operation GROUP VERB as the fuzz user with NAME, VALUE pairs (ended
 * by NULL); aborts when it fails: the set-up must work. */
static void setup_op(const char *group, const char *verb, const char *const *kv)
{
	fuzz_op(admin, group, verb, kv);
}

/* The fuzz user is the prefecture administrator, whose sign-in needs a
 * second factor: it is enrolled with a secret of its own, and each sign-in
 * moves the TOTP clock (CLEANHEAT_TOTP_CLOCK, a file under DIR) on by one
 * step, so that the code given is a new one (a code works once). */
static char totp_secret[CH_TOTP_B32_LEN];
static char clock_path[300];
static int64_t totp_now;

/* The code of the next step of the TOTP clock, into CODE. */
static void next_code(char code[CH_TOTP_DIGITS + 1])
{
	unsigned char key[CH_TOTP_SECRET_LEN];
	char t[32];
	totp_now += CH_TOTP_STEP;
	int n = snprintf(t, sizeof t, "%lld\n", (long long)totp_now);
	fuzz_write_file(clock_path, t, (size_t)n);
	long len = ch_base32_decode(totp_secret, key, sizeof key);
	FUZZ_CHECK(len > 0);
	snprintf(
	    code, CH_TOTP_DIGITS + 1, "%06u",
	    (unsigned)ch_hotp(key, (size_t)len, (uint64_t)ch_totp_step(totp_now), CH_TOTP_DIGITS));
}

/* Enrols the fuzz user afresh (a request may have reset its factor). */
static void enrol(void)
{
	char code[CH_TOTP_DIGITS + 1], recovery[CH_RECOVERY_CODES][CH_RECOVERY_LEN + 1],
	    *uri = NULL;
	int removed;
	FUZZ_CHECK(ch_totp_reset(admin, USER, &removed) == 0);
	FUZZ_CHECK(ch_totp_begin(admin, USER, totp_secret, &uri) == 0);
	free(uri);
	next_code(code);
	FUZZ_CHECK(ch_totp_confirm(admin, USER, totp_secret, code, recovery) == 0);
}

/* Signs the fuzz user in with a new code: 0 for a full session. */
static int signin(int64_t now)
{
	char code[CH_TOTP_DIGITS + 1];
	struct ch_signin_factor factor = {0};
	next_code(code);
	factor.code = code;
	int rc = ch_auth_signin(anon, USER, PASSWORD, "fuzz-setup", now, &limits, &factor, session,
	                        csrf);
	return rc == 0 && !factor.enrol_only ? 0 : -1;
}

/* A token and a session for the fuzz user that work, made again when a
 * request ended them. */
static void keep_signed_in(void)
{
	int64_t now = (int64_t)time(NULL), id;
	char *name = NULL;
	if (!token[0] || ch_auth_token(anon, token, now, &name) != 0) {
		ch_error_clear();
		FUZZ_CHECK(ch_token_create(admin, USER, 0, token, &id) == 0);
		snprintf(bearer, sizeof bearer, "Bearer %s", token);
	}
	free(name);
	name = NULL;
	if (!session[0] || ch_auth_session(anon, session, now, &limits, &name, csrf, NULL) != 0) {
		ch_error_clear();
		/* a request may have changed the password or removed the second
		 * factor; a throttled sign-in leaves the cookie dead until the
		 * failures age out */
		if (ch_user_set_password(admin, USER, PASSWORD) == 0) {
			if (signin(now) != 0) {
				ch_error_clear();
				enrol();
				if (signin(now) != 0)
					session[0] = '\0';
			}
			if (session[0])
				snprintf(cookie, sizeof cookie, "cleanheat_session=%s", session);
		}
	}
	free(name);
	ch_error_clear();
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/cleanheat-fuzz-http-XXXXXX", t && *t ? t : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
	/* the router's downloads go under DIR too */
	FUZZ_CHECK(setenv("TMPDIR", dir, 1) == 0);
	snprintf(db_url, sizeof db_url, "sqlite:%s/fuzz.db", dir);
	snprintf(clock_path, sizeof clock_path, "%s/totp-clock", dir);
	totp_now = (int64_t)time(NULL);
	FUZZ_CHECK(setenv("CLEANHEAT_TOTP_CLOCK", clock_path, 1) == 0);
	FUZZ_CHECK(ch_store_open(&store, db_url, USER) == 0);
	FUZZ_CHECK(ch_ctx_new(&admin, store, USER) == 0);
	FUZZ_CHECK(ch_ctx_new(&anon, store, NULL) == 0);

	char plan[300], demo[300];
	snprintf(plan, sizeof plan, "%s/plan.csv", dir);
	snprintf(demo, sizeof demo, "%s/demo.csv", dir);
	fuzz_write_file(plan, plan_csv, sizeof plan_csv - 1);
	setup_op("plan", "import", (const char *const[]){"file", plan, "year", "2023", NULL});
	setup_op("demo", "generate",
	         (const char *const[]){"households", "50", "seed", "1", "output", demo, NULL});
	setup_op("household", "import", (const char *const[]){"file", demo, NULL});
	ch_auth_limits_default(&limits);
	enrol();
	keep_signed_in();
	FUZZ_CHECK(session[0] != '\0');

	struct http_config cfg = {0};
	cfg.db_url = db_url;
	cfg.listen = "127.0.0.1:0";
	FUZZ_CHECK(http_router_init(&cfg) == 0);
	ch_error_clear();
}

/* ---- the input ---- */

/* The N bytes at S decoded as a query or urlencoded form field, as the
 * server decodes them ('+' a space, then http_unescape), up to a NUL byte,
 * which a C string cannot hold. */
static char *decode(const char *s, size_t n)
{
	char *v = ch_malloc(n + 1);
	memcpy(v, s, n);
	v[n] = '\0';
	for (char *p = v; *p; p++)
		if (*p == '+')
			*p = ' ';
	http_unescape(v);
	return v;
}

/* "a=1&b=2" into pairs appended to *KV. */
static void decode_pairs(const char *s, size_t n, struct http_kv **kv, size_t *nkv)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
			*kv = ch_reallocarray(*kv, *nkv + 1, sizeof **kv);
			(*kv)[*nkv].name = decode(s + i, klen);
			(*kv)[*nkv].value =
			    eq ? decode(eq + 1, (size_t)(s + end - eq - 1)) : ch_strdup("");
			(*nkv)++;
		}
		i = end + 1;
	}
}

/* The next line of DATA from *POS (without its '\n'), as a string. */
static char *next_line(const uint8_t *data, size_t size, size_t *pos)
{
	size_t start = *pos, end = start;
	while (end < size && data[end] != '\n')
		end++;
	*pos = end < size ? end + 1 : end;
	char *s = ch_malloc(end - start + 1);
	memcpy(s, data + start, end - start);
	s[end - start] = '\0';
	return s;
}

/* Form fields whose names begin with '@' become uploads saved under DIR. */
static void take_uploads(struct http_request *req)
{
	size_t kept = 0;
	for (size_t i = 0; i < req->nform; i++) {
		struct http_kv *f = &req->form[i];
		if (f->name[0] != '@') {
			req->form[kept++] = *f;
			continue;
		}
		req->uploads =
		    ch_reallocarray(req->uploads, req->nuploads + 1, sizeof *req->uploads);
		struct http_upload *u = &req->uploads[req->nuploads++];
		char path[300], *slash = strchr(f->name + 1, '/');
		snprintf(path, sizeof path, "%s/upload-%zu", dir, req->nuploads);
		fuzz_write_file(path, f->value, strlen(f->value));
		if (slash)
			*slash = '\0';
		u->field = ch_strdup(f->name + 1);
		u->filename = ch_strdup(slash ? slash + 1 : "upload");
		u->path = ch_strdup(path);
		u->size = strlen(f->value);
		free(f->name);
		free(f->value);
	}
	req->nform = kept;
}

/* ---- the answer ---- */

static void check_response(const struct http_response *resp)
{
	last_status = resp->status;
	FUZZ_CHECK(resp->status >= 200 && resp->status <= 599);
	FUZZ_CHECK(resp->content_type != NULL);
	for (size_t i = 0; i < resp->nheaders; i++) {
		FUZZ_CHECK(resp->headers[i].name && resp->headers[i].value);
		FUZZ_CHECK(strpbrk(resp->headers[i].name, "\r\n") == NULL);
		FUZZ_CHECK(strpbrk(resp->headers[i].value, "\r\n") == NULL);
	}
	if (resp->status == 304 || strncmp(resp->content_type, "application/json", 16) != 0)
		return;
	json_error_t err;
	json_t *j = json_loadb(resp->body.ptr ? resp->body.ptr : "", resp->body.len, 0, &err);
	if (!j)
		fprintf(stderr, "fuzz_http: not JSON (%s): %.*s\n", err.text, (int)resp->body.len,
		        resp->body.ptr ? resp->body.ptr : "");
	FUZZ_CHECK(json_is_object(j));
	if (resp->status >= 400)
		FUZZ_CHECK(json_is_string(json_object_get(json_object_get(j, "error"), "code")));
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0])
		setup();
	size_t pos = 0;
	char *method = next_line(data, size, &pos);
	char *path = next_line(data, size, &pos);
	char *query = next_line(data, size, &pos);
	char *ctype = next_line(data, size, &pos);
	char *auth = next_line(data, size, &pos);
	const char *body = (const char *)data + pos;
	size_t body_len = size - pos;

	struct http_request req;
	memset(&req, 0, sizeof req);
	req.method = method[0] ? method : "GET";
	req.path = path;
	decode_pairs(query, strlen(query), &req.query, &req.nquery);
	req.content_type = ctype[0] ? ctype : NULL;
	snprintf(req.client, sizeof req.client, "%s", CLIENT);
	char *copy = NULL; /* the body, NUL-terminated as the server keeps it */
	if (req.content_type &&
	    (strncmp(req.content_type, "multipart/form-data", 19) == 0 ||
	     strncmp(req.content_type, "application/x-www-form-urlencoded", 33) == 0)) {
		decode_pairs(body, body_len, &req.form, &req.nform);
		if (req.content_type[0] == 'm')
			take_uploads(&req);
	} else if (body_len) {
		copy = ch_malloc(body_len + 1);
		memcpy(copy, body, body_len);
		copy[body_len] = '\0';
		req.body = copy;
		req.body_len = body_len;
	}
	if (strcmp(auth, "b") == 0) {
		req.authorization = bearer;
	} else if (strcmp(auth, "c") == 0 || strcmp(auth, "k") == 0) {
		req.cookie = cookie;
		req.csrf = auth[0] == 'c' ? csrf : NULL;
	} else if (strncmp(auth, "B:", 2) == 0) {
		req.authorization = auth + 2;
	} else if (strncmp(auth, "C:", 2) == 0) {
		req.cookie = auth + 2;
	}

	if (strncmp(path, "/api/demo/", 10) != 0) {
		struct http_response resp;
		http_response_init(&resp);
		http_handle(&req, &resp);
		if (getenv("FUZZ_HTTP_TRACE"))
			fprintf(stderr, "fuzz_http: %s %s -> %d %.*s\n", req.method, req.path,
			        resp.status, (int)(resp.body.len < 160 ? resp.body.len : 160),
			        resp.body.ptr ? resp.body.ptr : "");
		check_response(&resp);
		http_response_dispose(&resp);
		keep_signed_in();
	}

	for (size_t i = 0; i < req.nuploads; i++) {
		unlink(req.uploads[i].path);
		free(req.uploads[i].field);
		free(req.uploads[i].filename);
		free(req.uploads[i].path);
	}
	free(req.uploads);
	http_kv_free(req.query, req.nquery);
	http_kv_free(req.form, req.nform);
	free(copy);
	free(method);
	free(path);
	free(query);
	free(ctype);
	free(auth);
	ch_error_clear();
	return 0;
}
