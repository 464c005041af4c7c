/*
 * demo — the synthetic register generator (see demo.h).
 *
 * The technology mix per county is invented for the demonstration: the four
 * counties of the 乌昌石 area (gas network) mostly coal-to-gas, the eastern
 * counties more electricity, heat pumps and solar. It is not a statistic.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispatch.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/plan.h"
#include "core/workflow.h"
#include "io/demo.h"
#include "util/alloc.h"
#include "util/error.h"

static uint64_t next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t between(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next(s) % (uint64_t)(hi - lo + 1));
}

/* Technology shares in percent: gas, electric, heat_pump, central, solar, multi. */
static const struct {
	const char *code;
	int share[6];
} mixes[] = {
    {"652301", {60, 10, 10, 15, 0, 5}},  {"652302", {55, 15, 10, 15, 0, 5}},
    {"652323", {55, 15, 15, 10, 0, 5}},  {"652324", {50, 20, 15, 10, 0, 5}},
    {"652325", {25, 30, 25, 5, 10, 5}},  {"652327", {30, 30, 20, 5, 10, 5}},
    {"652328", {15, 35, 25, 0, 15, 10}},
};
static const char *const tech_names[6] = {"燃气壁挂炉", "直热式电暖器", "空气源热泵",
                                          "集中供热",   "太阳能",       "多能互补"};
static const int tech_cost[6][2] = {{8000, 12000}, {6000, 9000},   {15000, 25000},
                                    {5000, 8000},  {10000, 15000}, {18000, 26000}};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "马", "赵", "黄", "周",
                                       "吴", "徐", "孙", "胡", "朱", "高", "艾", "阿", "买", "吐"};
static const char *const given[] = {"建国", "秀兰", "国强", "桂英", "志军", "玉兰",
                                    "永福", "淑珍", "德明", "春梅", "海军", "凤英",
                                    "文华", "丽娟", "江",   "燕",   "伟",   "芳"};
static const char *const structures[] = {"砖混", "砖木", "土木", "框架"};
static const char *const heating[] = {"燃煤炉", "燃煤土暖气", "火墙", "火炕"};
static const char *const measures[] = {"外墙保温、门窗改造", "外墙保温、屋面保温、门窗改造",
                                       "屋面保温", "门窗改造", "外墙保温"};

int ch_demo_generate(ch_ctx *ctx, const ch_demo_opts *o)
{
	ch_plan p;
	int rc;
	int64_t total = 0;
	if (o->households < 1 || o->households > 100000000)
		return ch_error_set_field(CH_EINVALID, "households", "户数应为 1 至 100000000");
	if ((rc = ch_plan_load(ctx, o->year, 0, &p)) != 0)
		return rc;
	for (size_t i = 0; i < p.ntargets; i++)
		total += p.targets[i].v[CH_PCOL_TOTAL];
	if (total <= 0) {
		ch_plan_dispose(&p);
		return ch_error_set(CH_EINVALID, "%d年的计划中没有农户", o->year);
	}
	FILE *f = fopen(o->path, "wb");
	if (!f) {
		ch_plan_dispose(&p);
		return ch_error_set(CH_ERROR, "无法创建 %s：%s", o->path, strerror(errno));
	}
	static char iobuf[1 << 16];
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	fputs("\xEF\xBB\xBF县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,房屋结构,"
	      "原取暖方式,改造方式,节能改造措施,节能改造面积,年度,批次,施工单位,总投资,收款账号\n",
	      f);
	uint64_t s = o->seed * 0x2545F4914F6CDD1DULL + 1;
	int64_t written = 0;
	for (size_t ci = 0; ci < p.ntargets; ci++) {
		const ch_plan_target *t = &p.targets[ci];
		/* this county's share, the last one taking the remainder */
		int64_t n = ci + 1 == p.ntargets ? o->households - written
		                                 : o->households * t->v[CH_PCOL_TOTAL] / total;
		const int *mix = mixes[0].share;
		for (size_t m = 0; m < sizeof mixes / sizeof mixes[0]; m++)
			if (strcmp(mixes[m].code, t->code) == 0)
				mix = mixes[m].share;
		int64_t towns = n < 2000 ? 3 : n < 20000 ? 8 : 12;
		for (int64_t k = 0; k < n; k++) {
			char id[40], area[32];
			/* k → a unique (birth date, sequence) pair in this county */
			int64_t day = (k / 1000 * 7919) % 21900, seq = k % 1000;
			int y = 1940, m = 1, d = 1;
			static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
			for (int64_t left = day; left > 0;) {
				int len = mdays[m - 1] + (m == 2 && y % 4 == 0);
				if (left >= len - d + 1) {
					left -= len - d + 1;
					d = 1;
					if (++m > 12) {
						m = 1;
						y++;
					}
				} else {
					d += (int)left;
					left = 0;
				}
			}
			snprintf(id, sizeof id, "%.6s%04d%02d%02d%03d", t->code, y, m, d, (int)seq);
			id[17] = ch_idcard_check_char(id);
			id[18] = '\0';
			int64_t r = between(&s, 0, 99), acc = 0;
			int tech = 0;
			for (; tech < 5; tech++)
				if (r < (acc += mix[tech]))
					break;
			int64_t heated = between(&s, 6000, 18000); /* 0.01 m² */
			int es = between(&s, 0, t->v[CH_PCOL_TOTAL] - 1) < t->v[CH_PCOL_ES];
			int cont =
			    between(&s, 0, t->v[CH_PCOL_TOTAL] - 1) < t->v[CH_PCOL_CONTINUING];
			int64_t cost = between(&s, tech_cost[tech][0], tech_cost[tech][1]) +
			               (es ? heated * 80 / 100 : 0);
			int64_t town = between(&s, 1, towns), village = between(&s, 1, 8);
			snprintf(area, sizeof area, "%" PRId64 ".%02d", heated / 100,
			         (int)(heated % 100));
			fprintf(f,
			        "%s,样例镇%02" PRId64 ",样例村%02" PRId64 ",%s-%06" PRId64
			        ",%s%s（样例）,%s,1%d%09" PRId64 ",%s样例镇%02" PRId64
			        "样例村%02" PRId64 " %" PRId64
			        "号,%s,%s,%s,%s,%s,%s,%d,%s,样例建设工程有限公司%d,%" PRId64
			        ",6230%.6s%09" PRId64 "\n",
			        t->name, town, village, t->code, k + 1,
			        surnames[next(&s) % (sizeof surnames / sizeof surnames[0])],
			        given[next(&s) % (sizeof given / sizeof given[0])], id,
			        (int)between(&s, 3, 9), between(&s, 0, 999999999), t->name, town,
			        village, k + 1, area, structures[next(&s) % 4],
			        heating[next(&s) % 4], tech_names[tech],
			        es ? measures[next(&s) % 5] : "", es ? area : "", o->year,
			        cont ? "续建" : "新建", (int)between(&s, 1, 5), cost, t->code,
			        k + 1);
		}
		written += n;
	}
	rc = ferror(f) ? ch_error_set(CH_ERROR, "写入 %s 失败", o->path) : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", o->path);
	ch_plan_dispose(&p);
	return rc;
}

