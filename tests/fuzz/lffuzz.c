// SPDX-License-Identifier: GPL-2.0
/*
 * lffuzz: random operations on lazily freed memory, checked against a model.
 *
 *   lffuzz [-s SEED] [-n OPS] [-T SECONDS] [-p PROCS] [-t THREADS]
 *
 * With no option: seed 1, 3 processes of 3 threads, 5000 operations each
 * (the short fixed run of make check).
 *
 * PROCS processes of THREADS threads each run random sequences of mmap
 * (MAP_FIXED replacement, which unmaps), mremap, mprotect, fork, reads,
 * writes and madvise (LAZYFREE, LAZYFREE_STRICT, REUSE, DONTNEED, FREE) over
 * slots of SLOT_PAGES pages, and HUGE_SLOTS slots of one PMD-aligned THP each
 * (MADV_HUGEPAGE; advised whole half of the time, so that whole huge pages
 * are lazily freed, discarded and taken back at the PMD, and in part the
 * other half, so that they split), while the parent squeezes their memory cgroup
 * (memory.reclaim) so that the kernel discards lazily freed pages under
 * them. Every outcome is checked against a model of each page:
 *
 *  - contents survive unless the page was lazily freed (or MADV_FREEd) and
 *    reclaim discarded it; a discarded page reads zero, or raises SIGBUS in
 *    the strict mode until MADV_REUSE;
 *  - MADV_REUSE returns exactly the number of pages discarded since they
 *    were lazily freed, including those read or written back since (the
 *    kernel remembers those losses until MADV_REUSE reports them);
 *  - no page ever shows a value written by another process: each process
 *    writes values tagged with its number.
 *
 * The rules the model follows are the interface's: the thread that made a
 * page lazily free (the newest MADV_LAZYFREE over it) accesses it exactly;
 * other threads only peek at it, and what a peek sees (the old contents or
 * zero) makes the page's state uncertain until the next MADV_REUSE. A page
 * given to MADV_FREE may read zero at any time until it is written.
 *
 * Each thread's sequence of operations follows from the seed; the
 * interleaving of threads and reclaim does not. A failure prints the seed
 * and the failing thread's last operations. Exit status: 0 all checks
 * passed, 1 a check failed, 4 the kernel has no MADV_LAZYFREE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define SLOTS		24
#define SLOT_PAGES	16
#define HUGE_SLOTS	2	/* the first ones; where THP is 512 pages */
#define HUGE_PAGES	512
#define MAX_THREADS	8
#define TRACE_LEN	48

/* Where a page's value lives: three words, so that a torn page shows. */
#define NWORDS		3
static const size_t word_off[NWORDS] = { 0, 2048, 4088 };

enum state {
	PRESENT,	/* holds val (0: never written, or zapped) */
	LAZY,		/* lazily freed by owner: val, or discarded */
	DISCARDED,	/* lazily freed and known discarded */
};

struct page_model {
	uint64_t val;
	uint8_t state;
	bool strict;		/* mode of the newest MADV_LAZYFREE */
	bool uncertain;		/* may read 0 and count as lost, or not */
	bool lost;		/* discarded, then mapped again: still counted */
	bool maybe_lost;	/* may have been, unseen (a write, a peek) */
	bool freed;		/* MADV_FREE: may read 0 until written */
	int8_t owner;		/* thread of the newest MADV_LAZYFREE */
};

#define HIST_LEN	32

struct slot {
	pthread_mutex_t lock;
	char hist[HIST_LEN][80];	/* the last operations on the slot */
	long nhist;
	char *base;		/* reserved: two halves of npages pages */
	int half;		/* the half that is mapped read-write */
	int npages;		/* SLOT_PAGES, or HUGE_PAGES: one THP */
	bool huge;
	struct page_model pg[HUGE_PAGES];
};

static struct {
	uint64_t seed;
	long ops;
	int seconds;
	int procs;
	int threads;
} opt = { .seed = 1, .ops = 5000, .procs = 3, .threads = 3 };

static size_t psz;
static struct slot slots[SLOTS];
static int proc_id;
static volatile int stop;
static time_t deadline;

/* Per thread: its random state, its trace, its SIGBUS landing. */
struct thread {
	int id;
	uint64_t rng;
	long done;
	char trace[TRACE_LEN][96];
	long ntrace;
	sigjmp_buf jmp;
	volatile int armed;
};
static __thread struct thread *self;
static __thread struct slot *cur_slot;

