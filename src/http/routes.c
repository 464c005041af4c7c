/*
 * routes — HTTP routes from the operation table, and the OpenAPI
 * description generated from them (see routes.h).
 *
 * An operation GROUP VERB is at /api/GROUPs/VERB (list operations at
 * /api/GROUPs itself): GET when it only reads, POST when it writes or
 * takes a file (which only a multipart form can carry). Its
 * parameters are the query string's fields for GET, and a JSON object or a
 * multipart form (when it takes files) for POST, named as on the command
 * line with '_' for '-'. A route whose files are all optional (evidence for
 * a step) takes a JSON object too, for a request without them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/user.h"
#include "http/http.h"
#include "http/routes.h"
#include "util/alloc.h"

static struct http_route *routes;
static size_t nroutes;

/* The collection a group's paths sit under ("households"). */
static const char *collection(const char *group)
{
	static const struct {
		const char *group, *path;
	} names[] = {
	    {"plan", "plans"},
	    {"household", "households"},
	    {"event", "events"},
	    {"report", "reports"},
	    {"inspect", "inspections"},
	    {"review", "reviews"},
	    {"rectification", "rectifications"},
	    {"followup", "followups"},
	    {"subsidy", "subsidies"},
	    {"notice", "notices"},
	    {"region", "regions"},
	    {"user", "users"},
	    {"token", "tokens"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].group, group) == 0)
			return names[i].path;
	return group; /* funds, ledger, audit, demo */
}

static struct http_route *add(const char *method, const char *path, const struct ch_op *op,
                              size_t limit, int uploads)
{
	routes = ch_realloc(routes, (nroutes + 1) * sizeof *routes);
	struct http_route *r = &routes[nroutes++];
	r->method = method;
	snprintf(r->path, sizeof r->path, "%s", path);
	r->op = op;
	r->body_limit = limit;
	r->uploads = uploads;
	r->json_too = 0;
	return r;
}

void http_routes_init(size_t upload_limit)
{
	char path[96];
	http_routes_dispose();
	add("GET", "/api/health", NULL, 0, 0);
	add("GET", "/api/session", NULL, 0, 0);
	add("POST", "/api/session", NULL, 4096, 0);
	add("DELETE", "/api/session", NULL, 0, 0);
	add("GET", "/api/openapi.json", NULL, 0, 0);
	add("GET", "/api/docs", NULL, 0, 0);
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op)) {
		if (op->flags & CH_OP_LOCAL)
			continue; /* not for the network: see CH_OP_LOCAL */
		int files = 0, required_file = 0;
		for (const struct ch_param *p = op->params; p && p->name; p++) {
			files |= p->type == CH_PT_FILE;
			required_file |= p->type == CH_PT_FILE && (p->flags & CH_PF_REQUIRED);
		}
		if (!op->verb || strcmp(op->verb, "list") == 0)
			snprintf(path, sizeof path, "/api/%s", collection(op->group));
		else
			snprintf(path, sizeof path, "/api/%s/%s", collection(op->group), op->verb);
		int post = (op->flags & CH_OP_WRITES) || files;
		struct http_route *r = add(post ? "POST" : "GET", path, op,
		                           files  ? upload_limit
		                           : post ? HTTP_TEXT_LIMIT
		                                  : 0,
		                           files);
		r->json_too = files && !required_file;
	}
}

void http_routes_dispose(void)
{
	free(routes);
	routes = NULL;
	nroutes = 0;
}

const struct http_route *http_route_find(const char *method, const char *path, int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (strcmp(routes[i].path, path) != 0)
			continue;
		*path_known = 1;
		if (strcmp(routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0))
			return &routes[i];
	}
	return NULL;
}

const struct http_route *http_routes(size_t *n)
{
	*n = nroutes;
	return routes;
}

/* ---- OpenAPI ---- */

static json_t *param_schema(const struct ch_param *p)
{
	json_t *s;
	switch (p->type) {
	case CH_PT_INT:
		s = json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum", (json_int_t)p->min,
		              "maximum", (json_int_t)p->max);
		break;
	case CH_PT_DATE:
		s = json_pack("{s:s, s:s}", "type", "string", "format", "date");
		break;
	case CH_PT_FLAG:
		s = json_pack("{s:s}", "type", "boolean");
		break;
	case CH_PT_ENUM: {
		json_t *e = json_array();
		char *copy = ch_strdup(p->choices), *save = NULL;
		for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save))
			json_array_append_new(e, json_string(w));
		free(copy);
		s = json_pack("{s:s, s:o}", "type", "string", "enum", e);
		break;
	}
	case CH_PT_FILE:
		s = json_pack("{s:s, s:s}", "type", "string", "contentMediaType",
		              "application/octet-stream");
		break;
	case CH_PT_SECRET:
		s = json_pack("{s:s, s:s}", "type", "string", "format", "password");
		break;
	case CH_PT_OUTFILE:
		s = json_pack("{s:s, s:s}", "type", "string", "description",
		              "the download's file name; its extension (.csv or .xlsx) chooses "
		              "the format");
		break;
	default:
		s = json_pack("{s:s}", "type", "string");
	}
	if (p->flags & CH_PF_REPEAT)
		s = json_pack("{s:s, s:o}", "type", "array", "items", s);
	if (p->help && !json_object_get(s, "description"))
		json_object_set_new(s, "description", json_string(p->help));
	return s;
}

