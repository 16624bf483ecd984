/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest tests and the benchmarks: kernel counters,
 * busy sibling threads, memory cgroups and zram swap. Everything here reads
 * or drives the real kernel interface; nothing is simulated.
 */
#ifndef LAZYFREE_TESTLIB_H
#define LAZYFREE_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LF_MAX_CPUS 64

/*
 * The series' ABI (advice values, the PR_SET_MADV_FREE_LAZY prctl), for
 * programs built on older headers: liblazyfree's public header has them.
 */
#include "lazyfree.h"

/*
 * Whether MADV_FREE acts as MADV_LAZYFREE in this process (the prctl, or
 * vm.madv_free_lazy when the prctl is left at its default); false on a
 * kernel without the switch.
 */
bool lf_madv_free_is_lazy(void);

/* A /proc/vmstat counter, or -1 if the kernel does not have it. */
long long lf_vmstat(const char *name);

/*
 * Per-CPU "TLB shootdowns" from /proc/interrupts: the flush IPIs each CPU
 * has received. Fills counts[0..ncpus) and returns ncpus, or -1.
 */
int lf_tlb_shootdowns(unsigned long long *counts, int max);

/* Sum of counts over the CPUs in [first, first + n). */
unsigned long long lf_sum(const unsigned long long *counts, int first, int n);

/* This process's minor and major page faults so far. */
void lf_faults(long long *minflt, long long *majflt);

int lf_pin_self(int cpu);
int lf_ncpus(void);

/*
 * Busy siblings: threads of this process spinning in user space, pinned to
 * CPUs first .. first + n - 1, so that the mm stays loaded on those CPUs
 * and every flush of it must reach them.
 */
struct lf_siblings;
struct lf_siblings *lf_siblings_start(int n, int first_cpu);
void lf_siblings_stop(struct lf_siblings *s);

/* Memory cgroup v2 under /sys/fs/cgroup. */
int lf_cg_create(const char *name, char *path, size_t len);
int lf_cg_enter(const char *path);		/* moves the calling process */
int lf_cg_write(const char *path, const char *file, const char *value);
int lf_cg_destroy(const char *path);		/* moves us back to the root */

/* Swap on /dev/zram0 of the given size ("64M"); returns 0, or -1. */
int lf_zram_swap_on(const char *size);
int lf_zram_swap_off(void);
bool lf_swap_active(void);

/* Number of resident pages in [addr, addr + len) according to mincore(). */
long lf_resident(void *addr, size_t len);

/* Fill page i of a buffer with a tag that names (seed, i); check it. */
void lf_fill(void *addr, size_t npages, unsigned long seed);
bool lf_page_has_tag(const void *page, unsigned long seed, size_t i);
bool lf_page_is_zero(const void *page);

/*
 * A private anonymous mapping of npages, with THP off so that counts are in
 * base pages. Returns MAP_FAILED on failure.
 */
void *lf_map(size_t npages);

/* Page size, cached. */
size_t lf_page(void);

/* Monotonic time in nanoseconds. */
uint64_t lf_now_ns(void);

#endif
