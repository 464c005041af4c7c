/*
 * store_int — the inside of ch_store, for src/core/ only.
 */
#ifndef CH_CORE_STORE_INT_H
#define CH_CORE_STORE_INT_H

#include "core/store.h"
#include "db/db.h"

struct ch_store {
	ch_db *db; /* the one connection; every ch_ctx over the store uses it */
};

#endif
