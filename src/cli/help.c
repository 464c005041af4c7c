/*
 * help — usage lines and help text, printed from the operation table.
 *
 * Every option an operation takes is listed with its help line, its allowed
 * values or range and whether it is required, from the same parameter specs
 * that the parser reads, so help cannot drift from what is accepted.
 */
#include <stdio.h>
#include <string.h>

#include "app/config.h"
#include "cli/cli.h"
#include "util/buf.h"
#include "util/text.h"

#define VERSION "0.1.0"

/* The --format choices of OP ("table|csv|json|xlsx"), or "" for none. */
static void format_choices(const struct ch_op *op, ch_buf *b)
{
	static const char *const names[] = {"table", "csv", "json", "xlsx"};
	for (int f = CH_FMT_TABLE; f <= CH_FMT_XLSX; f++)
		if (op->formats & CH_RF(f))
			ch_buf_printf(b, "%s%s", b->len ? "|" : "", names[f]);
}

/* 1 when the command line adds -o FILE for OP's tables. */
static int takes_output(const struct ch_op *op)
{
	return op->formats != CH_RF_TEXT && !ch_op_param(op, "output");
}

static const char *meta_of(const struct ch_param *p)
{
	if (p->meta)
		return p->meta;
	switch (p->type) {
	case CH_PT_INT:
		return "N";
	case CH_PT_DATE:
		return "D";
	case CH_PT_FILE:
	case CH_PT_OUTFILE:
		return "FILE";
	case CH_PT_ENUM:
		return p->choices;
	default:
		return "TEXT";
	}
}

void cli_param_words(const struct ch_param *p, ch_buf *b)
{
	if (p->flags & CH_PF_POSITIONAL) {
		ch_buf_puts(b, meta_of(p));
		if (p->flags & CH_PF_REPEAT)
			ch_buf_puts(b, " ...");
		return;
	}
	if (strcmp(p->name, "output") == 0)
		ch_buf_puts(b, "-o ");
	else
		ch_buf_printf(b, "--%s", p->name);
	if (p->type != CH_PT_FLAG)
		ch_buf_printf(b, "%s%s", strcmp(p->name, "output") == 0 ? "" : " ", meta_of(p));
	if (p->flags & CH_PF_REPEAT)
		ch_buf_puts(b, " ...");
}

void cli_print_usage(FILE *f, const struct ch_op *op)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "cleanheat %s%s%s", op->group, op->verb ? " " : "",
	              op->verb ? op->verb : "");
	/* positionals first, then required options, then the rest */
	for (int pass = 0; pass < 3; pass++)
		for (const struct ch_param *p = op->params; p && p->name; p++) {
			int pos = (p->flags & CH_PF_POSITIONAL) != 0;
			int req = (p->flags & CH_PF_REQUIRED) != 0;
			if (pass != (pos ? 0 : req ? 1 : 2) || p->type == CH_PT_SECRET)
				continue;
			ch_buf_puts(&b, " ");
			if (!req)
				ch_buf_puts(&b, "[");
			cli_param_words(p, &b);
			if (!req)
				ch_buf_puts(&b, "]");
		}
	ch_buf fm;
	ch_buf_init(&fm);
	format_choices(op, &fm);
	if (strchr(fm.ptr, '|'))
		ch_buf_printf(&b, " [--format %s]", fm.ptr);
	if (takes_output(op))
		ch_buf_puts(&b, " [-o FILE]");
	fprintf(f, "%s", b.ptr);
	ch_buf_dispose(&fm);
	ch_buf_dispose(&b);
}

/* One option line: words padded to a column, then the help. */
static void option_line(FILE *f, const char *words, const char *help)
{
	size_t w = ch_text_width(words);
	fprintf(f, "  %s", words);
	for (size_t i = w; i < 28; i++)
		fputc(' ', f);
	fprintf(f, "%s%s\n", w >= 28 ? "\n                              " : "", help);
}

void cli_param_help(const struct ch_param *p, ch_buf *h)
{
	ch_buf_puts(h, p->help ? p->help : "");
	if (p->type == CH_PT_ENUM)
		ch_buf_printf(h, " (%s)", p->choices);
	else if (p->type == CH_PT_INT)
		ch_buf_printf(h, " (%ld–%ld)", p->min, p->max);
	if ((p->flags & CH_PF_REQUIRED) && !(p->flags & CH_PF_POSITIONAL))
		ch_buf_puts(h, "；必填");
	if (p->flags & CH_PF_REPEAT)
		ch_buf_puts(h, "；可重复");
}

