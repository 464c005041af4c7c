/*
 * workflow — the stage names and the transition table (see workflow.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "util/text.h"

#define R(role) (1u << (role))
#define FIELD                                                                                      \
	(R(CH_ROLE_PREFECTURE_ADMIN) | R(CH_ROLE_COUNTY_OPERATOR) | R(CH_ROLE_TOWNSHIP_OPERATOR))
#define COUNTY (R(CH_ROLE_PREFECTURE_ADMIN) | R(CH_ROLE_COUNTY_OPERATOR))
#define REVIEW (R(CH_ROLE_PREFECTURE_ADMIN) | R(CH_ROLE_REVIEWER))
#define PAY    (R(CH_ROLE_PREFECTURE_ADMIN) | R(CH_ROLE_FINANCE))

static const struct {
	const char *key, *name, *variants; /* variants separated by '|' */
} stages[CH_STAGE_COUNT] = {
    {"registered", "已登记", "登记"},
    {"started", "已开工", "开工|已开工建设"},
    {"installed", "已完工", "完工|已安装|安装完成"},
    {"commissioned", "已调试", "调试|调试完成|已调试,具备使用条件|具备使用条件"},
    {"self_inspected", "自验合格", "已自验|自验"},
    {"review_requested", "已申请复核", "申请复核"},
    {"reviewed", "复核通过", "已复核"},
    {"subsidized", "补助已发放", "已发放补助|补助发放"},
    {"withdrawn", "已退出", "退出"},
};

/* from, to, roles, evidence, note, via import */
const struct ch_transition ch_workflow_table[] = {
    {CH_STAGE_REGISTERED, CH_STAGE_STARTED, FIELD, 0, 0, 1},
    {CH_STAGE_STARTED, CH_STAGE_INSTALLED, FIELD, 0, 0, 1},
    {CH_STAGE_INSTALLED, CH_STAGE_COMMISSIONED, FIELD, 0, 0, 1},
    {CH_STAGE_COMMISSIONED, CH_STAGE_SELF_INSPECTED, COUNTY, 1, 0, 0},
    {CH_STAGE_SELF_INSPECTED, CH_STAGE_REVIEW_REQUESTED, COUNTY, 0, 0, 0},
    {CH_STAGE_REVIEW_REQUESTED, CH_STAGE_REVIEWED, REVIEW, 0, 0, 0},
    /* a failed review sends the household back to self-inspection */
    {CH_STAGE_REVIEW_REQUESTED, CH_STAGE_COMMISSIONED, REVIEW, 0, 1, 0},
    {CH_STAGE_REVIEWED, CH_STAGE_SUBSIDIZED, PAY, 0, 0, 0},
    {CH_STAGE_REGISTERED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_STARTED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_INSTALLED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_COMMISSIONED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_SELF_INSPECTED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_REVIEW_REQUESTED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {CH_STAGE_REVIEWED, CH_STAGE_WITHDRAWN, COUNTY, 0, 1, 1},
    {0, 0, 0, 0, 0, 0},
};

const char *ch_stage_key(enum ch_stage s)
{
	return s < CH_STAGE_COUNT ? stages[s].key : "?";
}

const char *ch_stage_name(enum ch_stage s)
{
	return s < CH_STAGE_COUNT ? stages[s].name : "?";
}

int ch_stage_parse(const char *text)
{
	char *t = ch_text_normalize(text);
	int found = -1;
	for (int i = 0; i < CH_STAGE_COUNT && found < 0; i++) {
		if (strcmp(t, stages[i].key) == 0 || strcmp(t, stages[i].name) == 0) {
			found = i;
			break;
		}
		if (ch_str_in_list(t, stages[i].variants))
			found = i;
	}
	free(t);
	return found;
}

const struct ch_transition *ch_workflow_find(enum ch_stage from, enum ch_stage to)
{
	for (const struct ch_transition *t = ch_workflow_table; t->roles; t++)
		if (t->from == from && t->to == to)
			return t;
	return NULL;
}

const char *ch_workflow_refusal(enum ch_stage from, enum ch_stage to)
{
	if (from == CH_STAGE_WITHDRAWN)
		return "该户已退出，不能再记录任何环节";
	if (from == CH_STAGE_SUBSIDIZED)
		return "补助已发放，流程已结束";
	if (to == from)
		return "该户已处于此环节";
	if (to == CH_STAGE_REGISTERED)
		return "不能退回到已登记";
	if (to < from)
		return "不能倒退到之前的环节（复核未通过的退回由复核功能办理）";
	if (to == CH_STAGE_WITHDRAWN)
		return "此环节不能办理退出";
	return "不能跳过中间环节";
}
