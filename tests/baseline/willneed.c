// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline: MADV_WILLNEED on swapped-out anonymous memory starts the
 * swap-in itself; the caller takes no fault, and later accesses find the
 * pages in the swap cache (minor faults, no major ones).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define NPAGES 256

FIXTURE(zram) {
	bool swap_ours;
	char *p;
};

FIXTURE_SETUP(zram)
{
	if (!t_swap_active()) {
		if (t_zram_swap_on("64M"))
			SKIP(return, "no swap, and no zram device to make one");
		self->swap_ours = true;
	}
	self->p = t_map(NPAGES);
	/* No teardown after a failed setup: undo here what was done. */
	ASSERT_NE(MAP_FAILED, self->p) {
		if (self->swap_ours)
			t_zram_swap_off();
	}
}

FIXTURE_TEARDOWN(zram)
{
	if (self->p && self->p != MAP_FAILED)
		munmap(self->p, NPAGES * t_page());
	if (self->swap_ours && t_zram_swap_off())
		TH_LOG("zram swap off: %s", strerror(errno));
}

TEST_F(zram, pageout_moves_pages_to_swap)
{
	long long out0 = t_vmstat("pswpout");

	t_fill(self->p, NPAGES, 21);
	ASSERT_EQ(NPAGES, t_resident(self->p, NPAGES * t_page()));
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_PAGEOUT));
	EXPECT_EQ(0, t_resident(self->p, NPAGES * t_page()));
	EXPECT_GE(t_vmstat("pswpout") - out0, NPAGES);
}

TEST_F(zram, willneed_swaps_in_without_fault)
{
	long long in0, min0, maj0, min1, maj1;
	long resident = 0;

	t_fill(self->p, NPAGES, 22);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_PAGEOUT));
	ASSERT_EQ(0, t_resident(self->p, NPAGES * t_page()));

	in0 = t_vmstat("pswpin");
	t_faults(&min0, &maj0);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_WILLNEED));
	/* The reads are asynchronous: wait for them, up to 10 s. */
	for (int i = 0; i < 1000; i++) {
		resident = t_resident(self->p, NPAGES * t_page());
		if (resident == NPAGES)
			break;
		usleep(10000);
	}
	t_faults(&min1, &maj1);
	EXPECT_EQ(NPAGES, resident);
	EXPECT_GE(t_vmstat("pswpin") - in0, NPAGES);
	EXPECT_EQ(0, min1 - min0);
	EXPECT_EQ(0, maj1 - maj0);

	/* Touching them now finds them in the swap cache: no major fault. */
	for (size_t i = 0; i < NPAGES; i++)
		ASSERT_TRUE(t_page_has_tag(self->p + i * t_page(), 22, i));
	t_faults(NULL, &maj1);
	EXPECT_EQ(0, maj1 - maj0);
}

TEST_HARNESS_MAIN
