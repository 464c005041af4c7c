/* Samples of the audit operations for test_ops.c (see ops_samples_plan.h):
 * the log, every check over the office's year so far (which must pass), a
 * signing key, and the signed head. */
SAMPLE("audit.log", "--limit 5")
SAMPLE("audit.verify", "")
SAMPLE("verify", "")
SAMPLE("audit.key", "init --key sample-audit.key")
SAMPLE("audit.head", "--format json")
