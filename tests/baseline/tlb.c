// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline: the TLB shootdowns MADV_DONTNEED and MADV_FREE cost today.
 * With sibling threads of the process busy on other CPUs, every call that
 * drops or cleans present PTEs must flush those CPUs' TLBs, by IPI. This is
 * the cost MADV_LAZYFREE exists to remove; the figure is printed per call.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define NPAGES 16
#define CALLS 200

FIXTURE(busy) {
	struct t_siblings *sib;
	char *p;
};

FIXTURE_VARIANT(busy) {
	int advice;
	int siblings;
};

FIXTURE_VARIANT_ADD(busy, dontneed_1_sibling) { MADV_DONTNEED, 1 };
FIXTURE_VARIANT_ADD(busy, dontneed_3_siblings) { MADV_DONTNEED, 3 };
FIXTURE_VARIANT_ADD(busy, free_1_sibling) { MADV_FREE, 1 };
FIXTURE_VARIANT_ADD(busy, free_3_siblings) { MADV_FREE, 3 };

FIXTURE_SETUP(busy)
{
	if (t_ncpus() < variant->siblings + 1)
		SKIP(return, "needs %d CPUs", variant->siblings + 1);
	ASSERT_EQ(0, t_pin_self(0));
	self->p = t_map(NPAGES);
	ASSERT_NE(MAP_FAILED, self->p);
	self->sib = t_siblings_start(variant->siblings, 1);
	/* No teardown after a failed setup: undo here what was done. */
	ASSERT_NE(NULL, self->sib) {
		munmap(self->p, NPAGES * t_page());
	}
}

FIXTURE_TEARDOWN(busy)
{
	t_siblings_stop(self->sib);
	if (self->p && self->p != MAP_FAILED)
		munmap(self->p, NPAGES * t_page());
}

TEST_F(busy, every_call_shoots_down_every_busy_sibling)
{
	unsigned long long before[T_MAX_CPUS], after[T_MAX_CPUS];
	unsigned long long sib;
	int n = variant->siblings;

	ASSERT_GT(t_tlb_shootdowns(before, T_MAX_CPUS), n);
	for (int i = 0; i < CALLS; i++) {
		t_fill(self->p, NPAGES, i);
		ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), variant->advice));
	}
	ASSERT_GT(t_tlb_shootdowns(after, T_MAX_CPUS), n);
	/*
	 * A sibling that is briefly switched out (a kworker, the timer) is
	 * in lazy TLB mode and is skipped; allow 10% of calls for that.
	 */
	for (int c = 1; c <= n; c++)
		EXPECT_GE(after[c] - before[c], CALLS * 9 / 10);
	sib = t_sum(after, 1, n) - t_sum(before, 1, n);
	TH_LOG("%s, %d busy sibling(s): %.2f shootdowns per call",
	       variant->advice == MADV_DONTNEED ? "DONTNEED" : "FREE", n,
	       (double)sib / CALLS);
}

TEST_HARNESS_MAIN
