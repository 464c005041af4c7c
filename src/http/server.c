/*
 * server — the HTTP server, over GNU libmicrohttpd; the only file that
 * includes microhttpd.h.
 *
 * libmicrohttpd runs a pool of worker threads over epoll. For each request
 * this file reads the body under the limit the router sets for its route
 * (413 at once when Content-Length says more, or as soon as more arrives),
 * saves multipart file fields to a private temporary directory as they
 * stream in (never under the client's file name) and decodes form fields,
 * then hands a plain struct http_request to http_handle and sends what it
 * answers with the security headers every answer carries. Connections are
 * limited in total and per client address; one idle for the timeout is
 * dropped, and so is one whose request header takes longer than the
 * timeout or whose body arrives slower than a floor rate, so slow clients
 * cannot hold connections. "%00" is never decoded and a form field with a
 * NUL byte is refused, so no value reaches the router cut short. SIGINT
 * and SIGTERM stop accepting, let requests in flight finish, and return.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "util/alloc.h"
#include "util/dl.h"
#include "util/error.h"
#include "util/file.h"

/* Files one request may upload, and text fields its form may have. */
#define MAX_UPLOADS 32
#define MAX_FIELDS  256

/* A body sent faster than this (bytes a second, on average once the
 * timeout has passed) is not cut off for being slow. */
#define MIN_BODY_RATE 1024

/* Body bytes read and thrown away after a chunked body went over its
 * limit, before the connection is closed instead of answered. */
#define MAX_DISCARD (1u << 20)

/* What one request accumulates between libmicrohttpd's calls. */
struct conn {
	struct http_request req;
	char *method, *path;
	ch_buf body;
	size_t limit;           /* the route's body limit */
	size_t got;             /* body bytes received */
	size_t text;            /* bytes of form text fields held in memory */
	int too_large;          /* more than LIMIT arrived */
	int multipart;          /* multipart/form-data or urlencoded: parsed by PP */
	const char *form_error; /* why the form cannot be used (static), or NULL */
	struct MHD_PostProcessor *pp;
	FILE *upload;            /* the upload being written */
	char tmpdir[256];        /* where uploads go; "" until the first one */
	struct timespec t0;      /* when the request arrived */
	struct http_kv *strings; /* query and header copies, freed with the conn */
};

static const struct http_config *config;

static void kv_add(struct http_kv **kv, size_t *n, const char *name, const char *value)
{
	*kv = ch_realloc(*kv, (*n + 1) * sizeof **kv);
	(*kv)[*n].name = ch_strdup(name ? name : "");
	(*kv)[*n].value = ch_strdup(value ? value : "");
	(*n)++;
}

static void conn_free(struct conn *c)
{
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	if (c->upload)
		fclose(c->upload);
	for (size_t i = 0; i < c->req.nuploads; i++) {
		struct http_upload *u = &c->req.uploads[i];
		char dir[512];
		if (u->path)
			unlink(u->path);
		snprintf(dir, sizeof dir, "%s/%zu", c->tmpdir, i + 1);
		if (c->tmpdir[0])
			rmdir(dir);
		free(u->field);
		free(u->filename);
		free(u->path);
	}
	free(c->req.uploads);
	if (c->tmpdir[0])
		rmdir(c->tmpdir);
	http_kv_free(c->req.query, c->req.nquery);
	http_kv_free(c->req.form, c->req.nform);
	ch_buf_dispose(&c->body);
	free(c->method);
	free(c->path);
	free(c);
}

/* Stores one piece of a form field or an uploaded file. */
/* The name an upload is stored under in its private folder: the last part
 * of the client's FILENAME, control characters replaced and leading dots
 * dropped (so never "..", never a path), at most OUTSZ - 1 bytes cut where a
 * UTF-8 character starts; "upload" when nothing is left. */
