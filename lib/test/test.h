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

/*
 * What page @i holds, where byte j was written (unsigned char)(i + j + off):
 * 1 that pattern, 0 all zeros (discarded), -1 anything else (corruption).
 */
static inline int t_page_state(const unsigned char *pg, size_t i, size_t off)
{
	size_t zero = 0;

	for (size_t j = 0; j < t_page(); j++) {
		if (pg[j] == (unsigned char)(i + j + off))
			continue;
		if (pg[j])
			return -1;
		zero++;
	}
	return zero == t_page() ? 0 : 1;
}

#endif