/* "as-of" → "as_of" */
static void wire_name(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s", name);
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
}

static json_t *error_response(const char *what)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", what, "content",
	                 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(const struct http_route *r)
{
	const struct ch_op *op = r->op;
	char name[128], wire[64];
	json_t *o = json_object(), *params = json_array();
	json_t *props = json_object(), *required = json_array();
	ch_op_name(op, name, sizeof name);
	json_object_set_new(o, "operationId", json_string(name));
	json_object_set_new(o, "summary", json_string(op->summary));
	json_object_set_new(o, "tags", json_pack("[s]", op->group));
	json_t *roles = json_array(); /* who may call it: the table's permission */
	for (int role = 0; role < CH_ROLE_COUNT; role++)
		if (ch_role_allows((enum ch_role)role, (enum ch_perm)op->perm))
			json_array_append_new(roles, json_string(ch_role_name((enum ch_role)role)));
	json_object_set_new(o, "x-roles", roles);
	for (const struct ch_param *p = op->params; p && p->name; p++) {
		wire_name(p->name, wire, sizeof wire);
		if (strcmp(r->method, "GET") == 0) {
			json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name",
			                                        wire, "in", "query", "required",
			                                        (p->flags & CH_PF_REQUIRED) != 0,
			                                        "schema", param_schema(p)));
		} else {
			json_object_set_new(props, wire, param_schema(p));
			if (p->flags & CH_PF_REQUIRED)
				json_array_append_new(required, json_string(wire));
		}
	}
	if (strcmp(r->method, "GET") == 0) {
		if (op->formats & (CH_RF(CH_FMT_CSV) | CH_RF(CH_FMT_XLSX)))
			json_array_append_new(
			    params, json_pack("{s:s, s:s, s:b, s:{s:s, s:[s,s,s]}}", "name",
			                      "format", "in", "query", "required", 0, "schema",
			                      "type", "string", "enum", "json", "csv", "xlsx"));
		json_object_set_new(o, "parameters", params);
		json_decref(props);
		json_decref(required);
	} else {
		json_decref(params);
		json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
		                           "additionalProperties", 0);
		if (json_array_size(required))
			json_object_set_new(schema, "required", required);
		else
			json_decref(required);
		json_t *content = json_object();
		if (r->json_too) { /* the same without the files, as JSON */
			json_t *js = json_deep_copy(schema);
			for (const struct ch_param *p = op->params; p && p->name; p++)
				if (p->type == CH_PT_FILE) {
					wire_name(p->name, wire, sizeof wire);
					json_object_del(json_object_get(js, "properties"), wire);
				}
			json_object_set_new(content, "application/json",
			                    json_pack("{s:o}", "schema", js));
		}
		json_object_set_new(content,
		                    r->uploads ? "multipart/form-data" : "application/json",
		                    json_pack("{s:o}", "schema", schema));
		json_object_set_new(o, "requestBody",
		                    json_pack("{s:b, s:o}", "required", 1, "content", content));
	}
	json_t *ok = json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "done", "content",
	                       "application/json", "schema", "$ref", "#/components/schemas/Result");
	if (op->formats & CH_RF(CH_FMT_CSV))
		json_object_set_new(json_object_get(ok, "content"), "text/csv",
		                    json_pack("{s:{s:s}}", "schema", "type", "string"));
	if (op->formats & CH_RF(CH_FMT_XLSX))
		json_object_set_new(
		    json_object_get(ok, "content"),
		    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    json_pack("{s:{s:s, s:s}}", "schema", "type", "string", "contentMediaType",
		              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	json_object_set_new(
	    o, "responses",
	    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "200", ok, "400",
	              error_response("malformed request"), "401", error_response("not signed in"),
	              "403", error_response("not allowed, or outside the user's region"), "404",
	              error_response("not found"), "409", error_response("conflict"), "422",
	              error_response("the data has problems (rows named)")));
	return o;
}

