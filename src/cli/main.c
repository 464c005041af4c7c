/*
 * main — the cleanheat command line: global options, finding the operation
 * named by the first words, parsing its parameters from the table's specs,
 * opening the database as the acting user, the permission gate, rendering
 * the result, and the exit status (DESIGN.md §5). The configuration file
 * (app/config.h) gives the defaults of --db and of serve's options.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/config.h"
#include "app/settings.h"
#include "cli/cli.h"
#include "core/store.h"
#include "core/user.h"
#include "util/alloc.h"
#include "util/error.h"

/* getopt codes beside the parameters' (CODE_PARAM + index). */
enum { CODE_FORMAT = 0x80, CODE_HELP, CODE_PARAM = 0x100 };

/* The configuration file's settings, for the whole run. */
static ch_config config;

struct cli {
	const char *db_url;      /* --db, else CLEANHEAT_DB, the file's database, ./cleanheat.db */
	const char *config_path; /* --config, or NULL */
	const char *actor;       /* --as, default the operating-system user */
	const char *os_user;     /* who created a new database */
	enum ch_format format;
	const char *output; /* -o FILE for tables, NULL for standard output */
	const struct ch_op *op;
};

/* How the command line names parameter FIELD of OP: "--county", "FILE". */
static void field_words(const struct ch_op *op, const char *field, char *out, size_t outsz)
{
	const struct ch_param *p = field ? ch_op_param(op, field) : NULL;
	if (!p)
		snprintf(out, outsz, "--%s", field ? field : "");
	else if (p->flags & CH_PF_POSITIONAL)
		snprintf(out, outsz, "%s", p->meta ? p->meta : "FILE");
	else if (strcmp(p->name, "output") == 0)
		snprintf(out, outsz, "-o");
	else
		snprintf(out, outsz, "--%s", p->name);
}

/* Prints the current error for RC and returns the exit status. A usage error
 * names the option and shows the usage line; another error about one of the
 * command's parameters names the option after the message. */
static int report_error(const struct cli *cli, int rc)
{
	const char *msg = ch_error_message();
	const char *field = ch_error_field();
	char words[128];
	if (rc == 0)
		return 0;
	if (!*msg)
		msg = ch_err_name(rc);
	if (rc == CH_EUSAGE) {
		if (field && cli->op) {
			field_words(cli->op, field, words, sizeof words);
			fprintf(stderr, "cleanheat: %s %s\n", words, msg);
		} else {
			fprintf(stderr, "cleanheat: %s\n", msg);
		}
		if (cli->op) {
			fputs("用法：", stderr);
			cli_print_usage(stderr, cli->op);
			fputc('\n', stderr);
		}
	} else if (field && cli->op && ch_op_param(cli->op, field) &&
	           ch_op_param(cli->op, field)->type != CH_PT_SECRET) {
		field_words(cli->op, field, words, sizeof words);
		fprintf(stderr, "cleanheat: %s (%s)\n", msg, words);
	} else {
		fprintf(stderr, "cleanheat: %s\n", msg);
	}
	return ch_err_exit_status(rc);
}

static const char *os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	const char *u = getenv("USER");
	return u && *u ? u : "admin";
}

static int takes_output(const struct ch_op *op)
{
	return op->formats != CH_RF_TEXT && !ch_op_param(op, "output");
}

/* Reads secret P from the terminal without echo (asked twice), or as the
 * first line of standard input when that is not a terminal. */