static void upload_name(const char *filename, char *out, size_t outsz)
{
	const char *p = filename ? filename : "";
	for (const char *q = p; *q; q++)
		if (*q == '/' || *q == '\\')
			p = q + 1;
	while (*p == '.')
		p++;
	size_t n = 0;
	for (; *p && n + 1 < outsz; p++)
		out[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '_' : *p;
	/* a multi-byte character cut in half goes: back over its continuation
	 * bytes, then its first byte */
	if (((unsigned char)*p & 0xC0) == 0x80) {
		while (n && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
			n--;
		if (n)
			n--;
	}
	out[n] = '\0';
	if (!n)
		snprintf(out, outsz, "upload");
}

static enum MHD_Result post_iterator(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *filename, const char *content_type,
                                     const char *transfer_encoding, const char *data, uint64_t off,
                                     size_t size)
{
	struct conn *c = cls;
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	c->got += size;
	if (c->got > c->limit) {
		c->too_large = 1;
		return MHD_NO;
	}
	if (!filename) { /* a text field, perhaps in pieces */
		struct http_kv *last = c->req.nform ? &c->req.form[c->req.nform - 1] : NULL;
		c->text += size;
		if (c->text > HTTP_TEXT_LIMIT) {
			c->too_large = 1;
			return MHD_NO;
		}
		/* a NUL byte would cut the value short where the router reads it */
		if (size && memchr(data, '\0', size)) {
			c->form_error = "a form field holds a NUL byte";
			return MHD_NO;
		}
		if (off > 0 && last && strcmp(last->name, key) == 0) {
			size_t n = strlen(last->value);
			last->value = ch_realloc(last->value, n + size + 1);
			memcpy(last->value + n, data, size);
			last->value[n + size] = '\0';
		} else {
			if (c->req.nform >= MAX_FIELDS) {
				c->form_error = "the form has too many fields";
				return MHD_NO;
			}
			char *v = ch_malloc(size + 1);
			memcpy(v, data, size);
			v[size] = '\0';
			kv_add(&c->req.form, &c->req.nform, key, "");
			free(c->req.form[c->req.nform - 1].value);
			c->req.form[c->req.nform - 1].value = v;
		}
		return MHD_YES;
	}
	if (off == 0) { /* a new file */
		if (c->upload)
			fclose(c->upload);
		c->upload = NULL;
		if (c->req.nuploads >= MAX_UPLOADS) {
			c->form_error = "the form has too many files";
			return MHD_NO;
		}
		if (!c->tmpdir[0]) {
			snprintf(c->tmpdir, sizeof c->tmpdir, "%s/cleanheat-upload-XXXXXX",
			         ch_tmpdir());
			if (!mkdtemp(c->tmpdir)) {
				c->tmpdir[0] = '\0';
				c->form_error = "the upload could not be stored";
				return MHD_NO;
			}
		}
		c->req.uploads =
		    ch_realloc(c->req.uploads, (c->req.nuploads + 1) * sizeof *c->req.uploads);
		struct http_upload *u = &c->req.uploads[c->req.nuploads++];
		char path[512], name[128];
		/* a folder of its own, so that the file keeps the client's name
		 * (what an evidence photo is recorded under) */
		snprintf(path, sizeof path, "%s/%zu", c->tmpdir, c->req.nuploads);
		u->field = ch_strdup(key ? key : "");
		u->filename = ch_strdup(filename);
		u->path = NULL;
		u->size = 0;
		if (mkdir(path, 0700) != 0) {
			c->form_error = "the upload could not be stored";
			return MHD_NO;
		}
		upload_name(filename, name, sizeof name);
		snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", name);
		u->path = ch_strdup(path);
		c->upload = fopen(path, "wb");
		if (!c->upload) {
			c->form_error = "the upload could not be stored";
			return MHD_NO;
		}
	}
	struct http_upload *u = &c->req.uploads[c->req.nuploads - 1];
	if (!c->upload || fwrite(data, 1, size, c->upload) != size) {
		c->form_error = "the upload could not be stored";
		return MHD_NO;
	}
	u->size += size;
	return MHD_YES;
}

static enum MHD_Result query_iterator(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	struct conn *c = cls;
	(void)kind;
	kv_add(&c->req.query, &c->req.nquery, key, value);
	return MHD_YES;
}

/* Every answer carries these; personal data is never cached. */
static void add_standard_headers(struct MHD_Response *r, const struct http_response *resp,
                                 const char *path)
{
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	                        "form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type", resp->content_type);
	int cacheable = !resp->personal && strncmp(path, "/api/", 5) != 0;
	if (!http_kv_get(resp->headers, resp->nheaders, "Cache-Control"))
		MHD_add_response_header(r, "Cache-Control", cacheable ? "no-cache" : "no-store");
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct conn *c,
                                     struct http_response *resp)
{
	uint64_t len = resp->body.len;
	struct MHD_Response *r = NULL;
	if (resp->body_fd >= 0) { /* sent from the file, which the response closes */
		len = resp->body_fd_len;
		r = MHD_create_response_from_fd64(len, resp->body_fd);
		if (r) {
			resp->body_fd = -1;
		} else { /* the error instead, as JSON, not as the download */
			http_response_fail(resp, 500, "internal", "the answer could not be sent",
			                   NULL);
			resp->content_type = "application/json; charset=utf-8";
		}
	}
	if (!r) {
		len = resp->body.len;
		char *body = ch_buf_detach(&resp->body);
		r = MHD_create_response_from_buffer((size_t)len, body, MHD_RESPMEM_MUST_FREE);
	}
	add_standard_headers(r, resp, c->path ? c->path : "/");
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms =
	    (double)(t1.tv_sec - c->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e6;
	/* what the client sent is escaped, so that no request can forge or
	 * split a line (the format: http.h, docs/operations.md) */
	char now[32], line[1024], method[64], path[512], user[128];
	http_log_time(now, sizeof now);
	int n = snprintf(line, sizeof line - 1, "%s %s %s %s %d %" PRIu64 " %.1fms", now,
	                 http_log_word(user, sizeof user, resp->user),
	                 http_log_word(method, sizeof method, c->method),
	                 http_log_word(path, sizeof path, c->path), resp->status, len, ms);
	size_t nl = n < 0 ? 0 : (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
	line[nl++] = '\n';
	http_log_write(line, nl);
	return ok;
}

/* libmicrohttpd's own messages, as lines of our log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	http_log_eventv("mhd", fmt, ap);
}

/* libmicrohttpd's decoding of the path and the query, as http_unescape. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return http_unescape(s);
}

/* ---- slow clients ----
 *
 * libmicrohttpd drops a connection idle for the timeout, but a client that
 * sends a byte every second is never idle, and a few hundred of them would
 * hold connections for as long as they like. The watchdog gives each
 * request the timeout to send its header, counted from when the connection
 * was ready for it, and then wants its body at MIN_BODY_RATE on average
 * once the timeout has passed; a connection that falls behind is shut
 * down, which libmicrohttpd sees as the client going away. */

enum phase { WAIT_HEADER, READ_BODY, ANSWERING };

struct watch {
	struct watch *prev, *next;
	int fd;
	enum phase phase;
	struct timespec since; /* when the phase began */
	uint64_t body;         /* body bytes received in READ_BODY */
	int dropped;           /* shut down already */
};

static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watched; /* every open connection */
static int watch_stop;        /* the watchdog is to end */
static pthread_t watch_thread;

static double seconds_since(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}

/* libmicrohttpd's notice of a connection opened or closed. It calls the
 * closing one before it closes the socket, so a socket in the list is
 * never one the kernel has given to another connection. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct watch *w = *socket_context;
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = ch_calloc(1, sizeof *w);
		w->fd = ci ? ci->connect_fd : -1;
		w->phase = WAIT_HEADER;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
		pthread_mutex_lock(&watch_mu);
		w->next = watched;
		if (watched)
			watched->prev = w;
		watched = w;
		pthread_mutex_unlock(&watch_mu);
		*socket_context = w;
	} else if (w) {
		pthread_mutex_lock(&watch_mu);
		if (w->prev)
			w->prev->next = w->next;
		else
			watched = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&watch_mu);
		free(w);
		*socket_context = NULL;
	}
}

/* CONN's request is now in PHASE and has BODY more bytes of its body. */
static void watch_update(struct MHD_Connection *conn, enum phase phase, size_t body)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&watch_mu);
	if (w->phase != phase) {
		w->phase = phase;
		w->body = 0;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
	}
	w->body += body;
	pthread_mutex_unlock(&watch_mu);
}

static void *watchdog(void *arg)
{
	double timeout = (double)config->timeout_s;
	(void)arg;
	const struct timespec tick = {0, 200 * 1000 * 1000};
	for (;;) {
		nanosleep(&tick, NULL);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&watch_mu);
		if (watch_stop) {
			pthread_mutex_unlock(&watch_mu);
			return NULL;
		}
		for (struct watch *w = watched; w; w = w->next) {
			double age = seconds_since(&w->since, &now);
			int late =
			    age > timeout &&
			    (w->phase == WAIT_HEADER ||
			     (w->phase == READ_BODY && (double)w->body < MIN_BODY_RATE * age));
			if (late && !w->dropped && w->fd >= 0) {
				shutdown(w->fd, SHUT_RDWR);
				w->dropped = 1;
			}
		}
		pthread_mutex_unlock(&watch_mu);
	}
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
	struct conn *c = *con_cls;
	(void)cls;
	(void)version;
	if (!c) { /* the headers have arrived */
		watch_update(conn, READ_BODY, 0);
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_TYPE);
		c = ch_calloc(1, sizeof *c);
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
		c->method = ch_strdup(method);
		c->path = ch_strdup(url);
		ch_buf_init(&c->body);
		c->limit = http_body_limit(method, url, ct);
		*con_cls = c;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > c->limit) {
			/* answered before the body is read: it never will be */
			c->too_large = 1;
			struct http_response resp;
			http_response_init(&resp);
			http_response_fail(&resp, 413, "too_large", "the request body is too large",
			                   NULL);
			enum MHD_Result ok = send_response(conn, c, &resp);
			http_response_dispose(&resp);
			return ok;
		}
		if (ct && (strncmp(ct, "multipart/form-data", 19) == 0 ||
		           strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)) {
			c->multipart = 1;
			c->pp = MHD_create_post_processor(conn, 64 * 1024, post_iterator, c);
			if (!c->pp)
				c->form_error = "the form could not be read";
		}
		return MHD_YES;
	}
	if (*upload_data_size) { /* a piece of the body */
		size_t n = *upload_data_size;
		watch_update(conn, READ_BODY, n);
		*upload_data_size = 0;
		if (c->too_large || c->form_error) {
			/* read and thrown away until the answer can go; a chunked body
			 * that goes on and on is cut off instead */
			c->got += n;
			return c->got > c->limit && c->got - c->limit > MAX_DISCARD ? MHD_NO
			                                                            : MHD_YES;
		}
		if (c->multipart) {
			if (MHD_post_process(c->pp, upload_data, n) != MHD_YES && !c->too_large &&
			    !c->form_error)
				c->form_error = "the form could not be read";
		} else if (c->got + n > c->limit) {
			c->too_large = 1;
			c->got += n;
		} else {
			ch_buf_put(&c->body, upload_data, n);
			c->got += n;
		}
		return MHD_YES;
	}
	/* the whole request is here */
	watch_update(conn, ANSWERING, 0);
	struct http_response resp;
	http_response_init(&resp);
	if (c->upload) {
		if (fclose(c->upload) != 0 && !c->form_error)
			c->form_error = "the upload could not be stored";
		c->upload = NULL;
	}
	if (c->too_large) {
		http_response_fail(&resp, 413, "too_large", "the request body is too large", NULL);
	} else if (c->form_error) {
		http_response_fail(&resp, 400, "bad_request", c->form_error, NULL);
	} else {
		struct http_request *r = &c->req;
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_iterator, c);
		r->method = c->method;
		r->path = c->path;
		r->body = c->body.ptr;
		r->body_len = c->body.len;
		r->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                              MHD_HTTP_HEADER_CONTENT_TYPE);
		r->cookie =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
		r->authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                               MHD_HTTP_HEADER_AUTHORIZATION);
		r->csrf = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
		r->totp = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-TOTP-Code");
		r->if_none_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                               MHD_HTTP_HEADER_IF_NONE_MATCH);
		r->accept_encoding = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                                 MHD_HTTP_HEADER_ACCEPT_ENCODING);
		r->tls = config->tls_cert != NULL;
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		r->client[0] = '\0';
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
				          r->client, sizeof r->client);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
				          r->client, sizeof r->client);
		}
		if (c->pp && MHD_destroy_post_processor(c->pp) != MHD_YES)
			http_response_fail(&resp, 400, "bad_request",
			                   "the multipart body is incomplete", NULL);
		else
			http_handle(r, &resp);
		c->pp = NULL;
	}
	enum MHD_Result ok = send_response(conn, c, &resp);
	http_response_dispose(&resp);
	return ok;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	if (*con_cls)
		conn_free(*con_cls);
	*con_cls = NULL;
	watch_update(conn, WAIT_HEADER, 0); /* the next request on this connection */
}

/* Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080", ":8080") into SS. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, int *loopback)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		return ch_error_set_field(CH_EUSAGE, "listen", "'%s': expected HOST:PORT", s);
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return ch_error_set_field(CH_EUSAGE, "listen", "'%s': no valid port", s);
	size_t n = (size_t)(colon - s);
	if (n >= sizeof host)
		return ch_error_set_field(CH_EUSAGE, "listen", "'%s': host too long", s);
	memcpy(host, s, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	if (strcmp(host, "localhost") == 0 || !host[0])
		snprintf(host, sizeof host, "%s", host[0] ? "127.0.0.1" : "0.0.0.0");
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof *a4;
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
	} else {
		return ch_error_set_field(CH_EUSAGE, "listen", "'%s': not an IP address", host);
	}
	return 0;
}

int http_serve(const struct http_config *cfg)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int loopback = 0, rc;
	unsigned char *cert = NULL, *key = NULL;
	size_t cert_len = 0, key_len = 0;
	config = cfg;
	if ((rc = parse_listen(cfg->listen, &ss, &sslen, &loopback)) != 0)
		return rc;
	if (!cfg->tls_cert && !loopback && !cfg->insecure_http)
		return ch_error_set(
		    CH_EUSAGE,
		    "refusing plain HTTP on %s, which is not loopback: serve HTTPS "
		    "with a TLS certificate and key, or allow plain HTTP explicitly",
		    cfg->listen);
	if (cfg->tls_cert &&
	    (!cfg->tls_key || ch_file_read(cfg->tls_cert, 1 << 20, &cert, &cert_len) != 0 ||
	     ch_file_read(cfg->tls_key, 1 << 20, &key, &key_len) != 0)) {
		rc = ch_error_code()
		         ? ch_error_code()
		         : ch_error_set_field(CH_EUSAGE, "tls-key", "a certificate needs its key");
		goto done;
	}
	if ((rc = http_router_init(cfg)) != 0)
		goto done;

	/* the workers inherit a mask without SIGINT and SIGTERM; this thread waits
	 * for them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert) {
		cert = ch_realloc(cert, cert_len + 1);
		cert[cert_len] = '\0';
		key = ch_realloc(key, key_len + 1);
		key[key_len] = '\0';
		flags |= MHD_USE_TLS;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned workers = cfg->workers ? cfg->workers : (unsigned)(ncpu > 0 ? ncpu : 2);
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, answer, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, workers,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    cfg->max_per_client, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_END);
	if (!d) {
		rc =
		    ch_error_set(CH_ERROR, "cannot listen on %s: %s", cfg->listen, strerror(errno));
		goto done;
	}
	watch_stop = 0;
	int watching = pthread_create(&watch_thread, NULL, watchdog, NULL) == 0;
	const union MHD_DaemonInfo *bi = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char where[160];
	snprintf(where, sizeof where, "%.*s:%u", (int)(strrchr(cfg->listen, ':') - cfg->listen),
	         cfg->listen, bi ? bi->port : 0);
	/* the port line is read by scripts that listen on port 0 */
	http_log_event("start", "serving %s on %s://%s (%u workers)", cfg->db_url,
	               cert ? "https" : "http", where, workers);
	int sig = 0;
	sigwait(&stop, &sig);
	http_log_event("stop", "%s received, finishing requests in flight",
	               sig == SIGINT ? "SIGINT" : "SIGTERM");
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 300; i++) { /* up to 30 s for requests in flight */
		const union MHD_DaemonInfo *di =
		    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || di->num_connections == 0)
			break;
		usleep(100 * 1000);
	}
	MHD_stop_daemon(d);
	if (watching) {
		pthread_mutex_lock(&watch_mu);
		watch_stop = 1;
		pthread_mutex_unlock(&watch_mu);
		pthread_join(watch_thread, NULL);
	}
	http_log_event("stop", "stopped");
	rc = 0;
