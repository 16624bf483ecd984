// SPDX-License-Identifier: MIT
/* Bad ranges give the errno madvise() gives, on both paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "lazyfree.h"
#include "test.h"

int main(void)
{
	size_t ps = t_page();
	char *p = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_CHECK(p != MAP_FAILED);
	T_CHECK(lf_free(p + 1, ps) == -EINVAL);
	T_CHECK(lf_reuse(p + 1, ps) == -EINVAL);
	T_CHECK(lf_free(p, SIZE_MAX - ps + 2) == -EINVAL);
	T_CHECK(lf_reuse(p, SIZE_MAX - ps + 2) == -EINVAL);
	T_CHECK(lf_free(p, 0) == 0);
	T_CHECK(lf_reuse(p, 0) == 0);

	T_CHECK(munmap(p + ps, ps) == 0);
	T_CHECK(lf_free(p, 3 * ps) == -ENOMEM);
	T_CHECK(lf_reuse(p, 3 * ps) == -ENOMEM);
	T_CHECK(lf_reuse(p + ps, ps) == -ENOMEM);
	return T_EXIT_PASS;
}
