/*
 * error — the one list of error codes and the thread-local error message.
 *
 * Following libgit2: a function that can fail returns 0 or a negative ch_err
 * and leaves a human-readable message in a per-thread error state, which the
 * caller reads with ch_error_message(). An error may also name the field it
 * is about (ch_error_set_field): the parameter of the operation, by the name
 * the operation gives it ("replace", "scope"), so that a front end can point
 * at it (the CLI prints the flag, a form marks the input) while the message
 * itself speaks of data, never of a command-line flag.
 *
 * One table maps each code to the CLI's exit status, the HTTP status and a
 * stable JSON error code, so no caller invents its own mapping.
 */
#ifndef CH_UTIL_ERROR_H
#define CH_UTIL_ERROR_H

enum ch_err {
	CH_OK = 0,
	CH_ERROR = -1,       /* internal failure: a bug, I/O, the database itself */
	CH_EINVALID = -2,    /* the user's data is invalid or a check failed */
	CH_ENOTFOUND = -3,   /* the object asked for does not exist */
	CH_EEXISTS = -4,     /* the object to create exists already */
	CH_EDENIED = -5,     /* the actor may not do this */
	CH_ECONFLICT = -6,   /* the request contradicts what is stored */
	CH_EUNBALANCED = -7, /* money would not balance */
	CH_EBUSY = -8,       /* the database is locked by another write past the
	                        wait: nothing done, retry (exit 75, HTTP 503) */
	CH_EUSAGE = -9,      /* the request is malformed: an unknown, missing or
	                        ill-typed parameter (CLI exit 2, HTTP 400) */
	CH_ETHROTTLED = -10, /* too many attempts: wait and try again (HTTP 429) */
};

/* How long, in seconds, a database connection waits by default for a lock
 * another connection holds (a write in progress) before it gives up with
 * CH_EBUSY. A client told CH_EBUSY should wait at least as long before it
 * retries. */
#define CH_BUSY_WAIT_S 5
/* The longest wait that may be set (an hour): beyond it a caller is better
 * told to come back. */
#define CH_BUSY_WAIT_MAX_S 3600

/* The wait, in seconds, that database connections opened from now on use
 * (CH_BUSY_WAIT_S until set). One setting for the process: the app layer
 * sets it once at start-up (from CLEANHEAT_BUSY_TIMEOUT, the command line's
 * --busy-timeout or the configuration's busy_timeout), before any
 * connection is opened or any thread started; the SQLite driver and the
 * HTTP server's Retry-After read it. S is clamped to 0..CH_BUSY_WAIT_MAX_S. */
void ch_busy_wait_set(int s);
int ch_busy_wait(void);

/* Sets the current error to CODE with a printf-style message; returns CODE
 * so that callers can write `return ch_error_set(CH_EINVALID, "...")`. */
int ch_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like ch_error_set, and records FIELD (the operation's parameter name,
 * e.g. "replace"; NULL for none) as what the error is about. */
int ch_error_set_field(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records FIELD as what the current error is about, keeping its code and
 * message (for an error set by a lower function, such as a date parser).
 * Returns the current code. */
int ch_error_mark_field(const char *field);
/* Prefixes the current message with a printf-style context ("reading X: ").
 * Returns the current code. */
int ch_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The current message ("" when none); valid until the next set or clear. */
const char *ch_error_message(void);
/* The current code (CH_OK when none). */
int ch_error_code(void);
/* The field the current error is about, or NULL; valid until the next set
 * or clear. ch_error_set and ch_error_clear reset it; ch_error_prefix keeps
 * it. */
const char *ch_error_field(void);
/* Clears the code, the message and the field. */
void ch_error_clear(void);

/* Short English name of CODE ("invalid", "denied", ...). */
const char *ch_err_name(int code);
/* The CLI exit status for CODE (DESIGN.md §5): 0, 1, 2, 3, 4, 5, 70, or 75
 * for a busy database (EX_TEMPFAIL: nothing was done, try again later). */
int ch_err_exit_status(int code);
/* The HTTP status for CODE: 200, 403, 404, 409, 422, 500 or 503. An unknown
 * code is an internal error (500). */
int ch_err_http_status(int code);
/* The stable JSON error code for CODE, in snake case: "ok", "invalid",
 * "not_found", "exists", "denied", "conflict", "unbalanced", "busy",
 * "internal" (also for an unknown code). Clients match on it: never
 * renamed. */
const char *ch_err_json_code(int code);

#endif
