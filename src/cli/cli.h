/*
 * cli — what the command handlers share: the command table's shape, the
 * global options, and helpers to open the database and report errors.
 *
 * In the style of tmux's command tables: each command is one row (words,
 * usage, summary, required permission, handler) in commands.c; main.c finds
 * the row, opens the database as the acting user, checks the permission
 * named in the row, and only then calls the handler. A handler cannot
 * forget the check, and `cleanheat help` is printed from the same rows.
 */
#ifndef CH_CLI_CLI_H
#define CH_CLI_CLI_H

#include <getopt.h>

#include "core/ctx.h"
#include "core/event.h"
#include "core/problems.h"
#include "io/report.h"

/* Handlers return 0, a negative ch_err, or this for a usage error (exit 2). */
#define CLI_EUSAGE 1000

struct cli {
	const char *db_url;  /* --db, default ./cleanheat.db */
	const char *actor;   /* --as, default the operating-system user */
	const char *os_user; /* who created a new database */
	enum ch_format format;
	const char *output; /* -o FILE, NULL for standard output */
	ch_ctx *ctx;        /* opened by main before the handler runs */
	const struct cli_command *cmd;
};

struct cli_command {
	const char *group;   /* "plan" */
	const char *name;    /* "check"; NULL for a one-word command */
	const char *args;    /* "FILE [--format table|json]" */
	const char *summary; /* one line for `cleanheat help` */
	unsigned perm;       /* enum ch_perm the actor's role needs; 0: no database */
	int (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct cli_command cli_commands[];

/* Prints "cleanheat: MESSAGE" for the current error, followed by
 * " (--FIELD)" when the error names the field it is about, and returns its
 * exit status (DESIGN.md §5). */
int cli_report_error(int rc);
/* Prints a usage error for the current command; returns CLI_EUSAGE. */
int cli_usage(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Long options every data-printing command takes; append to a handler's
 * option array and pass unknown codes to cli_common_option. */
#define CLI_OPT_FORMAT 0x1001
#define CLI_COMMON_OPTIONS                                                                         \
	{"format", required_argument, 0, CLI_OPT_FORMAT},                                          \
	{                                                                                          \
		"output", required_argument, 0, 'o'                                                \
	}
/* Handles --format and -o; returns 0, or CLI_EUSAGE after printing why. */
int cli_common_option(struct cli *cli, int opt, const char *arg);

/* An option that takes a string: its getopt code and where the string goes. */
struct cli_sopt {
	int code;
	const char **dst;
};
/* The getopt loop of a command whose options are strings (S, ended by a
 * {0, NULL} entry), flags (codes 0x100 + bit, ORed into *FLAGS) and the
 * common ones (CLI_COMMON_OPTIONS); -o is accepted only when OPTS has it.
 * Returns 0, or CLI_EUSAGE after printing why. */
int cli_parse_opts(struct cli *cli, int argc, char **argv, const struct option *opts,
                   const struct cli_sopt *s, int *flags);

/* Writes R in the chosen --format to -o (or standard output); --format xlsx
 * without -o is a usage error. */
int cli_write_report(struct cli *cli, const ch_report *r);

/* Parses a whole number argument for OPTION into *OUT; CLI_EUSAGE if bad. */
int cli_parse_int(struct cli *cli, const char *option, const char *arg, long min, long max,
                  long *out);

/* Prints an import's problems, one line each (or as JSON). */
void cli_print_problems(const ch_problems *p, enum ch_format format);
/* Reads the N evidence FILES into EV (cli_free_evidence releases them). */
int cli_read_evidence(const char *const *files, size_t n, ch_evidence *ev);
void cli_free_evidence(ch_evidence *ev, size_t n);

/* Handlers, one file per group. */
int cmd_plan_check(struct cli *cli, int argc, char **argv);
int cmd_plan_import(struct cli *cli, int argc, char **argv);
int cmd_plan_show(struct cli *cli, int argc, char **argv);
int cmd_region_list(struct cli *cli, int argc, char **argv);
int cmd_region_import(struct cli *cli, int argc, char **argv);
int cmd_user_add(struct cli *cli, int argc, char **argv);
int cmd_user_list(struct cli *cli, int argc, char **argv);
int cmd_audit_verify(struct cli *cli, int argc, char **argv);
int cmd_audit_log(struct cli *cli, int argc, char **argv);
int cmd_household_import(struct cli *cli, int argc, char **argv);
int cmd_household_list(struct cli *cli, int argc, char **argv);
int cmd_household_search(struct cli *cli, int argc, char **argv);
int cmd_household_show(struct cli *cli, int argc, char **argv);
int cmd_household_duplicates(struct cli *cli, int argc, char **argv);
int cmd_plan_coverage(struct cli *cli, int argc, char **argv);
int cmd_demo_generate(struct cli *cli, int argc, char **argv);
int cmd_demo_events(struct cli *cli, int argc, char **argv);
int cmd_event_record(struct cli *cli, int argc, char **argv);
int cmd_event_import(struct cli *cli, int argc, char **argv);
int cmd_event_correct(struct cli *cli, int argc, char **argv);
int cmd_event_evidence_reuse(struct cli *cli, int argc, char **argv);
int cmd_report_dispatch(struct cli *cli, int argc, char **argv);
int cmd_report_remind(struct cli *cli, int argc, char **argv);
int cmd_report_freeze(struct cli *cli, int argc, char **argv);
int cmd_report_verify(struct cli *cli, int argc, char **argv);
int cmd_inspect_record(struct cli *cli, int argc, char **argv);
int cmd_rectification_list(struct cli *cli, int argc, char **argv);
int cmd_rectification_close(struct cli *cli, int argc, char **argv);
int cmd_followup_record(struct cli *cli, int argc, char **argv);
int cmd_followup_due(struct cli *cli, int argc, char **argv);
int cmd_report_acceptance(struct cli *cli, int argc, char **argv);
int cmd_review_apply(struct cli *cli, int argc, char **argv);
int cmd_review_assign(struct cli *cli, int argc, char **argv);
int cmd_review_sample(struct cli *cli, int argc, char **argv);
int cmd_review_result(struct cli *cli, int argc, char **argv);
int cmd_review_list(struct cli *cli, int argc, char **argv);
int cmd_subsidy_entitlement(struct cli *cli, int argc, char **argv);
int cmd_subsidy_reserve(struct cli *cli, int argc, char **argv);
int cmd_subsidy_pay(struct cli *cli, int argc, char **argv);
int cmd_subsidy_payfile(struct cli *cli, int argc, char **argv);
int cmd_subsidy_batches(struct cli *cli, int argc, char **argv);
int cmd_subsidy_reconcile(struct cli *cli, int argc, char **argv);
int cmd_funds_appropriate(struct cli *cli, int argc, char **argv);
int cmd_funds_spend(struct cli *cli, int argc, char **argv);
int cmd_funds_audit(struct cli *cli, int argc, char **argv);
int cmd_report_funds(struct cli *cli, int argc, char **argv);
int cmd_ledger_verify(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_version(struct cli *cli, int argc, char **argv);

#endif
