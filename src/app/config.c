/*
 * config — reading the configuration file (see config.h): finding it,
 * splitting its lines into keys and values, and the keys it may hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/config.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/text.h"

const struct ch_config_key ch_config_keys[] = {
    {"database", "URL", "CLEANHEAT_DB",
     "数据库（未给出 --db 时使用）：文件路径或 sqlite:PATH；默认 ./cleanheat.db"},
    {"listen", "HOST:PORT", NULL, "cleanheat serve 的监听地址（默认 127.0.0.1:8080）"},
    {"tls_cert", "FILE", NULL, "HTTPS 用的 TLS 证书（PEM）"},
    {"tls_key", "FILE", NULL, "TLS 证书的私钥（PEM）"},
    {"insecure_http", "yes|no", NULL, "允许在非回环地址上使用明文 HTTP（默认 no）"},
    {"workers", "N", NULL, "服务器的工作线程数（默认每个处理器一个）"},
    {"upload_limit", "MB", NULL, "导入时可上传的最大文件，单位 MB（默认 50）"},
    {"max_connections", "N", NULL, "同时打开的连接总数（默认 1024）"},
    {"max_per_client", "N", NULL, "同一地址同时打开的连接数（默认 64）"},
    {"timeout", "SECONDS", NULL, "连接空闲或请求头未收完的超时秒数（默认 30）"},
    {"session_idle", "SECONDS", NULL, "会话闲置超过该秒数即结束（默认 1800）"},
    {"web_root", "DIR", NULL, "从该目录提供网页，不用内置网页（开发网页时用）"},
    {"audit_key", "FILE", "CLEANHEAT_AUDIT_KEY", "审计日志签名密钥文件"},
    {"busy_timeout", "SECONDS", "CLEANHEAT_BUSY_TIMEOUT",
     "数据库被另一项写入占用时等待的秒数，超过即报“数据库正忙”"},
    {NULL, NULL, NULL, NULL},
};

/* Largest configuration file read (it is a few dozen lines). */
#define CONFIG_MAX (1u << 20)

