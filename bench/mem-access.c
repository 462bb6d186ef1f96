/*
 * mem-access.c: latency and throughput of every way to read and write a
 * tracee's memory, by access size (8 B to 64 MiB). The program spawns
 * itself as the tracee under the tracer (tracer_spawn, pause at exit); the
 * tracee fills 64 MiB of private anonymous memory at a fixed address and
 * exits, and at its exit pause the bench reads and writes that region:
 *
 *	peek		PTRACE_PEEKDATA / PTRACE_POKEDATA, one word a call
 *	pvr		process_vm_readv / process_vm_writev
 *	procmem		pread / pwrite on /proc/PID/mem
 *	mem		ptinspect's mem_read / mem_write (redirected: memfd)
 *	mem-copy	the same API on a --no-redirect tracee (copy path)
 *	memcpy		memcpy between two private buffers (the limit)
 *
 * Accesses smaller than the region go to random offsets aligned to the
 * access size (at most a page). Each point is a warm-up, then ROUNDS
 * rounds of enough accesses to fill about TARGET_MS each; the output is
 * one tab-separated line per point, nanoseconds per access:
 *
 *	OP METHOD SIZE MEDIAN_NS MIN_NS MAX_NS
 *
 * PEEKDATA/POKEDATA stop at 2 MiB (one syscall per word: 64 MiB would take
 * seconds per access; the line is straight). Exit 1 when an access fails
 * or returns other bytes than the tracee wrote.
 *
 * With -c, cold reads instead: every access on a page ptinspect has not
 * touched, which in ptinspect's view of redirected memory (a fresh
 * MAP_SHARED mapping of the memfd) would be a page fault. Each round
 * spawns fresh tracees for each method (taking turns at going first:
 * ma_cold_run) and measures:
 *
 *	cold M 8	8-byte reads, one in each of 1024 / ROUNDS
 *			64 KiB blocks no round used before (a fault
 *			maps its 64 KiB neighbourhood)
 *	cold M 67108864	one 64 MiB read of a fresh tracee
 *	warm M 67108864	the same read again
 *	find1 M 536870912	mem_find over a 512 MiB region of
 *			another fresh tracee, the pattern nowhere in it
 *	find2 M 536870912	the same search again
 *
 * The method M is mem (redirected), mem-copy (--no-redirect: the API on
 * process_vm_readv), pvr (process_vm_readv itself, on the --no-redirect
 * tracee) and, for the 64 MiB reads only, memfd-pread (one pread of the
 * redirected tracee's memfd, past mem_read: the kernel's part of mem's
 * figure); one line each, nanoseconds per access as above.
 *
 *	bench/mem-access [-c] [-r ROUNDS] [-t TARGET_MS]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "maps.h"
#include "mem.h"
#include "redirect.h"
#include "tracer.h"
#include "util.h"

#define MA_LEN		((size_t)64 << 20)
#define MA_ADDR		0x200000000000ull
#define MA_PEEK_MAX	((size_t)2 << 20)
#define MA_NOFFS	4096
#define MA_MAX_ROUNDS	64
#define MA_FIND_LEN	((size_t)512 << 20)
#define MA_SMALL	((size_t)64 << 10)	/* arena.c's ARENA_BULK */
#define MA_COLD_STRIDE	((size_t)64 << 10)
#define MA_COLD_BLOCKS	(MA_LEN / MA_COLD_STRIDE)

enum ma_method { MA_PEEK, MA_PVR, MA_PROCMEM, MA_MEM, MA_MEMCPY,
	MA_MEMFD };

struct ma_target {
	enum ma_method method;
	const char *name;
	struct proc *p;		/* the tracee (not for memcpy) */
	int mem_fd;		/* /proc/PID/mem (procmem) */
	unsigned char *local;	/* memcpy: the "tracee" buffer */
};

struct ma_ctx {
	unsigned char *buf;	/* our side of every access */
	uint64_t offs[MA_NOFFS];
	uint32_t blocks[MA_COLD_BLOCKS];	/* cold: a shuffled 0..n-1 */
	int rounds;
	double target_s;
};