void http_openapi(ch_buf *b, const char *version)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < nroutes; i++) {
		const struct http_route *r = &routes[i];
		if (!r->op)
			continue;
		json_t *item = json_object_get(paths, r->path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->path, item);
		}
		char m[8];
		snprintf(m, sizeof m, "%s", r->method);
		for (char *c = m; *c; c++)
			*c = (char)(*c - 'A' + 'a');
		json_object_set_new(item, m, operation(r));
	}
	json_object_set_new(paths, "/api/health",
	                    json_pack("{s:{s:s, s:s, s:[], s:{s:{s:s}}}}", "get", "operationId",
	                              "health", "summary",
	                              "is the server and its database up (no sign-in)", "security",
	                              "responses", "200", "description", "up"));
	json_object_set_new(
	    paths, "/api/session",
	    json_pack("{s:{s:s, s:s, s:{s:{s:s}}}, s:{s:s, s:s, s:[], s:{s:b, s:{s:{s:{s:s, "
	              "s:{s:{s:s}, s:{s:s}, s:{s:s, s:s}}, s:[s,s]}}}}, s:{s:{s:s}, s:{s:s}, "
	              "s:{s:s}}}, "
	              "s:{s:s, s:s, s:{s:{s:s}}}}",
	              "get", "operationId", "session.show", "summary", "who is signed in",
	              "responses", "200", "description", "the user, role, scope and CSRF token",
	              "post", "operationId", "session.create", "summary",
	              "sign in: sets the session cookie, returns the CSRF token", "security",
	              "requestBody", "required", 1, "content", "application/json", "schema", "type",
	              "object", "properties", "user", "type", "string", "password", "type",
	              "string", "totp", "type", "string", "description",
	              "the one-time code (6 digits) or a recovery code of a user with a second "
	              "factor (docs/auth.md)",
	              "required", "user", "password", "responses", "200", "description",
	              "signed in", "401", "description",
	              "wrong user name or password (unauthorized), or a second factor needed "
	              "(totp_required)",
	              "429", "description", "too many failures: locked for a while", "delete",
	              "operationId", "session.delete", "summary", "sign out", "responses", "200",
	              "description", "signed out"));
	json_t *doc = json_pack(
	    "{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}, "
	    "s:{s:{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}, s:{s:s}}}, s:[{s:[]}, "
	    "{s:[]}]}",
	    "openapi", "3.1.0", "info", "title", "cleanheat API", "version", version, "description",
	    "农村清洁取暖改造管理：every operation of the command line, with the same permissions "
	    "and region scopes. Sign in with POST /api/session (a cookie; send X-CSRF-Token on "
	    "every change) or send Authorization: Bearer TOKEN.",
	    "paths", paths, "components", "securitySchemes", "cookie", "type", "apiKey", "in",
	    "cookie", "name", "cleanheat_session", "bearer", "type", "http", "scheme", "bearer",
	    "schemas", "Error", "type", "object", "properties", "error", "type", "object",
	    "properties", "code", "type", "string", "message", "type", "string", "field", "type",
	    "string", "Result", "type", "object", "security", "cookie", "bearer");
	char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	ch_buf_puts(b, s);
	free(s);
	json_decref(doc);
}

static void html_escape(ch_buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<':
			ch_buf_puts(b, "&lt;");
			break;
		case '>':
			ch_buf_puts(b, "&gt;");
			break;
		case '&':
			ch_buf_puts(b, "&amp;");
			break;
		case '"':
			ch_buf_puts(b, "&quot;");
			break;
		default:
			ch_buf_putc(b, *s);
		}
}

void http_docs_page(ch_buf *b)
{
	char wire[64];
	ch_buf_puts(
	    b,
	    "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	    "<title>cleanheat API</title></head><body><h1>cleanheat API</h1>"
	    "<p>登录：<code>POST /api/session</code>（JSON: user, password；须二次验证的用户另加 "
	    "totp），之后每个修改"
	    "请求带 <code>X-CSRF-Token</code>；脚本用 <code>Authorization: Bearer "
	    "TOKEN</code>。机器可读的描述：<a href=\"/api/openapi.json\">"
	    "/api/openapi.json</a>。</p>\n<table><thead><tr><th>方法</th><th>路径</th>"
	    "<th>说明</th><th>参数</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < nroutes; i++) {
		const struct http_route *r = &routes[i];
		if (!r->op)
			continue;
		ch_buf_printf(b, "<tr><td>%s</td><td><code>%s</code></td><td>", r->method, r->path);
		html_escape(b, r->op->summary);
		ch_buf_puts(b, "</td><td>");
		for (const struct ch_param *p = r->op->params; p && p->name; p++) {
			wire_name(p->name, wire, sizeof wire);
			ch_buf_printf(b, "<code>%s</code>%s: ", wire,
			              p->flags & CH_PF_REQUIRED ? "（必填）" : "");
			html_escape(b, p->help);
			ch_buf_puts(b, "<br>");
		}
		ch_buf_puts(b, "</td></tr>\n");
	}
	ch_buf_puts(b, "</tbody></table></body></html>\n");
}
