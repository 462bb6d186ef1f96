/*
 * sem.h: helpers shared by the semantics test programs (tests/progs/sem-*.c).
 * Each of those programs checks one point of "a program cannot tell that its
 * memory was redirected": it exits 0 when every check held, 77 (after a
 * "SKIP: reason" line on stderr) when the machine lacks the feature natively,
 * and otherwise 1 after printing "PROG: CHECK: what was wrong" on stderr.
 * Header only; every function is static inline so a program uses what it
 * needs without unused-function warnings. Include it first: it defines
 * _GNU_SOURCE.
 *
 *	sem_check(cond, "check-name", fmt, ...)	fails unless cond
 *	sem_fail("check-name", fmt, ...)	fails at once
 *	sem_skip(fmt, ...)			exits 77
 *	sem_watchdog(seconds)			fails a hung program
 *	sem_fork(), sem_wait_status(pid, st, what)	children, watched
 *	sem_send(fd), sem_recv(fd)		one-byte lock-step over pipes
 *	sem_map(len, prot), sem_unmap(p, len)	anonymous private mappings
 *	sem_fill(p, len, seed), sem_verify(...)	position-dependent patterns
 *	sem_expect_zero(...)			all bytes 0
 *	sem_can_read(p), sem_can_write(p)	fault probes (SIGSEGV/SIGBUS)
 *	sem_is_mapped(p, len)			via mincore(2)
 *	sem_leave_marker()			memory for ptinspect to see
 *	sem_rss_kb()				VmRSS
 *	sem_own_filter(nr, action)		the program's own seccomp
 *						filter: nr -> action
 */
#ifndef PTI_SEM_H
#define PTI_SEM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SEM_SKIP_STATUS 77

/*
 * For the child of a raw clone, which has no libc: inline assembly for
 * mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0),
 * the result in rax; it clobbers rdi, rsi, rdx, r10, r8, r9, rcx, r11.
 */
#define SEM_ASM_MMAP_PAGE						\
	"mov $9, %%eax\n\t"						\
	"xor %%edi, %%edi\n\t"						\
	"mov $4096, %%esi\n\t"						\
	"mov $3, %%edx\n\t"						\
	"mov $0x22, %%r10d\n\t"					\
	"mov $-1, %%r8\n\t"						\
	"xor %%r9d, %%r9d\n\t"						\
	"syscall\n\t"


static inline SEM_PRINTF(2, 3) __attribute__((noreturn))
void sem_fail(const char *check, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s[%d]: %s: ", program_invocation_short_name,
		(int)getpid(), check);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

#define sem_check(cond, check, ...)					\
	do {								\
		if (!(cond))						\
			sem_fail((check), __VA_ARGS__);			\
	} while (0)

/* Fails when a system call the check relies on returned -1. */
#define sem_syscall_ok(r, check, what)					\
	sem_check((r) != -1, (check), "%s: %s", (what), strerror(errno))

static inline SEM_PRINTF(1, 2) __attribute__((noreturn))
void sem_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("SKIP: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SEM_SKIP_STATUS);
}

static inline size_t sem_page(void)
{
	static size_t page;

	if (page == 0)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

static inline void sem_watchdog_fired(int sig)
{
	static const char msg[] = ": watchdog: no progress (a peer died or "
		"a call hangs)\n";

	(void)!write(2, program_invocation_short_name,
		     strlen(program_invocation_short_name));
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

/*
 * Fails the program if it is still running after `seconds`: programs that
 * wait for a peer process would otherwise hang when the peer dies.
 */
static inline void sem_watchdog(unsigned seconds)
{
	signal(SIGALRM, sem_watchdog_fired);
	alarm(seconds);
}

/* fork(); failure fails. The child gets a watchdog of its own. */
static inline pid_t sem_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		sem_fail("fork", "%s", strerror(errno));
	if (pid == 0)
		sem_watchdog(120);
	return pid;
}

/* Waits for pid; fails check `what` unless it exited with status. */
static inline void sem_wait_status(pid_t pid, int status, const char *what)
{
	int st;

	while (waitpid(pid, &st, 0) != pid)
		if (errno != EINTR)
			sem_fail("waitpid", "%s %d: %s", what, (int)pid,
				 strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != status)
		sem_fail(what, "%d: %s %d, expected exit status %d", (int)pid,
			 WIFEXITED(st) ? "exited" : "killed by signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
			 status);
}

static inline void sem_send(int fd)
{
	char c = 'x';

	if (write(fd, &c, 1) != 1)
		sem_fail("pipe write", "%s", strerror(errno));
}

/* Waits for the peer's byte; a peer that is gone fails. */
static inline void sem_recv(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		sem_fail("pipe read", "the peer is gone");
}

/* A fresh private anonymous mapping; failure fails check "mmap". */
static inline void *sem_map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		sem_fail("mmap", "mmap(%zu bytes): %s", len, strerror(errno));
	return p;
}