/* The cold figures' methods, in ma_cold_round's numbering. */
#define MA_COLD_METHODS 4
static const char *const ma_cold_names[MA_COLD_METHODS] = {
	"mem", "mem-copy", "pvr", "memfd-pread"
};

/* One cold figure's rounds, by method (ma_cold_names). */
struct ma_cold {
	const char *op;
	size_t size;
	double ns[MA_COLD_METHODS][MA_MAX_ROUNDS];
};

static uint64_t ma_word(size_t i);
static int ma_run(struct ma_ctx *c, bool redirect);
static int ma_cold_run(struct ma_ctx *c);
static int ma_cold_round(struct ma_ctx *c, int round, int m,
    struct ma_cold *figs);
static void ma_cold_print(const struct ma_cold *fig, int rounds);
static int ma_tracee(size_t len);
static struct proc *ma_wait_paused(struct tracer *tr);
static struct tracer *ma_spawn(bool redirect, size_t len, struct proc **pp);
static int ma_check_region(struct proc *p, bool redirect, size_t len);
static void ma_access(const struct ma_target *t, bool write, uint64_t off,
    unsigned char *buf, size_t size);
static double ma_batch(const struct ma_target *t, const struct ma_ctx *c,
    bool write, size_t size, long n);
static void ma_point(const struct ma_target *t, const struct ma_ctx *c,
    bool write, size_t size);
static int ma_cmp_double(const void *a, const void *b);
static void ma_verify(const struct ma_target *t, unsigned char *buf);

int
main(int argc, char **argv)
{
	struct ma_ctx ctx = { .rounds = 7, .target_s = 0.02 };
	uint64_t state = 0x6d612d616363ull;
	bool cold = false;
	int c;

	if (argc > 2 && strcmp(argv[1], "tracee") == 0)
		return ma_tracee(strtoull(argv[2], NULL, 0));
	while ((c = getopt(argc, argv, "cr:t:")) != -1) {
		switch (c) {
		case 'c':
			cold = true;
			break;
		case 'r':
			ctx.rounds = atoi(optarg);
			break;
		case 't':
			ctx.target_s = atof(optarg) / 1000;
			break;
		default:
			fprintf(stderr, "usage: mem-access [-c] [-r ROUNDS] "
			    "[-t TARGET_MS]\n");
			return 2;
		}
	}
	if (ctx.rounds < 1 || ctx.rounds > MA_MAX_ROUNDS ||
	    ctx.target_s <= 0)
		fatalx("mem-access: bad -r or -t");

	for (size_t i = 0; i < MA_NOFFS; i++) {
		state = state * 6364136223846793005ull + 1442695040888963407ull;
		ctx.offs[i] = state >> 16;
	}
	for (size_t i = 0; i < MA_COLD_BLOCKS; i++) {
		size_t j = (size_t)(ctx.offs[i] % (i + 1));

		ctx.blocks[i] = ctx.blocks[j];
		ctx.blocks[j] = (uint32_t)i;
	}
	ctx.buf = xmalloc(MA_LEN);
	memset(ctx.buf, 0, MA_LEN);

	printf("# op\tmethod\tsize\tmedian_ns\tmin_ns\tmax_ns\n");
	if (cold) {
		if (ma_cold_run(&ctx) != 0)
			return 1;
		free(ctx.buf);
		return 0;
	}
	/* One tracer at a time: each waits for its own children only. */
	if (ma_run(&ctx, true) != 0 || ma_run(&ctx, false) != 0)
		return 1;
	free(ctx.buf);
	return 0;
}

/*
 * Spawns a tracee (redirected or not), measures every way that applies at
 * its exit pause, lets it exit. 0, or -1 after a message.
 */
