/* Logging: journal with structured fields, syslog, or stderr.
 * The target is process-wide by nature (like stderr), so it is the one
 * piece of state kept outside struct hd_daemon. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

static struct {
	enum hd_log_target target;
	int max_level;
} hd_log_cfg = {HD_LOG_STDERR, LOG_INFO};

void hd_log_setup(enum hd_log_target target, int max_level)
{
	hd_log_cfg.target = target;
	hd_log_cfg.max_level = max_level;
	if (target == HD_LOG_SYSLOG)
		openlog("hadirector", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int hd_log_level(void)
{
	return hd_log_cfg.max_level;
}

static const char *prio_name(int prio)
{
	static const char *const names[] = {"emerg", "alert",  "crit", "error",
					    "warn",  "notice", "info", "debug"};
	return names[prio & 7];
}

static void log_journal(int prio, const char *const *fields, const char *msg)
{
	struct iovec iov[16];
	char mbuf[1100], pbuf[32];
	size_t n = 0;

	snprintf(mbuf, sizeof(mbuf), "MESSAGE=%s", msg);
	snprintf(pbuf, sizeof(pbuf), "PRIORITY=%d", prio);
	iov[n++] = (struct iovec){mbuf, strlen(mbuf)};
	iov[n++] = (struct iovec){pbuf, strlen(pbuf)};
	for (size_t i = 0; fields && fields[i] && n < 16; i++)
		iov[n++] = (struct iovec){(void *)fields[i], strlen(fields[i])};
	sd_journal_sendv(iov, (int)n);
}

void hd_log_fields(int priority, const char *const *fields, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (priority > hd_log_cfg.max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	switch (hd_log_cfg.target) {
	case HD_LOG_JOURNAL:
		log_journal(priority, fields, msg);
		break;
	case HD_LOG_SYSLOG:
		syslog(priority, "%s", msg);
		break;
	case HD_LOG_STDERR: {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		struct tm tm;
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %s: %s", tm.tm_hour, tm.tm_min, tm.tm_sec,
			ts.tv_nsec / 1000000, prio_name(priority), msg);
		if (hd_log_cfg.max_level >= LOG_DEBUG)
			for (size_t i = 0; fields && fields[i]; i++)
				fprintf(stderr, " [%s]", fields[i]);
		fputc('\n', stderr);
		break;
	}
	}
}

bool hd_ratelimit_ok(struct hd_ratelimit *rl, uint64_t now_usec, uint64_t interval_usec,
		     unsigned burst)
{
	if (rl->begin_usec == 0 || now_usec - rl->begin_usec >= interval_usec) {
		rl->begin_usec = now_usec ? now_usec : 1;
		rl->count = 0;
	}
	if (rl->count < burst) {
		rl->count++;
		return true;
	}
	rl->suppressed++;
	return false;
}
