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
 * Functions return a negative errno on failure, as liburing's do.
 */
#ifndef LIBLAZYFREE_H
#define LIBLAZYFREE_H

#include <limits.h>
#include <stddef.h>

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

/* The series' switch that makes MADV_FREE act as MADV_LAZYFREE. */
#ifndef PR_SET_MADV_FREE_LAZY
#define PR_SET_MADV_FREE_LAZY		74
#define PR_GET_MADV_FREE_LAZY		75
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

/*
 * lf_reuse() on the fallback path: the range is usable, but whether its
 * contents survived is not known. Not a count (no range has that many
 * pages) and not an error: a cache that checks "!= 0" treats it as lost.
 */
#define LF_REUSE_UNKNOWN	LONG_MAX

unsigned int lf_probe(void);
int lf_free(void *addr, size_t len);
long lf_reuse(void *addr, size_t len);

#ifdef __cplusplus
}
#endif

#endif
