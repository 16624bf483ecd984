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

#define T_MAX_CPUS 64

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
bool t_madv_free_is_lazy(void);

/* A /proc/vmstat counter, or -1 if the kernel does not have it. */
long long t_vmstat(const char *name);

/*
 * Per-CPU "TLB shootdowns" from /proc/interrupts: the flush IPIs each CPU
 * has received. Fills counts[0..ncpus) and returns ncpus, or -1.
 */
int t_tlb_shootdowns(unsigned long long *counts, int max);

/* Sum of counts over the CPUs in [first, first + n). */
unsigned long long t_sum(const unsigned long long *counts, int first, int n);

/* This process's minor and major page faults so far. */
void t_faults(long long *minflt, long long *majflt);

int t_pin_self(int cpu);
int t_ncpus(void);

/*
 * Busy siblings: threads of this process spinning in user space, pinned to
 * CPUs first .. first + n - 1, so that the mm stays loaded on those CPUs
 * and every flush of it must reach them. Returns NULL, with errno set, if
 * one cannot start or cannot be pinned.
 */
struct t_siblings;
struct t_siblings *t_siblings_start(int n, int first_cpu);
void t_siblings_stop(struct t_siblings *s);

/* Memory cgroup v2 under /sys/fs/cgroup. */
int t_cg_create(const char *name, char *path, size_t len);
int t_cg_enter(const char *path);		/* moves the calling process */
int t_cg_write(const char *path, const char *file, const char *value);
int t_cg_destroy(const char *path);		/* moves us back to the root */

/*
 * Swap on /dev/zram0 of the given size ("64M"), and off again with the
 * device reset; each returns 0, or -1.
 */
int t_zram_swap_on(const char *size);
int t_zram_swap_off(void);
bool t_swap_active(void);

/* Number of resident pages in [addr, addr + len) according to mincore(). */
long t_resident(void *addr, size_t len);

/* Fill page i of a buffer with a tag that names (seed, i); check it. */
void t_fill(void *addr, size_t npages, unsigned long seed);
bool t_page_has_tag(const void *page, unsigned long seed, size_t i);
bool t_page_is_zero(const void *page);

/*
 * A private anonymous mapping of npages, with THP off so that counts are in
 * base pages. Returns MAP_FAILED on failure.
 */
void *t_map(size_t npages);

/* Page size, cached. */
size_t t_page(void);

/* Monotonic time in nanoseconds. */
uint64_t t_now_ns(void);

#endif
