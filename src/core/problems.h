/*
 * problems — what an import found wrong, row by row.
 *
 * Every importer (households, events, and later reviews and payments)
 * checks each row and collects its problems here: the row number the user
 * sees, the column, the value as written, the reason in Chinese, and
 * whether it is an error (the row is not stored) or a warning. The list
 * also answers "was row N rejected?", which rejects files and rollbacks
 * need. Only problems are kept, never rows.
 */
#ifndef CH_CORE_PROBLEMS_H
#define CH_CORE_PROBLEMS_H

#include <stddef.h>

typedef struct ch_problem {
	size_t line;        /* row in the file */
	const char *column; /* the column's Chinese name (static), or NULL */
	const char *value;  /* the value as written, or NULL */
	const char *reason; /* in Chinese */
	int field;          /* the importer's field number, or -1 for the whole row */
	int warning;        /* 1: reported, does not block the row */
} ch_problem;

typedef struct ch_problems ch_problems;

ch_problems *ch_problems_new(void);
void ch_problems_free(ch_problems *p);
/* Records a problem; an error also marks LINE as rejected. */
void ch_problems_add(ch_problems *p, size_t line, int field, const char *column, const char *value,
                     int warning, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
size_t ch_problems_count(const ch_problems *p);
/* Problem I, or NULL past the end. A long list is kept mostly in a
 * temporary file, so what this returns (and a run's first and last) is
 * good until the next ch_problems_get or ch_problems_run on P, and no two
 * threads may read one list at once. */
const ch_problem *ch_problems_get(const ch_problems *p, size_t i);
/* A run of consecutive problems that say the same thing (same column,
 * reason and severity) about several rows: a fault of the whole file, such
 * as a wrong county on every row, which a person reads once. */
typedef struct ch_problem_run {
	const ch_problem *first, *last;
	size_t n;       /* problems in the run (1: a problem of its own) */
	int same_value; /* every problem of the run has the same value */
} ch_problem_run;
/* The run that starts at problem I into *RUN; returns the index after it
 * (I itself when I is past the end). */
size_t ch_problems_run(const ch_problems *p, size_t i, ch_problem_run *run);
/* 1 when LINE has an error. */
int ch_problems_rejected(const ch_problems *p, size_t line);
/* Rows with an error, and warnings. */
size_t ch_problems_nrejected(const ch_problems *p);
size_t ch_problems_nwarnings(const ch_problems *p);

#endif
