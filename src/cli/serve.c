/*
 * serve — `cleanheat serve`: the HTTP server over the same database and the
 * same operation table. Its options are specs like every command's, so
 * they are parsed and explained by the same code; it is not an operation
 * of the table because it is a way to reach the operations, not one of them.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "http/http.h"

static const struct ch_param serve_params[] = {
    {"listen", CH_PT_STRING, 0, "HOST:PORT", NULL, 0, 0,
     "the address to listen on (default 127.0.0.1:8080; plain HTTP only on loopback)"},
    {"tls-cert", CH_PT_FILE, 0, "FILE", NULL, 0, 0, "the TLS certificate (PEM) for HTTPS"},
    {"tls-key", CH_PT_FILE, 0, "FILE", NULL, 0, 0, "the TLS certificate's private key (PEM)"},
    {"insecure-http", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "allow plain HTTP on an address that is not loopback"},
    {"workers", CH_PT_INT, 0, "N", NULL, 1, 256, "worker threads (default: one per processor)"},
    {"upload-limit", CH_PT_INT, 0, "MB", NULL, 1, 4096,
     "the largest file an import may upload, in MB (default 50)"},
    {"max-connections", CH_PT_INT, 0, "N", NULL, 1, 100000,
     "connections open at once, in total (default 1024)"},
    {"max-per-client", CH_PT_INT, 0, "N", NULL, 1, 100000,
     "connections open at once from one address (default 64)"},
    {"timeout", CH_PT_INT, 0, "SECONDS", NULL, 1, 3600,
     "drop a connection idle this long, or whose request header takes longer (default 30)"},
    {"session-idle", CH_PT_INT, 0, "SECONDS", NULL, 1, 86400,
     "end a session unused this long (default 1800)"},
    {"web-root", CH_PT_STRING, 0, "DIR", NULL, 0, 0,
     "serve the web pages from DIR (the source tree's web/) instead of the compiled-in "
     "ones, read afresh on each request: for developing them"},
    {0},
};

const struct ch_op cli_serve_op = {
    "serve",
    NULL,
    "serve the JSON API (and the web pages) over HTTP to signed-in users, until SIGINT or "
    "SIGTERM",
    CH_PERM_READ,
    0,
    CH_RF_TEXT,
    serve_params,
    NULL,
};

int cli_serve(const char *db_url, const ch_args *a)
{
	struct http_config cfg = {
	    .db_url = db_url,
	    .listen = ch_args_str(a, "listen") ? ch_args_str(a, "listen") : "127.0.0.1:8080",
	    .tls_cert = ch_args_str(a, "tls-cert"),
	    .tls_key = ch_args_str(a, "tls-key"),
	    .insecure_http = ch_args_flag(a, "insecure-http"),
	    .workers = (unsigned)ch_args_int(a, "workers", 0),
	    .upload_limit = (size_t)ch_args_int(a, "upload-limit", 50) << 20,
	    .max_connections = (unsigned)ch_args_int(a, "max-connections", 1024),
	    .max_per_client = (unsigned)ch_args_int(a, "max-per-client", 64),
	    .timeout_s = (unsigned)ch_args_int(a, "timeout", 30),
	    .session_idle = ch_args_int(a, "session-idle", 0),
	    .web_root = ch_args_str(a, "web-root"),
	};
	return http_serve(&cfg);
}
