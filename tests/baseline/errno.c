// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline: madvise() errors for the advice the lazyfree family builds on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "testlib.h"

FIXTURE(range) {
	char *p;
};

FIXTURE_VARIANT(range) {
	int advice;
};

FIXTURE_VARIANT_ADD(range, dontneed) { .advice = MADV_DONTNEED };
FIXTURE_VARIANT_ADD(range, free) { .advice = MADV_FREE };
FIXTURE_VARIANT_ADD(range, willneed) { .advice = MADV_WILLNEED };

FIXTURE_SETUP(range)
{
	self->p = t_map(3);
	ASSERT_NE(MAP_FAILED, self->p);
	t_fill(self->p, 3, 31);
}

FIXTURE_TEARDOWN(range)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, 3 * t_page());
}

TEST_F(range, einval_unaligned_start)
{
	errno = 0;
	EXPECT_EQ(-1, madvise(self->p + 1, t_page(), variant->advice));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(range, einval_length_overflow)
{
	errno = 0;
	EXPECT_EQ(-1, madvise(self->p, SIZE_MAX - t_page() + 2, variant->advice));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(range, zero_length_succeeds)
{
	EXPECT_EQ(0, madvise(self->p, 0, variant->advice));
}

TEST_F(range, enomem_hole_after_advising_what_precedes)
{
	ASSERT_EQ(0, munmap(self->p + t_page(), t_page()));
	errno = 0;
	EXPECT_EQ(-1, madvise(self->p, 3 * t_page(), variant->advice));
	EXPECT_EQ(ENOMEM, errno);
	/* The page before the hole was advised; DONTNEED shows it. */
	if (variant->advice == MADV_DONTNEED) {
		EXPECT_TRUE(t_page_is_zero(self->p));
	} else {
		EXPECT_TRUE(t_page_has_tag(self->p, 31, 0));
	}
}

TEST_F(range, enomem_wholly_unmapped)
{
	ASSERT_EQ(0, munmap(self->p, 3 * t_page()));
	errno = 0;
	EXPECT_EQ(-1, madvise(self->p, 3 * t_page(), variant->advice));
	EXPECT_EQ(ENOMEM, errno);
	/* Take the range back for the teardown, unless another mapping has. */
	self->p = mmap(self->p, 3 * t_page(), PROT_READ, MAP_PRIVATE |
		       MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}

TEST(einval_unknown_advice)
{
	char *p = t_map(1);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, madvise(p, t_page(), 999));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, t_page());
}

TEST(einval_free_on_shared_mapping)
{
	char *p = mmap(NULL, t_page(), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, madvise(p, t_page(), MADV_FREE));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, t_page());
}

TEST(einval_dontneed_on_locked_mapping)
{
	char *p = t_map(1);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mlock(p, t_page()));
	errno = 0;
	EXPECT_EQ(-1, madvise(p, t_page(), MADV_DONTNEED));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, t_page());
}

TEST_HARNESS_MAIN
