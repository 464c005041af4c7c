/*
 * demo — a synthetic register for trying cleanheat and for benchmarks.
 *
 * Writes a county ledger (CSV, UTF-8 with BOM, the standard column names)
 * whose households are spread over the counties in proportion to the year's
 * plan, new and continuing in the plan's ratio, with valid (but invented)
 * ID numbers under each county's code, plausible areas, technologies mixed
 * per county, energy-saving measures for the plan's share of households and
 * costs. Every person's name ends in （样例） and every township and village
 * is called 样例…, so no output can be mistaken for real data. The same seed
 * gives the same file.
 */
#ifndef CH_IO_DEMO_H
#define CH_IO_DEMO_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

typedef struct ch_demo_opts {
	int64_t households;
	uint64_t seed;
	int year;
	const char *path;
} ch_demo_opts;

/* Writes the register; needs the plan of OPTS->year. */
int ch_demo_generate(ch_ctx *ctx, const ch_demo_opts *opts);

#endif