static int
ma_run(struct ma_ctx *c, bool redirect)
{
	static const size_t sizes[] = { 8, 64, 512, 4096, 32768, 262144,
	    (size_t)2 << 20, (size_t)16 << 20, MA_LEN };
	struct ma_target targets[5];
	struct tracer *tr;
	struct proc *p;
	char path[64], *err = NULL;
	int nt = 0, fd = -1;
	unsigned char *local = NULL;

	tr = ma_spawn(redirect, MA_LEN, &p);
	if (!tr)
		return -1;
	if (redirect) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fatal("mem-access: %s", path);
		local = xmalloc(MA_LEN);
		for (size_t i = 0; i < MA_LEN / 8; i++) {
			uint64_t v = ma_word(i);

			memcpy(local + i * 8, &v, 8);
		}
		targets[nt++] = (struct ma_target){ MA_PEEK, "peek", p, -1,
		    NULL };
		targets[nt++] = (struct ma_target){ MA_PVR, "pvr", p, -1,
		    NULL };
		targets[nt++] = (struct ma_target){ MA_PROCMEM, "procmem", p,
		    fd, NULL };
		targets[nt++] = (struct ma_target){ MA_MEM, "mem", p, -1,
		    NULL };
		targets[nt++] = (struct ma_target){ MA_MEMCPY, "memcpy", NULL,
		    -1, local };
	} else {
		targets[nt++] = (struct ma_target){ MA_MEM, "mem-copy", p, -1,
		    NULL };
	}

	/* Every way reads the tracee's bytes before any write. */
	for (int i = 0; i < nt; i++)
		ma_verify(&targets[i], c->buf);
	for (int w = 0; w < 2; w++)
		for (int i = 0; i < nt; i++)
			for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes);
			    s++) {
				if (targets[i].method == MA_PEEK &&
				    sizes[s] > MA_PEEK_MAX)
					continue;
				ma_point(&targets[i], c, w, sizes[s]);
			}

	if (tracer_continue(tr, p, &err) != 0)
		fatalx("mem-access: continue: %s", err);
	tracer_finish(tr);
	tracer_destroy(tr);
	if (fd >= 0)
		close(fd);
	free(local);
	return 0;
}

/* The tracee's word number i: every word its own. */
static uint64_t
ma_word(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ull;
}

/* The tracee: len bytes at MA_ADDR, filled, then exit (the pause). */
static int
ma_tracee(size_t len)
{
	uint64_t *p = mmap((void *)(uintptr_t)MA_ADDR, len,
	    PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mem-access: tracee: mmap");
		return 1;
	}
	for (size_t i = 0; i < len / 8; i++)
		p[i] = ma_word(i);
	return 0;
}

static struct proc *
ma_wait_paused(struct tracer *tr)
{
	struct proc *p;

	while ((p = tracer_next_paused(tr)) == NULL)
		if (tracer_poll(tr, 10000) < 0)
			return NULL;
	return p;
}

/* Spawns the tracee and waits for its exit pause; NULL after a message. */
static struct tracer *
ma_spawn(bool redirect, size_t len, struct proc **pp)
{
	struct tracer_opts opts = {
		.pause_on_exit = true,
		.no_redirect = !redirect,
	};
	char self[4096], arg[32];
	char *argv[] = { self, "tracee", arg, NULL };
	struct tracer *tr;
	ssize_t n;
	int status;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		warn_msg("mem-access: /proc/self/exe");
		return NULL;
	}
	self[n] = '\0';
	snprintf(arg, sizeof(arg), "%zu", len);
	tr = tracer_spawn(&opts, argv, &status);
	if (!tr)
		return NULL;
	*pp = ma_wait_paused(tr);
	if (!*pp || (*pp)->reason != PAUSE_EXIT || (*pp)->exit_code != 0 ||
	    ma_check_region(*pp, redirect, len) != 0) {
		warnx_msg("mem-access: the tracee did not pause at a clean "
		    "exit with its region");
		tracer_destroy(tr);
		return NULL;
	}
	return tr;
}