static int read_secret(ch_args *a, const struct ch_param *p)
{
	char first[512], again[512];
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	int rc = 0;
	if (tty) {
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fprintf(stderr, "%s: ", p->help);
	}
	if (!fgets(first, sizeof first, stdin))
		first[0] = '\0';
	first[strcspn(first, "\r\n")] = '\0';
	if (tty) {
		fprintf(stderr, "\n再输入一次: ");
		if (!fgets(again, sizeof again, stdin))
			again[0] = '\0';
		again[strcspn(again, "\r\n")] = '\0';
		fputc('\n', stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		if (strcmp(first, again) != 0)
			rc = ch_error_set_field(CH_EUSAGE, p->name, "两次输入不一致");
		explicit_bzero(again, sizeof again);
	}
	if (rc == 0 && first[0])
		rc = ch_args_set(a, p, first);
	explicit_bzero(first, sizeof first);
	return rc;
}

/* Parses ARGV (ARGV[0] the verb) into A from OP's parameter specs, and
 * --format, -o and --help. Returns 0, 1 after printing help, or a ch_err. */
static int parse_args(struct cli *cli, int argc, char **argv, ch_args *a)
{
	const struct ch_op *op = cli->op;
	size_t n = 0;
	int opt, rc = 0;
	for (const struct ch_param *p = op->params; p && p->name; p++)
		n++;
	struct option *opts = ch_calloc(n + 4, sizeof *opts);
	size_t k = 0;
	const char *shortopts = "";
	for (size_t i = 0; i < n; i++) {
		const struct ch_param *p = &op->params[i];
		if (p->flags & CH_PF_POSITIONAL || p->type == CH_PT_SECRET)
			continue;
		opts[k++] = (struct option){p->name,
		                            p->type == CH_PT_FLAG ? no_argument : required_argument,
		                            NULL, CODE_PARAM + (int)i};
		if (strcmp(p->name, "output") == 0)
			shortopts = "o:";
	}
	if (op->formats != CH_RF_TEXT)
		opts[k++] = (struct option){"format", required_argument, NULL, CODE_FORMAT};
	if (takes_output(op)) {
		opts[k++] = (struct option){"output", required_argument, NULL, 'o'};
		shortopts = "o:";
	}
	opts[k++] = (struct option){"help", no_argument, NULL, CODE_HELP};
	optind = 0;
	opterr = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (opt == CODE_HELP) {
			cli_print_op_help(stdout, op);
			rc = 1;
		} else if (opt == CODE_FORMAT) {
			if (ch_format_parse(optarg, &cli->format) != 0 ||
			    !(op->formats & CH_RF(cli->format)))
				rc = ch_error_set_field(
				    CH_EUSAGE, "format", "“%s”：本命令只能输出 %s", optarg,
				    op->formats == CH_RF_TABLE_JSON ? "table 或 json"
				                                    : "table、csv、json 或 xlsx");
		} else if (opt == 'o' && takes_output(op)) {
			cli->output = optarg;
		} else if (opt == 'o' || opt >= CODE_PARAM) {
			const struct ch_param *p =
			    opt == 'o' ? ch_op_param(op, "output") : &op->params[opt - CODE_PARAM];
			rc = ch_args_set(a, p, optarg);
		} else if (optopt >= CODE_PARAM) {
			rc = ch_error_set_field(CH_EUSAGE, op->params[optopt - CODE_PARAM].name,
			                        "缺少取值");
		} else if (optopt) {
			rc = ch_error_set(CH_EUSAGE, "选项 %s 缺少取值", argv[optind - 1]);
		} else {
			rc = ch_error_set(CH_EUSAGE, "没有选项 %s", argv[optind - 1]);
		}
	}
	/* the rest are the positional parameters, in order */
	const struct ch_param *p = op->params;
	for (int i = optind; rc == 0 && i < argc; i++) {
		while (p && p->name && !(p->flags & CH_PF_POSITIONAL))
			p++;
		if (!p || !p->name)
			rc = ch_error_set(CH_EUSAGE, "多余的参数“%s”", argv[i]);
		else if ((rc = ch_args_set(a, p, argv[i])) == 0 && !(p->flags & CH_PF_REPEAT))
			p++;
	}
	for (p = op->params; rc == 0 && p && p->name; p++)
		if (p->type == CH_PT_SECRET)
			rc = read_secret(a, p);
	if (rc == 0)
		rc = ch_args_check(a);
	/* XLSX goes to a file: -o, whether the CLI's or the operation's own */
	const char *out = takes_output(op)            ? cli->output
	                  : ch_op_param(op, "output") ? ch_args_str(a, "output")
	                                              : NULL;
	if (rc == 0 && cli->format == CH_FMT_XLSX && (!out || strcmp(out, "-") == 0))
		rc = ch_error_set_field(CH_EUSAGE, "format", "xlsx 格式须用 -o FILE 指定输出文件");
	free(opts);
	return rc;
}

/* The operation named by ARGV's first one, two or three words (a verb of
 * two words joined by '-' may be given as two: `user totp enroll` is
 * `user totp-enroll`); *WORDS says how many. */
