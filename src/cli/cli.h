/*
 * cli — the command-line front end: an adapter over the operation table.
 *
 * main.c reads the global options (--db, --as), finds the operation named by
 * the first words, parses the rest of argv from that operation's parameter
 * specs (src/app/ops.h) with getopt_long, opens the database as the acting
 * user, checks the permission named in the row, runs the operation and
 * renders its result. Nothing here decides what is shown: it parses and
 * renders, so the command line and the HTTP API never differ.
 */
#ifndef CH_CLI_CLI_H
#define CH_CLI_CLI_H

#include <stdio.h>

#include "app/ops.h"
#include "util/buf.h"

/* The usage line of OP ("cleanheat plan import FILE --year Y [...]"),
 * without a newline. */
void cli_print_usage(FILE *f, const struct ch_op *op);
/* `cleanheat help [GROUP [VERB]]`: everything, one group, or one operation
 * with every option and its help. Returns the exit status. */
int cli_help(int argc, char **argv);
/* Prints one operation's full help (usage, summary, every option). */
void cli_print_op_help(FILE *f, const struct ch_op *op);

/* `cleanheat serve`: its option specs, and running the server over DB_URL
 * with the options parsed into A. */
extern const struct ch_op cli_serve_op;
int cli_serve(const char *db_url, const ch_args *a);
/* Sets each option of `serve` that A (serve's parameters) lacks from the
 * configuration file's key of the same name; a bad value is CH_EINVALID
 * naming the file, line and key. */
struct ch_config;
int cli_serve_apply_config(ch_args *a, const struct ch_config *cfg);

/* `cleanheat version`, and the version number alone ("0.1.0"). */
int cli_version(void);
const char *cli_version_number(void);

/* `cleanheat help --man`: the manual page cleanheat(1) in troff, written
 * from the operation table, serve's options, the error table and the
 * configuration keys, so that it describes exactly what is accepted.
 * Returns the exit status. */
int cli_man(FILE *f);

/* How help names parameter P: "--name META", "-o FILE" or "FILE" (a
 * positional), appended to B. */
void cli_param_words(const struct ch_param *p, ch_buf *b);
/* P's help line with its allowed values or range, required or repeated,
 * appended to H. */
void cli_param_help(const struct ch_param *p, ch_buf *h);

/* Prints RES in FORMAT: text parts (table format only), tables to OUTPUT
 * (NULL: standard output), problems. Returns 0 or a ch_err. */
int cli_render(const ch_result *res, enum ch_format format, const char *output);

#endif
