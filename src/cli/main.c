/*
 * main — the cleanheat command line: global options, finding the command in
 * the table, opening the database as the acting user, the permission gate,
 * and the exit status.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/store.h"
#include "core/user.h"
#include "util/error.h"

int cli_report_error(int rc)
{
	if (rc == 0)
		return 0;
	if (rc == CLI_EUSAGE)
		return 2;
	const char *msg = ch_error_message(), *field = ch_error_field();
	/* the field an error is about is the option that sets it */
	fprintf(stderr, "cleanheat: %s%s%s%s\n", *msg ? msg : ch_err_name(rc), field ? " (--" : "",
	        field ? field : "", field ? ")" : "");
	return ch_err_exit_status(rc);
}

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "cleanheat: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cli->cmd)
		fprintf(stderr, "usage: cleanheat %s%s%s %s\n", cli->cmd->group,
		        cli->cmd->name ? " " : "", cli->cmd->name ? cli->cmd->name : "",
		        cli->cmd->args);
	return CLI_EUSAGE;
}

int cli_common_option(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_FORMAT:
		if (ch_format_parse(arg, &cli->format) != 0)
			return cli_usage(cli, "%s", ch_error_message());
		return 0;
	case 'o':
		cli->output = arg;
		return 0;
	case '?':
		return cli_usage(cli, "unknown or incomplete option");
	default:
		return cli_usage(cli, "unexpected option");
	}
}

int cli_parse_opts(struct cli *cli, int argc, char **argv, const struct option *opts,
                   const struct cli_sopt *s, int *flags)
{
	const char *shortopts = "";
	int opt;
	for (const struct option *o = opts; o->name; o++)
		if (o->val == 'o')
			shortopts = "o:";
	while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		const struct cli_sopt *x = s;
		while (x->code && x->code != opt)
			x++;
		if (x->code) {
			*x->dst = optarg;
		} else if (opt >= 0x100 && opt < 0x200) { /* a flag */
			*flags |= 1 << (opt - 0x100);
		} else {
			int rc = cli_common_option(cli, opt, optarg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int cli_write_report(struct cli *cli, const ch_report *r)
{
	if (cli->format == CH_FMT_XLSX && (!cli->output || strcmp(cli->output, "-") == 0))
		return cli_usage(cli, "--format xlsx needs -o FILE");
	return ch_report_write(r, cli->format, cli->output);
}

int cli_parse_int(struct cli *cli, const char *option, const char *arg, long min, long max,
                  long *out)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || v < min || v > max)
		return cli_usage(cli, "%s '%s': expected a whole number from %ld to %ld", option,
		                 arg, min, max);
	*out = v;
	return 0;
}

static const char *os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	const char *u = getenv("USER");
	return u && *u ? u : "admin";
}

static const struct cli_command *find_command(int argc, char **argv, int *words)
{
	for (const struct cli_command *c = cli_commands; c->group; c++) {
		if (strcmp(c->group, argv[0]) != 0)
			continue;
		if (!c->name) {
			*words = 1;
			return c;
		}
		if (argc > 1 && strcmp(c->name, argv[1]) == 0) {
			*words = 2;
			return c;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct cli cli = {.db_url = "cleanheat.db", .format = CH_FMT_TABLE};
	ch_store *store = NULL;
	int i = 1, words = 0, rc;

	cli.os_user = os_user();
	cli.actor = cli.os_user;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--as") == 0) &&
		    i + 1 < argc) {
			*(argv[i][2] == 'd' ? &cli.db_url : &cli.actor) = argv[i + 1];
			i++;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			cli.db_url = argv[i] + 5;
		} else if (strncmp(argv[i], "--as=", 5) == 0) {
			cli.actor = argv[i] + 5;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return cmd_help(&cli, 1, argv);
		} else if (strcmp(argv[i], "--version") == 0) {
			return cmd_version(&cli, 1, argv);
		} else {
			fprintf(stderr, "cleanheat: unknown option '%s' (see 'cleanheat help')\n",
			        argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		cmd_help(&cli, 1, argv);
		return 2;
	}
	cli.cmd = find_command(argc - i, argv + i, &words);
	if (!cli.cmd) {
		fprintf(stderr, "cleanheat: unknown command '%s%s%s' (see 'cleanheat help')\n",
		        argv[i], i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
		return 2;
	}
	if (cli.cmd->perm) {
		rc = ch_store_open(&store, cli.db_url, cli.os_user);
		if (rc == 0)
			rc = ch_ctx_new(&cli.ctx, store, cli.actor);
		if (rc == 0)
			rc = ch_ctx_require_role(cli.ctx, (enum ch_perm)cli.cmd->perm);
		if (rc) {
			ch_ctx_free(cli.ctx);
			ch_store_free(store);
			return cli_report_error(rc);
		}
	}
	/* the handler sees its words as argv[0] ("check"), then its arguments */
	int hargc = argc - i - words + 1;
	char **hargv = argv + i + words - 1;
	optind = 0;
	rc = cli.cmd->run(&cli, hargc, hargv);
	int status = cli_report_error(rc);
	ch_ctx_free(cli.ctx);
	ch_store_free(store);
	return status;
}