void cli_print_op_help(FILE *f, const struct ch_op *op)
{
	ch_buf b, h;
	fputs("用法：", f);
	cli_print_usage(f, op);
	fprintf(f, "\n\n%s\n", op->summary);
	ch_buf_init(&b);
	ch_buf_init(&h);
	int any = 0;
	for (const struct ch_param *p = op->params; p && p->name; p++) {
		if (!any++)
			fputs("\n选项：\n", f);
		ch_buf_clear(&b);
		ch_buf_clear(&h);
		if (p->type == CH_PT_SECRET)
			continue; /* read, not given: said in the summary */
		if (strcmp(p->name, "output") == 0)
			ch_buf_puts(&b, "-o, --output FILE");
		else
			cli_param_words(p, &b);
		cli_param_help(p, &h);
		option_line(f, b.ptr, h.ptr);
	}
	ch_buf_clear(&b);
	format_choices(op, &b);
	if (strchr(b.ptr, '|')) {
		if (!any++)
			fputs("\n选项：\n", f);
		ch_buf_clear(&h);
		ch_buf_printf(&h, "输出格式（%s；默认 table）", b.ptr);
		option_line(f, "--format FORMAT", h.ptr);
	}
	if (takes_output(op)) {
		if (!any++)
			fputs("\n选项：\n", f);
		option_line(f, "-o, --output FILE", "把结果写入 FILE，而不是标准输出");
	}
	if (!any++)
		fputs("\n选项：\n", f);
	option_line(f, "--help", "显示本帮助");
	ch_buf_dispose(&b);
	ch_buf_dispose(&h);
}

static void summary_lines(FILE *f, const struct ch_op *op)
{
	fputs("  ", f);
	cli_print_usage(f, op);
	fprintf(f, "\n      %s\n", op->summary);
}

int cli_help(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--man") == 0)
		return cli_man(stdout);
	if (argc > 1) {
		int found = 0;
		if (strcmp(argv[1], "serve") == 0) {
			cli_print_op_help(stdout, &cli_serve_op);
			return 0;
		}
		for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op)) {
			if (strcmp(op->group, argv[1]) != 0 ||
			    (argc > 2 && (!op->verb || strcmp(op->verb, argv[2]) != 0)))
				continue;
			if (found++)
				fputc('\n', stdout);
			cli_print_op_help(stdout, op);
		}
		if (!found) {
			fprintf(stderr, "cleanheat: 没有命令“%s%s%s”（见 cleanheat help）\n",
			        argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
			return 2;
		}
		return 0;
	}
	printf("cleanheat — 农村清洁取暖改造管理：计划、登记、进度、验收和补助\n\n"
	       "用法：cleanheat [--config FILE] [--db URL] [--as USER] [--busy-timeout S] 命令 "
	       "[参数]\n\n"
	       "  --config FILE     配置文件（默认 " CH_CONFIG_DEFAULT_PATH "，若存在）\n"
	       "  --db URL          数据库（默认 ./cleanheat.db；sqlite:PATH）\n"
	       "  --as USER         以该用户身份操作（默认为操作系统用户）\n"
	       "  --busy-timeout S  另一项写入占用数据库时最多等待的秒数（默认 5；"
	       "环境变量 CLEANHEAT_BUSY_TIMEOUT），超时以状态 75 退出，未作任何修改\n\n"
	       "命令：\n");
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op))
		summary_lines(stdout, op);
	summary_lines(stdout, &cli_serve_op);
	printf("  cleanheat help [GROUP [VERB]]\n      列出命令，或显示一个命令的选项\n"
	       "  cleanheat version\n      显示版本号\n"
	       "  cleanheat help --man\n      以 troff 格式输出手册页 cleanheat(1)\n"
	       "\n用 cleanheat GROUP VERB --help 查看一个命令的全部选项。\n"
	       "\n退出状态：0 完成，1 数据有误，2 用法错误，3 无权限，\n"
	       "4 未找到，5 冲突，70 内部错误\n");
	return 0;
}

int cli_version(void)
{
	printf("cleanheat %s\n", VERSION);
	return 0;
}

const char *cli_version_number(void)
{
	return VERSION;
}
