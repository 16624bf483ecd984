// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

/*
 * Read a whole small file with one read(): /proc files are generated at
 * read time, and this path allocates nothing so that it does not fault in
 * the middle of a measurement.
 */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total < len - 1 &&
	       (n = read(fd, buf + total, len - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

static char procbuf[1 << 16];

bool t_madv_free_is_lazy(void)
{
	int mode = prctl(PR_GET_MADV_FREE_LAZY, 0, 0, 0, 0);
	char buf[16];

	if (mode == PR_MADV_FREE_LAZY_DEFAULT)
		return slurp("/proc/sys/vm/madv_free_lazy", buf, sizeof(buf)) > 0 &&
		       buf[0] == '1';
	return mode == PR_MADV_FREE_LAZY_ON;
}

long long t_vmstat(const char *name)
{
	size_t nlen = strlen(name);
	char *p;

	if (slurp("/proc/vmstat", procbuf, sizeof(procbuf)) < 0)
		return -1;
	for (p = procbuf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, nlen) && p[nlen] == ' ')
			return strtoll(p + nlen + 1, NULL, 10);
	}
	return -1;
}

int t_tlb_shootdowns(unsigned long long *counts, int max)
{
	char *p, *end;
	int n = 0;

	if (slurp("/proc/interrupts", procbuf, sizeof(procbuf)) < 0)
		return -1;
	p = strstr(procbuf, "\n TLB:");
	if (!p)
		p = strstr(procbuf, "\nTLB:");
	if (!p)
		return -1;
	p = strchr(p, ':') + 1;
	for (;;) {
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p || n >= max)
			break;
		counts[n++] = v;
		p = end;
	}
	return n;
}

unsigned long long t_sum(const unsigned long long *counts, int first, int n)
{
	unsigned long long s = 0;

	for (int i = first; i < first + n; i++)
		s += counts[i];
	return s;
}

void t_faults(long long *minflt, long long *majflt)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	if (minflt)
		*minflt = ru.ru_minflt;
	if (majflt)
		*majflt = ru.ru_majflt;
}

int t_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int t_ncpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

struct sib_arg {
	struct t_siblings *s;
	int cpu;
};

struct t_siblings {
	int n;
	volatile int stop;
	volatile int running;
	volatile int pin_err;		/* errno of a sibling that could not pin */
	pthread_t tid[T_MAX_CPUS];
	struct sib_arg arg[T_MAX_CPUS];
};

static void *spin(void *arg)
{
	struct t_siblings *s = ((struct sib_arg *)arg)->s;
	int cpu = ((struct sib_arg *)arg)->cpu;

	if (t_pin_self(cpu))
		s->pin_err = errno;
	__atomic_add_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
	while (!s->stop)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

struct t_siblings *t_siblings_start(int n, int first_cpu)
{
	struct t_siblings *s;
	int err;

	if (n > T_MAX_CPUS) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	for (int i = 0; i < n; i++) {
		s->arg[i] = (struct sib_arg){ s, first_cpu + i };
		err = pthread_create(&s->tid[i], NULL, spin, &s->arg[i]);
		if (err)
			goto fail;
		s->n++;
	}
	while (s->running < n)
		sched_yield();
	if (s->pin_err) {
		err = s->pin_err;
		goto fail;
	}
	/* Let each one settle on its CPU. */
	usleep(20000);
	return s;
fail:
	t_siblings_stop(s);
	errno = err;
	return NULL;
}

void t_siblings_stop(struct t_siblings *s)
{
	if (!s)
		return;
	s->stop = 1;
	for (int i = 0; i < s->n; i++)
		pthread_join(s->tid[i], NULL);
	free(s);
}

static int write_str(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

int t_cg_create(const char *name, char *path, size_t len)
{
	snprintf(path, len, "/sys/fs/cgroup/%s", name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int t_cg_write(const char *path, const char *file, const char *value)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", path, file);
	return write_str(p, value);
}

int t_cg_enter(const char *path)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return t_cg_write(path, "cgroup.procs", pid);
}

int t_cg_destroy(const char *path)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str("/sys/fs/cgroup/cgroup.procs", pid);
	return rmdir(path);
}

bool t_swap_active(void)
{
	char buf[4096];

	if (slurp("/proc/swaps", buf, sizeof(buf)) < 0)
		return false;
	/* A header line, then one line per active swap device. */
	char *nl = strchr(buf, '\n');

	return nl && nl[1] != '\0';
}

int t_zram_swap_on(const char *size)
{
	if (write_str("/sys/block/zram0/disksize", size))
		return -1;
	if (system("mkswap /dev/zram0 >/dev/null 2>&1") ||
	    swapon("/dev/zram0", 0)) {
		/* Give the device back its size of 0, for the next caller. */
		write_str("/sys/block/zram0/reset", "1");
		return -1;
	}
	return 0;
}

int t_zram_swap_off(void)
{
	int ret = swapoff("/dev/zram0");

	if (write_str("/sys/block/zram0/reset", "1"))
		ret = -1;
	return ret;
}

long t_resident(void *addr, size_t len)
{
	size_t pages = len / t_page();
	unsigned char *vec = malloc(pages);
	long n = 0;

	if (!vec || mincore(addr, len, vec)) {
		free(vec);
		return -1;
	}
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

static uint64_t tag(unsigned long seed, size_t i, size_t word)
{
	uint64_t x = ((uint64_t)seed << 40) ^ ((uint64_t)i << 12) ^ word;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x | 1;	/* never zero, so a zeroed page never matches */
}

void t_fill(void *addr, size_t npages, unsigned long seed)
{
	size_t ps = t_page(), words = ps / 8;

	for (size_t i = 0; i < npages; i++) {
		uint64_t *w = (uint64_t *)((char *)addr + i * ps);

		for (size_t j = 0; j < words; j += 64)
			w[j] = tag(seed, i, j);
	}
}

bool t_page_has_tag(const void *page, unsigned long seed, size_t i)
{
	const uint64_t *w = page;
	size_t words = t_page() / 8;

	for (size_t j = 0; j < words; j += 64)
		if (w[j] != tag(seed, i, j))
			return false;
	return true;
}

bool t_page_is_zero(const void *page)
{
	const uint64_t *w = page;
	size_t words = t_page() / 8;

	for (size_t j = 0; j < words; j++)
		if (w[j])
			return false;
	return true;
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

size_t t_page(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

void *t_map(size_t npages)
{
	void *p = mmap(NULL, npages * t_page(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* Fails (EINVAL) only on a kernel without THP: nothing to turn off. */
	if (p != MAP_FAILED)
		madvise(p, npages * t_page(), MADV_NOHUGEPAGE);
	return p;
}
