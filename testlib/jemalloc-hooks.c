// SPDX-License-Identifier: GPL-2.0
/*
 * jemalloc 5.3 extent hooks that give memory back with MADV_LAZYFREE and
 * take it back with MADV_REUSE (see jemalloc-hooks.h for why these hooks).
 */
#define _GNU_SOURCE
#include <jemalloc/jemalloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "jemalloc-hooks.h"
#include "testlib.h"

static extent_hooks_t *orig;
struct t_jemalloc_stats t_jemalloc_stats;

static bool t_decommit(extent_hooks_t *h, void *addr, size_t size,
		       size_t off, size_t len, unsigned arena)
{
	if (madvise((char *)addr + off, len, MADV_LAZYFREE)) {
		__atomic_add_fetch(&t_jemalloc_stats.failed, 1, __ATOMIC_RELAXED);
		return true;	/* jemalloc then purges another way */
	}
	__atomic_add_fetch(&t_jemalloc_stats.decommit, 1, __ATOMIC_RELAXED);
	return false;
}

static bool t_commit(extent_hooks_t *h, void *addr, size_t size,
		     size_t off, size_t len, unsigned arena)
{
	long lost = madvise((char *)addr + off, len, MADV_REUSE);

	if (lost < 0) {
		__atomic_add_fetch(&t_jemalloc_stats.failed, 1, __ATOMIC_RELAXED);
		return true;
	}
	/* jemalloc takes committed memory as zeroed: kept pages are not. */
	memset((char *)addr + off, 0, len);
	__atomic_add_fetch(&t_jemalloc_stats.commit, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t_jemalloc_stats.lost, lost, __ATOMIC_RELAXED);
	return false;
}

#define PASS(name, ...) (orig->name ? orig->name(orig, __VA_ARGS__) : true)

static void *t_alloc(extent_hooks_t *h, void *addr, size_t size,
		      size_t align, bool *zero, bool *commit, unsigned arena)
{
	return orig->alloc(orig, addr, size, align, zero, commit, arena);
}

static bool t_dalloc(extent_hooks_t *h, void *addr, size_t size,
		     bool committed, unsigned arena)
{
	return PASS(dalloc, addr, size, committed, arena);
}

static void t_destroy(extent_hooks_t *h, void *addr, size_t size,
		      bool committed, unsigned arena)
{
	if (orig->destroy)
		orig->destroy(orig, addr, size, committed, arena);
}

static bool t_purge_lazy(extent_hooks_t *h, void *addr, size_t size,
			 size_t off, size_t len, unsigned arena)
{
	return PASS(purge_lazy, addr, size, off, len, arena);
}

static bool t_purge_forced(extent_hooks_t *h, void *addr, size_t size,
			   size_t off, size_t len, unsigned arena)
{
	return PASS(purge_forced, addr, size, off, len, arena);
}

static bool t_split(extent_hooks_t *h, void *addr, size_t size, size_t a,
		    size_t b, bool committed, unsigned arena)
{
	return PASS(split, addr, size, a, b, committed, arena);
}

static bool t_merge(extent_hooks_t *h, void *a, size_t asize, void *b,
		    size_t bsize, bool committed, unsigned arena)
{
	return PASS(merge, a, asize, b, bsize, committed, arena);
}

static extent_hooks_t t_hooks = {
	t_alloc, t_dalloc, t_destroy, t_commit, t_decommit,
	t_purge_lazy, t_purge_forced, t_split, t_merge,
};

/*
 * Every arena, including those not created yet, gets the hooks; all but
 * the one for huge allocations (over opt.oversize_threshold, 8 MiB), which
 * takes no hooks before it exists. ebizzy's chunks stay below it.
 */
int t_jemalloc_install_hooks(void)
{
	extent_hooks_t *hooks = &t_hooks;
	size_t sz = sizeof(orig);
	unsigned narenas;
	char name[64];

	if (mallctl("arena.0.extent_hooks", &orig, &sz, NULL, 0))
		return -1;
	sz = sizeof(narenas);
	if (mallctl("arenas.narenas", &narenas, &sz, NULL, 0))
		return -1;
	for (unsigned i = 0; i + 1 < narenas; i++) {
		snprintf(name, sizeof(name), "arena.%u.extent_hooks", i);
		if (mallctl(name, NULL, NULL, &hooks, sizeof(hooks)))
			return -1;
	}
	return 0;
}
