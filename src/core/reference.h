/*
 * reference — loading the reference data compiled into the binary.
 *
 * data/regions/ (prefecture and counties, GB/T 2260) and
 * data/register/ (technologies, energy-saving measures, limits) and
 * data/calendar/ (milestone calendars, one file per plan year),
 * data/acceptance/ (checklist, sampling, follow-up) and data/subsidy/
 * (subsidy policies, one per plan year, loaded as numbered versions) are
 * embedded at build time. Each database keeps the hash of every file it
 * loaded, and a fingerprint of the whole set: opening a store compares the
 * fingerprint with this binary's and, only when they differ, loads the files
 * that are new or changed, so a database created by an older cleanheat
 * picks up newer reference data the next time it is opened, and an
 * unchanged one is left alone.
 */
#ifndef CH_CORE_REFERENCE_H
#define CH_CORE_REFERENCE_H

#include "util/hash.h"

typedef struct ch_store ch_store;

/* The fingerprint of the reference data compiled into this binary: a
 * BLAKE2b-256 hash over every embedded data file's path and content. */
void ch_reference_fingerprint(char out[CH_HASH_HEX_LEN + 1]);

/* Brings STORE's reference data up to this binary's. When the stored
 * fingerprint equals ch_reference_fingerprint() it does nothing (one
 * read). Otherwise it loads each embedded file whose hash differs from the
 * one stored, in one transaction audited as the program itself
 * ("reference.load" by "cleanheat"; no entry when no file changed), and
 * stores the new fingerprint. *NLOADED (if not NULL) receives the number
 * of files loaded. ch_store_open calls it. */
int ch_reference_sync(ch_store *store, int *nloaded);

#endif
