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
#include <errno.h>
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
	if (!count)
		return NULL;	/* main() reports it */
	while (!stop) {
		record_t *src = chunks[xorshift(&seed) % nchunks];
		record_t *copy = malloc(chunk_size), key;

		if (!copy) {
			free(count);
			return NULL;
		}
		memcpy(copy, src, chunk_size);
		key = src[xorshift(&seed) % nrec];
		if (!bsearch(&key, copy, nrec, sizeof(record_t), cmp))
			abort();
		free(copy);
		(*count)++;
	}
	return count;
}

/* Returns NULL, or the errno that stopped it. */
static void *pressure(void *arg)
{
	while (!stop) {
		/* EAGAIN (less reclaimed than asked) is fine. */
		if (t_cg_write(cg, "memory.reclaim", "8M") && errno != EAGAIN)
			return (void *)(long)errno;
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
	bool pressing = false, lost = false;
	void *perr = NULL;
	struct rusage ru;
	long long f0, f1;
	long started;
	char name[64];
	int opt, ncpu, err = 0, ret = 1;
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
		if (t_cg_create(name, cg, sizeof(cg))) {
			perror("ebizzy: memory cgroup");
			return 1;
		}
		if (t_cg_enter(cg)) {
			perror("ebizzy: memory cgroup");
			t_cg_destroy(cg);
			return 1;
		}
	}
	if (lazy && prctl(PR_SET_MADV_FREE_LAZY, PR_MADV_FREE_LAZY_ON, 0, 0, 0)) {
		perror("ebizzy: PR_SET_MADV_FREE_LAZY");
		goto out;
	}
#ifdef LF_JEMALLOC
	if (hooks && t_jemalloc_install_hooks()) {
		fprintf(stderr, "ebizzy: cannot install jemalloc extent hooks\n");
		goto out;
	}
#else
	if (hooks) {
		fprintf(stderr, "ebizzy: -H needs the jemalloc build\n");
		ret = 2;
		goto out;
	}
#endif
	chunks = calloc(nchunks, sizeof(*chunks));
	tid = calloc(nthreads, sizeof(*tid));
	if (!chunks || !tid) {
		perror("ebizzy: calloc");
		goto out;
	}
	for (size_t i = 0; i < nchunks; i++) {
		unsigned long seed = i + 1;

		chunks[i] = malloc(chunk_size);
		if (!chunks[i]) {
			perror("ebizzy: malloc");
			goto out;
		}
		for (size_t j = 0; j < chunk_size / sizeof(record_t); j++)
			chunks[i][j] = xorshift(&seed);
		qsort(chunks[i], chunk_size / sizeof(record_t),
		      sizeof(record_t), cmp);
	}
	ncpu = t_tlb_shootdowns(sd0, T_MAX_CPUS);
	t_faults(&f0, NULL);
	disc0 = discarded();
	t0 = t_now_ns();
	for (started = 0; started < nthreads; started++) {
		err = pthread_create(&tid[started], NULL, worker, (void *)started);
		if (err)
			break;
	}
	if (!err && pressure_ms) {
		err = pthread_create(&ptid, NULL, pressure, NULL);
		pressing = !err;
	}
	if (!err)
		sleep(seconds);
	stop = 1;
	if (pressing)
		pthread_join(ptid, &perr);
	for (int i = 0; i < started; i++) {
		unsigned long *n;

		pthread_join(tid[i], (void **)&n);
		if (n)
			records += *n;
		else
			lost = true;
	}
	if (err)
		fprintf(stderr, "ebizzy: pthread_create: %s\n", strerror(err));
	else if (perr)
		fprintf(stderr, "ebizzy: memory.reclaim: %s\n", strerror((long)perr));
	else if (lost)
		fprintf(stderr, "ebizzy: a worker ran out of memory\n");
	if (err || perr || lost)
		goto out;
	secs = (t_now_ns() - t0) / 1e9;
	t_faults(&f1, NULL);
	if (t_tlb_shootdowns(sd1, T_MAX_CPUS) < ncpu)
		ncpu = -1;
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
#ifdef LF_JEMALLOC
	if (hooks)
		fprintf(stderr, "hooks: %lu decommits (MADV_LAZYFREE), %lu commits (MADV_REUSE), %lu pages discarded, %lu calls failed\n",
			t_jemalloc_stats.decommit, t_jemalloc_stats.commit,
			t_jemalloc_stats.lost, t_jemalloc_stats.failed);
#endif
	ret = 0;
out:
	if (pressure_ms)
		t_cg_destroy(cg);
	return ret;
}
