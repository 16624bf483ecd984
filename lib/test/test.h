/* SPDX-License-Identifier: MIT */
/* Small helpers for liblazyfree's test programs: exit 0 pass, 1 fail, 4 skip. */
#ifndef LF_TEST_H
#define LF_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define T_EXIT_PASS 0
#define T_EXIT_FAIL 1
#define T_EXIT_SKIP 4

#define T_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: failed: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		exit(T_EXIT_FAIL);					\
	}								\
} while (0)

static inline size_t t_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

#endif
