// SPDX-License-Identifier: MIT
/*
 * liblazyfree: MADV_LAZYFREE / MADV_REUSE with an honest fallback.
 *
 * The probe result is computed once and cached; LIBLAZYFREE_FALLBACK=1 in
 * the environment makes the library ignore MADV_LAZYFREE (to test or to
 * compare the fallback on a kernel that has it).
 */
#define _GNU_SOURCE
#include "lazyfree.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define LF_PROBED	(1u << 31)

static unsigned int features;

static size_t page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/*
 * Probe with the new advice on a page nobody uses: on a stock kernel an
 * unknown advice is EINVAL, whatever the range.
 */
static unsigned int probe(void)
{
	size_t ps = page_size();
	unsigned int f = LF_FEAT_DONTNEED;
	const char *env = getenv("LIBLAZYFREE_FALLBACK");
	void *p;

	p = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return f;
	if (!madvise(p, ps, MADV_FREE))
		f |= LF_FEAT_FREE;
	if (!(env && *env && *env != '0') &&
	    !madvise(p, ps, MADV_LAZYFREE) && madvise(p, ps, MADV_REUSE) >= 0)
		f |= LF_FEAT_LAZYFREE;
	/*
	 * Only on a kernel with the series: on others the prctl numbers may
	 * mean something else (upstream gave 74 and 75 to shadow stacks).
	 */
	if ((f & LF_FEAT_LAZYFREE) && !madvise(p, ps, MADV_LAZYFREE_STRICT) &&
	    madvise(p, ps, MADV_REUSE) >= 0)
		f |= LF_FEAT_STRICT;
	if ((f & LF_FEAT_LAZYFREE) && prctl(PR_GET_MADV_FREE_LAZY, 0, 0, 0, 0) >= 0)
		f |= LF_FEAT_MADV_FREE_LAZY;
	munmap(p, ps);
	return f;
}

unsigned int lf_probe(void)
{
	unsigned int f = __atomic_load_n(&features, __ATOMIC_ACQUIRE);

	if (!(f & LF_PROBED)) {
		f = probe() | LF_PROBED;
		__atomic_store_n(&features, f, __ATOMIC_RELEASE);
	}
	return f & ~LF_PROBED;
}

/* The checks madvise() makes, for the paths that do not call it. */
static int check_range(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	size_t ps = page_size();

	if (start & (ps - 1))
		return -EINVAL;
	if (len > SIZE_MAX - (ps - 1) || start + ((len + ps - 1) & ~(ps - 1)) < start)
		return -EINVAL;
	return 0;
}

/* -ENOMEM if any page of the range is not mapped, as madvise() says. */
static int check_mapped(void *addr, size_t len)
{
	unsigned char vec[1024];
	size_t ps = page_size(), chunk = sizeof(vec) * ps;
	char *p = addr, *end = p + ((len + ps - 1) & ~(ps - 1));

	for (; p < end; p += chunk) {
		size_t n = (size_t)(end - p) < chunk ? (size_t)(end - p) : chunk;

		if (mincore(p, n, vec))
			return -errno;
	}
	return 0;
}

int lf_free(void *addr, size_t len)
{
	unsigned int f = lf_probe();
	int advice = (f & LF_FEAT_LAZYFREE) ? MADV_LAZYFREE :
		     (f & LF_FEAT_FREE) ? MADV_FREE : MADV_DONTNEED;

	return madvise(addr, len, advice) ? -errno : 0;
}

long lf_reuse(void *addr, size_t len)
{
	long ret;

	if (lf_probe() & LF_FEAT_LAZYFREE) {
		ret = madvise(addr, len, MADV_REUSE);
		return ret < 0 ? -errno : ret;
	}
	/*
	 * MADV_FREE and MADV_DONTNEED leave the range usable, so there is
	 * nothing to undo; but nothing says what survived.
	 */
	ret = check_range(addr, len);
	if (ret || !len)
		return ret;	/* an empty range lost nothing */
	ret = check_mapped(addr, len);
	return ret ? ret : LF_REUSE_UNKNOWN;
}
