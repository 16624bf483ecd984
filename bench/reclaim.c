// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim: what it costs the kernel to take lazily freed memory back.
 *
 * The process writes M MiB, gives it back (MADV_FREE or MADV_LAZYFREE)
 * while sibling threads run on the other CPUs, then squeezes its own memory
 * cgroup (memory.reclaim) until the kernel has discarded what it can. It
 * prints, per mode, the MiB discarded, the TLB shootdown IPIs received by
 * all CPUs (from /proc/interrupts) while giving back and while discarding,
 * the discard IPIs per MiB, and lazyfree's own IPI counters (/proc/vmstat).
 *
 * "free-lazy" is MADV_FREE with PR_SET_MADV_FREE_LAZY on: it still flushes
 * at the call, and its pages are then discarded as lazily freed ones.
 *
 * Siblings either spin in user space ("spin": they never switch, so they
 * never catch up with a TLB generation on their own) or ping-pong in pairs
 * through a pipe on one CPU ("switch": every switch between two threads of
 * the process catches the CPU up). Counts are exact; no time is printed.
 *
 *   reclaim [-m MiB] [-s siblings] [-c]     (-c: CSV)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "testlib.h"

struct mode {
	const char *name;
	int advice;
	bool switching;
	bool free_lazy;		/* PR_SET_MADV_FREE_LAZY on for the call */
};

static const struct mode modes[] = {
	{ "free/spin", MADV_FREE, false, false },
	{ "free/switch", MADV_FREE, true, false },
	{ "free-lazy/spin", MADV_FREE, false, true },
	{ "free-lazy/switch", MADV_FREE, true, true },
	{ "lazyfree/spin", MADV_LAZYFREE, false, false },
	{ "lazyfree/switch", MADV_LAZYFREE, true, false },
};

#define NMODES (sizeof(modes) / sizeof(modes[0]))

/* Switching siblings: two threads per CPU passing a byte back and forth. */
struct pair {
	pthread_t tid[2];
	int nthreads;		/* started */
	int ab[2], ba[2];
	int cpu;
	struct end {
		struct pair *p;
		int me;
	} end[2];
};

static volatile int stop;

static void *pong(void *arg)
{
	struct end *e = arg;
	struct pair *p = e->p;
	int me = e->me;
	int in = me ? p->ab[0] : p->ba[0], out = me ? p->ba[1] : p->ab[1];
	char c = 0;

	t_pin_self(p->cpu);
	if (!me && write(out, &c, 1) != 1)
		return NULL;
	while (!stop) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			break;
	}
	return NULL;
}

static void pairs_stop(struct pair *ps, int n)
{
	stop = 1;
	for (int i = 0; i < n; i++) {
		/* Unblock both ends, then reap. */
		close(ps[i].ab[1]);
		close(ps[i].ba[1]);
		for (int j = 0; j < ps[i].nthreads; j++)
			pthread_join(ps[i].tid[j], NULL);
		close(ps[i].ab[0]);
		close(ps[i].ba[0]);
	}
	free(ps);
}

/* NULL, with errno set, if a pipe or a thread cannot be made. */
static struct pair *pairs_start(int n, int first_cpu)
{
	struct pair *ps = calloc(n, sizeof(*ps));
	int i, err;

	if (!ps)
		return NULL;
	stop = 0;
	for (i = 0; i < n; i++) {
		ps[i].cpu = first_cpu + i;
		/* -1 until made: pairs_stop() closes all four. */
		ps[i].ab[0] = ps[i].ab[1] = ps[i].ba[0] = ps[i].ba[1] = -1;
		if (pipe(ps[i].ab) || pipe(ps[i].ba)) {
			err = errno;
			goto fail;
		}
		for (int j = 0; j < 2; j++) {
			ps[i].end[j] = (struct end){ &ps[i], j };
			err = pthread_create(&ps[i].tid[j], NULL, pong, &ps[i].end[j]);
			if (err)
				goto fail;
			ps[i].nthreads++;
		}
	}
	usleep(50000);
	return ps;
fail:
	pairs_stop(ps, i + 1);
	errno = err;
	return NULL;
}

struct result {
	double mib;			/* discarded */
	unsigned long long give_ipis, discard_ipis;
	long long sent, avoided;
};

static unsigned long long shootdowns(void)
{
	unsigned long long c[T_MAX_CPUS];
	int n = t_tlb_shootdowns(c, T_MAX_CPUS);

	return n < 0 ? 0 : t_sum(c, 0, n);
}

static long long discarded_pages(void)
{
	/* MADV_FREE pages reclaim freed, and lazily freed ones (counted in both). */
	return t_vmstat("pglazyfreed");
}

