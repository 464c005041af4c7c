/*
 * static — the web dashboard's files, for every path outside /api/.
 *
 * The build compiles the files of web/ (and ECharts, from npm) into the
 * program, each gzip-compressed, with VERSION, the digest of the whole set
 * (tools/embed.c, the Makefile's web rules). `/` and `/index.html` are the
 * page; index.html names every other file under `/v/VERSION/`, so those
 * answers never change and may be kept a year (`immutable`); the page
 * itself and unversioned paths are revalidated (`no-cache`) with an ETag.
 * The compressed bytes go to clients that accept gzip as they are; others
 * get them inflated (zlib, loaded the first time, util/dl.h: few clients
 * refuse gzip, and every command paid for loading it at start). When zlib
 * cannot be loaded, such a client gets a 500 saying so, and the log says
 * why, once. Only names in the set are answered: anything else is 404, and
 * no directory is ever listed.
 *
 * With a web root (`cleanheat serve --web-root DIR`, for development) the
 * same names are read from DIR on each request instead, uncompressed and
 * never cached, so an edited file shows on the next reload; a name not in
 * the compiled-in set is served from DIR only if it is a plain relative
 * path of letters, digits, '-', '_' and '.' segments (none starting with a
 * dot) with a known extension, and resolves to a regular file inside DIR.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "http/http.h"
#include "util/alloc.h"
#include "util/dl.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

#define IMMUTABLE "public, max-age=31536000, immutable"
#define MAX_FILE  (16u << 20) /* the largest file read from a web root */

/* ECharts, as the pages name it, and where npm puts it in a web root. */
#define ECHARTS_NAME "lib/echarts.js"
#define ECHARTS_FILE "node_modules/echarts/dist/echarts.common.min.js"

static char version[64] = "dev";
static char *web_root; /* NULL: the compiled-in files */

/* The ETag of each compiled-in file, by its index in ch_web_assets. */
static char (*etags)[48];
static size_t nassets;

int http_static_init(const char *root)
{
	free(web_root);
	web_root = NULL;
	if (root) {
		char real[PATH_MAX];
		if (!realpath(root, real))
			return ch_error_set_field(CH_EUSAGE, "web-root", "'%s': no such directory",
			                          root);
		web_root = ch_strdup(real);
	}
	nassets = 0;
	for (const struct ch_embedded_file *f = ch_web_assets; f->path; f++) {
		nassets++;
		if (strcmp(f->path, "VERSION") == 0)
			snprintf(version, sizeof version, "%.*s", (int)f->len, f->data);
	}
	free(etags);
	etags = ch_calloc(nassets + 1, sizeof *etags);
	for (size_t i = 0; i < nassets; i++) {
		char h[CH_HASH_HEX_LEN + 1];
		ch_hash_hex(ch_web_assets[i].data, ch_web_assets[i].len, h);
		snprintf(etags[i], sizeof etags[i], "\"%.20s\"", h);
	}
	return 0;
}

void http_static_dispose(void)
{
	free(web_root);
	web_root = NULL;
	free(etags);
	etags = NULL;
	nassets = 0;
}

static const char *media_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* 1 when NAME is a plain relative path a web root may answer. */
static int plain_name(const char *name)
{
	if (!*name || !media_type(name) || strncmp(name, "node_modules/", 13) == 0)
		return 0;
	for (const char *p = name; *p; p++) {
		if ((p == name || p[-1] == '/') && (*p == '.' || *p == '/'))
			return 0; /* "..", ".hidden", "//" */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '/'))
			return 0;
	}
	return 1;
}

/* The compiled-in file NAME ("app.css"), or -1. */
static long find_asset(const char *name)
{
	char gz[300];
	snprintf(gz, sizeof gz, "%s.gz", name);
	for (size_t i = 0; i < nassets; i++)
		if (strcmp(ch_web_assets[i].path, gz) == 0)
			return (long)i;
	return -1;
}

/* zlib's functions, filled the first time a file is inflated. */
static struct {
	__typeof__(inflateInit2_) *init2;
	__typeof__(inflate) *inflate;
	__typeof__(inflateEnd) *end;
} zlib;

static const char *const zlib_lib[] = {"libz.so.1"};
static const char *const zlib_names[] = {"inflateInit2_", "inflate", "inflateEnd"};
static void **const zlib_addrs[] = {(void **)&zlib.init2, (void **)&zlib.inflate,
                                    (void **)&zlib.end};

/* Tells the operator, once, when zlib could not be loaded: each request
 * it fails shows as a 500 in the log after that. */
static void zlib_tried(const struct ch_dl_once *set)
{
	if (set->rc != 0)
		http_log_event("error", "cannot inflate pages for clients that refuse gzip: %s",
		               set->why);
}

static struct ch_dl_once libz = CH_DL_ONCE_INIT(zlib_lib, zlib_names, zlib_addrs, zlib_tried);

/* Inflates the gzip member GZ into OUT, zlib loaded; -1 when it cannot (the
 * caller answers 500). */
