/*
 * settings — the process's settings read from the environment and front-end
 * options (see settings.h).
 */
#include <stdlib.h>

#include "app/settings.h"
#include "util/error.h"
#include "util/text.h"

int ch_settings_busy_timeout(const char *text, const char *source)
{
	int64_t s;
	if (!text || ch_text_parse_count(text, &s) != CH_NUM_OK || s < 0 || s > CH_BUSY_WAIT_MAX_S)
		return ch_error_set(CH_EUSAGE, "%s「%s」应为 0 到 %d 之间的整数秒", source,
		                    text ? text : "", CH_BUSY_WAIT_MAX_S);
	ch_busy_wait_set((int)s);
	return 0;
}

int ch_settings_from_env(void)
{
	const char *v = getenv("CLEANHEAT_BUSY_TIMEOUT");
	if (v && *v)
		return ch_settings_busy_timeout(v, "CLEANHEAT_BUSY_TIMEOUT");
	return 0;
}
