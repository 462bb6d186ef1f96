/*
 * arena-read-bench.c: what the shared memfd buys. A forked child plays the
 * tracee: it maps 64 MiB of an arena's memfd MAP_SHARED and fills it. The
 * parent reads that memory three ways: arena_read (loads from its own
 * mapping of the memfd), process_vm_readv from the child, and memcpy from
 * a private buffer (the ceiling). 8-byte reads at random offsets give ns
 * per read; 64 MiB bulk reads give GB/s (best of several runs, after one
 * untimed read that faults the pages in and learns their residency).
 *
 * Goals: 8 B random at least 50x faster than process_vm_readv;
 * bulk at least 2x process_vm_readv and within 1.5x of memcpy.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"

#define BENCH_LEN	(64ULL << 20)
#define BENCH_RUNS	5
#define BENCH_FAST_N	2000000
#define BENCH_SLOW_N	200000

static uint64_t bench_rand(uint64_t *state);
static pid_t bench_child(struct arena *a, uint64_t off, uint64_t *addr,
    int *release);
static double bench_small_arena(struct arena *a, uint64_t base,
    const uint64_t *offs, size_t n, uint64_t *sum);
static double bench_small_pvr(pid_t pid, uint64_t base, const uint64_t *offs,
    size_t n, uint64_t *sum);
static double bench_small_memcpy(const unsigned char *src,
    const uint64_t *offs, size_t n, uint64_t *sum);
static double bench_bulk(int how, struct arena *a, pid_t pid, uint64_t base,
    const unsigned char *src, unsigned char *dst);
static const char *bench_verdict(bool met);

enum { BULK_ARENA, BULK_PVR, BULK_MEMCPY };

static uint64_t
bench_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/*
 * The stand-in tracee: maps [off, off + BENCH_LEN) of the memfd, fills it,
 * sends its address, and lives until *release is closed.
 */
static pid_t
bench_child(struct arena *a, uint64_t off, uint64_t *addr, int *release)
{
	int up[2], down[2];
	unsigned char *p;
	pid_t pid;
	uint64_t i;
	char c;

	if (pipe(up) < 0 || pipe(down) < 0)
		fatal("pipe");
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		p = mmap(NULL, BENCH_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		    arena_fd(a), (off_t)off);
		if (p == MAP_FAILED)
			_exit(1);
		for (i = 0; i < BENCH_LEN; i++)
			p[i] = (unsigned char)(i * 31 + (i >> 12));
		*addr = (uint64_t)(uintptr_t)p;
		if (write(up[1], addr, sizeof(*addr)) != sizeof(*addr))
			_exit(1);
		while (read(down[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], addr, sizeof(*addr)) != sizeof(*addr))
		fatalx("the child could not map the memfd");
	close(up[0]);
	*release = down[1];
	return pid;
}

static double
bench_small_arena(struct arena *a, uint64_t base, const uint64_t *offs,
    size_t n, uint64_t *sum)
{
	double t = monotonic_sec();
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (arena_read(a, base + offs[i], &v, sizeof(v)) != sizeof(v))
			fatalx("arena_read failed at 0x%llx",
			    (unsigned long long)(base + offs[i]));
		*sum += v;
	}
	return (monotonic_sec() - t) / (double)n * 1e9;
}

static double
bench_small_pvr(pid_t pid, uint64_t base, const uint64_t *offs, size_t n,
    uint64_t *sum)
{
	double t = monotonic_sec();
	struct iovec local, remote;
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		local.iov_base = &v;
		local.iov_len = sizeof(v);
		remote.iov_base = (void *)(uintptr_t)(base + offs[i]);
		remote.iov_len = sizeof(v);
		if (process_vm_readv(pid, &local, 1, &remote, 1, 0) !=
		    sizeof(v))
			fatal("process_vm_readv");
		*sum += v;
	}
	return (monotonic_sec() - t) / (double)n * 1e9;
}

static double
bench_small_memcpy(const unsigned char *src, const uint64_t *offs, size_t n,
    uint64_t *sum)
{
	double t = monotonic_sec();
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&v, src + offs[i], sizeof(v));
		*sum += v;
	}
	return (monotonic_sec() - t) / (double)n * 1e9;
}

