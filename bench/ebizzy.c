// SPDX-License-Identifier: GPL-2.0
/*
 * ebizzy: a web-server-like allocation load, written from ebizzy's public
 * description. The program holds -n chunks of -s bytes of sorted records;
 * each of -t threads loops for -S seconds: pick a chunk, malloc a buffer of
 * the chunk's size, copy the chunk into it, binary-search it for a random
 * key, free the buffer. It prints the records (loops) per second and the
 * user and system time, plus the TLB shootdowns and page faults of the run.
 *
 * Built three times: with glibc's malloc, with Debian's static jemalloc 5.3
 * (-DLF_JEMALLOC), and dynamically (ebizzy-dyn) to run over a malloc that
 * Debian ships only as a shared library (mimalloc, with LD_PRELOAD; set
 * EBIZZY_ALLOCATOR to name it in the output). With jemalloc, -H installs
 * the extent hooks of testlib/jemalloc-hooks.c: decommit with MADV_LAZYFREE,
 * commit with MADV_REUSE and zeroing (the header says why those hooks).
 *
 * -P ms adds memory pressure: the program runs in a memory cgroup of its
 * own, and a thread asks it to reclaim 8 MiB (memory.reclaim) every ms
 * milliseconds, as a busy neighbour would force it to.
 *
 * -L sets PR_SET_MADV_FREE_LAZY for the process (jemalloc's MADV_FREE made
 * lazy, without a code change). Counts are exact; times under emulation
 * compare only within one boot.
 *
 *   ebizzy [-s bytes] [-n chunks] [-t threads] [-S seconds] [-P ms] [-H] [-L] [-c]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "testlib.h"

#ifdef LF_JEMALLOC
#include "jemalloc-hooks.h"
#define ALLOCATOR "jemalloc"
#else
#define ALLOCATOR "glibc"
#endif

typedef unsigned long record_t;

static size_t chunk_size = 512 << 10, nchunks = 64;
static int nthreads = 4, seconds = 5, pressure_ms;
static char cg[256];
static record_t **chunks;
static volatile int stop;

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp(const void *a, const void *b)
{
	record_t x = *(const record_t *)a, y = *(const record_t *)b;

	return x < y ? -1 : x > y;
}

static void *worker(void *arg)
{
	unsigned long seed = 0x9e3779b97f4a7c15UL * ((long)arg + 1), *count;
	size_t nrec = chunk_size / sizeof(record_t);

	count = calloc(1, sizeof(*count));
	while (!stop) {
		record_t *src = chunks[xorshift(&seed) % nchunks];
		record_t *copy = malloc(chunk_size), key;

		if (!copy)
			break;
		memcpy(copy, src, chunk_size);
		key = src[xorshift(&seed) % nrec];
		if (!bsearch(&key, copy, nrec, sizeof(record_t), cmp))
			abort();
		free(copy);
		(*count)++;
	}
	return count;
}

static void *pressure(void *arg)
{
	while (!stop) {
		t_cg_write(cg, "memory.reclaim", "8M");	/* EAGAIN is fine */
		usleep(pressure_ms * 1000);
	}
	return NULL;
}

/*
 * Pages reclaim freed without writing them anywhere because they had been
 * given back: MADV_FREE pages and lazily freed ones alike.
 */
