// SPDX-License-Identifier: GPL-2.0
/*
 * Debian's jemalloc 5.3 with the patches in allocators/jemalloc/ (opt.lazyfree),
 * linked statically: it purges lazily with MADV_LAZYFREE, takes muzzy
 * extents back with MADV_REUSE before reusing them, and what the program
 * sees is what jemalloc promises (contents it wrote, zeros from calloc),
 * also while reclaim discards lazily freed pages.
 */
#define _GNU_SOURCE
#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "testlib.h"

/*
 * Dirty memory decays to muzzy (lazily purged) within a millisecond, at the
 * latest when a test asks for decay; muzzy memory is kept, to be reused.
 */
const char *malloc_conf = "lazyfree:true,dirty_decay_ms:1,muzzy_decay_ms:-1";

#define BLOCK	(256 << 10)	/* a large allocation: its own extent */
#define NBLOCKS	32

static bool lazyfree_on(void)
{
	bool on = false;
	size_t sz = sizeof(on);

	return !mallctl("opt.lazyfree", &on, &sz, NULL, 0) && on;
}

static bool kernel_has_lazyfree(void)
{
	void *p = t_map(1);
	bool ok = p != MAP_FAILED && !madvise(p, t_page(), MADV_LAZYFREE);

	if (p != MAP_FAILED)
		munmap(p, t_page());
	return ok;
}

/* Zero, as far as one word in every 256 bytes can tell. */
static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 256)
		if (*(const long *)(p + i))
			return false;
	return true;
}

/* "decay" or "purge" in every arena (threads get arenas of their own). */
static void arenas_ctl(const char *what)
{
	char name[64];

	snprintf(name, sizeof(name), "arena.%u.%s", MALLCTL_ARENAS_ALL, what);
	mallctl(name, NULL, NULL, NULL, 0);
}

/* Purge what decayed: dirty extents go to muzzy, with MADV_LAZYFREE. */
static void decay(void)
{
	usleep(2000);
	arenas_ctl("decay");
}

/* Allocate, fill and free NBLOCKS blocks; false on a data error. */
static bool round_trip(int seed, bool use_calloc)
{
	char *b[NBLOCKS];
	bool ok = true;

	for (int i = 0; i < NBLOCKS; i++) {
		b[i] = use_calloc ? calloc(1, BLOCK) : malloc(BLOCK);
		if (!b[i] || (use_calloc && !all_zero(b[i], BLOCK)))
			ok = false;
		if (b[i])
			memset(b[i], seed + i, BLOCK);
	}
	for (int i = 0; i < NBLOCKS; i++) {
		if (!b[i])
			continue;
		for (size_t off = 0; off < BLOCK; off += t_page())
			if (b[i][off] != (char)(seed + i))
				ok = false;
		free(b[i]);
	}
	return ok;
}

TEST(purges_with_lazyfree_and_takes_back_with_reuse)
{
	long long lazy = t_vmstat("lazyfree_pages");
	long long reused = t_vmstat("lazyfree_reused");

	if (!kernel_has_lazyfree())
		SKIP(return, "no MADV_LAZYFREE");
	ASSERT_TRUE(lazyfree_on());
	for (int r = 0; r < 20; r++) {
		ASSERT_TRUE(round_trip(r, r % 2));
		decay();
	}
	lazy = t_vmstat("lazyfree_pages") - lazy;
	reused = t_vmstat("lazyfree_reused") - reused;
	TH_LOG("%lld pages lazily freed, %lld taken back", lazy, reused);
	EXPECT_GT(lazy, 0);
	EXPECT_GT(reused, 0);
}

/*
 * Custom extent hooks that call the default ones (here: a copy of them,
 * the way jemalloc's own tests chain) purge with MADV_LAZYFREE too, so
 * their arena must take memory back with MADV_REUSE as well: no lazily
 * freed page may come back by a fault.
 */