done:
	http_router_dispose();
	free(cert);
	free(key);
	return rc;
}

/* ---- libmicrohttpd, loaded when `cleanheat serve` starts, not when the
 * program starts. libmicrohttpd brings GnuTLS, nettle, GMP, p11-kit and
 * libunistring with it; every other command paid for loading and relocating
 * them (docs/performance.md, the dispatch). The program (not the fuzz
 * targets, which leave the server out) is linked with these functions
 * instead of libmicrohttpd: each loads libmicrohttpd.so.12 once and calls
 * the function of the same name there.
 *
 * The list below is every libmicrohttpd function this file calls; a new
 * one must be added here (the link of the program names it until
 * then). The two variadic information functions are called by server.c
 * with no argument after the kind asked, and are passed on so;
 * MHD_start_daemon goes to MHD_start_daemon_va. When the library cannot
 * be loaded, MHD_start_daemon says why on standard error and starts
 * nothing.
 */

#define MHD_FUNCS(X)                                                                               \
	X(MHD_add_response_header)                                                                 \
	X(MHD_create_post_processor)                                                               \
	X(MHD_create_response_from_buffer)                                                         \
	X(MHD_create_response_from_fd64)                                                           \
	X(MHD_destroy_post_processor)                                                              \
	X(MHD_destroy_response)                                                                    \
	X(MHD_get_connection_info)                                                                 \
	X(MHD_get_connection_values)                                                               \
	X(MHD_get_daemon_info)                                                                     \
	X(MHD_is_feature_supported)                                                                \
	X(MHD_lookup_connection_value)                                                             \
	X(MHD_post_process)                                                                        \
	X(MHD_queue_response)                                                                      \
	X(MHD_quiesce_daemon)                                                                      \
	X(MHD_start_daemon_va)                                                                     \
	X(MHD_stop_daemon)

