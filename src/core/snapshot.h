/*
 * snapshot — the facts a household's subsidy rests on, frozen when its
 * review passes: technology, energy-saving measures and area, heated area,
 * total cost, bank account and ID number. The entitlement and the payment
 * use the snapshot, not the register, so an edit of the register after the
 * review cannot change the basis of a payment unnoticed.
 *
 * Such an edit is not refused (the register must say what is true), but it
 * marks the household "changed after approval": a hold of kind 'changed'
 * (notice.h) stops its payment until a prefecture user with
 * CH_PERM_APPROVE_CHANGE approves the change. Approving takes a new
 * snapshot, releases the hold, recomputes the entitlement and posts the
 * difference to the ledger as an adjustment: more is reserved from the
 * county's account, or what is no longer due goes back to it from the
 * household's payable accounts; what has already been paid beyond the new
 * entitlement becomes a claim for recovery (追回).
 */
#ifndef CH_CORE_SNAPSHOT_H
#define CH_CORE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* Freezes household id HOUSEHOLD's facts as of DAY (replacing an older
 * snapshot). No permission check: for the review's pass and the approval,
 * which check their own; in the caller's transaction. */
int ch_snapshot_take(ch_ctx *ctx, int64_t household, const char *day);

/* Marks every household among those whose ids are in column id of the
 * table AMONG (the households a household import wrote: the only writer
 * of the facts above; NULL: every household) whose register differs from
 * its snapshot and that is not yet marked: a hold of kind 'changed' naming
 * the fields (改造方式、总投资 …) from DAY. *N gets how many were marked. In
 * the caller's transaction (a household import's). With AMONG it reads
 * only the households named. */
int ch_snapshot_mark_changed(ch_ctx *ctx, const char *day, const char *among, size_t *n);

typedef struct ch_change_approval {
	char fields[256];         /* what changed, in Chinese */
	int64_t old_fen, new_fen; /* the entitlement before and after */
	int64_t adjusted_fen;     /* moved by the adjustment: + reserved, - returned */
	int64_t recovery_fen;     /* paid beyond the new entitlement: claimed back */
	int64_t recovery_id;      /* that claim, or 0 */
} ch_change_approval;
/* Approves the change of household HOUSEHOLD (户编号 in COUNTY, or ID
 * number) on DAY, NOTE saying why (see above). CH_ENOTFOUND when nothing
 * awaits approval; CH_EINVALID (the account named) when the county's
 * account cannot pay a rise. Requires CH_PERM_APPROVE_CHANGE for the whole
 * prefecture. Audited. */
int ch_snapshot_approve(ch_ctx *ctx, const char *county, const char *household, const char *day,
                        const char *note, ch_change_approval *out);

#endif
