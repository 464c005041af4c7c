/*
 * ctx_int — the inside of ch_ctx, for src/core/ only.
 */
#ifndef CH_CORE_CTX_INT_H
#define CH_CORE_CTX_INT_H

#include "core/ctx.h"

struct ch_ctx {
	ch_db *db;
	ch_user actor;
};

#endif
