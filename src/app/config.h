/*
 * config — the configuration file: settings an installation makes once
 * (where the database is, how the server listens) instead of on every
 * command line.
 *
 * The file is /etc/cleanheat/cleanheat.conf when it exists, another one
 * named by --config FILE or by the environment variable CLEANHEAT_CONFIG
 * (set but empty: no file at all). Its lines are `key = value`, blank, or
 * comments starting with # or ; (a whole line; a value may contain #).
 * A value may be written in double quotes to keep spaces at its ends. Keys
 * are the ones in ch_config_keys (a '-' in a key is read as '_'); an
 * unknown key, a key given twice, a line without '=' or a bad value is an
 * error naming the file, the line and the key.
 *
 * Precedence, for every setting: the command-line option, then the
 * environment variable where there is one, then the file, then the
 * built-in default. The module only reads and holds the values: each is
 * checked by what uses it (the server's settings against the same specs
 * as `cleanheat serve`'s options, so ranges cannot differ), and
 * ch_config_export_env hands audit_key and busy_timeout on through the
 * environment variables their readers use (CLEANHEAT_AUDIT_KEY,
 * CLEANHEAT_BUSY_TIMEOUT) unless those are set already.
 */
#ifndef CH_APP_CONFIG_H
#define CH_APP_CONFIG_H

#include <stddef.h>

/* The file read when neither --config nor CLEANHEAT_CONFIG names one. */
#define CH_CONFIG_DEFAULT_PATH "/etc/cleanheat/cleanheat.conf"

/* One documented key. */
struct ch_config_key {
	const char *name; /* "listen" */
	const char *meta; /* "HOST:PORT": what the value looks like */
	const char *env;  /* the environment variable that overrides it, or NULL */
	const char *help; /* one line, in Chinese */
};
/* Every key the file may hold, ended by an entry whose name is NULL. */
extern const struct ch_config_key ch_config_keys[];

struct ch_config_value {
	const char *key; /* a name of ch_config_keys (static) */
	char *value;
	int line;
};

typedef struct ch_config {
	char *path; /* the file read; NULL: none */
	struct ch_config_value *values;
	size_t nvalues;
} ch_config;

/* Reads the configuration file: OPTION_PATH (--config) if not NULL, else
 * the file CLEANHEAT_CONFIG names (none when it is set but empty), else
 * CH_CONFIG_DEFAULT_PATH if it exists. A file named by --config or the
 * environment must exist (CH_ENOTFOUND); a file that cannot be read or
 * has a bad line is CH_EINVALID naming the file, line and key. *CFG is
 * empty (no path, no values) when there is no file; release it with
 * ch_config_dispose, also after a failure. */
int ch_config_load(ch_config *cfg, const char *option_path);
/* Parses TEXT, the contents of the file PATH (for messages), into *CFG. */
int ch_config_parse(ch_config *cfg, const char *path, const char *text);
void ch_config_dispose(ch_config *cfg);

/* The value of KEY, or NULL when the file does not set it. */
const char *ch_config_get(const ch_config *cfg, const char *key);
/* The line KEY was set on (0: not set). */
int ch_config_line(const ch_config *cfg, const char *key);

/* The database URL to use: OPTION (--db) if not NULL, else the
 * environment variable CLEANHEAT_DB if set and not empty, else the file's
 * `database`, else "cleanheat.db". */
const char *ch_config_database(const ch_config *cfg, const char *option);

/* Sets CLEANHEAT_AUDIT_KEY and CLEANHEAT_BUSY_TIMEOUT from the file's
 * audit_key and busy_timeout where the environment does not set them
 * already, so that their readers (and programs started from here) see
 * them with the environment's precedence over the file. */
void ch_config_export_env(const ch_config *cfg);

#endif
