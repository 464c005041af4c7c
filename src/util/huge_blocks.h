/*
 * huge_blocks — blocks of one size from a range of address space backed by
 * huge pages: one page fault for every 2 MiB of blocks, where memory from
 * malloc takes one for every 4 KiB (huge_blocks.c says more).
 *
 * The SQLite driver takes its cache pages from here (db_sqlite.c,
 * "cache pages from huge pages"). Safe from any thread.
 */
#ifndef CH_UTIL_HUGE_BLOCKS_H
#define CH_UTIL_HUGE_BLOCKS_H

#include <stddef.h>

/* Sets the blocks' size (BLOCK, rounded up to 16 bytes), the range's size
 * in bytes (RANGE), and how many requests ch_huge_blocks_take refuses
 * before it reserves the range (AFTER). Call once per process, before the
 * first take. */
void ch_huge_blocks_setup(size_t block, size_t range, size_t after);

/* The blocks' size (0 before the setup). */
size_t ch_huge_blocks_size(void);

/* A block: one given back before, else the next of the range. NULL for
 * the first AFTER requests, when the range is full, when it could not be
 * reserved, and before the setup; the caller then allocates elsewhere. */
void *ch_huge_blocks_take(void);

/* Whether P lies in the range (a block it gave). */
int ch_huge_blocks_owns(const void *p);

/* Gives block P back for the next take. */
void ch_huge_blocks_give(void *p);

/* For tests: how many blocks the range has handed out at least once
 * (*MADE) and how many of them are given back now (*FREE_NOW). */
void ch_huge_blocks_counts(size_t *made, size_t *free_now);

#endif
