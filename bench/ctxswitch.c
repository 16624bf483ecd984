// SPDX-License-Identifier: GPL-2.0
/*
 * ctxswitch: what MADV_LAZYFREE costs the context switch.
 *
 * A process that used MADV_LAZYFREE makes every switch between two of its
 * threads compare the CPU's TLB generation with the process' (x86), so that
 * a thread never runs on translations older than its own MADV_LAZYFREE.
 * Two threads pinned to one CPU ping-pong a byte through a pair of pipes:
 * each round trip is two such switches. Modes, each in a fresh process:
 *
 *   plain      the process never used MADV_LAZYFREE: no check
 *   lazyfree   one MADV_LAZYFREE before the loop: the check, no flush
 *   churn      MADV_LAZYFREE + MADV_REUSE of one page every round trip:
 *              the check and a full flush at each switch
 *
 * Prints ns per round trip (median of the rounds, interleaved) and the
 * ratio to plain, and the round trips run. Times under emulation are only
 * comparable within one run.
 *
 *   ctxswitch [-n round-trips] [-r rounds] [-c cpu]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

enum { PLAIN, LAZYFREE, CHURN, NMODES };
static const char *const names[NMODES] = { "plain", "lazyfree", "churn" };

static int ping[2], pong[2], cpu;
static long trips;

static void *echo(void *arg)
{
	char c;

	if (t_pin_self(cpu))
		exit(2);
	for (long i = 0; i < trips; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			exit(2);
	}
	return NULL;
}

/* One round in a fresh process; writes ns per round trip to the pipe. */
static void child(int mode, int out)
{
	char *page = t_map(1), c = 0;
	pthread_t tid;
	uint64_t t0, t1;
	double ns;

	if (page == MAP_FAILED || pipe(ping) || pipe(pong))
		exit(2);
	if (t_pin_self(cpu)) {
		fprintf(stderr, "ctxswitch: cannot run on CPU %d: %s\n", cpu,
			strerror(errno));
		exit(2);
	}
	page[0] = 1;
	if (mode != PLAIN && madvise(page, t_page(), MADV_LAZYFREE))
		exit(3);
	if (pthread_create(&tid, NULL, echo, NULL))
		exit(2);
	t0 = t_now_ns();
	for (long i = 0; i < trips; i++) {
		if (mode == CHURN) {
			page[0] = 1;
			if (madvise(page, t_page(), MADV_LAZYFREE) ||
			    madvise(page, t_page(), MADV_REUSE) < 0)
				exit(3);
		}
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			exit(2);
	}
	t1 = t_now_ns();
	pthread_join(tid, NULL);
	ns = (double)(t1 - t0) / trips;
	if (write(out, &ns, sizeof(ns)) != sizeof(ns))
		exit(2);
	exit(0);
}

static double measure(int mode)
{
	int fd[2], status;
	double ns = -1;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0) {
		perror("ctxswitch: fork");
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		child(mode, fd[1]);
	}
	close(fd[1]);
	if (read(fd[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid) {
		perror("ctxswitch: waitpid");
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ctxswitch: %s round failed (status %d)\n",
			names[mode], status);
		return -1;
	}
	return ns;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double ns[NMODES][64], med[NMODES];
	int rounds = 5, opt, nmodes = NMODES;
	char *probe;

	trips = 20000;
	while ((opt = getopt(argc, argv, "n:r:c:")) != -1) {
		switch (opt) {
		case 'n': trips = atol(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ctxswitch [-n round-trips] [-r rounds] [-c cpu]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > 64 || trips < 1)
		return 2;
	probe = t_map(1);
	if (probe == MAP_FAILED)
		return 1;
	if (madvise(probe, t_page(), MADV_REUSE) < 0) {
		printf("ctxswitch: this kernel has no MADV_LAZYFREE; plain only\n");
		fflush(stdout);
		nmodes = 1;
	}
	munmap(probe, t_page());
	/* Interleaved, so that drift in the host hits every mode alike. */
	for (int r = 0; r < rounds; r++)
		for (int m = 0; m < nmodes; m++)
			if ((ns[m][r] = measure(m)) < 0)
				return 1;
	printf("ctxswitch: 2 threads on CPU %d, %ld round trips (2 switches each), "
	       "%d rounds\n", cpu, trips, rounds);
	printf("%-10s %14s %10s\n", "mode", "ns/roundtrip", "vs plain");
	for (int m = 0; m < nmodes; m++) {
		qsort(ns[m], rounds, sizeof(double), cmp);
		med[m] = ns[m][rounds / 2];
		printf("%-10s %14.1f %10.3f\n", names[m], med[m], med[m] / med[PLAIN]);
	}
	return 0;
}
