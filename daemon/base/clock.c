/* The monotonic clock in microseconds (hd_context.h). Apart from loop.c so
 * that code linked without the loop (spawn.c in tests/unit/test_spawn) has
 * it too. */
#include <time.h>

#include "config.h"
#include "hd_context.h"

uint64_t hd_now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}
