/*
 * store — opening a database: schema, first user, reference data
 * (see store.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/reference.h"
#include "core/seal_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"

/* Creates NAME, the first prefecture_admin of a new database, audited as
 * its own creation. */
static int bootstrap_admin(ch_store *store, const char *name)
{
	char now[32], obj[300], *after = NULL;
	json_t *j = NULL;
	ch_ctx ctx;
	int rc;
	ch_ctx_init_system(&ctx, store);
	ctx.actor.name = ch_strdup(name); /* the new admin is the actor of its own creation */
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(&ctx)) != 0)
		goto done;
	rc = ch_db_run(store->db, "INSERT INTO app_user(name, role, created_at) VALUES (?, ?, ?)",
	               "ttt", name, ch_role_name(CH_ROLE_PREFECTURE_ADMIN), now);
	if (rc == 0) {
		j = json_pack("{s:s, s:s, s:n}", "name", name, "role", "prefecture_admin", "scope");
		after = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "user:%s", name);
		rc = ch_audit_append(&ctx, "user.bootstrap", obj, NULL, after);
	}
	if (rc == 0)
		rc = ch_ctx_commit(&ctx);
	else
		ch_ctx_rollback(&ctx);
done:
	free(after);
	json_decref(j);
	ch_user_dispose(&ctx.actor);
	return rc;
}

static int store_open(ch_store **out, const char *url, int create, const char *bootstrap_name)
{
	ch_store *store = ch_calloc(1, sizeof *store);
	int created = 0, rc;
	store->seal_spill = CH_SEAL_SPILL;
	*out = NULL;
	rc = create ? ch_db_open(&store->db, url, &created) : ch_db_open_existing(&store->db, url);
	if (rc)
		goto fail;
	if ((rc = ch_seal_install(store)) != 0)
		goto fail;
	if (created && bootstrap_name && (rc = bootstrap_admin(store, bootstrap_name)) != 0)
		goto fail;
	if ((rc = ch_reference_sync(store, NULL)) != 0)
		goto fail;
	*out = store;
	return 0;
fail:
	ch_store_free(store);
	return rc;
}

int ch_store_open(ch_store **out, const char *url, const char *bootstrap_name)
{
	return store_open(out, url, 1, bootstrap_name);
}

int ch_store_open_existing(ch_store **out, const char *url)
{
	return store_open(out, url, 0, NULL);
}

void ch_store_free(ch_store *store)
{
	if (!store)
		return;
	ch_db_close(store->db);
	free(store->audit_key_file);
	free(store->seal_notes);
	free(store);
}
