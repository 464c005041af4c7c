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
 * A second factor (docs/auth.md): a user may enrol a time-based one-time
 * password (RFC 6238, any authenticator app); the roles the role table
 * marks (ch_role_requires_totp) must. An enrolled user signs in with a
 * code (or one of ten recovery codes, each working once); each code works
 * once, and a wrong one counts as a failed sign-in. A user of such a role
 * who has not enrolled yet gets a session that may only enrol. The secret
 * is shown at enrolment and never again; recovery codes are kept only as
 * hashes. Codes are checked against the TOTP clock (ch_totp_clock).
 *
 * The sign-in functions take a context with no actor (ch_ctx_open_anonymous)
 * since nobody is signed in yet; the rest take the acting user's context
 * and check its permission like every core write.
 */
#ifndef CH_CORE_AUTH_H
#define CH_CORE_AUTH_H

#include <stdint.h>

#include "util/totp.h"

typedef struct ch_ctx ch_ctx;

#define CH_PASSWORD_MIN   10 /* characters (UTF-8 code points) */
#define CH_SECRET_HEX     64 /* a session's or token's random part, in hex */
#define CH_TOKEN_PREFIX   "ch_"
#define CH_RECOVERY_CODES 10
#define CH_RECOVERY_LEN   11 /* "ABCDE-FGHJK" */
/* seconds after its last one-time code that a session may still run the
 * operations marked CH_OP_REAUTH */
#define CH_REAUTH_WINDOW 600

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
 * CH_PERM_USER_ADMIN, or the actor must be NAME; for a user whose role
 * requires a second factor also a fresh one (ch_ctx_factor: CH_EDENIED
 * otherwise). Audited without the token. */
int ch_token_create(ch_ctx *ctx, const char *name, int days,
                    char token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX], int64_t *id);

typedef struct ch_token_info {
	int64_t id;
	const char *user;
	int role; /* enum ch_role of its user */
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

/* The clock one-time codes and re-authentication are checked against:
 * unix seconds, or, as a test aid, the number in the file the environment
 * variable CLEANHEAT_TOTP_CLOCK names (read at every call; sessions and
 * everything else keep the real clock). */
int64_t ch_totp_clock(void);

/* Begins enrolling NAME in one-time passwords: a new random secret, its
 * base32 into SECRET and the otpauth:// URI an app scans into *URI (freed
 * by the caller). Nothing is stored: the front end shows the secret and
 * gives it back with a code to ch_totp_confirm. Needs CH_PERM_USER_ADMIN
 * and a fresh factor (ch_ctx_factor), or the actor must be NAME.
 * CH_ECONFLICT when NAME has one (reset it first). */
int ch_totp_begin(ch_ctx *ctx, const char *name, char secret[CH_TOTP_B32_LEN], char **uri);
/* Enrols NAME with SECRET (from ch_totp_begin) once CODE is a current code
 * of it, and writes ten recovery codes, shown this once, into RECOVERY
 * (stored only as hashes). CH_EINVALID (field "code") for a wrong code,
 * (field "secret") for a secret that is not 160 bits of base32;
 * CH_ECONFLICT when NAME is enrolled already. Audited. */
int ch_totp_confirm(ch_ctx *ctx, const char *name, const char *secret, const char *code,
                    char recovery[CH_RECOVERY_CODES][CH_RECOVERY_LEN + 1]);
/* Removes NAME's second factor and recovery codes, audited, and sets
 * *REMOVED (0: NAME had none, and nothing is written). Needs
 * CH_PERM_USER_ADMIN (a user of a role that requires one must enrol again
 * at the next sign-in). */
int ch_totp_reset(ch_ctx *ctx, const char *name, int *removed);
/* Whether user UID has a confirmed second factor (*ENROLLED 1) and whether
 * an enrolment is pending (*PENDING 1; either may be NULL). */
int ch_totp_state(ch_ctx *ctx, int64_t uid, int *enrolled, int *pending);

/* The second factor at sign-in. */
struct ch_signin_factor {
	const char *code;  /* in: a one-time or recovery code, or NULL */
	int totp_required; /* out: refused for want of a valid code */
	int enrol_only;    /* out: the session may only enrol a second factor */
	int enrolled;      /* out: the user has a confirmed second factor */
};

/* Signs NAME in from CLIENT with PASSWORD at unix time NOW: a new session
 * whose secret goes to SESSION and whose CSRF token to CSRF. CH_EDENIED
 * ("wrong user name or password", the same for both) after recording the
 * failure; CH_ETHROTTLED while the user name or the client is locked. For
 * an enrolled user FACTOR->code must be a valid code: without one the
 * answer is CH_EDENIED with FACTOR->totp_required set (not a failure);
 * with a wrong or used one, the same after recording a failure. A user
 * whose role requires a second factor and who has none gets a session
 * with FACTOR->enrol_only set. */
int ch_auth_signin(ch_ctx *anon, const char *name, const char *password, const char *client,
                   int64_t now, const struct ch_auth_limits *limits,
                   struct ch_signin_factor *factor, char session[CH_SECRET_HEX + 1],
                   char csrf[CH_SECRET_HEX + 1]);

/* What a session says of its second factor. */
struct ch_session_info {
	int enrolled;   /* the user has a confirmed second factor */
	int enrol_only; /* the session may only enrol one (until it signs in again) */
	int fresh;      /* no factor, or its last code within CH_REAUTH_WINDOW */
};
/* The user of live session SESSION at NOW (its name into *NAME, freed by the
 * caller; its CSRF token into CSRF; INFO, unless NULL, its second factor),
 * marking it used (at most once a minute, and not when another write holds
 * the database: the session is valid all the same). CH_EDENIED when it is
 * unknown, ended, expired or its user disabled. */
int ch_auth_session(ch_ctx *anon, const char *session, int64_t now,
                    const struct ch_auth_limits *limits, char **name, char csrf[CH_SECRET_HEX + 1],
                    struct ch_session_info *info);
/* Re-authenticates session SESSION's user with CODE, a current one-time
 * code: the session's factor is fresh again. A wrong or used code counts as
 * a failed sign-in from CLIENT (and the lock-out applies: CH_ETHROTTLED);
 * CH_EDENIED then. */
int ch_auth_reauth(ch_ctx *anon, const char *session, const char *code, const char *client,
                   int64_t now, const struct ch_auth_limits *limits);
/* Ends session SESSION (nothing when it is unknown). */
int ch_auth_signout(ch_ctx *anon, const char *session, int64_t now);
/* The user of valid API token TOKEN at NOW (*NAME freed by the caller).
 * CH_EDENIED when unknown, revoked, expired or its user disabled. */
int ch_auth_token(ch_ctx *anon, const char *token, int64_t now, char **name);

#endif