/* The region is there, served the way the mode says. 0, or -1. */
static int
ma_check_region(struct proc *p, bool redirect, size_t len)
{
	struct maps maps = { 0 };
	const struct region *r;
	char *err = NULL;
	int rc = -1;

	if (maps_read(proc_access_tid(p), &maps, &err) != 0) {
		warnx_msg("mem-access: %s", err);
		free(err);
		return -1;
	}
	r = maps_find(&maps, MA_ADDR);
	if (!r || r->end < MA_ADDR + len)
		warnx_msg("mem-access: no region at 0x%llx",
		    (unsigned long long)MA_ADDR);
	else if (strcmp(mem_region_access(p, r), redirect ? "shared" :
	    "copy") != 0)
		warnx_msg("mem-access: the region is served on the \"%s\" "
		    "path", mem_region_access(p, r));
	else
		rc = 0;
	maps_free(&maps);
	return rc;
}

/* One access of size bytes at offset off of the region; exits on error. */
static void
ma_access(const struct ma_target *t, bool write, uint64_t off,
    unsigned char *buf, size_t size)
{
	uint64_t addr = MA_ADDR + off;
	struct iovec local = { buf, size };
	struct iovec remote = { (void *)(uintptr_t)addr, size };
	ssize_t n = (ssize_t)size;

	switch (t->method) {
	case MA_PEEK:
		for (size_t i = 0; i < size; i += 8) {
			uint64_t v;

			if (write) {
				memcpy(&v, buf + i, 8);
				if (ptrace(PTRACE_POKEDATA, t->p->pid,
				    (void *)(uintptr_t)(addr + i),
				    (void *)(uintptr_t)v) != 0)
					fatal("mem-access: POKEDATA");
			} else {
				errno = 0;
				v = (uint64_t)ptrace(PTRACE_PEEKDATA,
				    t->p->pid, (void *)(uintptr_t)(addr + i),
				    NULL);
				if (errno != 0)
					fatal("mem-access: PEEKDATA");
				memcpy(buf + i, &v, 8);
			}
		}
		return;
	case MA_PVR:
		n = write ? process_vm_writev(t->p->pid, &local, 1, &remote,
		    1, 0) : process_vm_readv(t->p->pid, &local, 1, &remote,
		    1, 0);
		break;
	case MA_PROCMEM:
		n = write ? pwrite(t->mem_fd, buf, size, (off_t)addr) :
		    pread(t->mem_fd, buf, size, (off_t)addr);
		break;
	case MA_MEM:
		n = write ? mem_write(t->p, addr, buf, size, NULL) :
		    mem_read(t->p, addr, buf, size, NULL);
		break;
	case MA_MEMFD: {
		struct arena *a = redirect_arena(t->p);
		uint64_t off0, avail;

		if (write || a == NULL ||
		    !arena_lookup(a, addr, &off0, &avail) || avail < size)
			fatalx("mem-access: memfd-pread: not redirected");
		n = pread(arena_fd(a), buf, size, (off_t)off0);
		break;
	}
	case MA_MEMCPY:
		if (write)
			memcpy(t->local + off, buf, size);
		else
			memcpy(buf, t->local + off, size);
		__asm__ volatile("" : : "r"(buf) : "memory");
		break;
	}
	if (n != (ssize_t)size)
		fatal("mem-access: %s %s of %zu bytes at +0x%llx", t->name,
		    write ? "write" : "read", size, (unsigned long long)off);
}

/* Seconds for n accesses of size bytes at the shuffled offsets. */
static double
ma_batch(const struct ma_target *t, const struct ma_ctx *c, bool write,
    size_t size, long n)
{
	size_t align = size < 4096 ? size : 4096;
	uint64_t span = (MA_LEN - size) / align + 1;
	double t0 = monotonic_sec();

	for (long i = 0; i < n; i++) {
		uint64_t off = (c->offs[i % MA_NOFFS] % span) * align;

		ma_access(t, write, off, c->buf, size);
	}
	return monotonic_sec() - t0;
}

