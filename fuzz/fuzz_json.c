/*
 * fuzz_json — libFuzzer target for the JSON request bodies the router
 * takes (read_params and set_param in src/http/router.c: each key of the
 * object set through the operation's parameter specs, as src/app/args.c
 * checks them, then the operation itself).
 *
 * fuzz_http reaches the same code, but must first hit a method, a route,
 * the content type and a sign-in; this target fixes all but the route:
 * the input's first line is the path ("/api/events/record"), the rest is
 * the body of a POST with Content-Type application/json, signed in with
 * the fuzz user's bearer token (for /api/funds/ and /api/subsidies/, a
 * finance user's, made on the first input). It is fuzz_http.c (included, with its
 * database, set-up and answer checks) driven so; see there. Besides
 * fuzz_http's checks on every answer: a body that is not a JSON object
 * sent to an operation's POST route must be refused with 400 (or, when
 * the user may not run the operation at all, 401 or 403, which come
 * first).
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_http_one
#include "fuzz_http.c"
#undef LLVMFuzzerTestOneInput

#include "http/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "B:Bearer TOKEN" of "fin", a finance user, for the routes that move money */
static char fin_token[sizeof token], fin_bearer[sizeof token + 16];

/* A token for "fin" that works (made again when a request revoked it; when
 * fin was disabled, money requests are refused, which the checks allow). */
static void keep_finance(void)
{
	char *name = NULL;
	int64_t id;
	static int added;
	if (!added++)
		setup_op("user", "add",
		         (const char *const[]){"name", "fin", "role", "finance", NULL});
	if (!fin_token[0] || ch_auth_token(anon, fin_token, (int64_t)time(NULL), &name) != 0) {
		if (ch_token_create(admin, "fin", 0, fin_token, &id) != 0)
			fin_token[0] = '\0';
		snprintf(fin_bearer, sizeof fin_bearer, "B:Bearer %s", fin_token);
	}
	free(name);
	ch_error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "POST\n";
	static char mid[sizeof fin_bearer + 32];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : size;
	const uint8_t *body = nl ? nl + 1 : data + size;
	size_t blen = (size_t)(data + size - body);
	char *path = ch_strndup((const char *)data, plen);
	if (!dir[0])
		setup();
	/* money is the finance user's */
	int money =
	    strncmp(path, "/api/funds/", 11) == 0 || strncmp(path, "/api/subsidies/", 15) == 0;
	if (money)
		keep_finance();
	snprintf(mid, sizeof mid, "\n\napplication/json\n%s\n", money ? fin_bearer : "b");
	size_t mlen = strlen(mid);
	size_t n = sizeof head - 1 + plen + mlen + blen;
	uint8_t *req = ch_malloc(n);
	memcpy(req, head, sizeof head - 1);
	memcpy(req + sizeof head - 1, data, plen);
	memcpy(req + sizeof head - 1 + plen, mid, mlen);
	memcpy(req + n - blen, body, blen);

	int known = 0;
	json_error_t err;
	const struct http_route *r = http_route_find("POST", path, &known);
	json_t *j = json_loadb((const char *)body, blen, JSON_REJECT_DUPLICATES, &err);
	int must_refuse = r && r->op && (!r->uploads || r->json_too) && blen &&
	                  strncmp(path, "/api/demo/", 10) != 0 && !json_is_object(j);
	json_decref(j);

	last_status = 0;
	fuzz_http_one(req, n);
	if (must_refuse) {
		int ok = last_status == 400 || last_status == 401 || last_status == 403;
		if (!ok)
			fprintf(stderr,
			        "fuzz_json: %s answered %d to a body that is no JSON object\n",
			        path, last_status);
		FUZZ_CHECK(ok);
	}
	free(path);
	free(req);
	return 0;
}