static const struct ch_op *find_op(int argc, char **argv, int *words)
{
	const struct ch_op *op = NULL;
	if (argc > 2 && strlen(argv[1]) + strlen(argv[2]) < 64) {
		char verb[66];
		size_t n1 = strlen(argv[1]);
		memcpy(verb, argv[1], n1);
		verb[n1] = '-';
		memcpy(verb + n1 + 1, argv[2], strlen(argv[2]) + 1);
		if ((op = ch_op_find(argv[0], verb)) != NULL) {
			*words = 3;
			return op;
		}
	}
	op = argc > 1 ? ch_op_find(argv[0], argv[1]) : NULL;
	*words = 2;
	if (!op) {
		op = ch_op_find(argv[0], NULL);
		*words = 1;
	}
	return op;
}

/* ch_ask_fn for the terminal: SHOW on standard output, QUESTION on
 * standard error, the answer from standard input (a script may pipe it). */
static int ask(void *arg, const char *show, const char *question, char *out, size_t n)
{
	(void)arg;
	fputs(show, stdout);
	fflush(stdout);
	fprintf(stderr, "%s: ", question);
	fflush(stderr);
	if (!fgets(out, (int)n, stdin))
		return ch_error_set(CH_EUSAGE, "没有读到回答（%s）", question);
	out[strcspn(out, "\r\n")] = '\0';
	if (!isatty(STDIN_FILENO))
		fputc('\n', stderr);
	return 0;
}

static int run_op(struct cli *cli, int argc, char **argv)
{
	ch_store *store = NULL;
	ch_ctx *ctx = NULL;
	ch_result res;
	ch_args *a = ch_args_new(cli->op);
	int rc = parse_args(cli, argc, argv, a);
	ch_result_init(&res);
	ch_args_set_ask(a, ask, NULL);
	if (rc == 1) { /* --help */
		ch_args_free(a);
		return 0;
	}
	if (rc == 0 && !cli->op->run) { /* serve */
		rc = cli_serve_apply_config(a, &config);
		if (rc == 0)
			rc = cli_serve(cli->db_url, a);
		ch_args_free(a);
		return report_error(cli, rc);
	}
	/* the database, migrated if need be, then the actor over it; only a
	 * command that writes creates a database that is not there */
	if (rc == 0 && cli->op->flags & CH_OP_WRITES) {
		rc = ch_store_open(&store, cli->db_url, cli->os_user);
	} else if (rc == 0) {
		rc = ch_store_open_existing(&store, cli->db_url);
		if (rc == CH_ENOTFOUND && cli->op->flags & CH_OP_REFERENCE) {
			ch_error_clear();
			rc = ch_store_open(&store, ":memory:", cli->os_user);
		}
	}
	if (rc == 0)
		rc = ch_ctx_new_as(&ctx, store, cli->actor, cli->os_user);
	if (rc == 0)
		ch_op_prepare(ctx);
	if (rc == 0)
		rc = ch_ctx_require_role(ctx, (enum ch_perm)cli->op->perm);
	if (rc == 0) {
		rc = ch_op_call(cli->op, ctx, a, &res);
		/* a refused run may still say why, row by row */
		int rrc = cli_render(&res, cli->format, cli->output);
		if (rc == 0)
			rc = rrc;
	}
	int status = report_error(cli, rc);
	const char *lt = getenv("CLEANHEAT_LOCK_TIME");
	if (ctx && lt && *lt && strcmp(lt, "0") != 0) {
		/* for measuring: how long this run kept other writers waiting */
		int64_t max_ns, total_ns;
		ch_db_lock_times(ch_ctx_db(ctx), &max_ns, &total_ns);
		fprintf(stderr, "cleanheat: lock held %.3f s (longest), %.3f s (total)\n",
		        (double)max_ns / 1e9, (double)total_ns / 1e9);
	}
	const char *dw = getenv("CLEANHEAT_DB_WORK");
	if (ctx && dw && *dw && strcmp(dw, "0") != 0) {
		/* for the tests that guard a plan: what the statements did */
		struct ch_db_work w;
		ch_db_work(ch_ctx_db(ctx), &w);
		fprintf(stderr,
		        "cleanheat: %" PRId64 " rows stepped over in full scans, %" PRId64
		        " large transactions, %" PRId64 " statements prepared\n",
		        w.scan_steps, w.large_tx, w.prepares);
	}
	ch_result_dispose(&res);
	ch_args_free(a);
	ch_ctx_free(ctx);
	ch_store_free(store);
	return status;
}

