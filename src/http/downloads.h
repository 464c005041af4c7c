/*
 * downloads — files an operation wrote for a web user (a rejects file, a
 * bank file, an evidence photo), offered at /api/files/ID to that user
 * alone for an hour. Tables come as attachments; a JPEG, PNG, GIF or WebP
 * photo is served inline with its own type, so that an <img> shows it.
 *
 * The files live in a private temporary directory of the server's, under
 * random names; the client's own file names never become paths.
 */
#ifndef CH_HTTP_DOWNLOADS_H
#define CH_HTTP_DOWNLOADS_H

#include <stddef.h>

struct http_response;

/* Creates the directory; http_downloads_dispose removes it and its files. */
int http_downloads_init(void);
void http_downloads_dispose(void);
/* A new private path ending in EXT (".csv", ".xlsx") for an output file. */
void http_downloads_path(char *out, size_t outsz, const char *ext);
/* Offers the file at PATH to USER as NAME; its URL goes to URL. */
int http_downloads_add(const char *path, const char *user, const char *name, const char *media_type,
                       char *url, size_t urlsz);
/* Answers download ID for USER into RESP; -1 when there is none for USER. */
int http_downloads_get(const char *id, const char *user, struct http_response *resp);

#endif
