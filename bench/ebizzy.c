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
 * -B MiB adds bursts: a thread allocates MiB in chunk-sized buffers,
 * writes them, holds them 200 ms and frees them all, then rests 300 ms: a
 * server's spike of large requests. With -b FILE, processes given the same
 * file burst in turn, never two at once, however slow each burst is: the
 * file, mapped shared, holds the pid of the process bursting (no flock:
 * the guest kernel has no file locking). What the allocator does with a
 * freed burst then decides whether two such processes fit in a memory
 * cgroup sized for one burst.
 *
 * While it runs, a thread samples the process's footprint every 50 ms:
 * VmRSS (what the system cannot take back without asking the program;
 * lazily freed pages are not in it) and VmLazyFree (what it can); the CSV
 * ends with their means and RSS's peak, in KiB, and the bursts made.
 *
 *   ebizzy [-s bytes] [-n chunks] [-t threads] [-S seconds] [-P ms] [-B MiB [-b file]]
 *          [-H] [-L] [-c]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
static int nthreads = 4, seconds = 5, pressure_ms, burst_mib;
static const char *burst_lock;
static unsigned long bursts;
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

/* Takes the burst lock: the pid of its holder, or 0, in a shared page. */
static void burst_lock_take(int *owner)
{
	int free_ = 0, me = getpid();

	while (!__atomic_compare_exchange_n(owner, &free_, me, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		/* A holder the OOM killer killed cannot give it back. */
		if (kill(free_, 0) && errno == ESRCH)
			__atomic_compare_exchange_n(owner, &free_, 0, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		free_ = 0;
		usleep(1000);
	}
}

/* Returns NULL, or the errno that stopped the bursts. */
static void *burster(void *arg)
{
	size_t n = ((size_t)burst_mib << 20) / chunk_size;
	char **buf = calloc(n, sizeof(*buf));
	int *owner = NULL;
	long err = 0;

	if (!buf)
		return (void *)(long)ENOMEM;
	if (burst_lock) {
		int fd = open(burst_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0 || ftruncate(fd, sizeof(*owner)) ||
		    (owner = mmap(NULL, sizeof(*owner), PROT_READ | PROT_WRITE,
				  MAP_SHARED, fd, 0)) == MAP_FAILED) {
			err = errno;
			if (fd >= 0)
				close(fd);
			free(buf);
			return (void *)err;
		}
		close(fd);
	}
	while (!stop && !err) {
		size_t i, got = 0;

		if (owner)
			burst_lock_take(owner);
		for (i = 0; i < n && !stop; i++) {
			buf[i] = malloc(chunk_size);
			if (!buf[i]) {
				err = ENOMEM;
				break;
			}
			memset(buf[i], 1, chunk_size);
			got++;
		}
		if (got == n)
			usleep(200 * 1000);
		for (i = 0; i < got; i++)
			free(buf[i]);
		if (owner)
			__atomic_store_n(owner, 0, __ATOMIC_RELEASE);
		if (got == n)
			bursts++;
		usleep(300 * 1000);
	}
	if (owner)
		munmap(owner, sizeof(*owner));
	free(buf);
	return (void *)err;
}

static struct {
	unsigned long long n, rss, rss_peak, lazy;
} fp;

/* VmRSS and VmLazyFree of this process, in KiB (0 if the kernel lacks it). */
static void footprint(unsigned long long *rss, unsigned long long *lazy)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	*rss = *lazy = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %llu", rss);
		sscanf(line, "VmLazyFree: %llu", lazy);
	}
	fclose(f);
}

static void *sampler(void *arg)
{
	unsigned long long rss, lazy;

	while (!stop) {
		footprint(&rss, &lazy);
		fp.n++;
		fp.rss += rss;
		fp.lazy += lazy;
		if (rss > fp.rss_peak)
			fp.rss_peak = rss;
		usleep(50 * 1000);
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
	pthread_t *tid, ptid, stid, btid;
	bool pressing = false, sampling = false, bursting = false, lost = false;
	void *perr = NULL, *berr = NULL;
	struct rusage ru;
	long long f0, f1;
	long started;
	char name[64];
	int opt, ncpu, err = 0, ret = 1;
	uint64_t t0;
	double secs;

	while ((opt = getopt(argc, argv, "s:n:t:S:P:B:b:HLc")) != -1) {
		switch (opt) {
		case 's': chunk_size = strtoul(optarg, NULL, 0); break;
		case 'n': nchunks = strtoul(optarg, NULL, 0); break;
		case 't': nthreads = atoi(optarg); break;
		case 'S': seconds = atoi(optarg); break;
		case 'P': pressure_ms = atoi(optarg); break;
		case 'B': burst_mib = atoi(optarg); break;
		case 'b': burst_lock = optarg; break;
		case 'H': hooks = true; break;
		case 'L': lazy = true; break;
		case 'c': csv = true; break;
		default:
			fprintf(stderr, "usage: ebizzy [-s bytes] [-n chunks] [-t threads] [-S seconds] [-P ms] [-B MiB [-b file]] [-H] [-L] [-c]\n");
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
	if (!err) {
		err = pthread_create(&stid, NULL, sampler, NULL);
		sampling = !err;
	}
	if (!err && burst_mib) {
		err = pthread_create(&btid, NULL, burster, NULL);
		bursting = !err;
	}
	if (!err)
		sleep(seconds);
	stop = 1;
	if (pressing)
		pthread_join(ptid, &perr);
	if (sampling)
		pthread_join(stid, NULL);
	if (bursting)
		pthread_join(btid, &berr);
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
	else if (lost || berr)
		fprintf(stderr, "ebizzy: %s: %s\n", lost ? "a worker" : "a burst",
			strerror(lost ? ENOMEM : (int)(long)berr));
	if (err || perr || lost || berr)
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
		printf("%s,%d,%zu,%zu,%d,%.0f,%.2f,%.2f,%llu,%lld,%lld,%llu,%llu,%llu,%lu\n",
		       getenv("EBIZZY_ALLOCATOR") ?: ALLOCATOR, nthreads,
		       chunk_size, nchunks, pressure_ms, records / secs,
		       tv(ru.ru_utime), tv(ru.ru_stime), shootdowns, f1 - f0,
		       discards, fp.n ? fp.rss / fp.n : 0, fp.rss_peak,
		       fp.n ? fp.lazy / fp.n : 0, bursts);
	} else {
		printf("%llu records/s\n", (unsigned long long)(records / secs));
		printf("real %.2f s\nuser %.2f s\nsys  %.2f s\n", secs,
		       tv(ru.ru_utime), tv(ru.ru_stime));
		printf("shootdowns %llu\nfaults %lld\ndiscarded %lld\n",
		       shootdowns, f1 - f0, discards);
		printf("rss %llu KiB mean, %llu KiB peak\nlazily freed %llu KiB mean\n",
		       fp.n ? fp.rss / fp.n : 0, fp.rss_peak,
		       fp.n ? fp.lazy / fp.n : 0);
		if (burst_mib)
			printf("bursts %lu of %d MiB\n", bursts, burst_mib);
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
