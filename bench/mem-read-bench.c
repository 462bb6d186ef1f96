/*
 * mem-read-bench.c: reads through the memory API (mem_read) of a real
 * tracee, end to end. The program spawns itself as the tracee under the
 * tracer (tracer_spawn, pause at exit); the tracee fills 64 MiB of private
 * anonymous memory and exits, and at its exit pause the bench reads that
 * region four ways:
 *
 *	mem_read, redirected	the tracee's memory in the memfd: loads
 *	mem_read, --no-redirect	the same API on the copy path (a syscall)
 *	process_vm_readv	straight from the tracee
 *	memcpy			from a private buffer (the ceiling)
 *
 * 8-byte reads at random offsets give ns per read; 64 MiB bulk reads give
 * GB/s (best of several, after one untimed read). Every way must return
 * the same bytes. Goals: 8 B random reads at least 50x faster
 * than process_vm_readv; bulk at least 2x process_vm_readv and within
 * 1.5x of memcpy. A benchmark, not a test: exit 1 only when something
 * fails outright.
 *
 *	bench/mem-read-bench
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "maps.h"
#include "mem.h"
#include "tracer.h"
#include "util.h"

#define MRB_LEN		((size_t)64 << 20)
#define MRB_SMALL_N	200000
#define MRB_RUNS	5
#define MRB_SEED	0x6d656d72656164ull

struct mrb_result {
	const char *access;	/* "shared" or "copy": what mem.c used */
	double small_ns;	/* mem_read, ns per 8-byte read */
	double bulk_s;		/* mem_read, best 64 MiB time */
	double pvr_small_ns;	/* process_vm_readv */
	double pvr_bulk_s;
};

static int mrb_tracee(void);
static void mrb_fill(unsigned char *p, size_t len);
static int mrb_measure(bool redirect, const uint64_t *offs,
    unsigned char *buf, struct mrb_result *res);
static struct proc *mrb_wait_paused(struct tracer *tr);
static const struct region *mrb_find_region(const struct maps *maps);
static double mrb_small_mem(struct proc *p, uint64_t base,
    const uint64_t *offs, uint64_t *sum);
static double mrb_small_pvr(pid_t pid, uint64_t base, const uint64_t *offs,
    uint64_t *sum);
static double mrb_bulk_mem(struct proc *p, uint64_t base, unsigned char *buf);
static double mrb_bulk_pvr(pid_t pid, uint64_t base, unsigned char *buf);
static const char *mrb_verdict(bool met);

