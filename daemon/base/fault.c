/* Allocation-failure injection for tests (fault.h). Only in a build with
 * -DHD_FAULT_INJECT; hadirector is then linked with -Wl,--wrap=SYMBOL for
 * each SYMBOL below (HD_FAULT_WRAP in daemon/local.mk). */
#include "config.h"

#ifdef HD_FAULT_INJECT
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "fault.h"

struct nl_sock;

/* Globals (the project has none elsewhere): test-only, and as process-wide
 * as the allocator they wrap. No other thread runs during a window: the
 * start window begins after the first parse, and a reload's parse thread
 * is joined before the apply. */
static const char *window;
static unsigned long count, fail_at;
static bool armed, seen, paused;

/* write(2) and a stack buffer: a log line here must not allocate. */
static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(2, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		return;
}

void hd_fault_arm(const char *w)
{
	const char *path = getenv("HD_FAULT_FILE");
	char buf[64] = {0}, name[32];
	unsigned long n;
	int fd;

	if (paused && !strcmp(window, w)) { /* the window goes on, its count too */
		paused = false;
		armed = true;
		return;
	}
	paused = false;
	count = fail_at = 0;
	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0 || sscanf(buf, "%31s %lu", name, &n) != 2 || strcmp(name, w) || !n)
		return;
	/* Is the allocator really wrapped (linked with HD_FAULT_WRAP)? */
	seen = false;
	void *(*volatile alloc)(size_t) = malloc; /* a call the compiler cannot drop */
	free(alloc(1));
	if (!seen) {
		say("fault: %s: injection off: hadirector was linked without "
		    "HD_FAULT_LDFLAGS='$(HD_FAULT_WRAP)'\n",
		    w);
		return;
	}
	window = w;
	fail_at = n;
	armed = true;
}

void hd_fault_disarm(void)
{
	if (armed)
		say("fault: %s: %lu allocations, none failed\n", window, count);
	armed = paused = false;
}

void hd_fault_pause(void)
{
	if (armed)
		paused = true;
	armed = false;
}

/* True when this call is the one to fail. */
static bool fail_now(void)
{
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
		return false;
	if (__atomic_add_fetch(&count, 1, __ATOMIC_ACQ_REL) != fail_at)
		return false;
	__atomic_store_n(&armed, false, __ATOMIC_RELEASE);
	say("fault: %s: allocation %lu failed\n", window, fail_at);
	if (getenv("HD_FAULT_BACKTRACE")) { /* where: for whoever debugs a failing N */
		void *bt[16];
		backtrace_symbols_fd(bt, backtrace(bt, 16), 2);
	}
	errno = ENOMEM;
	return true;
}

/* The linker calls these (--wrap): no header declares them. The real
 * functions are weak: a build that was (re)linked without the --wrap
 * flags still links, and hd_fault_arm() says injection is off. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#define WEAK __attribute__((weak))

void *__real_malloc(size_t n) WEAK;
void *__real_calloc(size_t n, size_t size) WEAK;
void *__real_realloc(void *p, size_t n) WEAK;
char *__real_strdup(const char *s) WEAK;
char *__real_strndup(const char *s, size_t n) WEAK;
FILE *__real_open_memstream(char **buf, size_t *len) WEAK;
int __real_vasprintf(char **out, const char *fmt, va_list ap) WEAK;
struct nl_sock *__real_nl_socket_alloc(void) WEAK;
int __real_sd_event_add_time(sd_event *e, sd_event_source **s, clockid_t clock, uint64_t usec,
			     uint64_t accuracy, sd_event_time_handler_t cb, void *ud) WEAK;
int __real_sd_event_add_io(sd_event *e, sd_event_source **s, int fd, uint32_t events,
			   sd_event_io_handler_t cb, void *ud) WEAK;
int __real_sd_event_add_defer(sd_event *e, sd_event_source **s, sd_event_handler_t cb,
			      void *ud) WEAK;
int __real_sd_event_add_post(sd_event *e, sd_event_source **s, sd_event_handler_t cb,
			     void *ud) WEAK;

void *__wrap_malloc(size_t n)
{
	seen = true;
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

FILE *__wrap_open_memstream(char **buf, size_t *len)
{
	return fail_now() ? NULL : __real_open_memstream(buf, len);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	return fail_now() ? -1 : __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = __wrap_vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

struct nl_sock *__wrap_nl_socket_alloc(void)
{
	return fail_now() ? NULL : __real_nl_socket_alloc();
}

int __wrap_sd_event_add_time(sd_event *e, sd_event_source **s, clockid_t clock, uint64_t usec,
			     uint64_t accuracy, sd_event_time_handler_t cb, void *ud)
{
	return fail_now() ? -ENOMEM : __real_sd_event_add_time(e, s, clock, usec, accuracy, cb, ud);
}

int __wrap_sd_event_add_io(sd_event *e, sd_event_source **s, int fd, uint32_t events,
			   sd_event_io_handler_t cb, void *ud)
{
	return fail_now() ? -ENOMEM : __real_sd_event_add_io(e, s, fd, events, cb, ud);
}

int __wrap_sd_event_add_defer(sd_event *e, sd_event_source **s, sd_event_handler_t cb, void *ud)
{
	return fail_now() ? -ENOMEM : __real_sd_event_add_defer(e, s, cb, ud);
}

int __wrap_sd_event_add_post(sd_event *e, sd_event_source **s, sd_event_handler_t cb, void *ud)
{
	return fail_now() ? -ENOMEM : __real_sd_event_add_post(e, s, cb, ud);
}
#endif