static int gunzip(const char *gz, size_t len, ch_buf *out)
{
	z_stream z;
	unsigned char chunk[16384];
	int rc;
	memset(&z, 0, sizeof z);
	if (zlib.init2(&z, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = zlib.inflate(&z, Z_NO_FLUSH);
		ch_buf_put(out, chunk, sizeof chunk - z.avail_out);
	} while (rc == Z_OK);
	zlib.end(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* F inflated into RESP's body: 0; else -1, answered 500 saying why. */
static int inflate_page(const struct ch_embedded_file *f, struct http_response *resp)
{
	if (ch_dl_once(&libz) != 0) {
		/* the client can still have the page: compressed. Why zlib is
		 * missing is the operator's to read, in the log (zlib_tried):
		 * pages are answered to anyone, signed in or not */
		http_response_fail(resp, 500, ch_err_json_code(CH_ERROR),
		                   "this server cannot inflate the page for a client that refuses "
		                   "gzip (zlib could not be loaded; the server's log says why); "
		                   "ask again accepting gzip",
		                   NULL);
		return -1;
	}
	if (gunzip(f->data, f->len, &resp->body) != 0) {
		http_response_error(resp, CH_ERROR, "a compiled-in page is damaged", NULL);
		return -1;
	}
	return 0;
}

static int accepts_gzip(const char *accept_encoding)
{
	const char *p = accept_encoding ? strstr(accept_encoding, "gzip") : NULL;
	return p && strncmp(p + 4, ";q=0", 4) != 0 ? 1 : 0;
}

/* The page: VERSION where index.html says @VERSION@ (a web root's copy). */
static void put_page(ch_buf *b, const char *data, size_t len)
{
	const char *end = data + len;
	while (data < end) {
		const char *at = strstr(data, "@VERSION@");
		if (!at || at >= end) {
			ch_buf_put(b, data, (size_t)(end - data));
			break;
		}
		ch_buf_put(b, data, (size_t)(at - data));
		ch_buf_puts(b, "dev");
		data = at + 9;
	}
}

/* Answers NAME from the web root; 0, or -1 when it is not there. */
static int from_root(const char *name, struct http_response *resp)
{
	char path[PATH_MAX], real[PATH_MAX];
	unsigned char *data = NULL;
	size_t len = 0;
	struct stat st;
	const char *file = strcmp(name, ECHARTS_NAME) == 0 ? ECHARTS_FILE : name;
	if (find_asset(name) < 0 && !plain_name(name))
		return -1;
	snprintf(path, sizeof path, "%s/%s", web_root, file);
	size_t rl = strlen(web_root);
	if (!realpath(path, real) || strncmp(real, web_root, rl) != 0 || real[rl] != '/' ||
	    stat(real, &st) != 0 || !S_ISREG(st.st_mode) ||
	    ch_file_read(real, MAX_FILE, &data, &len) != 0) {
		ch_error_clear();
		return -1;
	}
	if (strcmp(name, "index.html") == 0)
		put_page(&resp->body, (const char *)data, len);
	else
		ch_buf_put(&resp->body, data, len);
	free(data);
	resp->content_type = media_type(name);
	http_response_header(resp, "Cache-Control", "no-cache");
	return 0;
}

void http_static(const struct http_request *req, struct http_response *resp)
{
	const char *name = req->path;
	char vprefix[80];
	int versioned = 0;
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		http_response_fail(resp, 405, "method_not_allowed", "pages are read with GET",
		                   NULL);
		return;
	}
	/* /v/VERSION/NAME: a name index.html gives, kept for a year when VERSION
	 * is this build's; another build's version is answered, not kept */
	if (strncmp(name, "/v/", 3) == 0) {
		const char *slash = strchr(name + 3, '/');
		if (!slash) {
			http_response_fail(resp, 404, "not_found", "no such page", NULL);
			return;
		}
		snprintf(vprefix, sizeof vprefix, "/v/%s/", version);
		versioned = strncmp(name, vprefix, strlen(vprefix)) == 0;
		name = slash;
	}
	name = strcmp(name, "/") == 0 ? "index.html" : name + 1;
	if (web_root) {
		if (from_root(name, resp) != 0)
			http_response_fail(resp, 404, "not_found", "no such page", NULL);
		return;
	}
	long i = find_asset(name);
	if (i < 0) {
		http_response_fail(resp, 404, "not_found", "no such page", NULL);
		return;
	}
	const struct ch_embedded_file *f = &ch_web_assets[i];
	int fresh = req->if_none_match && strcmp(req->if_none_match, etags[i]) == 0;
	int gzip = accepts_gzip(req->accept_encoding);
	/* inflated first: a failure is answered without the page's headers,
	 * so no cache keeps it for the page */
	if (!fresh && !gzip && inflate_page(f, resp) != 0)
		return;
	http_response_header(resp, "ETag", etags[i]);
	http_response_header(resp, "Cache-Control", versioned ? IMMUTABLE : "no-cache");
	http_response_header(resp, "Vary", "Accept-Encoding");
	resp->content_type = media_type(name);
	if (fresh) {
		resp->status = 304;
		return;
	}
	if (gzip) {
		http_response_header(resp, "Content-Encoding", "gzip");
		ch_buf_put(&resp->body, f->data, f->len);
	}
}