static struct {
#define MHD_PTR(name) __typeof__(name) *p_##name;
	MHD_FUNCS(MHD_PTR)
#undef MHD_PTR
} mhd;

/* The functions' names, and where each goes. */
#define MHD_NAME(name) #name,
#define MHD_ADDR(name) (void **)&mhd.p_##name,
static const char *const mhd_names[] = {MHD_FUNCS(MHD_NAME)};
static void **const mhd_addrs[] = {MHD_FUNCS(MHD_ADDR)};

static const char *const mhd_lib[] = {"libmicrohttpd.so.12"};
static struct ch_dl_once libmicrohttpd = CH_DL_ONCE_INIT(mhd_lib, mhd_names, mhd_addrs, NULL);

/* 1 when the library is loaded (loading it the first time). */
static int loaded(void)
{
	return ch_dl_once(&libmicrohttpd) == 0;
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;
	if (!loaded()) {
		fprintf(stderr, "cleanheat: 无法加载 HTTP 服务库 libmicrohttpd：%s\n",
		        libmicrohttpd.why);
		errno = ELIBACC;
		return NULL;
	}
	va_start(ap, dh_cls);
	d = mhd.p_MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type, ...)
{
	return loaded() ? mhd.p_MHD_get_connection_info(connection, info_type) : NULL;
}

