/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jemalloc 5.3 extent hooks over MADV_LAZYFREE / MADV_REUSE, for programs
 * linked with Debian's static jemalloc (-ljemalloc).
 *
 * jemalloc 5.3 runs no hook when it reuses a lazily purged (muzzy) extent,
 * so there is no point at which to call MADV_REUSE for one. MADV_LAZYFREE
 * in purge_lazy would rely on the fault to take pages back, which is exact
 * only for the thread that freed them (the kernel's lazyfree.rst); another
 * thread could write through a translation its CPU still caches, and the
 * write would be lost if reclaim discarded the page. So purge_lazy is left
 * alone (MADV_FREE, or the PR_SET_MADV_FREE_LAZY switch).
 *
 * decommit/commit do have both ends, and jemalloc decommits rather than
 * purges when decommit succeeds. Its commit must return zeroed memory, and
 * MADV_REUSE returns the pages the kernel kept with their old contents, so
 * commit zeroes the range after MADV_REUSE: the write a fault-and-zero
 * would have cost, without the IPI. decommit is MADV_LAZYFREE. With
 * dirty_decay_ms:0 and muzzy_decay_ms:0 jemalloc decommits every extent it
 * would purge.
 */
#ifndef LAZYFREE_JEMALLOC_HOOKS_H
#define LAZYFREE_JEMALLOC_HOOKS_H

struct t_jemalloc_stats {
	unsigned long decommit;	/* MADV_LAZYFREE calls */
	unsigned long commit;	/* MADV_REUSE calls */
	unsigned long lost;	/* pages MADV_REUSE reported discarded */
	unsigned long failed;	/* calls that failed (jemalloc falls back) */
};
extern struct t_jemalloc_stats t_jemalloc_stats;

/* Install the hooks on every arena but the huge one; 0 or -1. */
int t_jemalloc_install_hooks(void);

#endif
