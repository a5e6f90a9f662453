#ifndef HD_LOG_H
#define HD_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

/* Where log lines go: the journal (with structured fields) when running
 * under systemd, stderr with -l, syslog otherwise. */
enum hd_log_target { HD_LOG_STDERR, HD_LOG_JOURNAL, HD_LOG_SYSLOG };

void hd_log_setup(enum hd_log_target target, int max_level);
int hd_log_level(void);

/* PRIORITY is a syslog level. FIELDS is NULL or a NULL-terminated list of
 * "KEY=value" strings sent as journal fields (and appended in brackets on
 * other targets only in verbose mode). */
void hd_log_fields(int priority, const char *const *fields, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define hd_log(prio, ...) hd_log_fields((prio), NULL, __VA_ARGS__)
#define hd_err(...)	  hd_log(LOG_ERR, __VA_ARGS__)
#define hd_warn(...)	  hd_log(LOG_WARNING, __VA_ARGS__)
#define hd_notice(...)	  hd_log(LOG_NOTICE, __VA_ARGS__)
#define hd_info(...)	  hd_log(LOG_INFO, __VA_ARGS__)
#define hd_debug(...)	  hd_log(LOG_DEBUG, __VA_ARGS__)

/* Rate limiting for repeated messages: returns true when a message keyed by
 * STATE may be logged now (at most BURST per INTERVAL_USEC); counts the
 * suppressed ones in state->suppressed. */
struct hd_ratelimit {
	uint64_t begin_usec;
	unsigned count;
	unsigned suppressed;
};
bool hd_ratelimit_ok(struct hd_ratelimit *rl, uint64_t now_usec, uint64_t interval_usec,
		     unsigned burst);

#endif