/* Best GB/s of BENCH_RUNS reads of the whole 64 MiB. */
static double
bench_bulk(int how, struct arena *a, pid_t pid, uint64_t base,
    const unsigned char *src, unsigned char *dst)
{
	struct iovec local, remote;
	double best = 0, t, gbs;
	size_t done, n;
	int r;

	for (r = 0; r < BENCH_RUNS; r++) {
		t = monotonic_sec();
		for (done = 0; done < BENCH_LEN; done += n) {
			if (how == BULK_ARENA) {
				n = arena_read(a, base + done, dst + done,
				    BENCH_LEN - done);
			} else if (how == BULK_PVR) {
				local.iov_base = dst + done;
				local.iov_len = BENCH_LEN - done;
				remote.iov_base = (void *)(uintptr_t)(base +
				    done);
				remote.iov_len = BENCH_LEN - done;
				n = (size_t)process_vm_readv(pid, &local, 1,
				    &remote, 1, 0);
			} else {
				memcpy(dst, src, BENCH_LEN);
				n = BENCH_LEN;
			}
			if (n == 0 || n == (size_t)-1)
				fatalx("bulk read stopped at %zu", done);
		}
		gbs = (double)BENCH_LEN / (monotonic_sec() - t) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	return best;
}

static const char *
bench_verdict(bool met)
{
	return met ? "goal met" : "GOAL MISSED";
}

int
main(void)
{
	struct arena *a;
	char *err = NULL;
	uint64_t off, base, seed = 0x9e3779b97f4a7c15ULL, sum = 0, i;
	uint64_t *offs;
	unsigned char *src, *dst;
	double ns_arena, ns_pvr, ns_memcpy, gb_arena, gb_pvr, gb_memcpy, t;
	struct arena_stats st;
	int release, status;
	pid_t pid;

	a = arena_new(&err);
	if (a == NULL)
		fatalx("%s", err);
	if (arena_alloc(a, BENCH_LEN, &off, &err) < 0)
		fatalx("%s", err);
	pid = bench_child(a, off, &base, &release);
	arena_map(a, base, BENCH_LEN, off);

	src = xmalloc(BENCH_LEN);
	dst = xmalloc(BENCH_LEN);
	for (i = 0; i < BENCH_LEN; i++)
		src[i] = (unsigned char)(i * 31 + (i >> 12));
	memset(dst, 0, BENCH_LEN);
	t = monotonic_sec();
	if (arena_read(a, base, dst, BENCH_LEN) != BENCH_LEN ||
	    memcmp(dst, src, BENCH_LEN) != 0)
		fatalx("arena_read does not see what the child wrote");
	printf("first 64 MiB arena_read (residency + page faults): %.1f ms\n",
	    (monotonic_sec() - t) * 1e3);

	offs = xreallocarray(NULL, BENCH_FAST_N, sizeof(*offs));
	for (i = 0; i < BENCH_FAST_N; i++)
		offs[i] = bench_rand(&seed) % (BENCH_LEN - 8);
	ns_arena = bench_small_arena(a, base, offs, BENCH_FAST_N, &sum);
	ns_pvr = bench_small_pvr(pid, base, offs, BENCH_SLOW_N, &sum);
	ns_memcpy = bench_small_memcpy(src, offs, BENCH_FAST_N, &sum);
	printf("8-byte random reads: arena_read %.1f ns, process_vm_readv "
	    "%.1f ns, memcpy %.1f ns\n", ns_arena, ns_pvr, ns_memcpy);
	printf("  process_vm_readv / arena_read = %.1fx (goal >= 50x: %s)\n",
	    ns_pvr / ns_arena, bench_verdict(ns_pvr / ns_arena >= 50));

	gb_arena = bench_bulk(BULK_ARENA, a, pid, base, src, dst);
	gb_pvr = bench_bulk(BULK_PVR, a, pid, base, src, dst);
	gb_memcpy = bench_bulk(BULK_MEMCPY, a, pid, base, src, dst);
	printf("64 MiB bulk reads: arena_read %.2f GB/s, process_vm_readv "
	    "%.2f GB/s, memcpy %.2f GB/s\n", gb_arena, gb_pvr, gb_memcpy);
	printf("  arena_read / process_vm_readv = %.2fx (goal >= 2x: %s)\n",
	    gb_arena / gb_pvr, bench_verdict(gb_arena / gb_pvr >= 2));
	printf("  memcpy / arena_read = %.2fx (goal <= 1.5x: %s)\n",
	    gb_memcpy / gb_arena, bench_verdict(gb_memcpy / gb_arena <= 1.5));

	arena_get_stats(a, &st);
	printf("arena: %llu region(s), %llu bytes, %llu resident "
	    "(checksum %llx)\n", (unsigned long long)st.regions,
	    (unsigned long long)st.bytes,
	    (unsigned long long)st.resident_bytes, (unsigned long long)sum);
	close(release);
	if (waitpid(pid, &status, 0) < 0)
		fatal("waitpid");
	free(offs);
	free(src);
	free(dst);
	arena_free(a);
	return 0;
}
