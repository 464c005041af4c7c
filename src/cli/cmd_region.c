/*
 * cmd_region — `cleanheat region list|import`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/region.h"
#include "io/region_file.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *level_label(enum ch_region_level l)
{
	static const char *const names[] = {"", "州", "县(市)", "乡镇", "村"};
	return l >= 1 && l <= 4 ? names[l] : "?";
}

struct list_state {
	ch_report *r;
	int c_code, c_name, c_level, c_path, c_status;
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
	ch_report_set_text(s->r, s->c_code, reg->code);
	ch_report_set_text(s->r, s->c_name, reg->name);
	ch_report_set_text(s->r, s->c_level, level_label(reg->level));
	ch_report_set_text(s->r, s->c_path, b.ptr);
	ch_report_set_text(s->r, s->c_status, reg->obsolete ? "已撤销" : "");
	ch_buf_dispose(&b);
	return 0;
}

int cmd_region_list(struct cli *cli, int argc, char **argv)
{
	enum { O_ALL = 1 };
	static const struct option opts[] = {
	    {"all", no_argument, 0, O_ALL}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct list_state s = {0};
	ch_region root = {0};
	int opt, rc, all = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_ALL)
			all = 1;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (argc - optind > 1)
		return cli_usage(cli, "region list takes at most one REGION");
	if (optind < argc && (rc = ch_region_find(cli->ctx, argv[optind], 0, 0, &root)) != 0)
		return rc;
	s.r = ch_report_new("行政区划");
	s.c_code = ch_report_add_col(s.r, "code", "代码", CH_COL_TEXT);
	s.c_name = ch_report_add_col(s.r, "name", "名称", CH_COL_TEXT);
	s.c_level = ch_report_add_col(s.r, "level", "级别", CH_COL_TEXT);
	s.c_path = ch_report_add_col(s.r, "parent", "上级", CH_COL_TEXT);
	s.c_status = ch_report_add_col(s.r, "status", "状态", CH_COL_TEXT);
	rc = ch_region_each(cli->ctx, root.id, all, add_region_row, &s);
	if (rc == 0)
		rc = cli_write_report(cli, s.r);
	ch_report_free(s.r);
	for (int l = 0; l <= 4; l++)
		free(s.path[l]);
	ch_region_dispose(&root);
	return rc;
}

int cmd_region_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{0, 0, 0, 0}};
	ch_region_import_result res;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
		return cli_usage(cli, "unknown option");
	if (optind + 1 != argc)
		return cli_usage(cli, "region import takes one FILE");
	if ((rc = ch_region_import_file(cli->ctx, argv[optind], &res)) != 0)
		return rc;
	printf("%s：读入 %zu 行，新增乡镇 %zu 个、村 %zu 个，%zu 行已存在\n", argv[optind],
	       res.rows, res.townships_added, res.villages_added, res.already_present);
	return 0;
}
