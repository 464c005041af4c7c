/*
 * op_region — regions: `region list`, `region import`.
 */
#include <stdlib.h>

#include "app/app.h"
#include "core/region.h"
#include "io/region_file.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *level_label(enum ch_region_level l)
{
	static const char *const names[] = {"", "州", "县(市)", "乡镇", "村"};
	return l >= 1 && l <= 4 ? names[l] : "?";
}

enum { C_CODE, C_NAME, C_LEVEL, C_PARENT, C_STATUS };
static const struct app_col region_cols[] = {
    [C_CODE] = {"code", "代码", CH_COL_TEXT},     [C_NAME] = {"name", "名称", CH_COL_TEXT},
    [C_LEVEL] = {"level", "级别", CH_COL_TEXT},   [C_PARENT] = {"parent", "上级", CH_COL_TEXT},
    [C_STATUS] = {"status", "状态", CH_COL_TEXT},
};

struct list_state {
	ch_report *r;
	char *path[5]; /* copies of the current ancestors' names, by level */
};

/* Regions arrive depth first, so the ancestors of each are the last ones
 * seen at each higher level. */
static int add_region_row(const ch_region *reg, int depth, void *arg)
{
	struct list_state *s = arg;
	int level = reg->level >= 1 && reg->level <= 4 ? (int)reg->level : 4;
	ch_buf b;
	(void)depth;
	ch_buf_init(&b);
	for (int l = 1; l < level; l++)
		if (s->path[l])
			ch_buf_printf(&b, "%s%s", b.len ? " / " : "", s->path[l]);
	for (int l = level; l <= 4; l++) {
		free(s->path[l]);
		s->path[l] = NULL;
	}
	s->path[level] = ch_strdup(reg->name);
	ch_report_add_row(s->r, 0);
	ch_report_set_text(s->r, C_CODE, reg->code);
	ch_report_set_text(s->r, C_NAME, reg->name);
	ch_report_set_text(s->r, C_LEVEL, level_label(reg->level));
	ch_report_set_text(s->r, C_PARENT, b.ptr);
	ch_report_set_text(s->r, C_STATUS, reg->obsolete ? "已撤销" : "");
	ch_buf_dispose(&b);
	return 0;
}

static int region_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	struct list_state s = {0};
	ch_region root = {0};
	const char *under = ch_args_str(a, "region");
	int rc = 0;
	if (under && (rc = ch_region_find(ctx, under, 0, 0, &root)) != 0)
		return rc;
	s.r = APP_REPORT("行政区划", region_cols);
	ch_result_add_table(res, s.r);
	rc = ch_region_each(ctx, root.id, ch_args_flag(a, "all"), add_region_row, &s);
	for (int l = 0; l <= 4; l++)
		free(s.path[l]);
	ch_region_dispose(&root);
	return rc;
}

static int region_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_region_import_result r;
	const char *file = ch_args_str(a, "file");
	int rc = ch_region_import_file(ctx, file, &r);
	if (rc)
		return rc;
	ch_result_count(res, "rows", (int64_t)r.rows);
	ch_result_count(res, "townships_added", (int64_t)r.townships_added);
	ch_result_count(res, "villages_added", (int64_t)r.villages_added);
	ch_result_count(res, "already_present", (int64_t)r.already_present);
	ch_result_printf(res, "%s：读入 %zu 行，新增乡镇 %zu 个、村 %zu 个，%zu 行已存在\n", file,
	                 r.rows, r.townships_added, r.villages_added, r.already_present);
	return 0;
}

static const struct ch_param list_params[] = {
    {"region", CH_PT_STRING, CH_PF_POSITIONAL, "REGION", NULL, 0, 0,
     "只列该地区及其下辖地方（名称或代码）"},
    {"all", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "包括已停用的代码"},
    {0},
};

static const struct ch_param import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "含县市、乡镇、村三列的名单（CSV 或 XLSX）"},
    {0},
};

const struct ch_op ch_ops_region[] = {
    {"region", "list", "列出州、县市、乡镇和村", CH_PERM_READ, 0, CH_RF_ALL, list_params,
     region_list},
    {"region", "import", "从含县市、乡镇、村三列的名单添加乡镇和村", CH_PERM_REGION_WRITE,
     CH_OP_WRITES, CH_RF_TEXT, import_params, region_import},
    {0},
};