static inline void sem_unmap(void *p, size_t len)
{
	if (munmap(p, len) != 0)
		sem_fail("munmap", "munmap(%p, %zu): %s", p, len,
			 strerror(errno));
}

/*
 * The pattern byte at offset off of a buffer filled with seed: depends on
 * both, so a page that shows up at the wrong place or from another buffer
 * is caught. Never 0 for seeds other than 0.
 */
static inline unsigned char sem_pattern(uint64_t seed, size_t off)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + (off / 8) * 0xbf58476d1ce4e5b9ull;

	x ^= x >> 29;
	x = (unsigned char)(x >> ((off % 8) * 8));
	return x == 0 ? (unsigned char)(seed | 1) : (unsigned char)x;
}

/* Fills len bytes at p (whose offset in the buffer is base). */
static inline void sem_fill_at(void *p, size_t len, uint64_t seed, size_t base)
{
	unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		c[i] = sem_pattern(seed, base + i);
}

static inline void sem_fill(void *p, size_t len, uint64_t seed)
{
	sem_fill_at(p, len, seed, 0);
}

/* Fails check unless p[0..len) holds the pattern of seed starting at base. */
static inline void sem_verify_at(const char *check, const void *p, size_t len,
				 uint64_t seed, size_t base)
{
	const volatile unsigned char *c = p;

	for (size_t i = 0; i < len; i++) {
		unsigned char want = sem_pattern(seed, base + i);

		if (c[i] != want)
			sem_fail(check, "byte %zu of %zu at %p is 0x%02x, "
				 "expected 0x%02x (pattern %llu)%s", i, len,
				 (const void *)&c[i], c[i], want,
				 (unsigned long long)seed,
				 c[i] == 0 ? ": contents lost" : "");
	}
}

static inline void sem_verify(const char *check, const void *p, size_t len,
			      uint64_t seed)
{
	sem_verify_at(check, p, len, seed, 0);
}

/* Fails check unless every byte of p[0..len) is zero. */
static inline void sem_expect_zero(const char *check, const void *p,
				   size_t len)
{
	const volatile uint64_t *q = p;

	for (size_t i = 0; i < len / 8; i++)
		if (q[i] != 0)
			sem_fail(check, "byte %zu of %zu at %p is not zero "
				 "(0x%016llx): stale data", i * 8, len,
				 (const void *)&q[i],
				 (unsigned long long)q[i]);
}

/* Fault probes: a SIGSEGV/SIGBUS handler that longjmps back (per thread). */
static __thread sigjmp_buf sem_probe_env;
static __thread volatile sig_atomic_t sem_probe_armed;
static __thread volatile sig_atomic_t sem_probe_sig;

static inline void sem_probe_handler(int sig)
{
	if (!sem_probe_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	sem_probe_sig = sig;
	siglongjmp(sem_probe_env, 1);
}

static inline void sem_probe_install(void)
{
	static _Atomic bool done;
	struct sigaction sa;

	if (done)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sem_probe_handler;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	done = true;
}

/* True when reading (or atomically writing) the byte at p does not fault. */
static inline bool sem_probe(void *p, bool write)
{
	volatile unsigned char *c = p;

	sem_probe_install();
	sem_probe_sig = 0;
	if (sigsetjmp(sem_probe_env, 1)) {
		sem_probe_armed = 0;
		return false;
	}
	sem_probe_armed = 1;
	if (write)	/* adding 0 keeps concurrent data */
		__atomic_fetch_add(c, 0, __ATOMIC_RELAXED);
	else
		(void)*c;
	sem_probe_armed = 0;
	return true;
}

static inline bool sem_can_read(const void *p)
{
	return sem_probe((void *)p, false);
}

static inline bool sem_can_write(void *p)
{
	return sem_probe(p, true);
}

/* Fails check unless the access rights of one byte are exactly these. */
static inline void sem_expect_access(const char *check, void *p, bool readable,
				     bool writable)
{
	bool r = sem_can_read(p);
	bool w = sem_can_write(p);

	if (r != readable || w != writable)
		sem_fail(check, "%p: %s%s, expected %s%s", p,
			 r ? "readable" : "unreadable",
			 w ? "/writable" : "/read-only",
			 readable ? "readable" : "unreadable",
			 writable ? "/writable" : "/read-only");
}

/* True when every page of [p, p+len) is mapped (mincore does not ENOMEM). */
static inline bool sem_is_mapped(const void *p, size_t len)
{
	size_t pg = sem_page();
	unsigned char vec[64];
	uintptr_t a = (uintptr_t)p & ~(pg - 1);
	uintptr_t end = (uintptr_t)p + len;

	while (a < end) {
		size_t n = (end - a + pg - 1) / pg;

		if (n > sizeof(vec))
			n = sizeof(vec);
		if (mincore((void *)a, n * pg, vec) != 0)
			return false;
		a += n * pg;
	}
	return true;
}

/* True when no page of [p, p+len) is mapped. */
static inline bool sem_is_unmapped(const void *p, size_t len)
{
	size_t pg = sem_page();
	unsigned char vec[1];

	for (uintptr_t a = (uintptr_t)p & ~(pg - 1); a < (uintptr_t)p + len;
	     a += pg)
		if (mincore((void *)a, pg, vec) == 0)
			return false;
	return true;
}

/* A "Key:  N kB" line of /proc/self/status ("VmRSS", "VmLck"), or -1. */
static inline long sem_status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(key);
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':' &&
		    sscanf(line + n + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * rounds mappings of len bytes, one after another: each must read zeros
 * and keep what is written to it, then goes.
 */
static inline void sem_map_rounds(int rounds, size_t len)
{
	unsigned char *q;

	for (int i = 0; i < rounds; i++) {
		q = sem_map(len, PROT_READ | PROT_WRITE);
		sem_expect_zero("later mappings read zeros", q, len);
		sem_fill(q, len, (uint64_t)i);
		sem_verify("later mappings keep data", q, len, (uint64_t)i);
		sem_unmap(q, len);
	}
}

/*
 * Where the main thread's stack ends ([stack] in /proc/self/maps), or 0:
 * ptinspect's mmap stub goes just above it where there is room.
 */
static inline uintptr_t sem_stack_end(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uintptr_t start, end = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") != NULL &&
		    sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &start, &end) == 2)
			break;
	fclose(f);
	return end;
}

