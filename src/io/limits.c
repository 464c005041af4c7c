/*
 * limits — the readers' bounds and the clock their deadline uses (see
 * limits.h; the reasons for each value are in docs/limits.md).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "io/limits.h"

static const struct ch_read_limits defaults = {
    .line_bytes = (size_t)1 << 20,
    .cell_chars = 32767,
    .columns = 16384,
    .rows = 1048576,
    .xml_pending = (size_t)1 << 20,
    .part_bytes = (size_t)32 << 20,
    .sheet_bytes = (size_t)2 << 30,
    .ratio = 100,
    .ratio_from = (size_t)8 << 20,
    .sst_count = (size_t)8 << 20,
    .sst_bytes = (size_t)512 << 20,
    .entries = 65536,
    .seconds = 600,
};

static struct ch_read_limits current;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	current = defaults;
	const char *t = getenv("CLEANHEAT_READ_TIMEOUT");
	if (t && *t) {
		char *end;
		double s = strtod(t, &end);
		if (!*end && s >= 0)
			current.seconds = s;
	}
}

const struct ch_read_limits *ch_read_limits(void)
{
	pthread_once(&once, init);
	return &current;
}

void ch_read_limits_set(const struct ch_read_limits *l)
{
	pthread_once(&once, init);
	if (l)
		current = *l;
	else
		init();
}

double ch_read_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *ch_read_limit_bytes(size_t n, char *buf, size_t bufsz)
{
	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		snprintf(buf, bufsz, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, bufsz, "%zu KiB", n >> 10);
	else
		snprintf(buf, bufsz, "%zu 字节", n);
	return buf;
}

const char *ch_read_limit_count(size_t n, char *buf, size_t bufsz)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%zu", n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < bufsz; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (bufsz)
		buf[o < bufsz ? o : bufsz - 1] = '\0';
	return buf;
}
