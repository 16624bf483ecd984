// SPDX-License-Identifier: MIT
/*
 * lf_free_vec() then lf_reuse_vec() over many ranges: every page intact or
 * zero, the count exactly the zero pages (or LF_REUSE_UNKNOWN on the
 * fallback path); a bad range anywhere, or 2 GiB or more in all, fails the
 * call and changes nothing, so the count of a later good call still covers
 * every range.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "lazyfree.h"
#include "test.h"

#define NRANGES 64

int main(void)
{
	size_t ps = t_page(), zero = 0;
	unsigned char *p = mmap(NULL, 2 * NRANGES * ps, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov[NRANGES + 1], big_iov[2];
	char *hole, *big;
	long n;

	T_CHECK(p != MAP_FAILED);
	hole = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(hole != MAP_FAILED && munmap(hole, ps) == 0);
	for (size_t i = 0; i < 2 * NRANGES; i++)
		for (size_t j = 0; j < ps; j++)
			p[i * ps + j] = (unsigned char)(i + j + 1);
	/* Every other page: ranges that do not merge. */
	for (int i = 0; i < NRANGES; i++)
		iov[i] = (struct iovec){ p + 2 * i * ps, ps };

	/* Bad last entries: nothing is freed. */
	iov[NRANGES] = (struct iovec){ p + 1, ps };
	T_CHECK(lf_free_vec(iov, NRANGES + 1) == -EINVAL);
	iov[NRANGES] = (struct iovec){ hole, ps };
	T_CHECK(lf_free_vec(iov, NRANGES + 1) == -ENOMEM);
	T_CHECK(lf_free_vec(iov, LF_VEC_MAX + 1) == -EINVAL);
	T_CHECK(lf_free_vec(iov, 0) == 0);
	/* 2 GiB or more in all: the kernel would cut it, so it is refused. */
	big = mmap(NULL, 3UL << 30, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	T_CHECK(big != MAP_FAILED);
	big_iov[0] = (struct iovec){ big, 3UL << 29 };
	big_iov[1] = (struct iovec){ big + (3UL << 29), 1UL << 30 };
	T_CHECK(lf_free_vec(big_iov, 2) == -EINVAL);
	T_CHECK(lf_reuse_vec(big_iov, 2) == -EINVAL);
	T_CHECK(munmap(big, 3UL << 30) == 0);

	T_CHECK(lf_free_vec(iov, NRANGES) == 0);
	/* Bad last entries: nothing is taken back, nothing counted. */
	iov[NRANGES] = (struct iovec){ p + 1, ps };
	T_CHECK(lf_reuse_vec(iov, NRANGES + 1) == -EINVAL);
	iov[NRANGES] = (struct iovec){ hole, ps };
	T_CHECK(lf_reuse_vec(iov, NRANGES + 1) == -ENOMEM);

	n = lf_reuse_vec(iov, NRANGES);
	T_CHECK(n >= 0);
	for (size_t i = 0; i < 2 * NRANGES; i++) {
		int st = t_page_state(p + i * ps, i, 1);

		T_CHECK(st >= 0);
		T_CHECK(i % 2 || st == 1);	/* never freed: intact */
		zero += st == 0;
	}
	if (lf_probe() & LF_FEAT_LAZYFREE)
		T_CHECK((size_t)n == zero);
	else
		T_CHECK(n == LF_REUSE_UNKNOWN);
	T_CHECK(lf_reuse_vec(iov, 0) == 0);
	printf("vec: %zu of %d ranges discarded, lf_reuse_vec said %ld%s\n",
	       zero, NRANGES, n,
	       lf_probe() & LF_FEAT_VEC ? " (one call each)" : "");
	return T_EXIT_PASS;
}
