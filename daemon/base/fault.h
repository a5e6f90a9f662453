/* Allocation-failure injection, for tests only (tests/netns/fault-alloc.sh).
 *
 * Compiled in only with -DHD_FAULT_INJECT (configure CPPFLAGS=...); the
 * daemon must also be linked with HD_FAULT_LDFLAGS='$(HD_FAULT_WRAP)'
 * (make check-alloc-faults does it): -Wl,--wrap for the allocator and the
 * allocating library calls a prepare or an init makes (daemon/local.mk).
 * Linked without, arming says "injection off" and nothing fails.
 * Then, while a window is armed, every such call counts, and the N-th
 * fails (returns NULL or -ENOMEM) once, N read from the file named by
 * $HD_FAULT_FILE at the start of the window ("reload" or "start": the
 * file says "WINDOW N"). The daemon logs "fault: WINDOW: allocation N
 * failed" when it does (with a backtrace if $HD_FAULT_BACKTRACE is set),
 * and "fault: WINDOW: K allocations, none failed" at the end of a window
 * where none failed, so a test knows when to stop counting up. Windows:
 * "start" = the control socket and the modules' init (not the first
 * parse), "reload" = every module's prepare (modules.c).
 *
 * Why --wrap and not an LD_PRELOAD malloc: it works under AddressSanitizer
 * (the wrapper calls ASan's allocator), so the same test proves no leak and
 * no use-after-free. Allocations inside libraries that are not wrapped
 * (libconfuse during the parse, libnl in commits) are not counted; the
 * windows hold none of those but the ones wrapped. Without HD_FAULT_INJECT
 * these are empty inline functions. */
#ifndef HD_FAULT_H
#define HD_FAULT_H

#ifdef HD_FAULT_INJECT
void hd_fault_arm(const char *window);
void hd_fault_disarm(void);
/* A window that spans loop iterations (a reload's build in steps) is
 * paused between them (the loop's other work is not in it); arming the
 * same window again resumes it, its count going on. */
void hd_fault_pause(void);
#else
static inline void hd_fault_arm(const char *window)
{
	(void)window;
}
static inline void hd_fault_disarm(void)
{
}
static inline void hd_fault_pause(void)
{
}
#endif

#endif
