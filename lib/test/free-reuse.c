// SPDX-License-Identifier: MIT
/*
 * lf_free() then lf_reuse(): every page is either intact or zero, and the
 * count lf_reuse() returns is exactly the number of zero pages, or
 * LF_REUSE_UNKNOWN on the fallback path. The range is usable afterwards.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "lazyfree.h"
#include "test.h"

#define NPAGES 256

int main(void)
{
	size_t len = NPAGES * t_page(), zero = 0;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long n;

	T_CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < NPAGES; i++)
		for (size_t j = 0; j < t_page(); j++)
			p[i * t_page() + j] = (unsigned char)(i + j);
	T_CHECK(lf_free(p, len) == 0);
	n = lf_reuse(p, len);
	T_CHECK(n >= 0);
	for (size_t i = 0; i < NPAGES; i++) {
		int st = t_page_state(p + i * t_page(), i, 0);

		T_CHECK(st >= 0);
		zero += st == 0;
	}
	if (lf_probe() & LF_FEAT_LAZYFREE)
		T_CHECK((size_t)n == zero);
	else
		T_CHECK(n == LF_REUSE_UNKNOWN);
	memset(p, 0x5a, len);
	for (size_t i = 0; i < len; i += t_page())
		T_CHECK(p[i] == 0x5a);
	printf("free-reuse: %zu of %d pages discarded, lf_reuse said %ld\n",
	       zero, NPAGES, n);
	return T_EXIT_PASS;
}
