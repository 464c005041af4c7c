/*
 * auth — who is signing in: passwords, sessions, API tokens, throttling,
 * and disabling a user.
 *
 * Passwords are argon2id strings (libsodium's crypto_pwhash_str). A session
 * or token is 32 random bytes the client holds as 64 hex digits (a token
 * with the prefix "ch_"); the database keeps only their BLAKE2b hash, so a
 * copy of it opens nothing. A session ends after SESSION_IDLE seconds
 * without use, SESSION_MAX seconds in all, at sign-out, or when its user is
 * disabled, which also revokes the user's tokens. After too many failed
 * sign-ins for one user name or from one client address within a window,
 * sign-in is refused for both until the failures age out of it; every
 * failure is audited, never with the password. A wrong user name and a
 * wrong password give the same answer.
 *
 * The sign-in functions take a context with no actor (ch_ctx_open_anonymous)
 * since nobody is signed in yet; the rest take the acting user's context
 * and check its permission like every core write.
 */
#ifndef CH_CORE_AUTH_H
#define CH_CORE_AUTH_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

#define CH_PASSWORD_MIN 10 /* characters (UTF-8 code points) */
#define CH_SECRET_HEX   64 /* a session's or token's random part, in hex */
#define CH_TOKEN_PREFIX "ch_"

/* Sign-in limits; the server may pass others. */
struct ch_auth_limits {
	int64_t session_idle;     /* seconds; default 1800 */
	int64_t session_max;      /* seconds; default 43200 */
	int64_t failure_window;   /* seconds; default 900 */
	int64_t failures_to_lock; /* default 5 */
};
/* The defaults above. */
void ch_auth_limits_default(struct ch_auth_limits *l);

/* Sets NAME's password (at least CH_PASSWORD_MIN characters), audited
 * without it. The actor needs CH_PERM_USER_ADMIN, or must be NAME. */
int ch_user_set_password(ch_ctx *ctx, const char *name, const char *password);
/* Disables (DISABLED 1) or enables NAME, audited. Disabling ends NAME's
 * sessions and revokes its tokens in the same transaction. Needs
 * CH_PERM_USER_ADMIN; nobody may disable themselves. */
int ch_user_set_disabled(ch_ctx *ctx, const char *name, int disabled);

/* Creates an API token for NAME valid DAYS days (0: until revoked) and
 * writes it, shown this once, into TOKEN; *ID receives its number. Needs
 * CH_PERM_USER_ADMIN, or the actor must be NAME. Audited without the token. */
int ch_token_create(ch_ctx *ctx, const char *name, int days,
                    char token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX], int64_t *id);

typedef struct ch_token_info {
	int64_t id;
	const char *user;
	const char *created_at;
	int64_t expires_at;     /* unix seconds, 0: never */
	const char *revoked_at; /* NULL while valid */
} ch_token_info;
/* Calls FN for every token (NAME NULL) or NAME's, newest first. Needs
 * CH_PERM_USER_ADMIN. */
int ch_token_each(ch_ctx *ctx, const char *name, int (*fn)(const ch_token_info *t, void *arg),
                  void *arg);
/* Revokes token ID, audited. Needs CH_PERM_USER_ADMIN. CH_ENOTFOUND if none. */
int ch_token_revoke(ch_ctx *ctx, int64_t id);

/* Signs NAME in from CLIENT with PASSWORD at unix time NOW: a new session
 * whose secret goes to SESSION and whose CSRF token to CSRF. CH_EDENIED
 * ("wrong user name or password", the same for both) after recording the
 * failure; CH_ETHROTTLED while the user name or the client is locked. */
int ch_auth_signin(ch_ctx *anon, const char *name, const char *password, const char *client,
                   int64_t now, const struct ch_auth_limits *limits,
                   char session[CH_SECRET_HEX + 1], char csrf[CH_SECRET_HEX + 1]);
/* The user of live session SESSION at NOW (its name into *NAME, freed by the
 * caller; its CSRF token into CSRF), marking it used (at most once a
 * minute, and not when another write holds the database: the session is
 * valid all the same). CH_EDENIED when it is unknown, ended, expired or its
 * user disabled. */
int ch_auth_session(ch_ctx *anon, const char *session, int64_t now,
                    const struct ch_auth_limits *limits, char **name, char csrf[CH_SECRET_HEX + 1]);
/* Ends session SESSION (nothing when it is unknown). */
int ch_auth_signout(ch_ctx *anon, const char *session, int64_t now);
/* The user of valid API token TOKEN at NOW (*NAME freed by the caller).
 * CH_EDENIED when unknown, revoked, expired or its user disabled. */
int ch_auth_token(ch_ctx *anon, const char *token, int64_t now, char **name);

#endif