static uint64_t next_rand(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(unsigned int n)
{
	return next_rand(&self->rng) % n;
}

static void trace(const char *fmt, ...)
{
	char *t = self->trace[self->ntrace % TRACE_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t, sizeof(self->trace[0]), fmt, ap);
	va_end(ap);
	self->ntrace++;
	if (cur_slot)
		snprintf(cur_slot->hist[cur_slot->nhist++ % HIST_LEN],
			 sizeof(cur_slot->hist[0]), "thread %d op %ld: %s",
			 self->id, self->done, t);
}

static void dump_trace(void)
{
	long first = self->ntrace > TRACE_LEN ? self->ntrace - TRACE_LEN : 0;

	fprintf(stderr, "lffuzz: seed %llu, process %d, thread %d, op %ld; last operations:\n",
		(unsigned long long)opt.seed, proc_id, self->id, self->done);
	for (long i = first; i < self->ntrace; i++)
		fprintf(stderr, "  %6ld %s\n", i, self->trace[i % TRACE_LEN]);
	if (!cur_slot)
		return;
	first = cur_slot->nhist > HIST_LEN ? cur_slot->nhist - HIST_LEN : 0;
	fprintf(stderr, "lffuzz: the last operations on slot %ld, all threads:\n",
		(long)(cur_slot - slots));
	for (long i = first; i < cur_slot->nhist; i++)
		fprintf(stderr, "  %s\n", cur_slot->hist[i % HIST_LEN]);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "lffuzz: FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	dump_trace();
	fflush(stderr);
	_exit(1);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	if (self && self->armed && sig == SIGBUS) {
		self->armed = 0;
		siglongjmp(self->jmp, 1);
	}
	if (self)
		fail("unexpected signal %d at %p", sig, si->si_addr);
	_exit(1);
}

/* Pages in a PMD-mapped THP, 0 without THP. */
static size_t thp_pages(void)
{
	unsigned long size = 0;
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			"r");

	if (f) {
		if (fscanf(f, "%lu", &size) != 1)
			size = 0;
		fclose(f);
	}
	return size / psz;
}

static char *page_addr(struct slot *s, int i)
{
	return s->base + ((size_t)s->half * s->npages + i) * psz;
}

/* Read a page's words; false on SIGBUS. */
static bool load(char *pg, uint64_t w[NWORDS])
{
	if (sigsetjmp(self->jmp, 0))
		return false;
	self->armed = 1;
	for (int k = 0; k < NWORDS; k++)
		w[k] = *(volatile uint64_t *)(pg + word_off[k]);
	self->armed = 0;
	return true;
}

/* Write a page's words; false on SIGBUS (nothing was written). */
static bool store(char *pg, uint64_t v)
{
	if (sigsetjmp(self->jmp, 0))
		return false;
	self->armed = 1;
	for (int k = 0; k < NWORDS; k++)
		*(volatile uint64_t *)(pg + word_off[k]) = v;
	self->armed = 0;
	return true;
}

static uint64_t tag_of(uint64_t v)
{
	return v >> 56;
}

/* A value no other process writes: tagged with this process's number. */
static uint64_t new_value(int slot, int i)
{
	return ((uint64_t)(proc_id + 1) << 56) | ((uint64_t)slot << 48) |
	       ((uint64_t)i << 40) | (next_rand(&self->rng) & 0xffffffffffULL);
}

static void check_word(int slot, int i, uint64_t w, uint64_t want, bool zero_ok)
{
	if (w && tag_of(w) != (uint64_t)proc_id + 1)
		fail("slot %d page %d shows %#llx, written by process %llu",
		     slot, i, (unsigned long long)w,
		     (unsigned long long)tag_of(w) - 1);
	if (w != want && !(zero_ok && w == 0))
		fail("slot %d page %d reads %#llx, want %#llx%s", slot, i,
		     (unsigned long long)w, (unsigned long long)want,
		     zero_ok ? " or 0" : "");
}

/* The words of a page: all equal, and the model's value (or zero). */
static void check_page(int slot, int i, const uint64_t w[NWORDS],
		       uint64_t want, bool zero_ok)
{
	for (int k = 0; k < NWORDS; k++)
		check_word(slot, i, w[k], want, zero_ok);
	if (w[0] != w[1] || w[1] != w[2])
		fail("slot %d page %d torn: %#llx %#llx %#llx", slot, i,
		     (unsigned long long)w[0], (unsigned long long)w[1],
		     (unsigned long long)w[2]);
}