int
main(int argc, char **argv)
{
	struct mrb_result shared, copy;
	unsigned char *ref, *buf;
	uint64_t *offs, state = MRB_SEED, sum = 0;
	double t, memcpy_small_ns, memcpy_bulk_s = 1e9;

	if (argc > 1 && strcmp(argv[1], "tracee") == 0)
		return mrb_tracee();

	offs = xcalloc(MRB_SMALL_N, sizeof(*offs));
	for (size_t i = 0; i < MRB_SMALL_N; i++) {
		state = state * 6364136223846793005ull + 1442695040888963407ull;
		offs[i] = ((state >> 16) % (MRB_LEN / 8)) * 8;
	}
	ref = xmalloc(MRB_LEN);
	buf = xmalloc(MRB_LEN);
	mrb_fill(ref, MRB_LEN);

	if (mrb_measure(true, offs, buf, &shared) != 0 ||
	    mrb_measure(false, offs, buf, &copy) != 0)
		return 1;

	/* The ceiling: the same reads from our own memory. */
	t = monotonic_sec();
	for (size_t i = 0; i < MRB_SMALL_N; i++) {
		uint64_t v;

		memcpy(&v, ref + offs[i], sizeof(v));
		sum += v;
		__asm__ volatile("" : : "r"(sum) : "memory");
	}
	memcpy_small_ns = (monotonic_sec() - t) / MRB_SMALL_N * 1e9;
	for (int r = 0; r < MRB_RUNS; r++) {
		t = monotonic_sec();
		memcpy(buf, ref, MRB_LEN);
		__asm__ volatile("" : : "r"(buf) : "memory");
		t = monotonic_sec() - t;
		if (t < memcpy_bulk_s)
			memcpy_bulk_s = t;
	}

	printf("reading a tracee's 64 MiB of private anonymous memory at "
	    "its exit pause\n");
	printf("  %-34s %10s %12s\n", "", "8 B random", "64 MiB bulk");
	printf("  %-34s %7.1f ns %8.2f GB/s\n", "mem_read, redirected ("
	    "shared)", shared.small_ns, MRB_LEN / shared.bulk_s / 1e9);
	printf("  %-34s %7.1f ns %8.2f GB/s\n", "mem_read, --no-redirect",
	    copy.small_ns, MRB_LEN / copy.bulk_s / 1e9);
	printf("  %-34s %7.1f ns %8.2f GB/s\n", "process_vm_readv",
	    shared.pvr_small_ns, MRB_LEN / shared.pvr_bulk_s / 1e9);
	printf("  %-34s %7.1f ns %8.2f GB/s\n", "memcpy (private buffer)",
	    memcpy_small_ns, MRB_LEN / memcpy_bulk_s / 1e9);
	if (strcmp(shared.access, "shared") != 0)
		printf("the region was served on the \"%s\" path: memory is "
		    "not redirected yet\n", shared.access);
	printf("8 B random: process_vm_readv / mem_read = %.1fx (goal >= "
	    "50x: %s)\n", shared.pvr_small_ns / shared.small_ns,
	    mrb_verdict(shared.pvr_small_ns / shared.small_ns >= 50));
	printf("64 MiB bulk: process_vm_readv / mem_read = %.2fx (goal >= "
	    "2x: %s)\n", shared.pvr_bulk_s / shared.bulk_s,
	    mrb_verdict(shared.pvr_bulk_s / shared.bulk_s >= 2));
	printf("64 MiB bulk: mem_read / memcpy = %.2fx (goal <= 1.5x: %s)\n",
	    shared.bulk_s / memcpy_bulk_s,
	    mrb_verdict(shared.bulk_s / memcpy_bulk_s <= 1.5));
	free(offs);
	free(ref);
	free(buf);
	return 0;
}

/* Deterministic contents: every 8-byte word its own. */
static void
mrb_fill(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len / 8; i++) {
		uint64_t v = (i + 1) * 0x9e3779b97f4a7c15ull;

		memcpy(p + i * 8, &v, 8);
	}
}

/* The tracee: 64 MiB filled, then exit (where the tracer pauses it). */
static int
mrb_tracee(void)
{
	unsigned char *p = mmap(NULL, MRB_LEN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mem-read-bench: tracee: mmap");
		return 1;
	}
	mrb_fill(p, MRB_LEN);
	return 0;
}

/*
 * Spawns the tracee (redirected or not), measures at its exit pause, lets
 * it exit. 0, or -1 after a message.
 */
static int
mrb_measure(bool redirect, const uint64_t *offs, unsigned char *buf,
    struct mrb_result *res)
{
	struct tracer_opts opts = {
		.pause_on_exit = true,
		.no_redirect = !redirect,
	};
	char self[4096];
	char *argv[] = { self, "tracee", NULL };
	const struct region *r;
	struct maps maps = { 0 };
	struct tracer *tr;
	struct proc *p;
	char *err = NULL;
	uint64_t sum_mem = 0, sum_pvr = 0;
	ssize_t n;
	int status, rc = -1;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		warn_msg("mem-read-bench: /proc/self/exe");
		return -1;
	}
	self[n] = '\0';
	tr = tracer_spawn(&opts, argv, &status);
	if (!tr)
		return -1;
	p = mrb_wait_paused(tr);
	if (!p) {
		warnx_msg("mem-read-bench: the tracee never paused");
		goto out;
	}
	if (maps_read(proc_access_tid(p), &maps, &err) != 0) {
		warnx_msg("mem-read-bench: %s", err);
		goto out;
	}
	r = mrb_find_region(&maps);
	if (!r) {
		warnx_msg("mem-read-bench: no 64 MiB region in the tracee");
		goto out;
	}
	res->access = mem_region_access(p, r);

	/* One untimed bulk read each: faults in, and checks the bytes. */
	memset(buf, 0, MRB_LEN);
	if (mem_read(p, r->start, buf, MRB_LEN, &err) != (ssize_t)MRB_LEN) {
		warnx_msg("mem-read-bench: mem_read: %s", err ? err : "short");
		goto out;
	}
	for (size_t i = 0; i < MRB_LEN / 8; i += 4099) {
		uint64_t v, want = (i + 1) * 0x9e3779b97f4a7c15ull;

		memcpy(&v, buf + i * 8, 8);
		if (v != want) {
			warnx_msg("mem-read-bench: mem_read returned wrong "
			    "bytes at +%zu", i * 8);
			goto out;
		}
	}
	res->small_ns = mrb_small_mem(p, r->start, offs, &sum_mem);
	res->pvr_small_ns = mrb_small_pvr(p->pid, r->start, offs, &sum_pvr);
	if (sum_mem != sum_pvr) {
		warnx_msg("mem-read-bench: mem_read and process_vm_readv "
		    "disagree");
		goto out;
	}
	res->bulk_s = mrb_bulk_mem(p, r->start, buf);
	res->pvr_bulk_s = mrb_bulk_pvr(p->pid, r->start, buf);
	if (res->bulk_s < 0 || res->pvr_bulk_s < 0)
		goto out;
	rc = 0;
