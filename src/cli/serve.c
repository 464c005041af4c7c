/*
 * serve — `cleanheat serve`: the HTTP server over the same database and the
 * same operation table. Its options are specs like every command's, so
 * they are parsed and explained by the same code; it is not an operation
 * of the table because it is a way to reach the operations, not one of them.
 * An option not given takes the configuration file's value of the same
 * name ('-' written '_'), checked against the same spec.
 */
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "cli/cli.h"
#include "http/http.h"
#include "util/alloc.h"
#include "util/error.h"

static const struct ch_param serve_params[] = {
    {"listen", CH_PT_STRING, 0, "HOST:PORT", NULL, 0, 0,
     "监听地址（默认 127.0.0.1:8080；明文 HTTP 只限本机回环地址）"},
    {"tls-cert", CH_PT_FILE, 0, "FILE", NULL, 0, 0, "HTTPS 用的 TLS 证书（PEM）"},
    {"tls-key", CH_PT_FILE, 0, "FILE", NULL, 0, 0, "TLS 证书的私钥（PEM）"},
    {"insecure-http", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "允许在非回环地址上使用明文 HTTP"},
    {"workers", CH_PT_INT, 0, "N", NULL, 1, 256, "工作线程数（默认每个处理器一个）"},
    {"upload-limit", CH_PT_INT, 0, "MB", NULL, 1, 4096,
     "导入时可上传的最大文件，单位 MB（默认 50）"},
    {"max-connections", CH_PT_INT, 0, "N", NULL, 1, 100000, "同时打开的连接总数（默认 1024）"},
    {"max-per-client", CH_PT_INT, 0, "N", NULL, 1, 100000, "同一地址同时打开的连接数（默认 64）"},
    {"timeout", CH_PT_INT, 0, "SECONDS", NULL, 1, 3600,
     "连接空闲超过该秒数，或请求头超过该秒数未收完，即断开（默认 30）"},
    {"session-idle", CH_PT_INT, 0, "SECONDS", NULL, 1, 86400,
     "会话闲置超过该秒数即结束（默认 1800）"},
    {"web-root", CH_PT_STRING, 0, "DIR", NULL, 0, 0,
     "从 DIR（源码中的 web/）提供网页，不用内置网页，每次请求重新读取：开发网页时用"},
    {0},
};

const struct ch_op cli_serve_op = {
    "serve",      NULL, "通过 HTTP 向已登录用户提供 JSON API 和网页，直到收到 SIGINT 或 SIGTERM",
    CH_PERM_READ, 0,    CH_RF_TEXT,
    serve_params, NULL,
};

int cli_serve_apply_config(ch_args *a, const ch_config *cfg)
{
	char key[64];
	for (const struct ch_param *p = serve_params; p->name; p++) {
		snprintf(key, sizeof key, "%s", p->name);
		for (char *c = key; *c; c++)
			if (*c == '-')
				*c = '_';
		const char *v = ch_config_get(cfg, key);
		if (!v || ch_args_has(a, p->name))
			continue;
		int rc = 0;
		if (p->type != CH_PT_FLAG)
			rc = ch_args_set(a, p, v);
		else if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0 ||
		         strcmp(v, "1") == 0)
			rc = ch_args_set(a, p, NULL);
		if (rc) {
			char *why = ch_strdup(ch_error_message());
			ch_error_set(CH_EINVALID, "配置文件「%s」第 %d 行「%s」：%s", cfg->path,
			             ch_config_line(cfg, key), key, why);
			free(why);
			return CH_EINVALID;
		}
	}
	return 0;
}

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
