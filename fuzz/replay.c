/*
 * replay — runs a libFuzzer target over saved inputs without libFuzzer.
 *
 * Linked with one fuzz/fuzz_<target>.c (and the library) by any compiler,
 * e.g. gcc with ASan+UBSan for `make test`, so that every input in the
 * committed corpus, crash reproducers included, is run again on each test
 * run with no clang needed. Each argument is a file or a directory (its
 * regular files, not recursing, in name order); each file is read into a
 * buffer of exactly its size and given once to LLVMFuzzerTestOneInput.
 * Prints "replay_<target>: replayed N inputs" at the end; when an input crashes or
 * leaks, the sanitizer's report is followed by the name of the input.
 *
 * usage: replay_<target> DIR|FILE...
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sanitizers' hook run before they end the process (absent without a
 * sanitizer runtime, hence weak). */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
/* LeakSanitizer's check that reports leaks and lets the process go on (as
 * libFuzzer runs it after an input), so that a leak names its input. */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static const char *current; /* the input being run, for crash reports */
static int leaked;          /* an input leaked memory */

static void say_current(void)
{
	if (!current)
		return;
	/* write(2) only: this may run in a signal handler */
	static const char pre[] = "replay: crashed on input ";
	if (write(2, pre, sizeof pre - 1) < 0 || write(2, current, strlen(current)) < 0 ||
	    write(2, "\n", 1) < 0)
		return;
}

static void on_abort(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the target over the file PATH; 0, or -1 when it cannot be read or
 * leaks memory. */
static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	int bad = ferror(fp);
	fclose(fp);
	if (!buf || bad) {
		fprintf(stderr, "replay: %s: %s\n", path, buf ? "read error" : "out of memory");
		free(buf);
		return -1;
	}
	/* exactly LEN bytes, so that a read past the input is caught */
	uint8_t *data = malloc(len ? len : 1);
	if (!data) {
		free(buf);
		return -1;
	}
	memcpy(data, buf, len);
	free(buf);
	current = path;
	LLVMFuzzerTestOneInput(data, len);
	current = NULL;
	free(data);
	/* after the first leak every later check would report it again: the
	 * leak check at exit reports whatever else leaks */
	if (!leaked && __lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check()) {
		fprintf(stderr, "replay: memory leaked on input %s\n", path);
		leaked = 1;
		return -1;
	}
	return 0;
}

/* Runs the target over the regular files in DIR; the number run. Sets
 * *FAILED when DIR or a file in it cannot be read. */
static long run_dir(const char *dir, int *failed)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		*failed = 1;
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	long count = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t sz = strlen(dir) + strlen(e->d_name) + 2;
		char *p = malloc(sz);
		if (!p) {
			*failed = 1;
			break;
		}
		snprintf(p, sz, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
			if (!nn) {
				free(p);
				*failed = 1;
				break;
			}
			names = nn;
		}
		names[n++] = p;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (run_file(names[i]) == 0)
			count++;
		else
			*failed = 1;
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;
	int failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_current);
	/* SIGABRT only: the sanitizers handle SIGSEGV themselves */
	signal(SIGABRT, on_abort);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			total += run_dir(argv[i], &failed);
		} else if (run_file(argv[i]) == 0) {
			total++;
		} else {
			failed = 1;
		}
	}
	const char *self = strrchr(argv[0], '/');
	printf("%s: replayed %ld inputs\n", self ? self + 1 : argv[0], total);
	fflush(stdout); /* before a leak report at exit ends the process */
	return failed ? 1 : 0;
}