static const struct ch_config_key *find_key(const char *name)
{
	for (const struct ch_config_key *k = ch_config_keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int line_error(const char *path, int line, const char *key, const char *fmt, const char *arg)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "配置文件「%s」第 %d 行", path, line);
	if (key)
		ch_buf_printf(&b, "「%s」", key);
	ch_buf_puts(&b, "：");
	ch_buf_printf(&b, fmt, arg);
	int rc = ch_error_set(CH_EINVALID, "%s", b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Checks a value the configuration module itself is responsible for. */
static int check_value(const char *path, int line, const char *key, const char *v)
{
	if (strcmp(key, "busy_timeout") == 0) {
		/* the bound is the busy wait's own (util/error.h) */
		int64_t n;
		if (ch_text_parse_count(v, &n) != CH_NUM_OK || n < 0 || n > CH_BUSY_WAIT_MAX_S) {
			char fmt[64];
			snprintf(fmt, sizeof fmt, "“%%s”不是 0–%d 之间的整数（秒）",
			         CH_BUSY_WAIT_MAX_S);
			return line_error(path, line, key, fmt, v);
		}
	} else if (strcmp(key, "insecure_http") == 0) {
		static const char *const ok[] = {"yes", "no",  "true", "false",
		                                 "on",  "off", "1",    "0"};
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			if (strcmp(v, ok[i]) == 0)
				return 0;
		return line_error(path, line, key, "“%s”：请写 yes 或 no", v);
	}
	return 0;
}

int ch_config_parse(ch_config *cfg, const char *path, const char *text)
{
	char *copy = ch_strdup(text), *save = NULL, *p = copy;
	int rc = 0, line = 0;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* a BOM some editors write */
		p += 3;
	/* lines one by one, keeping empty ones so that numbers stay right */
	for (char *l = p; rc == 0 && l; l = save) {
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		line++;
		char *s = trim(l);
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = line_error(path, line, NULL, "“%s”不是“键 = 值”的形式", s);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		for (char *c = key; *c; c++)
			if (*c == '-')
				*c = '_';
		const struct ch_config_key *k = find_key(key);
		if (!k) {
			ch_buf names;
			ch_buf_init(&names);
			for (const struct ch_config_key *kk = ch_config_keys; kk->name; kk++)
				ch_buf_printf(&names, "%s%s", names.len ? "、" : "", kk->name);
			ch_buf b;
			ch_buf_init(&b);
			ch_buf_printf(&b, "没有这个设置项（可用：%s）", names.ptr);
			rc = line_error(path, line, key, "%s", b.ptr);
			ch_buf_dispose(&b);
			ch_buf_dispose(&names);
			break;
		}
		size_t n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
			value[n - 1] = '\0';
			value++;
		}
		if (!*value) {
			rc = line_error(path, line, k->name, "%s缺少取值", "");
			break;
		}
		if (ch_config_line(cfg, k->name)) {
			char first[32];
			snprintf(first, sizeof first, "%d", ch_config_line(cfg, k->name));
			rc = line_error(path, line, k->name, "重复给出（第 %s 行已设置）", first);
			break;
		}
		if ((rc = check_value(path, line, k->name, value)) != 0)
			break;
		cfg->values = ch_reallocarray(cfg->values, cfg->nvalues + 1, sizeof *cfg->values);
		cfg->values[cfg->nvalues++] =
		    (struct ch_config_value){k->name, ch_strdup(value), line};
	}
	free(copy);
	return rc;
}

int ch_config_load(ch_config *cfg, const char *option_path)
{
	const char *path = option_path;
	struct stat sb;
	memset(cfg, 0, sizeof *cfg);
	if (!path) {
		const char *env = getenv("CLEANHEAT_CONFIG");
		if (env && !*env)
			return 0;
		path = env;
	}
	if (!path) {
		if (stat(CH_CONFIG_DEFAULT_PATH, &sb) != 0)
			return 0;
		path = CH_CONFIG_DEFAULT_PATH;
	}
	unsigned char *data = NULL;
	size_t len = 0;
	if (stat(path, &sb) != 0)
		return ch_error_set(CH_ENOTFOUND, "配置文件「%s」不存在", path);
	if (!S_ISREG(sb.st_mode))
		return ch_error_set(CH_EINVALID, "配置文件「%s」不是普通文件", path);
	int rc = ch_file_read(path, CONFIG_MAX, &data, &len);
	if (rc) {
		char *why = ch_strdup(ch_error_message());
		rc = ch_error_set(CH_EINVALID, "无法读取配置文件「%s」：%s", path, why);
		free(why);
		return rc;
	}
	if (memchr(data, '\0', len)) {
		free(data);
		return ch_error_set(CH_EINVALID, "配置文件「%s」不是文本文件", path);
	}
	data = ch_realloc(data, len + 1);
	data[len] = '\0';
	cfg->path = ch_strdup(path);
	rc = ch_config_parse(cfg, path, (const char *)data);
	free(data);
	return rc;
}

void ch_config_dispose(ch_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nvalues; i++)
		free(cfg->values[i].value);
	free(cfg->values);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

static const struct ch_config_value *lookup(const ch_config *cfg, const char *key)
{
	for (size_t i = 0; cfg && i < cfg->nvalues; i++)
		if (strcmp(cfg->values[i].key, key) == 0)
			return &cfg->values[i];
	return NULL;
}

const char *ch_config_get(const ch_config *cfg, const char *key)
{
	const struct ch_config_value *v = lookup(cfg, key);
	return v ? v->value : NULL;
}

int ch_config_line(const ch_config *cfg, const char *key)
{
	const struct ch_config_value *v = lookup(cfg, key);
	return v ? v->line : 0;
}

const char *ch_config_database(const ch_config *cfg, const char *option)
{
	const char *env = getenv("CLEANHEAT_DB");
	if (option)
		return option;
	if (env && *env)
		return env;
	if (ch_config_get(cfg, "database"))
		return ch_config_get(cfg, "database");
	return "cleanheat.db";
}

void ch_config_export_env(const ch_config *cfg)
{
	for (const struct ch_config_key *k = ch_config_keys; k->name; k++)
		if (k->env && strcmp(k->name, "database") != 0 && ch_config_get(cfg, k->name))
			setenv(k->env, ch_config_get(cfg, k->name), 0);
}
