/*
 * testplan — a small approved plan for unit tests that need counties with
 * targets before they can register households.
 *
 * Each test describes its rows (county and the four target cells as the
 * printed table would hold them); test_import_plan builds the table the plan
 * reader would, checks it and imports it as the 2023 plan, failing the test
 * on any finding or error.
 */
#ifndef CH_TESTPLAN_H
#define CH_TESTPLAN_H

#include "testutil.h"

#include "core/ctx.h"
#include "core/plan.h"
#include "util/error.h"

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