/* The process's resident size (VmRSS) in kB, or -1. */
static inline long sem_rss_kb(void)
{
	return sem_status_kb("VmRSS");
}

/*
 * Leaves a mapping of SEM_MARKER_LEN bytes at SEM_MARKER_ADDR, filled, for
 * the exit pause: semantics.t asks ptinspect's `maps` whether memory the
 * program mapped last (after closing its descriptors, attacking its memfd,
 * exec...) is still redirected ("access":"shared").
 */
#define SEM_MARKER_ADDR ((uintptr_t)0x5e5e00000000)
#define SEM_MARKER_LEN ((size_t)1 << 20)

static inline void sem_leave_marker(void)
{
	void *want = (void *)SEM_MARKER_ADDR;
	void *p = mmap(want, SEM_MARKER_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != want)
		sem_fail("mmap the marker", "%p: %s", want,
			 p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	memset(p, 0x5e, SEM_MARKER_LEN);
}

/*
 * An address range of len bytes that is free right now, with at least
 * `guard` free bytes after it (so a mapping placed there can grow in place).
 */
static inline unsigned char *sem_free_range(size_t len, size_t guard)
{
	unsigned char *p = sem_map(len + guard, PROT_NONE);

	sem_unmap(p, len + guard);
	return p;
}

/*
 * One copy-on-write round: a region filled with `seed` before the fork;
 * the child checks it, writes its own pattern, maps and fills fresh memory
 * (redirected in the child itself), and exits 3; the parent must still see
 * its own bytes and the child's exit status (a killed child: signal 9).
 */
static inline void sem_cow_round(const char *what, uint64_t seed)
{
	size_t len = (size_t)1 << 20;
	unsigned char *r = sem_map(len, PROT_READ | PROT_WRITE);
	unsigned char *h = malloc(100000), *fresh;
	pid_t pid;

	if (h == NULL)
		sem_fail(what, "malloc failed");
	sem_fill(r, len, seed);
	sem_fill(h, 100000, seed + 1);
	pid = sem_fork();
	if (pid == 0) {
		sem_verify(what, r, len, seed);
		sem_verify(what, h, 100000, seed + 1);
		sem_fill(r, len, seed + 2);
		sem_fill(h, 100000, seed + 3);
		fresh = sem_map(len, PROT_READ | PROT_WRITE);
		sem_fill(fresh, len, seed + 4);
		sem_verify(what, fresh, len, seed + 4);
		sem_verify(what, r, len, seed + 2);
		_exit(3);
	}
	sem_wait_status(pid, 3, what);
	sem_verify(what, r, len, seed);
	sem_verify(what, h, 100000, seed + 1);
	sem_unmap(r, len);
	free(h);
}

/*
 * The program's own seccomp filter (no_new_privs first): system call nr
 * gets action (SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_TRACE | data, ...),
 * every other call is allowed.
 */
static inline void sem_own_filter(int nr, unsigned action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	sem_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0,
	    "no_new_privs", "%s", strerror(errno));
	sem_check(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0,
	    "install the program's own filter", "%s", strerror(errno));
}

#endif