const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
                                                enum MHD_DaemonInfoType info_type, ...)
{
	return loaded() ? mhd.p_MHD_get_daemon_info(daemon, info_type) : NULL;
}

/* A function returning TYPE, with PARAMS, calling the library's with ARGS;
 * FALLBACK when it is not there. */
#define MHD_FN(type, name, params, args, fallback)                                                 \
	type name params                                                                           \
	{                                                                                          \
		return loaded() ? mhd.p_##name args : fallback;                                    \
	}
#define MHD_VOID(name, params, args)                                                               \
	void name params                                                                           \
	{                                                                                          \
		if (loaded())                                                                      \
			mhd.p_##name args;                                                         \
	}

MHD_FN(enum MHD_Result, MHD_add_response_header,
       (struct MHD_Response * response, const char *header, const char *content),
       (response, header, content), MHD_NO)
MHD_FN(struct MHD_PostProcessor *, MHD_create_post_processor,
       (struct MHD_Connection * connection, size_t buffer_size, MHD_PostDataIterator iter,
        void *iter_cls),
       (connection, buffer_size, iter, iter_cls), NULL)
MHD_FN(struct MHD_Response *, MHD_create_response_from_buffer,
       (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode), NULL)
MHD_FN(struct MHD_Response *, MHD_create_response_from_fd64, (uint64_t size, int fd), (size, fd),
       NULL)