TEST(custom_hooks_calling_the_defaults_take_back_with_reuse)
{
	static extent_hooks_t chained;
	extent_hooks_t *defaults, *hooks = &chained;
	size_t sz = sizeof(defaults);
	long long reused, faulted;
	char name[64], *b[NBLOCKS];
	unsigned ind;

	if (!kernel_has_lazyfree())
		SKIP(return, "no MADV_LAZYFREE");
	ASSERT_EQ(0, mallctl("arena.0.extent_hooks", &defaults, &sz, NULL, 0));
	chained = *defaults;
	sz = sizeof(ind);
	ASSERT_EQ(0, mallctl("arenas.create", &ind, &sz, &hooks, sizeof(hooks)));
	snprintf(name, sizeof(name), "arena.%u.decay", ind);
	reused = t_vmstat("lazyfree_reused");
	faulted = t_vmstat("lazyfree_faulted");
	for (int r = 0; r < 4; r++) {
		for (int i = 0; i < NBLOCKS; i++) {
			b[i] = mallocx(BLOCK, MALLOCX_ARENA(ind) | MALLOCX_TCACHE_NONE);
			ASSERT_NE(NULL, b[i]);
			memset(b[i], r + i, BLOCK);
		}
		for (int i = 0; i < NBLOCKS; i++)
			dallocx(b[i], MALLOCX_TCACHE_NONE);
		usleep(2000);
		mallctl(name, NULL, NULL, NULL, 0);
	}
	reused = t_vmstat("lazyfree_reused") - reused;
	faulted = t_vmstat("lazyfree_faulted") - faulted;
	TH_LOG("%lld pages taken back, %lld faulted back", reused, faulted);
	EXPECT_GT(reused, 0);
	EXPECT_EQ(0, faulted);
}

/*
 * Threads free each other's blocks (after a realloc), and reuse memory
 * that went muzzy, while reclaim discards muzzy pages between rounds.
 */
#define THREADS	3
#define ROUNDS	8
static char *handoff[THREADS][NBLOCKS];
static pthread_barrier_t barrier;	/* the threads and the squeezer */

static void *cross_free(void *arg)
{
	long id = (long)arg, bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NBLOCKS; i++) {
			char *p = calloc(1, BLOCK);

			if (!p || !all_zero(p, BLOCK))
				bad++;
			if (p)
				memset(p, (int)(id * 64 + i + r), BLOCK);
			handoff[id][i] = p;
		}
		pthread_barrier_wait(&barrier);
		/* Check and free the blocks of the next thread. */
		for (int i = 0; i < NBLOCKS; i++) {
			long from = (id + 1) % THREADS;
			char want = (char)(from * 64 + i + r), *p;

			p = handoff[from][i];
			if (!p)
				continue;
			for (size_t off = 0; off < BLOCK; off += t_page())
				if (p[off] != want)
					bad++;
			p = realloc(p, BLOCK / 2);
			if (p && p[BLOCK / 2 - 1] != want)
				bad++;
			free(p);
		}
		pthread_barrier_wait(&barrier);
		/* To muzzy; now and then all of it, muzzy included, away. */
		if (id == 0)
			arenas_ctl(r % 4 == 3 ? "purge" : "decay");
		pthread_barrier_wait(&barrier);
		/* The squeezer reclaims here. */
		pthread_barrier_wait(&barrier);
	}
	return (void *)bad;
}

/* Minutes on a debug kernel under emulation, not the harness's 30 s. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

TEST_F_TIMEOUT(slow, cross_thread_frees_and_zeroed_reuse_survive_a_squeeze, 240)
{
	long long discarded = t_vmstat("lazyfree_discarded");
	pthread_t tid[THREADS];
	long bad = 0;
	char cg[256];

	if (!kernel_has_lazyfree())
		SKIP(return, "no MADV_LAZYFREE");
	if (t_swap_active())
		SKIP(return, "swap is on");
	if (t_cg_create("jemalloc-lazyfree", cg, sizeof(cg)) || t_cg_enter(cg))
		SKIP(return, "no cgroup v2 memory controller");
	pthread_barrier_init(&barrier, NULL, THREADS + 1);
	for (long i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, cross_free, (void *)i));
	for (int r = 0; r < ROUNDS; r++) {
		for (int b = 0; b < 3; b++)
			pthread_barrier_wait(&barrier);
		/* Reclaim takes lazily freed (muzzy) pages first. */
		t_cg_write(cg, "memory.reclaim", "64M");
		pthread_barrier_wait(&barrier);
	}
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(tid[i], &r);
		bad += (long)r;
	}
	t_cg_destroy(cg);
	discarded = t_vmstat("lazyfree_discarded") - discarded;
	TH_LOG("%lld pages discarded meanwhile", discarded);
	EXPECT_EQ(0, bad);
	EXPECT_GT(discarded, 0);
}

TEST_HARNESS_MAIN
