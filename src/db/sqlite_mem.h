/*
 * sqlite_mem — SQLite's memory, its cache pages taken from huge pages
 * (sqlite_mem.c says why and how). Internal to the SQLite driver.
 */
#ifndef CH_DB_SQLITE_MEM_H
#define CH_DB_SQLITE_MEM_H

#include <stddef.h>

/* Puts the allocator in front of SQLite's own. Call once per process,
 * before SQLite initialises itself (db_sqlite.c does, before its first
 * open); afterwards it does nothing. */
void ch_sqlite_mem_install(void);

/* For tests: how many cache-page blocks the reserved range has handed out
 * at least once (*MADE) and how many of them are free now (*FREE_NOW);
 * both 0 when the range could not be reserved. */
void ch_sqlite_mem_counts(size_t *made, size_t *free_now);

#endif
