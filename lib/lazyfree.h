/* SPDX-License-Identifier: MIT */
/*
 * liblazyfree: give memory back to the kernel cheaply, take it back with a
 * report of what was lost.
 *
 * On a kernel with MADV_LAZYFREE / MADV_REUSE, lf_free() costs no TLB
 * shootdown and lf_reuse() reports exactly how many pages the kernel
 * discarded. On a stock kernel the library falls back to MADV_FREE (or
 * MADV_DONTNEED where MADV_FREE is missing), and lf_reuse() says that it
 * cannot know what was discarded: it returns LF_REUSE_UNKNOWN, never 0.
 *
 * Memory between lf_free() and lf_reuse() (liblazyfree(7) says more):
 *
 *  - The kernel may discard any page of the range at any time; a discarded
 *    page reads back as zeros.
 *  - Touching a page without lf_reuse() is allowed: the fault takes it back,
 *    with its contents or as zeros, and lf_reuse() no longer counts it as
 *    lost. Its count covers only the pages not touched before it.
 *  - Threads: lf_free() sends no TLB flush. Another thread, running since
 *    before the call on a CPU that had accessed a page, may still reach the
 *    page through a cached translation, without a fault: its write lands in
 *    the page but the kernel does not see it, and is lost if the page is
 *    discarded before it is taken back. The calling thread is exact
 *    wherever it runs next. So memory freed and touched again by the same
 *    thread is always exact; memory handed to another thread must be taken
 *    back with lf_reuse() before it is written (by any thread, ordered
 *    before the write by whatever hands the memory over). The fallback
 *    flushes every CPU and needs no such care, but allows it.
 *  - fork(): the child shares the lazily freed pages, lazily freed in both.
 *    A discarded page is discarded for both, and both count it.
 *  - Strict mode (madvise(MADV_LAZYFREE_STRICT), if lf_probe() reports
 *    LF_FEAT_STRICT): a discarded page raises SIGBUS until lf_reuse().
 *
 * Functions return a negative errno on failure, as liburing's do; errno
 * itself is not part of the interface.
 */
#ifndef LIBLAZYFREE_H
#define LIBLAZYFREE_H

#include <limits.h>
#include <stddef.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The madvise() advice values of the lazyfree kernel series. */
#ifndef MADV_LAZYFREE
#define MADV_LAZYFREE	104
#endif
#ifndef MADV_REUSE
#define MADV_REUSE	105
#endif
#ifndef MADV_LAZYFREE_STRICT
#define MADV_LAZYFREE_STRICT	106
#endif

/* process_madvise(): MADV_REUSE returns the pages lost over the vector. */
#ifndef PMADV_REPORT_LOST
#define PMADV_REPORT_LOST	0x01
#endif

/* The series' switch that makes MADV_FREE act as MADV_LAZYFREE. */
#ifndef PR_SET_MADV_FREE_LAZY
#define PR_SET_MADV_FREE_LAZY		82
#define PR_GET_MADV_FREE_LAZY		83
#define PR_MADV_FREE_LAZY_DEFAULT	0
#define PR_MADV_FREE_LAZY_OFF		1
#define PR_MADV_FREE_LAZY_ON		2
#endif

/* lf_probe() bits: what the running kernel offers. */
#define LF_FEAT_LAZYFREE	(1u << 0)	/* MADV_LAZYFREE and MADV_REUSE */
#define LF_FEAT_FREE		(1u << 1)	/* MADV_FREE (Linux 4.5) */
#define LF_FEAT_DONTNEED	(1u << 2)	/* MADV_DONTNEED */
#define LF_FEAT_STRICT		(1u << 3)	/* MADV_LAZYFREE_STRICT */
#define LF_FEAT_MADV_FREE_LAZY	(1u << 4)	/* PR_SET_MADV_FREE_LAZY */
#define LF_FEAT_VEC		(1u << 5)	/* both in process_madvise() */

/* The most ranges lf_free_vec() and lf_reuse_vec() take (the kernel's). */
#define LF_VEC_MAX		1024

/*
 * lf_reuse() on the fallback path: the range is usable, but whether its
 * contents survived is not known. Not a count (no range has that many
 * pages) and not an error: a cache that checks "!= 0" treats it as lost.
 */
#define LF_REUSE_UNKNOWN	LONG_MAX

/* What the running kernel offers: LF_FEAT_* bits, probed once and cached. */
unsigned int lf_probe(void);

/*
 * Give [addr, addr + len) back: the kernel may discard its contents from now
 * on. Returns 0 or a negative errno. The calling thread may touch the range
 * again without lf_reuse(); another thread must not write it before
 * lf_reuse() has taken it back.
 */
int lf_free(void *addr, size_t len);

/*
 * Take [addr, addr + len) back: every page is usable again, intact or zero.
 * Returns how many base pages were discarded (not counting pages touched
 * since lf_free()), LF_REUSE_UNKNOWN on the fallback path, or a negative
 * errno. Any thread may call it; whatever hands the range to the thread that
 * writes it must order the call before the write.
 */
long lf_reuse(void *addr, size_t len);

/*
 * lf_free() and lf_reuse() of every range of iov[0..n), n <= LF_VEC_MAX,
 * done whole or not at all: one system call where the kernel takes the
 * vector (LF_FEAT_VEC), and a bad range anywhere fails the call with
 * nothing freed or taken back, as does a vector of 2 GiB less a page or
 * more in all (-EINVAL). lf_reuse_vec() returns the pages lost over
 * all the ranges. Ranges may overlap; empty ones are skipped.
 */
int lf_free_vec(const struct iovec *iov, int n);
long lf_reuse_vec(const struct iovec *iov, int n);

#ifdef __cplusplus
}
#endif

#endif
