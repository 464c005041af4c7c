/*
 * routes — the HTTP routes, made from the operation table: each operation
 * is reachable at one method and path, with its body limit, and the
 * OpenAPI description and the docs page are generated from the same list.
 */
#ifndef CH_HTTP_ROUTES_H
#define CH_HTTP_ROUTES_H

#include <stddef.h>

#include "app/ops.h"
#include "util/buf.h"

struct http_route {
	const char *method;     /* "GET" for reads, "POST" for writes */
	char path[96];          /* "/api/households", "/api/households/import" */
	const struct ch_op *op; /* NULL for the server's own routes */
	size_t body_limit;      /* bytes */
	int uploads;            /* 1: takes files (multipart/form-data) */
	int json_too;           /* 1: its files are optional, so a JSON object
	                           without them is accepted as well */
};

/* Builds the list; UPLOAD_LIMIT is the body limit of routes taking files. */
void http_routes_init(size_t upload_limit);
void http_routes_dispose(void);
/* The route for METHOD PATH; *PATH_KNOWN says whether PATH has a route under
 * another method (405 rather than 404). */
const struct http_route *http_route_find(const char *method, const char *path, int *path_known);
/* All routes, in the operation table's order. */
const struct http_route *http_routes(size_t *n);

/* The OpenAPI 3.1 description of every route, as JSON into B. */
void http_openapi(ch_buf *b, const char *version);
/* A page listing every route with its parameters (HTML into B). */
void http_docs_page(ch_buf *b);

#endif
