// SPDX-License-Identifier: GPL-2.0
/*
 * tlbcost: what it costs an allocator to give memory back and take it again.
 *
 * Sibling threads of this process spin on other CPUs, so that the mm is
 * live there, as in a threaded server. The measuring thread, on CPU 0,
 * loops: write K pages (one byte each, or W bytes with -w: an allocator's
 * caller fills what it allocated), give them back, take them back ("free-lazy" is
 * MADV_FREE with PR_SET_MADV_FREE_LAZY on). For each way of
 * giving memory back it prints, per cycle, the TLB shootdown IPIs received
 * by all CPUs (from /proc/interrupts), the page faults taken by the process
 * and the time as a ratio to the "none" mode (never give memory back) of the
 * same run. Counts are exact; times under emulation are only comparable
 * within one run.
 *
 * -H: huge pages. The K pages are one 2 MiB-aligned range with THP on
 * (MADV_HUGEPAGE), K a multiple of 512 (default 512), and the PMD splits
 * (thp_split_pmd) per cycle are counted: giving back a huge page should not
 * split it, nor should taking it back cost 512 faults.
 *
 * -b N: batched. N ranges of K pages each, a gap of K pages between two,
 * are written and given back every cycle: one call per range for the plain
 * modes, one process_madvise() for all of them for the "-vec" ones. The
 * system calls per cycle are counted as they are made.
 *
 *   tlbcost [-k pages] [-w bytes] [-n cycles] [-s siblings,...] [-m mode,...]
 *           [-H] [-b ranges] [-c]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "testlib.h"

struct mode {
	const char *name;
	int advice;		/* -1: never give back */
	int reuse;		/* -1: take back by touching */
	bool free_lazy;		/* PR_SET_MADV_FREE_LAZY on */
	bool vec;		/* one process_madvise() per cycle (-b) */
};

static const struct mode modes[] = {
	{ "none", -1, -1, false, false },
	{ "dontneed", MADV_DONTNEED, -1, false, false },
	{ "free", MADV_FREE, -1, false, false },
	{ "free-lazy", MADV_FREE, -1, true, false },
	{ "lazyfree+reuse", MADV_LAZYFREE, MADV_REUSE, false, false },
	{ "lazyfree+fault", MADV_LAZYFREE, -1, false, false },
	{ "dontneed-vec", MADV_DONTNEED, -1, false, true },
	{ "lazyfree+reuse-vec", MADV_LAZYFREE, MADV_REUSE, false, true },
};

#ifndef PMADV_REPORT_LOST
#define PMADV_REPORT_LOST	0x01
#endif

#define NMODES (sizeof(modes) / sizeof(modes[0]))

struct result {
	double shootdowns, faults, splits, syscalls, ns;
};

static size_t wbytes = 1;	/* written per page per cycle */
static int nranges = 1;		/* -b: ranges given back per cycle */
static struct iovec *iov;	/* the ranges */
static int pidfd = -1;		/* this process, for process_madvise() */

/* Give back or take back every range: per range, or in one call. */
static long advise(const struct mode *m, int advice, long *calls)
{
	long ret = 0, r;

	if (m->vec) {
		(*calls)++;
		return syscall(SYS_process_madvise, pidfd, iov, nranges, advice,
			       advice == MADV_REUSE ? PMADV_REPORT_LOST : 0);
	}
	for (int i = 0; i < nranges; i++) {
		(*calls)++;
		/* MADV_REUSE returns the number of pages discarded. */
		r = madvise(iov[i].iov_base, iov[i].iov_len, advice);
		if (r < 0)
			return r;
		ret += r;
	}
	return ret;
}

static int run(const struct mode *m, size_t k, int cycles, struct result *r)
{
	unsigned long long t0[T_MAX_CPUS], t1[T_MAX_CPUS];
	long long f0, f1, s0, s1;
	long calls = 0;
	uint64_t start;
	int n;

	if (prctl(PR_SET_MADV_FREE_LAZY, m->free_lazy ? PR_MADV_FREE_LAZY_ON :
		  PR_MADV_FREE_LAZY_DEFAULT, 0, 0, 0) && m->free_lazy)
		return -1;
	/* Warm up: the first touch of the buffer is not part of a cycle. */
	for (int i = 0; i < nranges; i++)
		memset(iov[i].iov_base, 1, iov[i].iov_len);
	n = t_tlb_shootdowns(t0, T_MAX_CPUS);
	if (n < 0)
		return -1;
	t_faults(&f0, NULL);
	s0 = t_vmstat("thp_split_pmd");
	start = t_now_ns();
	for (int i = 0; i < cycles; i++) {
		for (int b = 0; b < nranges; b++) {
			char *p = iov[b].iov_base;

			for (size_t j = 0; j < k; j++) {
				if (wbytes == 1)
					p[j * t_page()] = (char)i;
				else
					memset(p + j * t_page(), i, wbytes);
			}
		}
		if (m->advice >= 0 && advise(m, m->advice, &calls) < 0)
			return -1;
		if (m->reuse >= 0 && advise(m, m->reuse, &calls) < 0)
			return -1;
	}
	r->ns = (double)(t_now_ns() - start) / cycles;
	t_faults(&f1, NULL);
	s1 = t_vmstat("thp_split_pmd");
	if (t_tlb_shootdowns(t1, T_MAX_CPUS) < n)
		return -1;
	r->shootdowns = (double)(t_sum(t1, 0, n) - t_sum(t0, 0, n)) / cycles;
	r->faults = (double)(f1 - f0) / cycles;
	/* A kernel without THP has no such counter: no splits. */
	r->splits = s0 < 0 || s1 < 0 ? 0 : (double)(s1 - s0) / cycles;
	r->syscalls = (double)calls / cycles;
	return 0;
}

