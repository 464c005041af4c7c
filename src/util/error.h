/*
 * error — the one list of error codes and the thread-local error message.
 *
 * Following libgit2: a function that can fail returns 0 or a negative ch_err
 * and leaves a human-readable message in a per-thread error state, which the
 * caller reads with ch_error_message(). The same table maps each code to the
 * CLI's exit status (and later to an HTTP status), so no caller invents its
 * own mapping.
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
	CH_EBUSY = -8,       /* the database is locked by someone else */
	CH_EUSAGE = -9,      /* the request is malformed: an unknown, missing or
	                        ill-typed parameter (CLI exit 2, HTTP 400) */
	CH_ETHROTTLED = -10, /* too many attempts: wait and try again (HTTP 429) */
};

/* Sets the current error to CODE with a printf-style message; returns CODE
 * so that callers can write `return ch_error_set(CH_EINVALID, "...")`. */
int ch_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like ch_error_set, and names the parameter or data field the error is
 * about (a parameter's name, "county"), which a front end shows the way
 * its user names it (--county, a form field). */
int ch_error_set_field(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The field of the current error, or NULL. */
const char *ch_error_field(void);
/* Prefixes the current message with a printf-style context ("reading X: ").
 * Returns the current code. */
int ch_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The current message ("" when none); valid until the next set or clear. */
const char *ch_error_message(void);
/* The current code (CH_OK when none). */
int ch_error_code(void);
void ch_error_clear(void);

/* Short English name of CODE ("invalid", "denied", ...). */
const char *ch_err_name(int code);
/* The CLI exit status for CODE (DESIGN.md §5): 0, 1, 3, 4, 5 or 70. */
int ch_err_exit_status(int code);
/* The HTTP status for CODE (400, 403, 404, 409, 422, 429, 500, 503). */
int ch_err_http_status(int code);
/* The stable JSON error code for CODE ("not_found", "forbidden", ...). */
const char *ch_err_json_code(int code);

#endif
