/*
 * error — thread-local error state and the code table (see error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

#define MSG_CAP   2048
#define FIELD_CAP 64

static _Thread_local struct {
	int code;
	char msg[MSG_CAP];
	char field[FIELD_CAP]; /* "" when the error names no field */
} err_state;

/* One row per code: its name, what the command line exits with, the HTTP
 * status and the JSON error code. Money that would not balance is a problem
 * of the request's data (exit 1), hence 422 like invalid data. A busy
 * database exits 75 (sysexits' EX_TEMPFAIL: try again later), never 70: the
 * request was not wrong and nothing broke, it only came at the wrong time. */
static const struct err_row {
	int code;
	const char *name;
	int exit_status;
	int http_status;
	const char *json_code;
} err_table[] = {
    {CH_OK, "ok", 0, 200, "ok"},
    {CH_ERROR, "internal", 70, 500, "internal"},
    {CH_EINVALID, "invalid", 1, 422, "invalid"},
    {CH_ENOTFOUND, "not found", 4, 404, "not_found"},
    {CH_EEXISTS, "exists", 5, 409, "exists"},
    {CH_EDENIED, "denied", 3, 403, "denied"},
    {CH_ECONFLICT, "conflict", 5, 409, "conflict"},
    {CH_EUNBALANCED, "unbalanced", 1, 422, "unbalanced"},
    {CH_EBUSY, "busy", 75, 503, "busy"},
    {CH_EUSAGE, "usage", 2, 400, "bad_request"},
    {CH_ETHROTTLED, "throttled", 75, 429, "throttled"},
};

static int busy_wait_s = CH_BUSY_WAIT_S;

void ch_busy_wait_set(int s)
{
	busy_wait_s = s < 0 ? 0 : s > CH_BUSY_WAIT_MAX_S ? CH_BUSY_WAIT_MAX_S : s;
}

int ch_busy_wait(void)
{
	return busy_wait_s;
}

/* The row of CODE; an unknown code reads as CH_ERROR's. */
static const struct err_row *err_row(int code)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == code)
			return &err_table[i];
	return code == CH_ERROR ? &err_table[0] : err_row(CH_ERROR);
}

static int set_field(const char *field)
{
	snprintf(err_state.field, sizeof err_state.field, "%s", field ? field : "");
	return err_state.code;
}

static int set_message(int code, const char *field, const char *fmt, va_list ap)
{
	vsnprintf(err_state.msg, sizeof err_state.msg, fmt, ap);
	err_state.code = code;
	return set_field(field);
}

int ch_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int ch_error_set_field(int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(code, field, fmt, ap);
	va_end(ap);
	return code;
}

int ch_error_mark_field(const char *field)
{
	return set_field(field);
}

int ch_error_prefix(const char *fmt, ...)
{
	char prefix[512], old[MSG_CAP];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err_state.msg, sizeof old);
	size_t n = strlen(prefix);
	if (n >= sizeof err_state.msg)
		n = sizeof err_state.msg - 1;
	memcpy(err_state.msg, prefix, n);
	size_t m = strlen(old);
	if (m > sizeof err_state.msg - 1 - n)
		m = sizeof err_state.msg - 1 - n;
	memcpy(err_state.msg + n, old, m);
	err_state.msg[n + m] = '\0';
	return err_state.code;
}

const char *ch_error_message(void)
{
	return err_state.msg;
}

int ch_error_code(void)
{
	return err_state.code;
}

const char *ch_error_field(void)
{
	return err_state.field[0] ? err_state.field : NULL;
}

void ch_error_clear(void)
{
	err_state.code = CH_OK;
	err_state.msg[0] = '\0';
	err_state.field[0] = '\0';
}

const char *ch_err_name(int code)
{
	return err_row(code)->name;
}

int ch_err_exit_status(int code)
{
	return err_row(code)->exit_status;
}

int ch_err_http_status(int code)
{
	return err_row(code)->http_status;
}

const char *ch_err_json_code(int code)
{
	return err_row(code)->json_code;
}
