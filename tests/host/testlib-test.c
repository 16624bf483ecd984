// SPDX-License-Identifier: GPL-2.0
/* Host checks of testlib: run by tests/host/testlib.sh. */
#define _GNU_SOURCE
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "testlib.h"

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); return 1; } } while (0)

int main(void)
{
	unsigned long long tlb[T_MAX_CPUS];
	long long min0, min1;
	char *p = t_map(8);

	CHECK(p != MAP_FAILED);
	CHECK(t_vmstat("pgfault") > 0);
	CHECK(t_vmstat("no_such_counter") == -1);
	CHECK(t_tlb_shootdowns(tlb, T_MAX_CPUS) == t_ncpus());
	CHECK(t_sum((unsigned long long[]){ 1, 2, 3 }, 1, 2) == 5);

	CHECK(t_page_is_zero(p));
	t_faults(&min0, NULL);
	t_fill(p, 8, 42);
	t_faults(&min1, NULL);
	CHECK(min1 - min0 >= 8);
	for (size_t i = 0; i < 8; i++) {
		CHECK(t_page_has_tag(p + i * t_page(), 42, i));
		CHECK(!t_page_has_tag(p + i * t_page(), 43, i));
		CHECK(!t_page_is_zero(p + i * t_page()));
	}
	CHECK(!t_page_has_tag(p, 42, 1));
	CHECK(t_resident(p, 8 * t_page()) == 8);
	CHECK(madvise(p, 8 * t_page(), MADV_DONTNEED) == 0);
	CHECK(t_resident(p, 8 * t_page()) == 0);
	CHECK(t_page_is_zero(p));
	puts("testlib: ok");
	return 0;
}