static int run(const struct mode *m, const char *cg, size_t mib, int siblings,
	       struct result *r)
{
	size_t len = mib << 20;
	struct t_siblings *spin = NULL;
	struct pair *pairs = NULL;
	unsigned long long t0, t1, t2;
	long long d0, s0, a0;
	int ret = -1, err;
	char arg[32];
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, len, MADV_NOHUGEPAGE);
	if (m->switching)
		pairs = pairs_start(siblings, 1);
	else
		spin = t_siblings_start(siblings, 1);
	if (!pairs && !spin)
		goto out;
	memset(p, 0x5a, len);

	if (m->free_lazy &&
	    prctl(PR_SET_MADV_FREE_LAZY, PR_MADV_FREE_LAZY_ON, 0, 0, 0))
		goto out;
	t0 = shootdowns();
	if (madvise(p, len, m->advice)) {
		err = errno;
		prctl(PR_SET_MADV_FREE_LAZY, PR_MADV_FREE_LAZY_DEFAULT, 0, 0, 0);
		errno = err;
		goto out;
	}
	t1 = shootdowns();
	prctl(PR_SET_MADV_FREE_LAZY, PR_MADV_FREE_LAZY_DEFAULT, 0, 0, 0);
	d0 = discarded_pages();
	s0 = t_vmstat("lazyfree_ipis_sent");
	a0 = t_vmstat("lazyfree_ipis_avoided");
	/* Squeeze until reclaim finds nothing more to take. */
	snprintf(arg, sizeof(arg), "%zuM", mib);
	for (int i = 0; i < 8; i++) {
		long long before = discarded_pages();

		/* EAGAIN: it reclaimed less than asked, the end of a squeeze. */
		if (t_cg_write(cg, "memory.reclaim", arg) && errno != EAGAIN)
			goto out;
		if (discarded_pages() == before)
			break;
	}
	t2 = shootdowns();
	r->mib = (double)(discarded_pages() - d0) * t_page() / (1 << 20);
	r->give_ipis = t1 - t0;
	r->discard_ipis = t2 - t1;
	r->sent = t_vmstat("lazyfree_ipis_sent") - s0;
	r->avoided = t_vmstat("lazyfree_ipis_avoided") - a0;
	ret = 0;
out:
	err = errno;	/* for the caller's message */
	if (pairs)
		pairs_stop(pairs, siblings);
	else
		t_siblings_stop(spin);
	munmap(p, len);
	errno = err;
	return ret;
}

int main(int argc, char **argv)
{
	size_t mib = 64;
	int siblings = -1, c;
	bool csv = false;
	char cg[256], name[64];

	while ((c = getopt(argc, argv, "m:s:c")) != -1) {
		switch (c) {
		case 'm': mib = strtoul(optarg, NULL, 0); break;
		case 's': siblings = atoi(optarg); break;
		case 'c': csv = true; break;
		default:
			fprintf(stderr, "usage: reclaim [-m MiB] [-s siblings] [-c]\n");
			return 2;
		}
	}
	if (siblings < 0)
		siblings = t_ncpus() - 1;
	if (siblings < 1 || siblings + 1 > t_ncpus()) {
		printf("reclaim: SKIP: needs %d CPUs\n", siblings + 1);
		return 4;
	}
	if (t_swap_active())
		printf("reclaim: note: swap is on; MADV_FREE pages are never written to it\n");
	snprintf(name, sizeof(name), "lazyfree-reclaim-%d", getpid());
	if (t_cg_create(name, cg, sizeof(cg))) {
		printf("reclaim: SKIP: no memory cgroup: %s\n", strerror(errno));
		return 4;
	}
	if (t_cg_enter(cg)) {
		printf("reclaim: SKIP: cannot enter %s: %s\n", cg, strerror(errno));
		t_cg_destroy(cg);
		return 4;
	}
	if (t_pin_self(0)) {
		printf("reclaim: cannot run on CPU 0: %s\n", strerror(errno));
		t_cg_destroy(cg);
		return 1;
	}
	if (csv)
		printf("mode,siblings,mib_discarded,ipis_give_back,ipis_discard,ipis_per_mib,lazyfree_ipis_sent,lazyfree_ipis_avoided\n");
	else
		printf("%d MiB given back, %d sibling CPUs; IPIs = TLB shootdowns received by all CPUs\n"
		       "%-16s %9s %10s %10s %9s %9s %9s\n", (int)mib, siblings,
		       "mode", "MiB disc.", "IPIs give", "IPIs disc.", "IPIs/MiB",
		       "lf sent", "lf avoid.");
	for (size_t i = 0; i < NMODES; i++) {
		struct result r;

		if (run(&modes[i], cg, mib, siblings, &r)) {
			printf("%s: %s\n", modes[i].name, strerror(errno));
			t_cg_destroy(cg);
			return 1;
		}
		double per = r.mib > 0 ? r.discard_ipis / r.mib : 0;

		if (csv)
			printf("%s,%d,%.2f,%llu,%llu,%.2f,%lld,%lld\n", modes[i].name,
			       siblings, r.mib, r.give_ipis, r.discard_ipis, per,
			       r.sent, r.avoided);
		else
			printf("%-16s %9.2f %10llu %10llu %9.2f %9lld %9lld\n",
			       modes[i].name, r.mib, r.give_ipis, r.discard_ipis,
			       per, r.sent, r.avoided);
	}
	t_cg_destroy(cg);
	return 0;
}
