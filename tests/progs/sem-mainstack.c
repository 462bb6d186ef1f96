/*
 * sem-mainstack: the main thread's stack must stay the kernel's growable
 * [stack], as programs change its limit and protection at run time:
 *  - a lowered RLIMIT_STACK is enforced: recursion past it gets SIGSEGV
 *    (caught here on an alternate signal stack) well before 8 MiB;
 *  - MAP_FIXED_NOREPLACE of a page a few MiB below the stack pointer,
 *    where the stack has not grown, succeeds;
 *  - glibc's way to make the stack executable (what dlopen of a library
 *    linked with -z execstack does): mprotect(PROT_EXEC | PROT_GROWSDOWN)
 *    on the page holding a local variable, which works only on a
 *    grows-down mapping;
 *  - RLIMIT_STACK raised to 64 MiB then 30 MiB of recursion (gcc's cc1
 *    does this) keeps every frame's bytes.
 * A private anonymous mmap first: ptinspect decides about memory at the
 * first one.
 */
#include "sem.h"

#include <sys/resource.h>

#define FRAME 4096
#define LOWERED_LIMIT ((rlim_t)1 << 20)
#define RAISED_LIMIT ((rlim_t)64 << 20)
#define DEEP_BYTES ((size_t)30 << 20)

static sigjmp_buf overflow_env;
static volatile uintptr_t deepest;
static size_t depth_max;

static void on_overflow(int sig)
{
	(void)sig;
	siglongjmp(overflow_env, 1);
}

/* Each frame fills a buffer, recurses, then checks its buffer. */
static __attribute__((noinline)) size_t recurse(size_t depth)
{
	volatile unsigned char buf[FRAME - 128];
	size_t r;

	for (size_t i = 0; i < sizeof(buf); i += 61)
		buf[i] = (unsigned char)(depth * 7 + i);
	if (deepest == 0 || (uintptr_t)buf < deepest)
		deepest = (uintptr_t)buf;
	r = depth < depth_max ? recurse(depth + 1) : 0;
	for (size_t i = 0; i < sizeof(buf); i += 61)
		sem_check(buf[i] == (unsigned char)(depth * 7 + i),
			  "stack frames keep their bytes through recursion",
			  "depth %zu, byte %zu", depth, i);
	return r + 1;
}

static void lowered_limit(void)
{
	static unsigned char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	struct rlimit rl;
	volatile uintptr_t top = (uintptr_t)&rl;

	sem_syscall_ok(sigaltstack(&ss, NULL), "sigaltstack", "set");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_overflow;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sem_syscall_ok(getrlimit(RLIMIT_STACK, &rl), "getrlimit", "stack");
	rl.rlim_cur = LOWERED_LIMIT;
	sem_syscall_ok(setrlimit(RLIMIT_STACK, &rl), "setrlimit",
		       "lower to 1 MiB");
	deepest = 0;
	depth_max = (16u << 20) / FRAME;
	if (sigsetjmp(overflow_env, 1) == 0) {
		recurse(0);
		sem_fail("a lowered RLIMIT_STACK is enforced",
			 "16 MiB of recursion under a 1 MiB limit ran");
	}
	signal(SIGSEGV, SIG_DFL);
	sem_check(top - deepest < 2 * LOWERED_LIMIT,
		  "a lowered RLIMIT_STACK is enforced",
		  "SIGSEGV came only %lu KiB below the first frame, with a "
		  "limit of %lu KiB", (unsigned long)((top - deepest) >> 10),
		  (unsigned long)(LOWERED_LIMIT >> 10));
}

static void noreplace_below_sp(void)
{
	volatile int local;
	size_t pg = sem_page();
	uintptr_t want = (((uintptr_t)&local) & ~(pg - 1)) - (5u << 20);
	void *p;

	p = mmap((void *)want, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(p == (void *)want,
		  "MAP_FIXED_NOREPLACE 5 MiB below the stack pointer",
		  "%#lx: %s", (unsigned long)want,
		  p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	*(volatile char *)p = 1;
	sem_unmap(p, pg);
}

static void executable_stack(void)
{
	volatile int local = 0;
	size_t pg = sem_page();
	void *page = (void *)(((uintptr_t)&local) & ~(pg - 1));
	int r;

	r = mprotect(page, pg, PROT_READ | PROT_WRITE | PROT_EXEC |
		     PROT_GROWSDOWN);
	if (r != 0 && errno == EACCES)
		sem_skip("executable stack refused by policy (EACCES)");
	sem_check(r == 0, "the stack can be made executable (-z execstack)",
		  "mprotect(PROT_EXEC|PROT_GROWSDOWN): %s", strerror(errno));
	local = 1;
	sem_check(local == 1, "the executable stack is still writable",
		  "a write was lost");
}

static void raised_limit(void)
{
	struct rlimit rl;

	sem_syscall_ok(getrlimit(RLIMIT_STACK, &rl), "getrlimit", "stack");
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < RAISED_LIMIT)
		sem_skip("hard RLIMIT_STACK below 64 MiB");
	rl.rlim_cur = RAISED_LIMIT;
	sem_syscall_ok(setrlimit(RLIMIT_STACK, &rl), "setrlimit",
		       "raise to 64 MiB");
	deepest = 0;
	depth_max = DEEP_BYTES / FRAME;
	sem_check(recurse(0) == depth_max + 1,
		  "30 MiB of recursion after raising RLIMIT_STACK",
		  "returned early");
}

int main(void)
{
	void *first;

	sem_watchdog(120);
	first = sem_map(sem_page(), PROT_READ | PROT_WRITE);
	memset(first, 1, sem_page());
	lowered_limit();
	noreplace_below_sp();
	executable_stack();
	raised_limit();
	sem_unmap(first, sem_page());
	return 0;
}
