/*
 * cmd_demo — `cleanheat demo generate`: a synthetic register to try things on.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "io/demo.h"

int cmd_demo_generate(struct cli *cli, int argc, char **argv)
{
	enum { O_HOUSEHOLDS = 1, O_SEED, O_YEAR };
	static const struct option opts[] = {{"households", required_argument, 0, O_HOUSEHOLDS},
	                                     {"seed", required_argument, 0, O_SEED},
	                                     {"year", required_argument, 0, O_YEAR},
	                                     {"output", required_argument, 0, 'o'},
	                                     {0, 0, 0, 0}};
	long households = 0, seed = 1, year = 2023;
	const char *out = NULL;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_HOUSEHOLDS)
			rc = cli_parse_int(cli, "--households", optarg, 1, 100000000, &households);
		else if (opt == O_SEED)
			rc = cli_parse_int(cli, "--seed", optarg, 0, 2147483647, &seed);
		else if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == 'o')
			out = optarg;
		else
			rc = cli_usage(cli, "unknown or incomplete option");
		if (rc)
			return rc;
	}
	if (optind != argc || !households || !out)
		return cli_usage(cli, "demo generate needs --households N and -o FILE");
	ch_demo_opts o = {households, (uint64_t)seed, (int)year, out};
	if ((rc = ch_demo_generate(cli->ctx, &o)) != 0)
		return rc;
	printf("已生成 %ld 户样例农户档案：%s（姓名均标注“样例”，非真实数据）\n", households, out);
	return 0;
}

int cmd_demo_events(struct cli *cli, int argc, char **argv)
{
	enum { O_ASOF = 1, O_SEED, O_YEAR };
	static const struct option opts[] = {{"as-of", required_argument, 0, O_ASOF},
	                                     {"seed", required_argument, 0, O_SEED},
	                                     {"year", required_argument, 0, O_YEAR},
	                                     {"output", required_argument, 0, 'o'},
	                                     {0, 0, 0, 0}};
	long seed = 1, year = 2023;
	const char *out = NULL, *as_of = NULL;
	size_t n = 0;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_ASOF)
			as_of = optarg;
		else if (opt == O_SEED)
			rc = cli_parse_int(cli, "--seed", optarg, 0, 2147483647, &seed);
		else if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == 'o')
			out = optarg;
		else
			rc = cli_usage(cli, "unknown or incomplete option");
		if (rc)
			return rc;
	}
	if (optind != argc || !as_of || !out)
		return cli_usage(cli, "demo events needs --as-of D and -o FILE");
	ch_demo_events_opts o = {(int)year, as_of, (uint64_t)seed, out};
	if ((rc = ch_demo_events(cli->ctx, &o, &n)) != 0)
		return rc;
	printf("已生成 %zu 条样例进度记录（截至 %s）：%s\n", n, as_of, out);
	return 0;
}