/* Warm-up, then the rounds of one point; prints its line. */
static void
ma_point(const struct ma_target *t, const struct ma_ctx *c, bool write,
    size_t size)
{
	double per[MA_MAX_ROUNDS], est, spent = 0;
	long n = 1, k = 0;

	/*
	 * Warm means every offset read before: twice for a small read, whose
	 * first read of a page ptinspect's view has not mapped is a pread
	 * and whose second maps it (src/arena.c, "Our own view").
	 */
	if (size < MA_SMALL)
		for (int pass = 0; pass < 2; pass++)
			ma_batch(t, c, write, size, MA_NOFFS);
	/* Warm-up: doubles until a batch fills the target; gives the rate. */
	for (;;) {
		spent = ma_batch(t, c, write, size, n);
		k = n;
		if (spent >= c->target_s / 2 || n >= (1L << 24))
			break;
		n *= 2;
	}
	est = spent / (double)k;
	n = (long)(c->target_s / est);
	if (n < 1)
		n = 1;
	for (int r = 0; r < c->rounds; r++)
		per[r] = ma_batch(t, c, write, size, n) / (double)n * 1e9;
	qsort(per, (size_t)c->rounds, sizeof(*per), ma_cmp_double);
	printf("%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\n", write ? "write" : "read",
	    t->name, size, c->rounds % 2 ? per[c->rounds / 2] :
	    (per[c->rounds / 2 - 1] + per[c->rounds / 2]) / 2, per[0],
	    per[c->rounds - 1]);
	fflush(stdout);
}

static int
ma_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A read of words here and there must give the tracee's own bytes. */
static void
ma_verify(const struct ma_target *t, unsigned char *buf)
{
	for (size_t i = 0; i < MA_LEN / 8; i += 40961) {
		uint64_t v;

		ma_access(t, false, i * 8, buf, 64);
		memcpy(&v, buf, 8);
		if (v != ma_word(i))
			fatalx("mem-access: %s read other bytes at +0x%zx",
			    t->name, i * 8);
	}
}

/*
 * The cold figures: ROUNDS rounds, each a fresh tracee of 64 MiB per
 * method (the first kernel copy out of fresh pages costs more than the
 * next, so no method reads after another on the same tracee) and one of
 * 512 MiB per find method, the methods taking turns at going first.
 * 0, or -1 after a message.
 */
static int
ma_cold_run(struct ma_ctx *c)
{
	static struct ma_cold figs[] = {
		{ "cold", 8, { { 0 } } },
		{ "cold", MA_LEN, { { 0 } } },
		{ "warm", MA_LEN, { { 0 } } },
		{ "find1", MA_FIND_LEN, { { 0 } } },
		{ "find2", MA_FIND_LEN, { { 0 } } },
	};
	struct arena_first_costs fc;

	for (int r = 0; r < c->rounds; r++)
		for (int k = 0; k < MA_COLD_METHODS; k++)
			if (ma_cold_round(c, r, (r + k) % MA_COLD_METHODS,
			    figs) != 0)
				return -1;
	for (size_t i = 0; i < sizeof(figs) / sizeof(*figs); i++)
		ma_cold_print(&figs[i], c->rounds);
	arena_get_first_costs(&fc);
	printf("# first bulk reads, a page: pread %llu ns, the view %llu ns "
	    "to touch and %llu ns to copy; copies %s, searches %s\n",
	    (unsigned long long)fc.pread_ns, (unsigned long long)fc.touch_ns,
	    (unsigned long long)fc.copy_ns,
	    fc.copy_way == ARENA_FIRST_VIEW ? "in the view" : "by pread",
	    fc.search_way == ARENA_FIRST_VIEW ? "in the view" : "by pread");
	return 0;
}

/* A 64-bit pattern found nowhere in the tracee's words. */
static const char ma_absent[] = "\x01\x23\x45\x67\x89\xab\xcd\xef";

static int
ma_cold_none(uint64_t addr, void *arg)
{
	(void)addr;
	(void)arg;
	return 0;
}

/*
 * Round `round` of every cold figure of method m (ma_cold_names; 3,
 * memfd-pread, has the 64 MiB reads only) on fresh tracees (figs as
 * ma_cold_run's). 0, or -1 after a message.
 */
