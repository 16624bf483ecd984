// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline: what MADV_FREE does on mainline. Without memory pressure the
 * pages keep their contents; under a memcg squeeze with no swap they are
 * discarded and read back as zeros; a write after MADV_FREE keeps a page.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "testlib.h"

#define NPAGES 4096	/* 16 MiB */
#define LRU_BATCH 31	/* PAGEVEC_SIZE: folios a CPU may hold back */

FIXTURE(memcg) {
	char path[256];
	char *p;
};

FIXTURE_SETUP(memcg)
{
	char name[64];

	if (t_swap_active())
		SKIP(return, "swap is on; these tests are about no swap");
	snprintf(name, sizeof(name), "baseline-free-%d", getpid());
	/* No teardown after a failed setup: undo here what was done. */
	ASSERT_EQ(0, t_cg_create(name, self->path, sizeof(self->path)));
	ASSERT_EQ(0, t_cg_enter(self->path)) {
		t_cg_destroy(self->path);
	}
	self->p = t_map(NPAGES);
	ASSERT_NE(MAP_FAILED, self->p) {
		t_cg_destroy(self->path);
	}
}

FIXTURE_TEARDOWN(memcg)
{
	if (self->p && self->p != MAP_FAILED)
		munmap(self->p, NPAGES * t_page());
	if (self->path[0])
		t_cg_destroy(self->path);
}

/* Shrink the group to limit bytes, then lift the limit again. */
static int squeeze(const char *path, const char *limit)
{
	int ret = t_cg_write(path, "memory.max", limit);

	return t_cg_write(path, "memory.max", "max") ?: ret;
}

static void count_pages(const char *p, unsigned long seed, size_t *intact,
			size_t *zero)
{
	*intact = *zero = 0;
	for (size_t i = 0; i < NPAGES; i++) {
		if (t_page_has_tag(p + i * t_page(), seed, i))
			(*intact)++;
		else if (t_page_is_zero(p + i * t_page()))
			(*zero)++;
	}
}

TEST_F(memcg, free_keeps_contents_without_pressure)
{
	long long lazy0 = t_vmstat("pglazyfree"), min0, min1;
	size_t intact, zero;

	/*
	 * One CPU for the fill and the advice: MADV_FREE drains only the
	 * local CPU's LRU-add batch, and skips folios still held in another
	 * CPU's, so a migration in between would leave a batch unmarked.
	 */
	ASSERT_EQ(0, t_pin_self(0));
	t_fill(self->p, NPAGES, 11);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_FREE));
	/* Counted as the per-CPU LRU batch drains: up to one batch late. */
	EXPECT_GE(t_vmstat("pglazyfree") - lazy0, NPAGES - LRU_BATCH);
	t_faults(&min0, NULL);
	count_pages(self->p, 11, &intact, &zero);
	t_faults(&min1, NULL);
	EXPECT_EQ(NPAGES, intact);
	/*
	 * The PTEs stayed present: reading them back costs no fault. Where
	 * MADV_FREE acts as MADV_LAZYFREE they did not, and each page costs
	 * one minor fault that brings it back with its contents.
	 */
	if (t_madv_free_is_lazy()) {
		EXPECT_GE(min1 - min0, NPAGES);
	} else {
		EXPECT_EQ(0, min1 - min0);
	}
}

TEST_F(memcg, free_discards_under_memcg_squeeze_without_swap)
{
	long long freed0 = t_vmstat("pglazyfreed");
	size_t intact, zero;

	t_fill(self->p, NPAGES, 12);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_FREE));
	ASSERT_EQ(0, squeeze(self->path, "1M"));
	count_pages(self->p, 12, &intact, &zero);
	/* Every page is either its old self or zero, never anything else. */
	EXPECT_EQ(NPAGES, intact + zero);
	EXPECT_GE(zero, NPAGES - (1 << 20) / t_page());
	EXPECT_GE(t_vmstat("pglazyfreed") - freed0, (long long)zero);
	TH_LOG("%zu of %d pages discarded", zero, NPAGES);
}

TEST_F(memcg, free_write_after_free_keeps_page)
{
	const size_t limit = 8 << 20;
	size_t kept = 0, zero = 0, other = 0;

	t_fill(self->p, NPAGES, 13);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_FREE));
	/* Rewrite one page in four: those must survive the squeeze. */
	for (size_t i = 0; i < NPAGES; i += 4)
		self->p[i * t_page() + 8] = 1;
	ASSERT_EQ(0, squeeze(self->path, "8M"));
	for (size_t i = 0; i < NPAGES; i++) {
		char *pg = self->p + i * t_page();

		if (i % 4 == 0) {
			ASSERT_EQ(1, pg[8]);
			pg[8] = 0;
			EXPECT_TRUE(t_page_has_tag(pg, 13, i));
			kept++;
		} else if (t_page_is_zero(pg)) {
			zero++;
		} else if (!t_page_has_tag(pg, 13, i)) {
			other++;
		}
	}
	EXPECT_EQ(NPAGES / 4, kept);
	EXPECT_EQ(0, other);
	/* 16 MiB charged, 8 MiB allowed: the rest came from discarded pages. */
	EXPECT_GE(zero, NPAGES - limit / t_page());
}

TEST_F(memcg, free_then_fork_child_sees_contents)
{
	int status;
	pid_t pid;

	t_fill(self->p, NPAGES, 14);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_FREE));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (size_t i = 0; i < NPAGES; i++)
			if (!t_page_has_tag(self->p + i * t_page(), 14, i))
				_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A page lazily freed before fork is mapped clean in both processes; when
 * reclaim discards it, it goes from both at once: parent and child see the
 * same pages discarded. (A fork before MADV_FREE is not tested: which side
 * keeps a shared page then depends on the order of the rmap walk.)
 */
TEST_F(memcg, free_then_fork_discards_in_both)
{
	unsigned char mine[NPAGES], theirs[NPAGES];
	int go[2], back[2], status;
	size_t zero = 0;
	pid_t pid;
	char c;

	t_fill(self->p, NPAGES, 15);
	ASSERT_EQ(0, madvise(self->p, NPAGES * t_page(), MADV_FREE));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		for (size_t i = 0; i < NPAGES; i++)
			theirs[i] = t_page_is_zero(self->p + i * t_page()) ? 0 :
				t_page_has_tag(self->p + i * t_page(), 15, i) ? 1 : 2;
		_exit(write(back[1], theirs, NPAGES) == NPAGES ? 0 : 3);
	}
	ASSERT_EQ(0, squeeze(self->path, "1M"));
	for (size_t i = 0; i < NPAGES; i++) {
		mine[i] = t_page_is_zero(self->p + i * t_page()) ? 0 :
			t_page_has_tag(self->p + i * t_page(), 15, i) ? 1 : 2;
		zero += !mine[i];
	}
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(NPAGES, read(back[0], theirs, NPAGES));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, memcmp(mine, theirs, NPAGES));
	EXPECT_EQ(NULL, memchr(mine, 2, NPAGES));
	EXPECT_GE(zero, NPAGES - (1 << 20) / t_page());
}

TEST_HARNESS_MAIN
