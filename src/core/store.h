/*
 * store — an opened cleanheat database: created if new, migrated, with the
 * reference data compiled into this binary loaded.
 *
 * Opening a store does the work that belongs to the database rather than to
 * a request: creating and migrating the schema, giving a new database its
 * first prefecture_admin, and loading the compiled-in reference data when
 * the database is new or that data changed since it was last loaded (a
 * fingerprint in the meta table; an unchanged database is not touched).
 * Requests then act on the store through a light ch_ctx per actor
 * (ch_ctx_new), which does not own the store.
 *
 * A store holds one connection and serves one request at a time: the
 * command line opens one store per run; a server opens one store per worker
 * thread and makes a ch_ctx per request over its worker's store.
 */
#ifndef CH_CORE_STORE_H
#define CH_CORE_STORE_H

typedef struct ch_store ch_store;

/* Opens the database at URL, creating and migrating it. A database created
 * now gets its first user, BOOTSTRAP_ADMIN, as prefecture_admin (pass the
 * OS user's name; NULL: none, and the database has no users). Loads the
 * compiled-in reference data when needed (ch_reference_sync). Returns
 * CH_EINVALID for a URL no driver serves, CH_EBUSY when the database is
 * locked. The caller frees *OUT with ch_store_free, after every ch_ctx made
 * over it. */
int ch_store_open(ch_store **out, const char *url, const char *bootstrap_admin);
/* As ch_store_open for a database that must exist already (a command that
 * only reads): a missing one is CH_ENOTFOUND and nothing is created. */
int ch_store_open_existing(ch_store **out, const char *url);
/* Closes the connection and frees STORE (NULL is fine). */
void ch_store_free(ch_store *store);

#endif
