/*
 * ctx_int — the inside of ch_ctx, for src/core/ only.
 */
#ifndef CH_CORE_CTX_INT_H
#define CH_CORE_CTX_INT_H

#include "core/ctx.h"
#include "core/store_int.h"

struct ch_ctx {
	ch_store *store;
	ch_db *db; /* the store's connection */
	ch_user actor;
	int owns_store; /* made by ch_ctx_open: ch_ctx_free closes the store */
	char *delegate; /* the administrator acting as the actor (ch_ctx_new_as), or NULL */
	int factor_old; /* 1: the actor gave no recent second factor (ch_ctx_set_factor) */
};

/* Makes *CTX (caller-owned, nothing to free) the program itself acting on
 * STORE: a prefecture_admin for the whole prefecture, audited as
 * "cleanheat". For what the store does on its own, such as loading the
 * reference data. */
void ch_ctx_init_system(ch_ctx *ctx, ch_store *store);

#endif