/* An access raised SIGBUS: right only for a strict lazily freed page. */
static void sigbus_seen(struct page_model *m, int slot, int i, const char *op)
{
	if (!m->strict || m->state == PRESENT)
		fail("slot %d page %d: SIGBUS on %s, state %d strict %d",
		     slot, i, op, m->state, m->strict);
	m->state = DISCARDED;	/* known lost; MADV_REUSE counts it */
}

/* An access did not raise SIGBUS: wrong for a page known lost, strict. */
static void no_sigbus_seen(struct page_model *m, int slot, int i,
			   const char *op)
{
	/* (Unless peeked at since: a peek may have taken it back.) */
	if (m->state == DISCARDED && m->strict && !m->uncertain)
		fail("slot %d page %d: strict discarded page, %s without SIGBUS",
		     slot, i, op);
}

/* The owner reads page i: exact. */
static void op_read(struct slot *s, int slot, int i)
{
	struct page_model *m = &s->pg[i];
	uint64_t w[NWORDS];

	if (!load(page_addr(s, i), w)) {
		sigbus_seen(m, slot, i, "read");
		return;
	}
	no_sigbus_seen(m, slot, i, "read");
	check_page(slot, i, w, m->val,
		   m->state != PRESENT || m->uncertain || m->freed);
	/*
	 * A lazily freed page read back as zeros was discarded: the kernel
	 * remembers the loss for MADV_REUSE. Maybe only, if it never held
	 * data, if a peek may already have taken it back, or if MADV_FREE
	 * may have dropped it before MADV_LAZYFREE (no entry, no marker).
	 */
	if (m->state != PRESENT && !w[0]) {
		if (m->val && !m->uncertain && !m->freed)
			m->lost = true;
		else
			m->maybe_lost = true;
	}
	/*
	 * The fault took the page back, with its contents or as zeros. A
	 * read does not dirty it: MADV_FREE may still take what is left.
	 */
	m->freed = m->freed && w[0];
	m->val = w[0];
	m->state = PRESENT;
	m->uncertain = false;
}

/* Another thread's lazily freed page: look, without taking it back. */
static void op_peek(struct slot *s, int slot, int i)
{
	struct page_model *m = &s->pg[i];
	uint64_t w[NWORDS];

	if (!load(page_addr(s, i), w)) {
		sigbus_seen(m, slot, i, "peek");
		return;
	}
	for (int k = 0; k < NWORDS; k++)
		check_word(slot, i, w[k], m->val, true);
	/* A fault took it back, or a stale translation did not. */
	m->uncertain = true;
	if (m->state != PRESENT)
		m->maybe_lost = true;
}

static void op_write(struct slot *s, int slot, int i)
{
	struct page_model *m = &s->pg[i];
	uint64_t v = new_value(slot, i);

	if (!store(page_addr(s, i), v)) {
		sigbus_seen(m, slot, i, "write");
		return;
	}
	no_sigbus_seen(m, slot, i, "write");
	/* Over a discarded page, or not: the write does not tell. */
	if (m->state != PRESENT)
		m->maybe_lost = true;
	m->val = v;
	m->state = PRESENT;
	m->uncertain = false;
	m->freed = false;
}

static bool owned(struct page_model *m)
{
	return m->state == PRESENT || m->owner == self->id;
}

/*
 * MADV_REUSE over [a, b): the count must lie between the pages certainly
 * lost and those plus the uncertain ones; then every page reads its value
 * or zero, and is present again.
 */
static void check_reuse(struct slot *s, int slot, int a, int b, long n,
			const char *who)
{
	long lo = 0, hi = 0;

	for (int i = a; i < b; i++) {
		struct page_model *m = &s->pg[i];
		uint64_t w[NWORDS];

		if (!load(page_addr(s, i), w))
			fail("%s: slot %d page %d raises SIGBUS after MADV_REUSE",
			     who, slot, i);
		check_page(slot, i, w, m->val,
			   m->state != PRESENT || m->uncertain || m->freed);
		if (m->state == DISCARDED && !m->uncertain && w[0])
			fail("%s: slot %d page %d known discarded, reads %#llx",
			     who, slot, i, (unsigned long long)w[0]);
		/* Each page counts once, marker or remembered loss. */
		if (m->lost) {
			lo++;
			hi++;
		} else if (m->state != PRESENT && m->val && !w[0] &&
			   !m->uncertain && !m->freed) {
			lo++;
			hi++;
		} else if (m->state == DISCARDED && !m->uncertain &&
			   !m->freed) {
			lo++;
			hi++;
		} else if (m->uncertain || m->freed || m->maybe_lost) {
			hi++;
		} else if (s->huge && m->state != PRESENT) {
			/*
			 * A page of a THP was mapped, zero, since another
			 * page of it was written: lazily freed with it and
			 * discarded with it, its loss counts too.
			 */
			hi++;
		}
		m->lost = false;
		m->maybe_lost = false;
		/* Taken back dirty, or never lazily freed: FREE may hold it. */
		m->freed = m->freed && w[0];
		m->val = w[0];
		m->state = PRESENT;
		m->uncertain = false;
	}
	if (n < lo || n > hi)
		fail("%s: MADV_REUSE of slot %d pages %d-%d returned %ld, want %ld..%ld",
		     who, slot, a, b - 1, n, lo, hi);
}

