/*
 * settings — the process's settings that are not parameters of one
 * operation: today the database's busy wait. Front ends apply them once at
 * start-up, before they open a database: from the environment
 * (CLEANHEAT_BUSY_TIMEOUT), then from their own options (the command
 * line's --busy-timeout), the later winning; a configuration file's key
 * busy_timeout feeds the same setter.
 */
#ifndef CH_APP_SETTINGS_H
#define CH_APP_SETTINGS_H

/* Sets how many seconds a write waits for another write's lock before it
 * gives up busy (util/error.h, ch_busy_wait_set) from TEXT, a whole number
 * of seconds 0..3600. SOURCE names where TEXT came from, for the message
 * ("CLEANHEAT_BUSY_TIMEOUT", "--busy-timeout"). CH_EUSAGE, naming SOURCE
 * and TEXT, when TEXT is not such a number (the setting is left as it was). */
int ch_settings_busy_timeout(const char *text, const char *source);
/* Applies the settings found in the environment; CH_EUSAGE as above for a
 * malformed one. */
int ch_settings_from_env(void);

#endif
