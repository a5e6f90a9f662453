/* Shared by the unit tests: count each failed expectation, say where it
 * is, and go on; main() returns non-zero when FAILURES is. */
#ifndef HD_UNIT_H
#define HD_UNIT_H

#include <stdio.h>

static int failures;

#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

#define CHECK(cond) EXPECT(cond, "%s", "")

#endif