static void op_reuse(struct slot *s, int slot, int a, int b)
{
	long n = madvise(page_addr(s, a), (b - a) * psz, MADV_REUSE);

	if (n < 0)
		fail("MADV_REUSE: %s", strerror(errno));
	check_reuse(s, slot, a, b, n, "reuse");
}

static void op_lazyfree(struct slot *s, int slot, int a, int b, bool strict)
{
	if (madvise(page_addr(s, a), (b - a) * psz,
		    strict ? MADV_LAZYFREE_STRICT : MADV_LAZYFREE))
		fail("MADV_LAZYFREE%s: %s", strict ? "_STRICT" : "",
		     strerror(errno));
	for (int i = a; i < b; i++) {
		struct page_model *m = &s->pg[i];

		if (m->state == PRESENT)
			m->state = LAZY;
		m->strict = strict;
		m->owner = self->id;
	}
}

static void op_dontneed(struct slot *s, int slot, int a, int b)
{
	if (madvise(page_addr(s, a), (b - a) * psz, MADV_DONTNEED))
		fail("MADV_DONTNEED: %s", strerror(errno));
	for (int i = a; i < b; i++)
		s->pg[i] = (struct page_model){ .state = PRESENT };
}

static void op_free(struct slot *s, int slot, int a, int b)
{
	if (madvise(page_addr(s, a), (b - a) * psz, MADV_FREE))
		fail("MADV_FREE: %s", strerror(errno));
	/*
	 * Present pages may be discarded, uncounted; lazily freed ones stay.
	 * A page the model holds lazily freed may be present (MADV_LAZYFREE
	 * leaves shared pages, and pages off the LRU, as they are).
	 */
	for (int i = a; i < b; i++)
		if (s->pg[i].val)
			s->pg[i].freed = true;
}

