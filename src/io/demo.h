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

typedef struct ch_demo_events_opts {
	int year;
	const char *as_of; /* YYYY-MM-DD: no step after this date */
	uint64_t seed;
	const char *path;
} ch_demo_events_opts;

/* Writes a progress batch (县市, 户编号, 环节, 日期, 备注) for the registered
 * households of OPTS->year that the actor may see (their scope): steps
 * dated along the year's milestone calendar up to OPTS->as_of, some
 * counties deliberately behind (木垒, 奇台, 吉木萨尔 slower; a few
 * withdrawals), so that a dispatch shows every colour. *WRITTEN gets the
 * number of steps. */
int ch_demo_events(ch_ctx *ctx, const ch_demo_events_opts *opts, size_t *written);

#endif