static int
ma_cold_round(struct ma_ctx *c, int round, int m, struct ma_cold *figs)
{
	size_t per = MA_COLD_BLOCKS / (size_t)c->rounds;
	bool redirect = m == 0 || m == 3;
	struct maps maps = { 0 };
	const struct region *r;
	struct ma_target t;
	struct tracer *tr;
	struct proc *p;
	char *err = NULL;
	double t0;
	long found;

	tr = ma_spawn(redirect, MA_LEN, &p);
	if (tr == NULL)
		return -1;
	/*
	 * Our buffer went copy-on-write in the fork of the spawn: its first
	 * write faults each page. Not the reads' cost: paid here.
	 */
	memset(c->buf, 0, MA_LEN);
	t = (struct ma_target){ m == 2 ? MA_PVR : m == 3 ? MA_MEMFD : MA_MEM,
	    ma_cold_names[m], p, -1, NULL };
	/* Blocks of this round's own, in shuffled order. */
	t0 = monotonic_sec();
	for (size_t i = 0; m != 3 && i < per; i++) {
		size_t b = c->blocks[(size_t)round * per + i];

		ma_access(&t, false, b * MA_COLD_STRIDE +
		    (size_t)round * 4096 % MA_COLD_STRIDE, c->buf, 8);
	}
	figs[0].ns[m][round] = (monotonic_sec() - t0) / (double)per * 1e9;
	/* The 8-byte reads touched at most 1/16 of it: cold enough. */
	for (int k = 1; k <= 2; k++) {
		t0 = monotonic_sec();
		ma_access(&t, false, 0, c->buf, MA_LEN);
		figs[k].ns[m][round] = (monotonic_sec() - t0) * 1e9;
	}
	ma_verify(&t, c->buf);
	if (tracer_continue(tr, p, &err) != 0)
		fatalx("mem-access: continue: %s", err);
	tracer_finish(tr);
	tracer_destroy(tr);
	if (m >= 2)
		return 0;

	tr = ma_spawn(redirect, MA_FIND_LEN, &p);
	if (tr == NULL)
		return -1;
	if (mem_maps_read(p, &maps, &err) != 0 ||
	    (r = maps_find(&maps, MA_ADDR)) == NULL)
		fatalx("mem-access: no region at 0x%llx: %s",
		    (unsigned long long)MA_ADDR, err ? err : "not mapped");
	for (int k = 3; k <= 4; k++) {
		t0 = monotonic_sec();
		found = mem_find(p, &maps, r, ma_absent, sizeof(ma_absent) - 1,
		    ma_cold_none, NULL, &err);
		figs[k].ns[m][round] = (monotonic_sec() - t0) * 1e9;
		if (found != 0)
			fatalx("mem-access: find: %ld matches of a pattern "
			    "that is not there", found);
	}
	maps_free(&maps);
	if (tracer_continue(tr, p, &err) != 0)
		fatalx("mem-access: continue: %s", err);
	tracer_finish(tr);
	tracer_destroy(tr);
	return 0;
}

/* The lines of one cold figure: median, min, max of its rounds. */
static void
ma_cold_print(const struct ma_cold *fig, int rounds)
{
	double v[MA_MAX_ROUNDS];

	for (int m = 0; m < MA_COLD_METHODS; m++) {
		if ((fig->size == MA_FIND_LEN && m >= 2) ||
		    (fig->size != MA_LEN && m == 3))
			continue;
		memcpy(v, fig->ns[m], (size_t)rounds * sizeof(*v));
		qsort(v, (size_t)rounds, sizeof(*v), ma_cmp_double);
		printf("%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\n", fig->op,
		    ma_cold_names[m],
		    fig->size, rounds % 2 ? v[rounds / 2] :
		    (v[rounds / 2 - 1] + v[rounds / 2]) / 2, v[0],
		    v[rounds - 1]);
	}
	fflush(stdout);
}