MHD_FN(enum MHD_Result, MHD_destroy_post_processor, (struct MHD_PostProcessor * pp), (pp), MHD_NO)
MHD_VOID(MHD_destroy_response, (struct MHD_Response * response), (response))
MHD_FN(int, MHD_get_connection_values,
       (struct MHD_Connection * connection, enum MHD_ValueKind kind, MHD_KeyValueIterator iterator,
        void *iterator_cls),
       (connection, kind, iterator, iterator_cls), 0)
MHD_FN(enum MHD_Result, MHD_is_feature_supported, (enum MHD_FEATURE feature), (feature), MHD_NO)
MHD_FN(const char *, MHD_lookup_connection_value,
       (struct MHD_Connection * connection, enum MHD_ValueKind kind, const char *key),
       (connection, kind, key), NULL)
MHD_FN(enum MHD_Result, MHD_post_process,
       (struct MHD_PostProcessor * pp, const char *post_data, size_t post_data_len),
       (pp, post_data, post_data_len), MHD_NO)
MHD_FN(enum MHD_Result, MHD_queue_response,
       (struct MHD_Connection * connection, unsigned int status_code,
        struct MHD_Response *response),
       (connection, status_code, response), MHD_NO)
MHD_FN(MHD_socket, MHD_quiesce_daemon, (struct MHD_Daemon * daemon), (daemon), MHD_INVALID_SOCKET)
MHD_VOID(MHD_stop_daemon, (struct MHD_Daemon * daemon), (daemon))