static void dispose_config(void)
{
	ch_config_dispose(&config);
}

/* Reads the configuration file and applies what belongs to every command:
 * the database's default, the environment's settings, serve's options
 * checked (so that any command finds a bad file). */
static int load_config(struct cli *cli)
{
	int rc = ch_config_load(&config, cli->config_path);
	atexit(dispose_config);
	if (rc == 0) {
		ch_args *a = ch_args_new(&cli_serve_op);
		rc = cli_serve_apply_config(a, &config);
		ch_args_free(a);
	}
	cli->db_url = ch_config_database(&config, cli->db_url);
	ch_config_export_env(&config);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = {.format = CH_FMT_TABLE};
	int i = 1, words = 0;

	cli.os_user = os_user();
	cli.actor = cli.os_user;
	int ndb = 0, nas = 0, ncfg = 0, nbusy = 0;
	const char *busy = NULL; /* --busy-timeout's value, applied after the file's */
	for (; i < argc && argv[i][0] == '-'; i++) {
		int is_db = strncmp(argv[i], "--db", 4) == 0 && (!argv[i][4] || argv[i][4] == '=');
		int is_as = strncmp(argv[i], "--as", 4) == 0 && (!argv[i][4] || argv[i][4] == '=');
		int is_cfg =
		    strncmp(argv[i], "--config", 8) == 0 && (!argv[i][8] || argv[i][8] == '=');
		size_t nb = strlen("--busy-timeout");
		int is_busy = strncmp(argv[i], "--busy-timeout", nb) == 0 &&
		              (!argv[i][nb] || argv[i][nb] == '=');
		/* the last of two would win silently: a usage error instead */
		if ((is_db && ndb++) || (is_as && nas++) || (is_cfg && ncfg++) ||
		    (is_busy && nbusy++)) {
			fprintf(stderr, "cleanheat: %s 重复给出\n",
			        is_db    ? "--db"
			        : is_as  ? "--as"
			        : is_cfg ? "--config"
			                 : "--busy-timeout");
			return 2;
		}
		if (is_busy) {
			busy = argv[i][nb] == '=' ? argv[i] + nb + 1
			       : i + 1 < argc     ? argv[++i]
			                          : NULL;
			/* checked now, so that a bad value is a usage error before anything */
			if (ch_settings_busy_timeout(busy, "--busy-timeout") != 0) {
				fprintf(stderr, "cleanheat: %s\n", ch_error_message());
				return 2;
			}
		} else if (is_cfg && (argv[i][8] == '=' || i + 1 < argc)) {
			cli.config_path = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];
		} else if ((is_db || is_as) && !argv[i][4] && i + 1 < argc) {
			*(is_db ? &cli.db_url : &cli.actor) = argv[i + 1];
			i++;
		} else if ((is_db || is_as) && argv[i][4] == '=') {
			*(is_db ? &cli.db_url : &cli.actor) = argv[i] + 5;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return cli_help(1, argv);
		} else if (strcmp(argv[i], "--version") == 0) {
			return cli_version();
		} else {
			fprintf(stderr, "cleanheat: 没有选项 %s（见 cleanheat help）\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		cli_help(1, argv);
		return 2;
	}
	if (strcmp(argv[i], "help") == 0)
		return cli_help(argc - i, argv + i);
	if (strcmp(argv[i], "version") == 0)
		return cli_version();
	if (load_config(&cli) != 0)
		return report_error(&cli, ch_error_code());
	/* the busy wait: the option, else the environment (which the file's
	 * busy_timeout has filled in where it was unset), else the default */
	if (ch_settings_from_env() != 0 ||
	    (busy && ch_settings_busy_timeout(busy, "--busy-timeout") != 0)) {
		fprintf(stderr, "cleanheat: %s\n", ch_error_message());
		return 2;
	}
	cli.op = strcmp(argv[i], "serve") == 0 ? (words = 1, &cli_serve_op)
	                                       : find_op(argc - i, argv + i, &words);
	if (!cli.op) {
		fprintf(stderr, "cleanheat: 没有命令“%s%s%s”（见 cleanheat help）\n", argv[i],
		        i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
		return 2;
	}
	/* the parser sees the last word as argv[0] ("check"), then the arguments */
	return run_op(&cli, argc - i - words + 1, argv + i + words - 1);
}
