/*
 * acceptance_int — what the files of the acceptance module share, for
 * src/core/ only.
 */
#ifndef CH_CORE_ACCEPTANCE_INT_H
#define CH_CORE_ACCEPTANCE_INT_H

#include "core/acceptance.h"
#include "core/household.h"

/* The integer setting KEY of SCOPE (data/acceptance/), or DEF when unset. */
int ch_acceptance_setting(ch_ctx *ctx, const char *scope, const char *key, int def);
/* Parses DAY_TEXT into DAY (YYYY-MM-DD) and checks it is not after today
 * (ch_today_at_most with TODAY). */
int ch_acceptance_check_day(const char *day_text, const char *today, char day[11]);
/* The write permission for acceptance records of household REF: the
 * household-writing roles within their scope. */
int ch_acceptance_may_write(ch_ctx *ctx, const ch_hh_ref *ref);
/* The opening checks of a record about a household: COUNTY and HOUSEHOLD
 * (as ch_household_locate) into *REF, permission PERM (enum ch_perm) for
 * its township, and DAY_TEXT into DAY as ch_acceptance_check_day does. */
int ch_acceptance_household(ch_ctx *ctx, unsigned perm, const char *county, const char *household,
                            const char *day_text, const char *today, ch_hh_ref *ref, char day[11]);
/* The evidence rule of a passing acceptance result, the self-inspection's
 * (the workflow table: 已调试 → 自验合格 needs evidence), applied to every
 * pass, a review's too: CH_EINVALID (field "evidence") saying STEP needs
 * evidence when NEVIDENCE is 0 and the rule asks for it. */
int ch_acceptance_pass_evidence(const char *step, size_t nevidence);
/* The problem found when checklist item KEY fails ("原燃煤炉具未拆除",
 * data/acceptance/checklist.csv), in a string the caller frees; the item's
 * own name with 不合格 when the checklist gives none. */
char *ch_acceptance_problem(ch_ctx *ctx, const char *key);

#endif
