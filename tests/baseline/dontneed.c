// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline: what MADV_DONTNEED does on mainline. The range reads back as
 * zeros at once, and every page touched again costs a page fault.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define NPAGES 64

TEST(dontneed_zeroes_contents)
{
	char *p = t_map(NPAGES);

	ASSERT_NE(MAP_FAILED, p);
	t_fill(p, NPAGES, 1);
	ASSERT_EQ(0, madvise(p, NPAGES * t_page(), MADV_DONTNEED));
	for (size_t i = 0; i < NPAGES; i++)
		ASSERT_TRUE(t_page_is_zero(p + i * t_page()));
	munmap(p, NPAGES * t_page());
}

TEST(dontneed_refault_counted_in_vmstat)
{
	long long min0, min1, pgf0, pgf1;
	char *p = t_map(NPAGES);

	ASSERT_NE(MAP_FAILED, p);
	t_fill(p, NPAGES, 2);
	ASSERT_EQ(0, madvise(p, NPAGES * t_page(), MADV_DONTNEED));
	pgf0 = t_vmstat("pgfault");
	ASSERT_GE(pgf0, 0);
	t_faults(&min0, NULL);
	t_fill(p, NPAGES, 3);
	t_faults(&min1, NULL);
	pgf1 = t_vmstat("pgfault");
	/* Exactly one fault per page for this process; the global count
	 * also sees the rest of the guest, so it rises by at least as much.
	 */
	EXPECT_EQ(NPAGES, min1 - min0);
	EXPECT_GE(pgf1 - pgf0, NPAGES);
	munmap(p, NPAGES * t_page());
}

TEST(dontneed_leaves_mapping_usable)
{
	char *p = t_map(NPAGES);

	ASSERT_NE(MAP_FAILED, p);
	t_fill(p, NPAGES, 4);
	ASSERT_EQ(0, madvise(p, NPAGES * t_page(), MADV_DONTNEED));
	t_fill(p, NPAGES, 5);
	for (size_t i = 0; i < NPAGES; i++)
		ASSERT_TRUE(t_page_has_tag(p + i * t_page(), 5, i));
	munmap(p, NPAGES * t_page());
}

TEST_HARNESS_MAIN
