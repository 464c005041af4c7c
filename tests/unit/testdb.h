/*
 * testdb — a fresh database for the unit tests that need one: opened as the
 * bootstrap prefecture_admin "root" with the reference data loaded, and, for
 * tests that register households, a small approved plan.
 *
 * For the plan, each test describes its rows (county and the four target cells as the
 * printed table would hold them); test_import_plan builds the table the plan
 * reader would, checks it and imports it as the 2023 plan, failing the test
 * on any finding or error.
 */
#ifndef CH_TESTDB_H
#define CH_TESTDB_H

#include "testutil.h"

#include "core/ctx.h"
#include "core/plan.h"
#include "util/error.h"

/* Opens NAME in DIR as root (URL receives its address), which loads the
 * reference data; -1 after saying why on stderr. */
static inline int test_db_open(const char *dir, const char *name, char *url, size_t n, ch_ctx **ctx)
{
	snprintf(url, n, "sqlite:%s/%s", dir, name);
	if (ch_ctx_open(ctx, url, "root", "root") != 0) {
		fprintf(stderr, "ch_ctx_open: %s\n", ch_error_message());
		return -1;
	}
	return 0;
}

typedef struct {
	const char *county, *total, *new_, *continuing, *energy_saving;
} test_plan_row;

static inline void test_import_plan(ch_ctx *ctx, const char *title, const test_plan_row *rows,
                                    size_t n)
{
	ch_plan_table t;
	ch_plan_check c;
	ch_plan_table_init(&t);
	t.title = strdup(title);
	t.source = strdup("unit");
	t.label[CH_PCOL_TOTAL] = strdup("合计");
	t.label[CH_PCOL_NEW] = strdup("新建");
	t.label[CH_PCOL_CONTINUING] = strdup("续建");
	t.label[CH_PCOL_ES] = strdup("建筑节能改造户数");
	for (size_t i = 0; i < n; i++) {
		ch_plan_row *r = ch_plan_table_add_row(&t);
		r->line = 4 + (int)i;
		r->county = strdup(rows[i].county);
		ch_plan_cell_set(&r->cell[CH_PCOL_TOTAL], rows[i].total);
		ch_plan_cell_set(&r->cell[CH_PCOL_NEW], rows[i].new_);
		ch_plan_cell_set(&r->cell[CH_PCOL_CONTINUING], rows[i].continuing);
		ch_plan_cell_set(&r->cell[CH_PCOL_ES], rows[i].energy_saving);
	}
	assert_int_equal(ch_plan_check_table(ctx, &t, &c), 0);
	assert_int_equal(c.nfindings, 0);
	ch_plan_import_opts o = {.year = 2023};
	enum ch_plan_outcome out;
	int version = 0;
	if (ch_plan_import(ctx, &t, &c, &o, &out, &version) != 0)
		fail_msg("ch_plan_import: %s", ch_error_message());
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
}

#endif