/* Replace the slot's mapping with a fresh one: an munmap under it. */
static void op_remap_fresh(struct slot *s, int slot)
{
	if (mmap(page_addr(s, 0), s->npages * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		fail("mmap MAP_FIXED: %s", strerror(errno));
	madvise(page_addr(s, 0), s->npages * psz,
		s->huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(s->pg, 0, sizeof(s->pg));
}

/* Move the slot to its other half; the entries move with the pages. */
static void op_mremap(struct slot *s, int slot)
{
	char *from = page_addr(s, 0);
	char *to = s->base + (size_t)(1 - s->half) * s->npages * psz;

	if (mremap(from, s->npages * psz, s->npages * psz,
		   MREMAP_MAYMOVE | MREMAP_FIXED, to) != to)
		fail("mremap: %s", strerror(errno));
	s->half = 1 - s->half;
	/* Never leave a hole another thread's mmap could land in. */
	if (mmap(from, s->npages * psz, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		 -1, 0) == MAP_FAILED)
		fail("mmap PROT_NONE: %s", strerror(errno));
}

static void op_mprotect(struct slot *s, int slot)
{
	if (mprotect(page_addr(s, 0), s->npages * psz, PROT_READ))
		fail("mprotect: %s", strerror(errno));
	for (int i = 0; i < s->npages; i++) {
		struct page_model *m = &s->pg[i];

		if (owned(m))
			op_read(s, slot, i);
	}
	if (mprotect(page_addr(s, 0), s->npages * psz, PROT_READ | PROT_WRITE))
		fail("mprotect: %s", strerror(errno));
}

/*
 * The child sees the slot as the parent had it. Lazily freed pages are
 * shared, lazily freed in both: the child's MADV_REUSE finds each intact
 * or discarded (zeros, counted), and the model allows either; a page that
 * could not be shared is discarded in the child. Only the forking thread
 * runs in the child.
 */
static void op_fork(struct slot *s, int slot)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		long n = madvise(page_addr(s, 0), s->npages * psz, MADV_REUSE);

		if (n < 0)
			fail("child: MADV_REUSE: %s", strerror(errno));
		check_reuse(s, slot, 0, s->npages, n, "child");
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("fork child of slot %d failed (status %#x)", slot, status);
}

static void one_op(void)
{
	int slot = rnd(SLOTS), op = rnd(100), a, b;
	struct slot *s = &slots[slot];

	a = rnd(s->npages);
	b = a + 1 + rnd(s->npages - a);
	/* A huge slot: half of the time the whole THP, at the PMD. */
	if (s->huge && rnd(2)) {
		a = 0;
		b = s->npages;
	}
	pthread_mutex_lock(&s->lock);
	cur_slot = s;
	if (op < 40) {
		/* Only peek at pages another thread lazily freed. */
		bool write = op < 22;

		trace("%s slot %d pages %d-%d", write ? "write" : "read",
		      slot, a, b - 1);
		for (int i = a; i < b; i++) {
			if (!owned(&s->pg[i]))
				op_peek(s, slot, i);
			else if (write)
				op_write(s, slot, i);
			else
				op_read(s, slot, i);
		}
	} else if (op < 55) {
		trace("lazyfree slot %d pages %d-%d", slot, a, b - 1);
		op_lazyfree(s, slot, a, b, false);
	} else if (op < 62) {
		trace("lazyfree_strict slot %d pages %d-%d", slot, a, b - 1);
		op_lazyfree(s, slot, a, b, true);
	} else if (op < 78) {
		trace("reuse slot %d pages %d-%d", slot, a, b - 1);
		op_reuse(s, slot, a, b);
	} else if (op < 82) {
		trace("dontneed slot %d pages %d-%d", slot, a, b - 1);
		op_dontneed(s, slot, a, b);
	} else if (op < 86) {
		trace("free slot %d pages %d-%d", slot, a, b - 1);
		op_free(s, slot, a, b);
	} else if (op < 90) {
		trace("mremap slot %d", slot);
		op_mremap(s, slot);
	} else if (op < 94) {
		trace("mprotect slot %d", slot);
		op_mprotect(s, slot);
	} else if (op < 97) {
		trace("mmap fresh slot %d", slot);
		op_remap_fresh(s, slot);
	} else {
		trace("fork slot %d", slot);
		op_fork(s, slot);
	}
	cur_slot = NULL;
	pthread_mutex_unlock(&s->lock);
}

static void *worker(void *arg)
{
	self = arg;
	for (self->done = 0; self->done < opt.ops && !stop; self->done++) {
		one_op();
		if (opt.seconds && !(self->done & 63) && time(NULL) >= deadline)
			break;
	}
	return NULL;
}

/* One worker process: its slots, its threads; prints the operations run. */
static int run_process(int id, int fd_out)
{
	struct thread th[MAX_THREADS] = {};
	pthread_t tid[MAX_THREADS];
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	long total = 0;
	int t, err = 0;
	/* Huge slots where a THP is HUGE_PAGES pages and THP can be had. */
	bool huge_ok = thp_pages() == HUGE_PAGES;

	proc_id = id;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];

		size_t align;

		pthread_mutex_init(&s->lock, NULL);
		s->huge = i < HUGE_SLOTS && huge_ok;
		s->npages = s->huge ? HUGE_PAGES : SLOT_PAGES;
		/* Both halves PMD-aligned: mremap moves the PMD whole. */
		align = s->huge ? HUGE_PAGES * psz : psz;
		s->base = mmap(NULL, 2 * s->npages * psz + align, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (s->base == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		s->base = (char *)(((uintptr_t)s->base + align - 1) & ~(align - 1));
		s->half = 0;
		if (mmap(s->base, s->npages * psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(s->base, s->npages * psz,
			s->huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	}
	for (t = 0; t < opt.threads; t++) {
		th[t].id = t;
		th[t].rng = opt.seed * 1000003 + (uint64_t)id * 1009 + t;
		err = pthread_create(&tid[t], NULL, worker, &th[t]);
		if (err) {
			fprintf(stderr, "lffuzz: pthread_create: %s\n", strerror(err));
			stop = 1;
			break;
		}
	}
	for (int i = 0; i < t; i++) {
		pthread_join(tid[i], NULL);
		total += th[i].done;
	}
	if (err || write(fd_out, &total, sizeof(total)) != sizeof(total))
		return 1;
	return 0;
}

/* The workers' memory cgroup, squeezed with memory.reclaim. */
static char cg[256];

static void usage(void)
{
	fprintf(stderr, "usage: lffuzz [-s SEED] [-n OPS] [-T SECONDS] [-p PROCS] [-t THREADS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long long discarded = t_vmstat("lazyfree_discarded");
	long long lost = t_vmstat("lazyfree_reuse_lost");
	long total = 0, squeezes = 0;
	int c, fds[2], failed = 0, started;
	char name[32];
	pid_t pids[16];
	bool have_cg, squeeze, ops_set = false;

	while ((c = getopt(argc, argv, "s:n:T:p:t:")) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'n': opt.ops = atol(optarg); ops_set = true; break;
		case 'T': opt.seconds = atoi(optarg); break;
		case 'p': opt.procs = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		default: usage();
		}
	}
	if (opt.procs < 1 || opt.procs > 16 || opt.threads < 1 ||
	    opt.threads > MAX_THREADS || optind != argc)
		usage();
	/* -T alone: as many operations as fit. */
	if (opt.seconds && !ops_set)
		opt.ops = __LONG_MAX__;
	psz = sysconf(_SC_PAGESIZE);
	deadline = time(NULL) + opt.seconds;

	/* Is there anything to fuzz? */
	{
		char *p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("lffuzz: mmap");
			return 1;
		}
		if (madvise(p, psz, MADV_LAZYFREE) ||
		    madvise(p, psz, MADV_LAZYFREE_STRICT)) {
			printf("lffuzz: SKIP: no MADV_LAZYFREE_STRICT here (%s)\n",
			       strerror(errno));
			return 4;
		}
		munmap(p, psz);
	}
	if (pipe(fds)) {
		perror("lffuzz: pipe");
		return 1;
	}
	snprintf(name, sizeof(name), "lffuzz-%d", getpid());
	have_cg = t_cg_create(name, cg, sizeof(cg)) == 0;
	if (!have_cg)
		printf("lffuzz: no memory cgroup (%s): reclaim will not squeeze\n",
		       strerror(errno));
	squeeze = have_cg;
	printf("lffuzz: seed %llu, %d processes x %d threads, ",
	       (unsigned long long)opt.seed, opt.procs, opt.threads);
	if (opt.ops == __LONG_MAX__)
		printf("for %d s\n", opt.seconds);
	else
		printf("%ld operations each%s\n", opt.ops,
		       opt.seconds ? " or until the time is up" : "");
	fflush(stdout);
	for (started = 0; started < opt.procs; started++) {
		pids[started] = fork();
		if (pids[started] < 0) {
			/* The workers started finish on their own: wait for them. */
			printf("lffuzz: fork: %s\n", strerror(errno));
			failed = 1;
			break;
		}
		if (pids[started] == 0) {
			close(fds[0]);
			if (have_cg && t_cg_enter(cg)) {
				fprintf(stderr, "lffuzz: cannot enter %s: %s\n", cg,
					strerror(errno));
				_exit(1);
			}
			_exit(run_process(started, fds[1]));
		}
	}
	close(fds[1]);
	/* Squeeze until every worker is done. */
	for (int left = started; left > 0;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid < 0) {
			printf("lffuzz: waitpid: %s\n", strerror(errno));
			failed = 1;
			break;
		}
		if (pid > 0) {
			left--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				failed = 1;
				printf("lffuzz: worker %d failed (status %#x)\n",
				       pid, status);
			}
			continue;
		}
		/* EAGAIN when less could be reclaimed: not an error. */
		if (squeeze) {
			if (t_cg_write(cg, "memory.reclaim", "2M") &&
			    errno != EAGAIN) {
				printf("lffuzz: memory.reclaim: %s: reclaim stops squeezing\n",
				       strerror(errno));
				squeeze = false;
			}
			squeezes++;
		}
		usleep(20000);
	}
	for (long n; read(fds[0], &n, sizeof(n)) == sizeof(n);)
		total += n;
	if (have_cg)
		t_cg_destroy(cg);
	printf("lffuzz: seed %llu: %ld operations, %d failures; %ld squeezes, %lld pages discarded, %lld reported lost by MADV_REUSE\n",
	       (unsigned long long)opt.seed, total, failed, squeezes,
	       t_vmstat("lazyfree_discarded") - discarded,
	       t_vmstat("lazyfree_reuse_lost") - lost);
	return failed;
}
