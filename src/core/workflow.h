/*
 * workflow — the stages a household passes through and which steps between
 * them are allowed, by whom, with what evidence.
 *
 * One table (workflow.c) holds every allowed transition; every event, from
 * the CLI, a weekly import or (later) the web, is checked against it, so no
 * entry point can allow a step the table does not. Stages are ordered; a
 * household is at one stage at a time, and counts as having reached every
 * stage up to it. Withdrawal (已退出) is possible from any stage before the
 * subsidy is paid, and needs a reason. The one step backwards is a failed
 * review: 已申请复核 back to 已调试, to be inspected again after rectification.
 */
#ifndef CH_CORE_WORKFLOW_H
#define CH_CORE_WORKFLOW_H

#include "core/user.h"

enum ch_stage {
	CH_STAGE_REGISTERED,       /* 已登记 */
	CH_STAGE_STARTED,          /* 已开工 */
	CH_STAGE_INSTALLED,        /* 已完工 */
	CH_STAGE_COMMISSIONED,     /* 已调试，具备使用条件 */
	CH_STAGE_SELF_INSPECTED,   /* 自验合格 */
	CH_STAGE_REVIEW_REQUESTED, /* 已申请复核 */
	CH_STAGE_REVIEWED,         /* 复核通过 */
	CH_STAGE_SUBSIDIZED,       /* 补助已发放 */
	CH_STAGE_WITHDRAWN,        /* 已退出 */
	CH_STAGE_COUNT
};

/* "started", ... (stored), and the Chinese name users write (已开工). */
const char *ch_stage_key(enum ch_stage s);
const char *ch_stage_name(enum ch_stage s);
/* The stage a key or Chinese name (with common variants: 开工, 完工,
 * 调试完成, 退出) stands for, or -1. */
int ch_stage_parse(const char *text);

/* One allowed step. */
struct ch_transition {
	enum ch_stage from, to;
	unsigned roles;     /* bit (1 << enum ch_role) per role allowed */
	int needs_evidence; /* at least one evidence file */
	int needs_note;     /* a note (the reason, for a withdrawal) */
	int via_import;     /* may arrive in a weekly event import */
};

/* The transition FROM → TO, or NULL when the table has none. */
const struct ch_transition *ch_workflow_find(enum ch_stage from, enum ch_stage to);
/* Why FROM → TO is not allowed, in Chinese, for a refusal message: a
 * skipped stage, a step backwards, a step after withdrawal, ... */
const char *ch_workflow_refusal(enum ch_stage from, enum ch_stage to);
/* The whole table, ending with an entry whose roles are 0 (for listing). */
extern const struct ch_transition ch_workflow_table[];

#endif
