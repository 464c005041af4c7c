/*
 * op_demo — synthetic data to try cleanheat on: `demo generate` writes a
 * register consistent with the year's plan, `demo events` a progress batch
 * for the registered households. Both only read the database and write the
 * file named by -o; every name in them is marked 样例.
 */
#include <stdint.h>

#include "app/app.h"
#include "io/demo.h"

static int demo_generate(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_demo_opts o = {ch_args_int(a, "households", 0), (uint64_t)ch_args_int(a, "seed", 1),
	                  (int)ch_args_int(a, "year", 2023), ch_args_str(a, "output")};
	int rc = ch_demo_generate(ctx, &o);
	if (rc)
		return rc;
	ch_result_add_file(res, "output", o.path);
	ch_result_count(res, "households", o.households);
	ch_result_printf(res, "已生成 %lld 户样例农户档案：%s（姓名均标注“样例”，非真实数据）\n",
	                 (long long)o.households, o.path);
	return 0;
}

static int demo_events(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_demo_events_opts o = {(int)ch_args_int(a, "year", 2023), ch_args_str(a, "as-of"),
	                         (uint64_t)ch_args_int(a, "seed", 1), ch_args_str(a, "output")};
	size_t n = 0;
	int rc = ch_demo_events(ctx, &o, &n);
	if (rc)
		return rc;
	ch_result_add_file(res, "output", o.path);
	ch_result_count(res, "events", (int64_t)n);
	ch_result_printf(res, "已生成 %zu 条样例进度记录（截至 %s）：%s\n", n, o.as_of, o.path);
	return 0;
}

#define P_SEED                                                                                     \
	{                                                                                          \
		"seed", CH_PT_INT, 0, "S", NULL, 0, 2147483647,                                    \
		    "随机种子，默认 1：种子相同，生成的文件相同"               \
	}

static const struct ch_param generate_params[] = {
    {"households", CH_PT_INT, CH_PF_REQUIRED, "N", NULL, 1, 100000000, "生成多少户"},
    P_SEED,
    APP_P_YEAR(0, "计划年度，默认 2023"),
    {"output", CH_PT_OUTFILE, CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "写出的农户台账（CSV，标准表头）"},
    {0},
};

static const struct ch_param events_params[] = {
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "不生成晚于该日的环节"},
    P_SEED,
    APP_P_YEAR(0, "计划年度，默认 2023"),
    {"output", CH_PT_OUTFILE, CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "写出的进度批次（CSV：县市、户编号、环节、日期、备注）"},
    {0},
};

const struct ch_op ch_ops_demo[] = {
    {"demo", "generate", "生成与计划一致的样例农户台账（名称带“样例”）", CH_PERM_READ, CH_OP_LOCAL,
     CH_RF_TEXT, generate_params, demo_generate},
    {"demo", "events", "为已登记农户生成样例进度批次，部分县市进度滞后", CH_PERM_READ, CH_OP_LOCAL,
     CH_RF_TEXT, events_params, demo_events},
    {0},
};