static long long discarded(void)
{
	return t_vmstat("pglazyfreed");
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	bool hooks = false, lazy = false, csv = false;
	unsigned long long sd0[T_MAX_CPUS], sd1[T_MAX_CPUS], records = 0;
	unsigned long long shootdowns;
	long long disc0, discards;
	pthread_t *tid, ptid;
	struct rusage ru;
	long long f0, f1;
	char name[64];
	int opt, ncpu;
	uint64_t t0;
	double secs;

	while ((opt = getopt(argc, argv, "s:n:t:S:P:HLc")) != -1) {
		switch (opt) {
		case 's': chunk_size = strtoul(optarg, NULL, 0); break;
		case 'n': nchunks = strtoul(optarg, NULL, 0); break;
		case 't': nthreads = atoi(optarg); break;
		case 'S': seconds = atoi(optarg); break;
		case 'P': pressure_ms = atoi(optarg); break;
		case 'H': hooks = true; break;
		case 'L': lazy = true; break;
		case 'c': csv = true; break;
		default:
			fprintf(stderr, "usage: ebizzy [-s bytes] [-n chunks] [-t threads] [-S seconds] [-P ms] [-H] [-L] [-c]\n");
			return 2;
		}
	}
	if (chunk_size < sizeof(record_t) || !nchunks || nthreads < 1)
		return 2;
	if (pressure_ms) {
		snprintf(name, sizeof(name), "ebizzy-%d", getpid());
		if (t_cg_create(name, cg, sizeof(cg)) || t_cg_enter(cg)) {
			perror("ebizzy: memory cgroup");
			return 1;
		}
	}
	if (lazy && prctl(PR_SET_MADV_FREE_LAZY, PR_MADV_FREE_LAZY_ON, 0, 0, 0)) {
		perror("ebizzy: PR_SET_MADV_FREE_LAZY");
		return 1;
	}
#ifdef LF_JEMALLOC
	if (hooks && t_jemalloc_install_hooks()) {
		fprintf(stderr, "ebizzy: cannot install jemalloc extent hooks\n");
		return 1;
	}
#else
	if (hooks) {
		fprintf(stderr, "ebizzy: -H needs the jemalloc build\n");
		return 2;
	}
#endif
	chunks = calloc(nchunks, sizeof(*chunks));
	for (size_t i = 0; i < nchunks; i++) {
		unsigned long seed = i + 1;

		chunks[i] = malloc(chunk_size);
		if (!chunks[i])
			return 1;
		for (size_t j = 0; j < chunk_size / sizeof(record_t); j++)
			chunks[i][j] = xorshift(&seed);
		qsort(chunks[i], chunk_size / sizeof(record_t),
		      sizeof(record_t), cmp);
	}
	tid = calloc(nthreads, sizeof(*tid));
	ncpu = t_tlb_shootdowns(sd0, T_MAX_CPUS);
	t_faults(&f0, NULL);
	disc0 = discarded();
	t0 = t_now_ns();
	for (long i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)i);
	if (pressure_ms)
		pthread_create(&ptid, NULL, pressure, NULL);
	sleep(seconds);
	stop = 1;
	if (pressure_ms)
		pthread_join(ptid, NULL);
	for (int i = 0; i < nthreads; i++) {
		unsigned long *n;

		pthread_join(tid[i], (void **)&n);
		records += n ? *n : 0;
	}
	secs = (t_now_ns() - t0) / 1e9;
	t_faults(&f1, NULL);
	t_tlb_shootdowns(sd1, T_MAX_CPUS);
	getrusage(RUSAGE_SELF, &ru);
	if (ncpu < 0)
		ncpu = 0;
	shootdowns = t_sum(sd1, 0, ncpu) - t_sum(sd0, 0, ncpu);
	discards = discarded() - disc0;
	if (csv) {
		printf("%s,%d,%zu,%zu,%d,%.0f,%.2f,%.2f,%llu,%lld,%lld\n",
		       getenv("EBIZZY_ALLOCATOR") ?: ALLOCATOR, nthreads,
		       chunk_size, nchunks, pressure_ms, records / secs,
		       tv(ru.ru_utime), tv(ru.ru_stime), shootdowns, f1 - f0,
		       discards);
	} else {
		printf("%llu records/s\n", (unsigned long long)(records / secs));
		printf("real %.2f s\nuser %.2f s\nsys  %.2f s\n", secs,
		       tv(ru.ru_utime), tv(ru.ru_stime));
		printf("shootdowns %llu\nfaults %lld\ndiscarded %lld\n",
		       shootdowns, f1 - f0, discards);
	}
	if (pressure_ms)
		t_cg_destroy(cg);
#ifdef LF_JEMALLOC
	if (hooks)
		fprintf(stderr, "hooks: %lu decommits (MADV_LAZYFREE), %lu commits (MADV_REUSE), %lu pages discarded, %lu calls failed\n",
			t_jemalloc_stats.decommit, t_jemalloc_stats.commit,
			t_jemalloc_stats.lost, t_jemalloc_stats.failed);
#endif
	return 0;
}
