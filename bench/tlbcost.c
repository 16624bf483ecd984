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
 *   tlbcost [-k pages] [-w bytes] [-n cycles] [-s siblings,...] [-m mode,...] [-c]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "testlib.h"

struct mode {
	const char *name;
	int advice;		/* -1: never give back */
	int reuse;		/* -1: take back by touching */
	bool free_lazy;		/* PR_SET_MADV_FREE_LAZY on */
};

static const struct mode modes[] = {
	{ "none", -1, -1, false },
	{ "dontneed", MADV_DONTNEED, -1, false },
	{ "free", MADV_FREE, -1, false },
	{ "free-lazy", MADV_FREE, -1, true },
	{ "lazyfree+reuse", MADV_LAZYFREE, MADV_REUSE, false },
	{ "lazyfree+fault", MADV_LAZYFREE, -1, false },
};

#define NMODES (sizeof(modes) / sizeof(modes[0]))

struct result {
	double shootdowns, faults, ns;
};

static size_t wbytes = 1;	/* written per page per cycle */

static int run(const struct mode *m, char *p, size_t k, int cycles,
	       struct result *r)
{
	unsigned long long t0[T_MAX_CPUS], t1[T_MAX_CPUS];
	long long f0, f1;
	uint64_t start;
	int n;

	if (prctl(PR_SET_MADV_FREE_LAZY, m->free_lazy ? PR_MADV_FREE_LAZY_ON :
		  PR_MADV_FREE_LAZY_DEFAULT, 0, 0, 0) && m->free_lazy)
		return -1;
	/* Warm up: the first touch of the buffer is not part of a cycle. */
	memset(p, 1, k * t_page());
	n = t_tlb_shootdowns(t0, T_MAX_CPUS);
	if (n < 0)
		return -1;
	t_faults(&f0, NULL);
	start = t_now_ns();
	for (int i = 0; i < cycles; i++) {
		for (size_t j = 0; j < k; j++) {
			if (wbytes == 1)
				p[j * t_page()] = (char)i;
			else
				memset(p + j * t_page(), i, wbytes);
		}
		if (m->advice >= 0 && madvise(p, k * t_page(), m->advice))
			return -1;
		/* MADV_REUSE returns the number of pages discarded. */
		if (m->reuse >= 0 && madvise(p, k * t_page(), m->reuse) < 0)
			return -1;
	}
	r->ns = (double)(t_now_ns() - start) / cycles;
	t_faults(&f1, NULL);
	if (t_tlb_shootdowns(t1, T_MAX_CPUS) < n)
		return -1;
	r->shootdowns = (double)(t_sum(t1, 0, n) - t_sum(t0, 0, n)) / cycles;
	r->faults = (double)(f1 - f0) / cycles;
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
		"[-m mode,...] [-c]\nmodes:");
	for (size_t i = 0; i < NMODES; i++)
		fprintf(stderr, " %s", modes[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int sibs[8] = { 1, 3 }, nsibs = 2, cycles = 2000, csv = 0, opt;
	bool want[NMODES];
	size_t k = 16;
	char *p;

	for (size_t i = 0; i < NMODES; i++)
		want[i] = true;
	while ((opt = getopt(argc, argv, "k:w:n:s:m:ch")) != -1) {
		switch (opt) {
		case 'k': k = strtoul(optarg, NULL, 0); break;
		case 'w': wbytes = strtoul(optarg, NULL, 0); break;
		case 'n': cycles = atoi(optarg); break;
		case 's': nsibs = parse_list(optarg, sibs, 8); break;
		case 'c': csv = 1; break;
		case 'm':
			for (size_t i = 0; i < NMODES; i++)
				want[i] = in_list(optarg, modes[i].name);
			want[0] = true;	/* the reference for the ratios */
			break;
		default: usage();
		}
	}
	if (!k || cycles <= 0 || !wbytes || wbytes > (size_t)t_page())
		usage();

	p = t_map(k);
	if (p == MAP_FAILED || t_pin_self(0)) {
		perror("tlbcost");
		return 1;
	}
	if (csv)
		printf("mode,siblings,pages,cycles,shootdowns_per_cycle,"
		       "faults_per_cycle,ns_per_cycle,time_vs_none\n");
	else
		printf("tlbcost: %d CPUs, %zu pages written per cycle, %d cycles\n"
		       "%-15s %8s %18s %14s %10s\n", t_ncpus(), k, cycles,
		       "mode", "siblings", "shootdowns/cycle", "faults/cycle",
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
			if (run(&modes[i], p, k, cycles, &r)) {
				fprintf(stderr, "tlbcost: %s: %s\n", modes[i].name,
					strerror(errno));
				t_siblings_stop(sib);
				return 1;
			}
			if (i == 0)
				none = r;
			if (csv)
				printf("%s,%d,%zu,%d,%.3f,%.3f,%.0f,%.3f\n",
				       modes[i].name, sibs[s], k, cycles,
				       r.shootdowns, r.faults, r.ns, r.ns / none.ns);
			else
				printf("%-15s %8d %18.2f %14.2f %10.2f\n",
				       modes[i].name, sibs[s], r.shootdowns,
				       r.faults, r.ns / none.ns);
		}
		t_siblings_stop(sib);
	}
	return 0;
}
