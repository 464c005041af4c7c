/*
 * rules_int — what the reference loader and the rules share inside core:
 * loading one rule file (reference.c's loaders, by the file's data/ path)
 * and recording a loaded version (rules.c).
 */
#ifndef CH_CORE_RULES_INT_H
#define CH_CORE_RULES_INT_H

#include <stddef.h>

#include "util/embedded.h"

typedef struct ch_ctx ch_ctx;

/* Loads F (a data/ file, or an office's file under the data/ path of its
 * kind) into the tables that hold it, in the caller's transaction. HASH is
 * its content's hash. Returns 0 or the loader's error naming the row. */
int ch_reference_load_file(ch_ctx *ctx, const struct ch_embedded_file *f, const char *hash);

/* 1 when PATH (a data/ path) is a rule kind's file whose active version
 * an office imported: the shipped file must not replace it. */
int ch_rules_office_owns(ch_ctx *ctx, const char *path);

/* Records the shipped file F (HASH its content's) as the active version of
 * its kind, in the caller's transaction; nothing for a file that is no
 * rule kind's. With IF_NONE, only when the kind (and year) has no version
 * yet: a database loaded before versions were kept gets its first. */
int ch_rules_record_builtin(ch_ctx *ctx, const struct ch_embedded_file *f, const char *hash,
                            int if_none);

#endif
