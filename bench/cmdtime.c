/*
 * cmdtime — the wall time of a short command, without the timer's own.
 *
 *   cmdtime [-n RUNS] [-s] COMMAND [ARG ...]
 *
 * Runs COMMAND RUNS times (default 5), one after the other, its standard
 * output sent to /dev/null and its standard error kept, and prints one line:
 *
 *   best MS median MS worst MS
 *
 * in milliseconds with two decimals. Each run is timed with CLOCK_MONOTONIC
 * from just before fork to just after waitpid returns: the command's own
 * start (exec, the dynamic loader) and exit are in it, nothing else. -s
 * calls sync(2) before each run, outside the timed interval, so that a
 * file written just before is not flushed while the command is timed.
 *
 * Why a program: the shell's way, `date +%s%N` piped to awk before and
 * after, put the start of awk and of date inside the interval; on the
 * machine of docs/performance.md an empty interval measured that way took
 * 7-8 ms, as long as the dispatch it was meant to time.
 *
 * Exits 1, naming the run, when COMMAND fails or is killed; 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: cmdtime [-n RUNS] [-s] COMMAND [ARG ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int runs = 5, do_sync = 0, opt;
	while ((opt = getopt(argc, argv, "+n:s")) != -1) {
		if (opt == 'n') {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > MAX_RUNS) {
				fprintf(stderr, "cmdtime: -n wants 1 to %d, not \"%s\"\n", MAX_RUNS,
				        optarg);
				return 2;
			}
			runs = (int)n;
		} else if (opt == 's') {
			do_sync = 1;
		} else {
			usage();
		}
	}
	if (optind >= argc)
		usage();

	static double took[MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		if (do_sync)
			sync();
		double t0 = now_ms();
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "cmdtime: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(126);
			close(fd);
			execvp(argv[optind], &argv[optind]);
			fprintf(stderr, "cmdtime: %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
		int status;
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "cmdtime: waitpid: %s\n", strerror(errno));
				return 1;
			}
		}
		took[i] = now_ms() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (WIFEXITED(status))
				fprintf(stderr, "cmdtime: run %d of %s exited with status %d\n",
				        i + 1, argv[optind], WEXITSTATUS(status));
			else
				fprintf(stderr, "cmdtime: run %d of %s was killed by signal %d\n",
				        i + 1, argv[optind], WTERMSIG(status));
			return 1;
		}
	}
	qsort(took, (size_t)runs, sizeof *took, cmp_double);
	printf("best %.2f median %.2f worst %.2f\n", took[0], took[runs / 2], took[runs - 1]);
	return 0;
}
