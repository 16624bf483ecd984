// SPDX-License-Identifier: MIT
/* lf_probe() reports what the kernel does, and honours the fallback switch. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "lazyfree.h"
#include "test.h"

int main(void)
{
	unsigned int f = lf_probe();
	const char *env = getenv("LIBLAZYFREE_FALLBACK");
	void *p = mmap(NULL, t_page(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_CHECK(p != MAP_FAILED);
	T_CHECK(f & LF_FEAT_DONTNEED);
	T_CHECK(!!(f & LF_FEAT_FREE) == !madvise(p, t_page(), MADV_FREE));
	if (env && *env == '1')
		T_CHECK(!(f & LF_FEAT_LAZYFREE));
	else
		T_CHECK(!!(f & LF_FEAT_LAZYFREE) ==
			(madvise(p, t_page(), MADV_LAZYFREE) == 0));
	/* The series' extras come only with the series. */
	if (!(f & LF_FEAT_LAZYFREE))
		T_CHECK(!(f & (LF_FEAT_STRICT | LF_FEAT_MADV_FREE_LAZY)));
	else
		T_CHECK(!!(f & LF_FEAT_MADV_FREE_LAZY) ==
			(prctl(PR_GET_MADV_FREE_LAZY, 0, 0, 0, 0) >= 0));
	T_CHECK(lf_probe() == f);
	printf("probe: lazyfree=%d free=%d dontneed=%d strict=%d madv_free_lazy=%d\n",
	       !!(f & LF_FEAT_LAZYFREE), !!(f & LF_FEAT_FREE),
	       !!(f & LF_FEAT_DONTNEED), !!(f & LF_FEAT_STRICT),
	       !!(f & LF_FEAT_MADV_FREE_LAZY));
	return T_EXIT_PASS;
}