/*
 * The ranges: @n of @k pages, a gap of @k pages after each so that no two
 * merge into one. With @huge, each starts on a PMD boundary and has THP on.
 */
static int map_ranges(size_t k, int n, bool huge)
{
	size_t len = k * t_page(), align = huge ? 512 * t_page() : t_page();
	size_t total = 2 * len * n + align;
	char *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	p = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (madvise(p, 2 * len * n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) &&
	    huge)
		return -1;
	iov = calloc(n, sizeof(*iov));
	if (!iov)
		return -1;
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = p + 2 * len * i;
		iov[i].iov_len = len;
	}
	return 0;
}

static int parse_list(char *s, int *out, int max)
{
	int n = 0;

	for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
		out[n++] = atoi(tok);
	return n;
}

/* Whether @name is one of the comma-separated words of @list. */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static void usage(void)
{
	fprintf(stderr, "usage: tlbcost [-k pages] [-w bytes] [-n cycles] [-s siblings,...] "
		"[-m mode,...] [-H] [-b ranges] [-c]\nmodes:");
	for (size_t i = 0; i < NMODES; i++)
		fprintf(stderr, " %s", modes[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int sibs[8] = { 1, 3 }, nsibs = 2, cycles = 2000, csv = 0, opt;
	bool want[NMODES], huge = false, mset = false;
	size_t k = 0;

	while ((opt = getopt(argc, argv, "k:w:n:s:m:Hb:ch")) != -1) {
		switch (opt) {
		case 'k': k = strtoul(optarg, NULL, 0); break;
		case 'w': wbytes = strtoul(optarg, NULL, 0); break;
		case 'n': cycles = atoi(optarg); break;
		case 's': nsibs = parse_list(optarg, sibs, 8); break;
		case 'H': huge = true; break;
		case 'b': nranges = atoi(optarg); break;
		case 'c': csv = 1; break;
		case 'm':
			for (size_t i = 0; i < NMODES; i++)
				want[i] = in_list(optarg, modes[i].name);
			want[0] = true;	/* the reference for the ratios */
			mset = true;
			break;
		default: usage();
		}
	}
	if (!k)
		k = huge ? 512 : 16;
	if (cycles <= 0 || !wbytes || wbytes > (size_t)t_page() || nranges < 1 ||
	    nranges > 1024 || (huge && k % 512))
		usage();
	/* By default, the vectored modes where there is a vector (-b). */
	for (size_t i = 0; i < NMODES && !mset; i++)
		want[i] = !modes[i].vec || nranges > 1;

	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (map_ranges(k, nranges, huge) || t_pin_self(0)) {
		perror("tlbcost");
		return 1;
	}
	if (csv)
		printf("mode,siblings,pages,cycles,shootdowns_per_cycle,"
		       "faults_per_cycle,ns_per_cycle,time_vs_none,"
		       "splits_per_cycle,syscalls_per_cycle,ranges,huge\n");
	else
		printf("tlbcost: %d CPUs, %d range(s) of %zu %s written per cycle, "
		       "%d cycles\n%-19s %8s %18s %14s %13s %15s %10s\n",
		       t_ncpus(), nranges, k, huge ? "pages (THP)" : "pages",
		       cycles, "mode", "siblings", "shootdowns/cycle",
		       "faults/cycle", "splits/cycle", "syscalls/cycle",
		       "time/none");
	for (int s = 0; s < nsibs; s++) {
		struct t_siblings *sib;
		struct result none;

		if (sibs[s] + 1 > t_ncpus()) {
			fprintf(stderr, "tlbcost: %d siblings need %d CPUs, skipped\n",
				sibs[s], sibs[s] + 1);
			continue;
		}
		sib = t_siblings_start(sibs[s], 1);
		if (!sib) {
			perror("tlbcost: siblings");
			return 1;
		}
		for (size_t i = 0; i < NMODES; i++) {
			struct result r;

			if (!want[i])
				continue;
			if (run(&modes[i], k, cycles, &r)) {
				fprintf(stderr, "tlbcost: %s: %s\n", modes[i].name,
					strerror(errno));
				t_siblings_stop(sib);
				return 1;
			}
			if (i == 0)
				none = r;
			if (csv)
				printf("%s,%d,%zu,%d,%.3f,%.3f,%.0f,%.3f,%.3f,%.3f,%d,%d\n",
				       modes[i].name, sibs[s], k, cycles,
				       r.shootdowns, r.faults, r.ns, r.ns / none.ns,
				       r.splits, r.syscalls, nranges, huge);
			else
				printf("%-19s %8d %18.2f %14.2f %13.2f %15.2f %10.2f\n",
				       modes[i].name, sibs[s], r.shootdowns,
				       r.faults, r.splits, r.syscalls,
				       r.ns / none.ns);
		}
		t_siblings_stop(sib);
	}
	return 0;
}