out:
	free(err);
	maps_free(&maps);
	if (p && tracer_continue(tr, p, &err) != 0) {
		warnx_msg("mem-read-bench: continue: %s", err);
		free(err);
	}
	tracer_finish(tr);
	tracer_destroy(tr);
	return rc;
}

static struct proc *
mrb_wait_paused(struct tracer *tr)
{
	struct proc *p;

	while ((p = tracer_next_paused(tr)) == NULL)
		if (tracer_poll(tr, 10000) < 0)
			return NULL;
	return p;
}

static const struct region *
mrb_find_region(const struct maps *maps)
{
	for (size_t i = 0; i < maps->count; i++) {
		const struct region *r = &maps->regions[i];

		if (r->end - r->start == MRB_LEN && region_readable(r))
			return r;
	}
	return NULL;
}

static double
mrb_small_mem(struct proc *p, uint64_t base, const uint64_t *offs,
    uint64_t *sum)
{
	double t = monotonic_sec();

	for (size_t i = 0; i < MRB_SMALL_N; i++) {
		uint64_t v = 0;

		if (mem_read(p, base + offs[i], &v, sizeof(v), NULL) !=
		    (ssize_t)sizeof(v))
			fatalx("mem-read-bench: mem_read failed at +%llu",
			    (unsigned long long)offs[i]);
		*sum += v;
	}
	return (monotonic_sec() - t) / MRB_SMALL_N * 1e9;
}

static double
mrb_small_pvr(pid_t pid, uint64_t base, const uint64_t *offs, uint64_t *sum)
{
	double t = monotonic_sec();

	for (size_t i = 0; i < MRB_SMALL_N; i++) {
		uint64_t v = 0;
		struct iovec local = { &v, sizeof(v) };
		struct iovec remote = { (void *)(uintptr_t)(base + offs[i]),
		    sizeof(v) };

		if (process_vm_readv(pid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)sizeof(v))
			fatal("mem-read-bench: process_vm_readv");
		*sum += v;
	}
	return (monotonic_sec() - t) / MRB_SMALL_N * 1e9;
}

/* Best time of MRB_RUNS 64 MiB reads; -1 on failure. */
static double
mrb_bulk_mem(struct proc *p, uint64_t base, unsigned char *buf)
{
	double best = 1e9;

	for (int r = 0; r < MRB_RUNS; r++) {
		double t = monotonic_sec();

		if (mem_read(p, base, buf, MRB_LEN, NULL) != (ssize_t)MRB_LEN) {
			warnx_msg("mem-read-bench: bulk mem_read failed");
			return -1;
		}
		t = monotonic_sec() - t;
		if (t < best)
			best = t;
	}
	return best;
}

static double
mrb_bulk_pvr(pid_t pid, uint64_t base, unsigned char *buf)
{
	double best = 1e9;

	for (int r = 0; r < MRB_RUNS; r++) {
		struct iovec local = { buf, MRB_LEN };
		struct iovec remote = { (void *)(uintptr_t)base, MRB_LEN };
		double t = monotonic_sec();

		if (process_vm_readv(pid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)MRB_LEN) {
			warn_msg("mem-read-bench: bulk process_vm_readv");
			return -1;
		}
		t = monotonic_sec() - t;
		if (t < best)
			best = t;
	}
	return best;
}

static const char *
mrb_verdict(bool met)
{
	return met ? "met" : "NOT met";
}
