/*
 * audit_int — appending an entry built as JSON, for src/core/ only (the
 * layers above hand core their values, never JSON).
 */
#ifndef CH_CORE_AUDIT_INT_H
#define CH_CORE_AUDIT_INT_H

#include <jansson.h>

#include "core/audit.h"

/* ch_audit_append with AFTER given as a JSON value, written compact with
 * sorted keys and no BEFORE. Takes the reference to AFTER. */
int ch_audit_append_json(ch_ctx *ctx, const char *action, const char *object, json_t *after);

#endif