/* How fast each county works, in percent of the plan's pace (invented). */
static const struct {
	const char *code;
	int pace;
} paces[] = {{"652301", 105}, {"652302", 100}, {"652323", 95}, {"652324", 100},
             {"652325", 75},  {"652327", 85},  {"652328", 60}};

/* Where the progress batch stands while its households are written. */
struct events_state {
	FILE *f;
	uint64_t s;                                  /* the random state */
	long start, limit, span_start, span_install; /* days since the epoch, spans */
	size_t *written;
};

/* Writes the steps of one registered household. */
static int write_steps(const ch_hh_key *h, void *arg)
{
	struct events_state *e = arg;
	int pace = 100;
	for (size_t i = 0; i < sizeof paces / sizeof paces[0]; i++)
		if (strcmp(paces[i].code, h->county_code) == 0)
			pace = paces[i].pace;
	/* each step's day is spread evenly over its stage's phase, as the
	 * calendar expects, and stretched for slower counties */
	long d1 = between(&e->s, 0, e->span_start) * 100 / pace;
	long d2 = between(&e->s, 0, e->span_install) * 100 / pace;
	if (d2 < d1 + 10)
		d2 = d1 + 10;
	long d3 = d2 + between(&e->s, 1, 10);
	long days[3] = {e->start + d1, e->start + d2, e->start + d3};
	static const char *const names[3] = {"已开工", "已完工", "已调试"};
	int withdraw = between(&e->s, 0, 999) < 5;
	for (int k = 0; k < 3; k++) {
		if (days[k] > e->limit)
			break;
		ch_date d;
		ch_date_from_days(days[k], &d);
		if (withdraw && k == 1) {
			fprintf(e->f, "%s,%s,已退出,%04d-%02d-%02d,农户自愿退出（样例）\n",
			        h->county, h->hh_no, d.year, d.month, d.day);
			(*e->written)++;
			break;
		}
		fprintf(e->f, "%s,%s,%s,%04d-%02d-%02d,\n", h->county, h->hh_no, names[k], d.year,
		        d.month, d.day);
		(*e->written)++;
	}
	return 0;
}

int ch_demo_events(ch_ctx *ctx, const ch_demo_events_opts *o, size_t *written)
{
	ch_calendar cal;
	ch_date as_of;
	int rc;
	*written = 0;
	if ((rc = ch_date_parse(o->as_of, &as_of)) != 0)
		return rc;
	if ((rc = ch_calendar_load(ctx, o->year, &cal)) != 0)
		return rc;
	FILE *f = fopen(o->path, "wb");
	if (!f)
		return ch_error_set(CH_ERROR, "无法创建 %s：%s", o->path, strerror(errno));
	static char iobuf[1 << 16];
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	fputs("\xEF\xBB\xBF县市,户编号,环节,日期,备注\n", f);
	struct events_state e = {
	    .f = f,
	    .s = o->seed * 0x9E3779B97F4A7C15ULL + 7,
	    .start = ch_date_days(&cal.impl_start),
	    .limit = ch_date_days(&as_of),
	    .written = written,
	};
	e.span_start = ch_date_days(&cal.deadline[CH_STAGE_STARTED]) - e.start;
	e.span_install = ch_date_days(&cal.deadline[CH_STAGE_INSTALLED]) - e.start;
	rc = ch_household_each_at_stage(ctx, o->year, CH_STAGE_REGISTERED, write_steps, &e);
	if (ferror(f) && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", o->path);
	if (fclose(f) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", o->path);
	return rc;
}
