/*
 * downloads — output files kept for their user for a while (see downloads.h).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/downloads.h"
#include "http/http.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

#define KEEP_SECONDS 3600

struct download {
	char id[33];
	char *path, *user, *name, *media_type;
	time_t expires;
};

static char dir[256];
static struct download *items;
static size_t nitems;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void drop(size_t i)
{
	unlink(items[i].path);
	free(items[i].path);
	free(items[i].user);
	free(items[i].name);
	free(items[i].media_type);
	items[i] = items[--nitems];
}

/* Forgets expired downloads; the caller holds MU. */
static void expire(time_t now)
{
	for (size_t i = 0; i < nitems;)
		if (items[i].expires <= now)
			drop(i);
		else
			i++;
}

int http_downloads_init(void)
{
	snprintf(dir, sizeof dir, "%s/cleanheat-files-XXXXXX", ch_tmpdir());
	if (!mkdtemp(dir))
		return ch_error_set(CH_ERROR, "cannot create a directory for downloads");
	return sodium_init() < 0 ? ch_error_set(CH_ERROR, "libsodium failed to start") : 0;
}

void http_downloads_dispose(void)
{
	pthread_mutex_lock(&mu);
	while (nitems)
		drop(0);
	free(items);
	items = NULL;
	pthread_mutex_unlock(&mu);
	if (dir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			http_log_event("warn", "could not remove %s", dir);
		dir[0] = '\0';
	}
}

static void random_id(char out[33])
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 33, raw, sizeof raw);
}

void http_downloads_path(char *out, size_t outsz, const char *ext)
{
	char id[33];
	random_id(id);
	snprintf(out, outsz, "%s/%s%s", dir, id, ext);
}

int http_downloads_add(const char *path, const char *user, const char *name, const char *media_type,
                       char *url, size_t urlsz)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&mu);
	expire(now);
	items = ch_realloc(items, (nitems + 1) * sizeof *items);
	struct download *d = &items[nitems++];
	random_id(d->id);
	d->path = ch_strdup(path);
	d->user = ch_strdup(user);
	d->name = ch_strdup(name);
	d->media_type = ch_strdup(media_type);
	d->expires = now + KEEP_SECONDS;
	snprintf(url, urlsz, "/api/files/%s", d->id);
	pthread_mutex_unlock(&mu);
	return 0;
}

/* The type a download is served as, from the few the server offers (the
 * stored one names what the operation wrote); *SHOWN is set for an image,
 * which a browser shows in place (an evidence photo in an <img>) instead
 * of saving it. */
static const char *served_type(const char *stored, int *shown)
{
	static const char *const images[] = {"image/jpeg", "image/png", "image/gif", "image/webp"};
	*shown = 0;
	for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
		if (strcmp(stored, images[i]) == 0) {
			*shown = 1;
			return images[i];
		}
	if (strcmp(stored, "application/pdf") == 0)
		return "application/pdf";
	if (strcmp(stored, "application/octet-stream") == 0)
		return "application/octet-stream";
	return strstr(stored, "sheet") ? "application/"
	                                 "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	                               : "text/csv; charset=utf-8";
}

int http_downloads_get(const char *id, const char *user, struct http_response *resp)
{
	int shown = 0;
	char *path = NULL, *name = NULL;
	const char *media = NULL;
	pthread_mutex_lock(&mu);
	expire(time(NULL));
	for (size_t i = 0; i < nitems; i++)
		if (strcmp(items[i].id, id) == 0 && strcmp(items[i].user, user) == 0) {
			path = ch_strdup(items[i].path);
			name = ch_strdup(items[i].name);
			media = served_type(items[i].media_type, &shown);
		}
	pthread_mutex_unlock(&mu);
	int rc = -1, fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* a large file is sent from itself (http_response_file) */
	if (fd >= 0 && http_response_file(resp, fd) == 0) {
		resp->content_type = media;
		char disp[300];
		snprintf(disp, sizeof disp, "%s; filename=\"%s\"", shown ? "inline" : "attachment",
		         name);
		http_response_header(resp, "Content-Disposition", disp);
		rc = 0;
	}
	ch_error_clear();
	free(path);
	free(name);
	return rc;
}
