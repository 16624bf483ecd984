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
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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
 * A pidfd of this process, for process_madvise(): opened once, and again
 * after fork() (the child's pid differs) or if the descriptor was closed
 * under us (process_madvise() then fails with EBADF: see vec()).
 */
static int self_fd = -1;
static pid_t self_pid;

static int pidfd_self(void)
{
	pid_t pid = getpid();
	int fd = __atomic_load_n(&self_fd, __ATOMIC_ACQUIRE);

	if (fd >= 0 && __atomic_load_n(&self_pid, __ATOMIC_RELAXED) == pid)
		return fd;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	/* Another thread may have opened one meanwhile: keep the first. */
	{
		int old = __atomic_exchange_n(&self_fd, fd, __ATOMIC_ACQ_REL);

		if (old >= 0 && old != fd)
			close(old);
	}
	return fd;
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
	if (f & LF_FEAT_LAZYFREE) {
		struct iovec iov = { p, ps };
		int fd = pidfd_self();

		if (fd >= 0 &&
		    syscall(SYS_process_madvise, fd, &iov, 1, MADV_LAZYFREE, 0) ==
		    (long)ps &&
		    syscall(SYS_process_madvise, fd, &iov, 1, MADV_REUSE,
			    PMADV_REPORT_LOST) >= 0)
			f |= LF_FEAT_VEC;
	}
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

/* One process_madvise() of the whole vector; -errno on failure. */
static long vec(const struct iovec *iov, int n, int advice, unsigned int flags)
{
	long ret;

	for (int retry = 0; retry < 2; retry++) {
		int fd = pidfd_self();

		if (fd < 0)
			return -errno;
		ret = syscall(SYS_process_madvise, fd, iov, n, advice, flags);
		if (ret >= 0)
			return ret;
		/* Our descriptor closed, or reused for another file. */
		if (errno != EBADF)
			break;
		__atomic_store_n(&self_fd, -1, __ATOMIC_RELEASE);
	}
	return -errno;
}

/*
 * The kernel cuts a vector at INT_MAX bytes rounded down to a page, as for
 * readv(), and so refuses one that long rather than advise part of it.
 */
static bool vec_too_long(const struct iovec *iov, int n)
{
	size_t max = (size_t)INT_MAX & ~(page_size() - 1), total = 0;

	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len >= max - total)
			return true;
		total += iov[i].iov_len;
	}
	return false;
}

/* The checks the vector path makes, for the loop of calls that stands in. */
static int check_vec(const struct iovec *iov, int n)
{
	int ret;

	if (n < 0 || n > LF_VEC_MAX || vec_too_long(iov, n))
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if ((ret = check_range(iov[i].iov_base, iov[i].iov_len)))
			return ret;
	for (int i = 0; i < n; i++)
		if (iov[i].iov_len &&
		    (ret = check_mapped(iov[i].iov_base, iov[i].iov_len)))
			return ret;
	return 0;
}

int lf_free_vec(const struct iovec *iov, int n)
{
	int ret;

	if (lf_probe() & LF_FEAT_VEC) {
		long r = vec(iov, n, MADV_LAZYFREE, 0);

		return r < 0 ? (int)r : 0;
	}
	ret = check_vec(iov, n);
	for (int i = 0; !ret && i < n; i++)
		if (iov[i].iov_len)
			ret = lf_free(iov[i].iov_base, iov[i].iov_len);
	return ret;
}

long lf_reuse_vec(const struct iovec *iov, int n)
{
	long ret, sum = 0;

	if (lf_probe() & LF_FEAT_VEC)
		return vec(iov, n, MADV_REUSE, PMADV_REPORT_LOST);
	ret = check_vec(iov, n);
	if (ret)
		return ret;
	/*
	 * A kernel without the vector call: one lf_reuse() per range. After
	 * the checks above only memory that is not private anonymous fails,
	 * and a cache holds none in its ranges.
	 */
	for (int i = 0; i < n; i++) {
		if (!iov[i].iov_len)
			continue;
		ret = lf_reuse(iov[i].iov_base, iov[i].iov_len);
		if (ret < 0)
			return ret;
		if (ret == LF_REUSE_UNKNOWN)
			sum = LF_REUSE_UNKNOWN;
		else if (sum != LF_REUSE_UNKNOWN)
			sum += ret;
	}
	return sum;
}
