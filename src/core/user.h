/*
 * user — users, roles and what each role may do where.
 *
 * A role grants a set of permissions; a user's scope (a region, or the
 * whole prefecture) limits where they apply: a county operator of 昌吉市
 * may import households of 昌吉市 and its townships, not of 阜康市. The
 * role table in user.c is the single place this policy is written.
 */
#ifndef CH_CORE_USER_H
#define CH_CORE_USER_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

enum ch_role {
	CH_ROLE_PREFECTURE_ADMIN,
	CH_ROLE_COUNTY_OPERATOR,
	CH_ROLE_TOWNSHIP_OPERATOR,
	CH_ROLE_REVIEWER,
	CH_ROLE_FINANCE,
	CH_ROLE_AUDITOR,
	CH_ROLE_COUNT
};

/* Permissions, as bits. */
enum ch_perm {
	CH_PERM_READ = 1 << 0,         /* see plans, regions, reports */
	CH_PERM_PLAN_WRITE = 1 << 1,   /* import, replace or withdraw a year's plan; its rules */
	CH_PERM_REGION_WRITE = 1 << 2, /* add townships and villages */
	CH_PERM_USER_ADMIN = 1 << 3,   /* add users and set roles */
	CH_PERM_AUDIT = 1 << 4,        /* read and verify the audit log */
	CH_PERM_REVEAL = 1 << 5,       /* see ID and phone numbers unmasked */
	CH_PERM_HOUSEHOLD_WRITE = 1 << 6,
	CH_PERM_REVIEW = 1 << 7,
	CH_PERM_FUNDS = 1 << 8,
	CH_PERM_INSPECT = 1 << 9,         /* self-inspect households, apply for their review */
	CH_PERM_REVIEW_ASSIGN = 1 << 10,  /* assign review applications and seed their samples */
	CH_PERM_FREEZE = 1 << 11,         /* lock a period's dispatch figures */
	CH_PERM_APPROVE_CHANGE = 1 << 12, /* approve an edit of a subsidy's facts after review */
};

typedef struct ch_user {
	int64_t id;
	char *name;
	enum ch_role role;
	int64_t scope_region_id; /* 0: the whole prefecture */
	char *scope_name;        /* the scope region's name, or NULL */
	int disabled;            /* 1: may not act or sign in */
} ch_user;

/* "prefecture_admin" ... and back; -1 for an unknown name. */
const char *ch_role_name(enum ch_role role);
const char *ch_role_label(enum ch_role role); /* Chinese: 州级管理员 ... */
/* The role named NAME: its key (county_operator) or its Chinese name
 * (县市操作员; 审计人员 with or without （只读）); -1 for none. */
int ch_role_parse(const char *name);
/* 1 when ROLE grants PERM (ignoring scope). */
int ch_role_allows(enum ch_role role, enum ch_perm perm);
/* 1 when users of ROLE must give a one-time code at sign-in (a second
 * factor, docs/auth.md); the others may enrol one. */
int ch_role_requires_totp(enum ch_role role);
/* What one permission allows, in Chinese, to follow 无权 ("导入计划、设置年度规则"):
 * every refusal for a permission names it from this one table. */
const char *ch_perm_describe(enum ch_perm perm);

/* Adds user NAME with ROLE and SCOPE (a region name or code, NULL for the
 * whole prefecture), audited. Requires CH_PERM_USER_ADMIN; CH_EEXISTS for a
 * taken name; CH_EINVALID for a scope that does not fit the role (a county
 * operator needs a county, a township operator a township). */
int ch_user_add(ch_ctx *ctx, const char *name, enum ch_role role, const char *scope);
/* Gives user NAME the role ROLE and scope SCOPE (as ch_user_add), audited
 * with the role and scope before and after; nothing is written when they
 * do not change. Requires CH_PERM_USER_ADMIN; CH_ENOTFOUND for no such
 * user; CH_ECONFLICT when a prefecture_admin would take the role from
 * themselves (another admin must). Takes effect at the user's next request. */
int ch_user_set_role(ch_ctx *ctx, const char *name, enum ch_role role, const char *scope);
/* Loads user NAME into *OUT (caller disposes). CH_ENOTFOUND if absent. */
int ch_user_load(ch_ctx *ctx, const char *name, ch_user *out);
void ch_user_dispose(ch_user *u);
/* Makes *DST a copy of SRC with strings of its own (caller disposes). */
void ch_user_copy(ch_user *dst, const ch_user *src);

/* Calls FN for each user in name order; stops at a non-zero return. */
int ch_user_each(ch_ctx *ctx, int (*fn)(const ch_user *u, void *arg), void *arg);

#endif
