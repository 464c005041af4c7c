/*
 * commands — the command table, and `cleanheat help` printed from it.
 *
 * Adding a command is adding a row here and its handler in cmd_<group>.c.
 * The permission column is enforced by main.c before the handler runs;
 * core functions check the actor's region scope again for what they touch.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/user.h"

#define VERSION "0.1.0"

const struct cli_command cli_commands[] = {
    {"plan", "check", "FILE [--sheet NAME] [--format table|json]",
     "check a published plan table: row and column sums, counties; suggest corrections",
     CH_PERM_READ, cmd_plan_check},
    {"plan", "import",
     "FILE --year Y [--replace] [--accept-discrepancies --reason TEXT] "
     "[--es-area M2]",
     "store a year's plan (refused if inconsistent unless accepted with a reason)",
     CH_PERM_PLAN_WRITE, cmd_plan_import},
    {"plan", "show", "--year Y [--version N] [--format table|csv|json|xlsx] [-o FILE]",
     "print the plan's targets per county and the prefecture total", CH_PERM_READ, cmd_plan_show},
    {"plan", "coverage", "--year Y [--format table|csv|json|xlsx] [-o FILE]",
     "registered households per county and batch against the plan's targets", CH_PERM_READ,
     cmd_plan_coverage},
    {"household", "import",
     "FILE [--county C] [--sheet NAME] [--skip-invalid] [--rejects OUT] "
     "[--ignore-unknown-columns] [--format table|json]",
     "import a county ledger (CSV or XLSX); every row checked; all or nothing by default",
     CH_PERM_HOUSEHOLD_WRITE, cmd_household_import},
    {"household", "list",
     "[--county C] [--township T] [--village V] [--technology K] [--batch 新建|续建] "
     "[--year Y] [--limit N] [--reveal] [--format table|csv|json|xlsx] [-o FILE]",
     "list the register (ID and phone numbers masked unless --reveal)", CH_PERM_READ,
     cmd_household_list},
    {"household", "search", "TEXT [filters as list]",
     "find households by name, 户编号, ID number, phone or address", CH_PERM_READ,
     cmd_household_search},
    {"household", "show", "(户编号 --county C | ID-NUMBER) [--reveal]", "one household's record",
     CH_PERM_READ, cmd_household_show},
    {"household", "duplicates", "[--format table|csv|json|xlsx] [-o FILE]",
     "households sharing an ID number, phone or address", CH_PERM_READ, cmd_household_duplicates},
    {"event", "record", "HOUSEHOLD STAGE --date D [--county C] [--note TEXT] [--evidence FILE ...]",
     "record one step (已开工 已完工 已调试 已退出 ...) for a household (户编号 with --county, or "
     "ID number)",
     CH_PERM_READ, cmd_event_record},
    {"event", "import", "FILE [--county C] [--sheet NAME] [--skip-invalid] [--rejects OUT]",
     "import a county's weekly batch (columns 县市, 户编号, 环节, 日期, 备注)", CH_PERM_READ,
     cmd_event_import},
    {"event", "correct", "HOUSEHOLD STAGE --date D [--county C] [--note TEXT]",
     "correct the date of a recorded step (the old one is kept, superseded)", CH_PERM_READ,
     cmd_event_correct},
    {"event", "evidence-reuse", "[--format table|csv|json|xlsx] [-o FILE]",
     "evidence files attached to more than one household", CH_PERM_READ, cmd_event_evidence_reuse},
    {"report", "dispatch",
     "--year Y --as-of D [--period week|month] [--format table|csv|json|xlsx] [-o FILE]",
     "progress per county and stage against targets and milestones (周调度/月调度)", CH_PERM_READ,
     cmd_report_dispatch},
    {"report", "remind", "--year Y --as-of D [--period week|month] [-o FILE]",
     "reminder notices for counties in red, or yellow two periods running", CH_PERM_READ,
     cmd_report_remind},
    {"report", "freeze", "--year Y --period YYYY-Www|YYYY-MM", "lock a period's dispatch figures",
     CH_PERM_PLAN_WRITE, cmd_report_freeze},
    {"report", "verify", "", "recompute the progress aggregates from the events and compare",
     CH_PERM_READ, cmd_report_verify},
    {"inspect", "record",
     "HOUSEHOLD --result pass|fail --date D --inspector NAME [--county C] [--item KEY=pass|fail "
     "...] [--evidence FILE ...]",
     "self-inspection (自验) of a commissioned household against the checklist",
     CH_PERM_HOUSEHOLD_WRITE, cmd_inspect_record},
    {"review", "apply", "--county C --date D (--households FILE | --all-passed) [--year Y]",
     "bundle self-inspected households into a review application (复核申请)",
     CH_PERM_HOUSEHOLD_WRITE, cmd_review_apply},
    {"review", "assign", "APPLICATION --unit UNIT --reviewer USER --seed VALUE",
     "assign an application to a reviewing unit; the seed fixes the sample", CH_PERM_PLAN_WRITE,
     cmd_review_assign},
    {"review", "sample", "APPLICATION [--verify] [--format ...]",
     "the application's households and sample; --verify derives the sample again", CH_PERM_READ,
     cmd_review_sample},
    {"review", "result",
     "APPLICATION HOUSEHOLD --result pass|fail --date D [--note TEXT] [--evidence FILE ...]",
     "record the review of a sampled household", CH_PERM_REVIEW, cmd_review_result},
    {"review", "list", "[--format ...]", "review applications you may see", CH_PERM_READ,
     cmd_review_list},
    {"rectification", "list", "[--open] [--overdue] [--as-of D] [--format ...]",
     "rectification orders (整改单)", CH_PERM_READ, cmd_rectification_list},
    {"rectification", "close", "ORDER --date D --note TEXT", "close a rectification order",
     CH_PERM_HOUSEHOLD_WRITE, cmd_rectification_close},
    {"followup", "due", "--as-of D [--format ...]", "follow-up visits (回访) due and not made",
     CH_PERM_READ, cmd_followup_due},
    {"followup", "record",
     "HOUSEHOLD --visit 1|2 --date D --in-use yes|no --comfort good|fair|poor --visitor NAME "
     "[--county C] [--cost-complaint yes|no] [--coal yes|no] [--fault TEXT] [--satisfaction 1-5]",
     "record a follow-up visit; problems open a rectification order", CH_PERM_HOUSEHOLD_WRITE,
     cmd_followup_record},
    {"report", "acceptance", "--year Y --as-of D [--format table|csv|json|xlsx] [-o FILE]",
     "per county: self-inspected, applied, sampled, passed, failed, rectification, risk",
     CH_PERM_READ, cmd_report_acceptance},
    {"subsidy", "entitlement", "HOUSEHOLD [--county C]",
     "a household's subsidy under the year's policy, explained line by line", CH_PERM_READ,
     cmd_subsidy_entitlement},
    {"subsidy", "reserve", "--county C --date D",
     "reserve the entitlement of households whose review passed, from the county's accounts",
     CH_PERM_FUNDS, cmd_subsidy_reserve},
    {"subsidy", "pay", "--county C --date D [--method card|yikatong|meter] -o FILE",
     "pay everything payable and write the bank's file (CSV or XLSX)", CH_PERM_FUNDS,
     cmd_subsidy_pay},
    {"subsidy", "payfile", "BATCH -o FILE", "write a payment batch's bank file again",
     CH_PERM_FUNDS, cmd_subsidy_payfile},
    {"subsidy", "batches", "[--county C] [--format table|csv|json|xlsx] [-o FILE]",
     "payment batches, newest first: payments sent, paid and failed, and their sum", CH_PERM_READ,
     cmd_subsidy_batches},
    {"subsidy", "reconcile", "FILE",
     "apply the bank's return: confirm paid rows, reverse failed ones, report unknown ones",
     CH_PERM_FUNDS, cmd_subsidy_reconcile},
    {"funds", "appropriate",
     "--source S --amount YUAN --date D --key K [--to COUNTY [--direct]] [--memo T]",
     "funds from a source to the prefecture (下达), or to a county (拨付)", CH_PERM_FUNDS,
     cmd_funds_appropriate},
    {"funds", "spend", "--county C --source S --category CAT --amount YUAN --date D --key K",
     "other spending out of a county account (anything but subsidies is 挤占)", CH_PERM_FUNDS,
     cmd_funds_spend},
    {"funds", "audit", "--as-of D [--format ...]",
     "滞留 截留 挪用 挤占, one ID or account paid twice, unspent balances", CH_PERM_READ,
     cmd_funds_audit},
    {"report", "funds",
     "--year Y --as-of D [--households] [--format table|csv|json|xlsx] [-o FILE]",
     "by county and source: received, reserved, paid, balance, utilisation; with "
     "--households, each county's household payment status",
     CH_PERM_READ, cmd_report_funds},
    {"ledger", "verify", "", "check every ledger rule again from the transfers", CH_PERM_READ,
     cmd_ledger_verify},
    {"demo", "generate", "--households N [--seed S] [--year Y] -o FILE",
     "write a synthetic register consistent with the plan (names marked 样例)", CH_PERM_READ,
     cmd_demo_generate},
    {"demo", "events", "--as-of D [--seed S] [--year Y] -o FILE",
     "write a synthetic progress batch for the registered households, some counties behind",
     CH_PERM_READ, cmd_demo_events},
    {"region", "list", "[REGION] [--all] [--format table|csv|json|xlsx] [-o FILE]",
     "list the prefecture, counties, townships and villages", CH_PERM_READ, cmd_region_list},
    {"region", "import", "FILE",
     "add townships and villages from a list with columns 县市, 乡镇, 村", CH_PERM_REGION_WRITE,
     cmd_region_import},
    {"user", "add", "NAME --role ROLE [--scope REGION]",
     "add a user; roles: prefecture_admin county_operator township_operator reviewer "
     "finance auditor",
     CH_PERM_USER_ADMIN, cmd_user_add},
    {"user", "list", "[--format table|csv|json|xlsx] [-o FILE]", "list users, roles and scopes",
     CH_PERM_READ, cmd_user_list},
    {"audit", "verify", "", "check the audit log's hash chain; name the first bad entry",
     CH_PERM_AUDIT, cmd_audit_verify},
    {"audit", "log", "[--object PREFIX] [--limit N] [--format table|csv|json|xlsx] [-o FILE]",
     "list audit entries, newest first", CH_PERM_AUDIT, cmd_audit_log},
    {"help", NULL, "[COMMAND]", "show commands, or one command's usage", 0, cmd_help},
    {"version", NULL, "", "print the version", 0, cmd_version},
    {NULL, NULL, NULL, NULL, 0, NULL},
};

static void print_usage_line(FILE *f, const struct cli_command *c)
{
	fprintf(f, "  cleanheat %s%s%s %s\n", c->group, c->name ? " " : "", c->name ? c->name : "",
	        c->args);
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc > 1) {
		int found = 0;
		for (const struct cli_command *c = cli_commands; c->group; c++)
			if (strcmp(c->group, argv[1]) == 0 &&
			    (argc < 3 || (c->name && strcmp(c->name, argv[2]) == 0))) {
				print_usage_line(stdout, c);
				printf("      %s\n", c->summary);
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "cleanheat: no command '%s'\n", argv[1]);
			return CLI_EUSAGE;
		}
		return 0;
	}
	printf("cleanheat — rural clean-heating retrofit programme: plan, register, progress,\n"
	       "acceptance and subsidy (农村清洁取暖改造管理)\n\n"
	       "usage: cleanheat [--db URL] [--as USER] COMMAND [ARGS]\n\n"
	       "  --db URL   database (default ./cleanheat.db; sqlite:PATH)\n"
	       "  --as USER  act as this user (default: the operating-system user)\n\n"
	       "commands:\n");
	for (const struct cli_command *c = cli_commands; c->group; c++) {
		print_usage_line(stdout, c);
		printf("      %s\n", c->summary);
	}
	printf("\nexit status: 0 done, 1 data problems, 2 usage, 3 permission denied,\n"
	       "4 not found, 5 conflict, 70 internal error\n");
	return 0;
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	printf("cleanheat %s\n", VERSION);
	return 0;
}
