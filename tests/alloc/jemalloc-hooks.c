// SPDX-License-Identifier: GPL-2.0
/*
 * jemalloc 5.3 with the lazyfree extent hooks (testlib/jemalloc-hooks.c):
 * memory jemalloc decommits goes back with MADV_LAZYFREE, comes back with
 * MADV_REUSE, and must then be what jemalloc's contract says: zeroed (so
 * calloc() may skip its memset), and holding what the program writes, even
 * when reclaim discards decommitted pages meanwhile and when the extent
 * moves to another thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "jemalloc-hooks.h"
#include "testlib.h"

/* Every free of an extent decommits it: the hooks run all the time. */
const char *malloc_conf = "dirty_decay_ms:0,muzzy_decay_ms:0";

#define BLOCK	(1 << 20)	/* a large allocation: its own extent */
#define ROUNDS	200

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t off = 0; off < n; off += t_page())
		if (!t_page_is_zero(p + off))
			return false;
	return true;
}

static int hooks_or_skip(void)
{
	void *p = t_map(1);
	int lazy = p != MAP_FAILED && !madvise(p, t_page(), MADV_LAZYFREE);

	if (p != MAP_FAILED)
		munmap(p, t_page());
	if (!lazy)
		return 1;
	return t_jemalloc_install_hooks() ? -1 : 0;
}

/* Make jemalloc purge this thread's arena now, not at a decay tick. */
static int purge_my_arena(void)
{
	unsigned arena;
	size_t sz = sizeof(arena);
	char name[64];

	if (mallctl("thread.arena", &arena, &sz, NULL, 0))
		return -1;
	snprintf(name, sizeof(name), "arena.%u.purge", arena);
	return mallctl(name, NULL, NULL, NULL, 0);
}

TEST(calloc_after_lazyfree_decommit_reads_zero)
{
	unsigned long decommit0, commit0, decommits, commits;
	int r = hooks_or_skip();

	if (r > 0)
		SKIP(return, "no MADV_LAZYFREE");
	ASSERT_EQ(0, r);
	decommit0 = t_jemalloc_stats.decommit;
	commit0 = t_jemalloc_stats.commit;
	for (int i = 0; i < ROUNDS; i++) {
		unsigned char *p = malloc(BLOCK), *q;

		ASSERT_NE(NULL, p);
		memset(p, 0xab, BLOCK);
		free(p);
		ASSERT_EQ(0, purge_my_arena());
		q = calloc(1, BLOCK);
		ASSERT_NE(NULL, q);
		ASSERT_TRUE(all_zero(q, BLOCK));
		free(q);
	}
	decommits = t_jemalloc_stats.decommit - decommit0;
	commits = t_jemalloc_stats.commit - commit0;
	TH_LOG("%lu decommits, %lu commits", decommits, commits);
	/* The hooks ran: the test exercised MADV_LAZYFREE and MADV_REUSE. */
	EXPECT_LE(ROUNDS, decommits);
	EXPECT_LE(ROUNDS, commits);
	EXPECT_EQ(0, t_jemalloc_stats.failed);
}

/*
 * Threads allocate, tag, check and free blocks, so that extents decommitted
 * by one thread are committed by another, while the main thread makes the
 * kernel reclaim from the group (memory.reclaim), discarding decommitted
 * pages. A block must read zero from calloc() and keep its tag until freed.
 */
#define THREADS	3

static volatile int stop;
static volatile int bad;

static void *churn(void *arg)
{
	unsigned long tag = (unsigned long)arg, round = 0;

	while (!stop) {
		unsigned long *p = calloc(1, BLOCK);
		size_t n = BLOCK / sizeof(*p);

		if (!p || !all_zero((unsigned char *)p, BLOCK)) {
			bad = 1;
			return NULL;
		}
		for (size_t i = 0; i < n; i += 512)
			p[i] = tag << 32 | round << 8 | (i & 0xff);
		usleep(100);
		for (size_t i = 0; i < n; i += 512)
			if (p[i] != (tag << 32 | round << 8 | (i & 0xff)))
				bad = 2;
		free(p);
		/* Decommit now, so the next calloc() commits. */
		if (purge_my_arena())
			bad = 3;
		round = (round + 1) & 0xffffff;
	}
	return NULL;
}

FIXTURE(threads) {};
FIXTURE_SETUP(threads) {}
FIXTURE_TEARDOWN(threads) {}

/*
 * At least 2 s and 50 commits of churn; the debug kernel's reclaim makes
 * each round slow, so give it up to 60 s.
 */
#define MIN_COMMITS	50
TEST_F_TIMEOUT(threads, blocks_keep_contents_across_threads_under_reclaim, 300)
{
	char path[256], name[64];
	pthread_t tid[THREADS];
	long long disc0;
	uint64_t t0;
	int r = hooks_or_skip(), rounds = 0, err = 0, started;

	if (r > 0)
		SKIP(return, "no MADV_LAZYFREE");
	ASSERT_EQ(0, r);
	snprintf(name, sizeof(name), "jemalloc-hooks-%d", getpid());
	if (t_cg_create(name, path, sizeof(path)))
		SKIP(return, "no memory cgroup");
	if (t_cg_enter(path)) {
		t_cg_destroy(path);
		SKIP(return, "no memory cgroup");
	}
	disc0 = t_vmstat("lazyfree_discarded");
	stop = 0;
	for (started = 0; started < THREADS; started++) {
		err = pthread_create(&tid[started], NULL, churn,
				     (void *)(long)(started + 1));
		if (err)
			break;
	}
	t0 = t_now_ns();
	while (!err && !bad && t_now_ns() - t0 < 60000000000ULL &&
	       (t_now_ns() - t0 < 2000000000ULL ||
		t_jemalloc_stats.commit < MIN_COMMITS)) {
		/* EAGAIN (less reclaimed than asked) is fine. */
		if (t_cg_write(path, "memory.reclaim", "4M") && errno != EAGAIN)
			err = errno;
		usleep(10000);
		rounds++;
	}
	stop = 1;
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	t_cg_destroy(path);
	ASSERT_EQ(0, err) {
		TH_LOG("%s: %s", started < THREADS ? "pthread_create" :
		       "memory.reclaim", strerror(err));
	}
	TH_LOG("%d squeezes in %.1f s: %lu decommits, %lu commits, %lu pages reported discarded, %lld discarded in all",
	       rounds, (t_now_ns() - t0) / 1e9,
	       t_jemalloc_stats.decommit, t_jemalloc_stats.commit,
	       t_jemalloc_stats.lost, t_vmstat("lazyfree_discarded") - disc0);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, t_jemalloc_stats.failed);
	EXPECT_LE(MIN_COMMITS, t_jemalloc_stats.commit);
}

TEST_HARNESS_MAIN
