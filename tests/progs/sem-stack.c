/*
 * sem-stack: the main thread's stack: deep recursion (half the limit, at
 * most 4 MiB) keeps every frame's bytes; pthread_getattr_np still
 * reports a stack that holds the deepest frame and the limit as its size
 * bound; a forked child's writes to the stack stay its own; a thread
 * started afterwards runs on its own stack; /proc/self/cmdline and
 * environ, which the kernel reads from the top of the stack, still show
 * the arguments and the environment.
 */
#include "sem.h"

#include <pthread.h>
#include <sys/resource.h>

#define FRAME 4096

static size_t depth_max;
static uintptr_t deepest;

/* Each frame fills a buffer, recurses, then checks its buffer. */
static __attribute__((noinline)) int recurse(size_t depth)
{
	volatile unsigned char buf[FRAME - 128];
	int r;

	for (size_t i = 0; i < sizeof(buf); i += 61)
		buf[i] = (unsigned char)(depth * 7 + i);
	if ((uintptr_t)buf < deepest || deepest == 0)
		deepest = (uintptr_t)buf;
	r = depth < depth_max ? recurse(depth + 1) : 0;
	for (size_t i = 0; i < sizeof(buf); i += 61)
		sem_check(buf[i] == (unsigned char)(depth * 7 + i),
			  "stack frames keep their bytes through recursion",
			  "depth %zu, byte %zu", depth, i);
	return r + 1;
}

static void *thread_main(void *arg)
{
	volatile unsigned char local[64 * 1024];

	memset((void *)local, 0x5a, sizeof(local));
	for (size_t i = 0; i < sizeof(local); i += 512)
		sem_check(local[i] == 0x5a, "a thread's stack keeps bytes",
			  "byte %zu", i);
	return arg;
}

/* The first len bytes of /proc/self/NAME. */
static size_t read_proc_self(const char *name, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	f = fopen(path, "r");
	sem_check(f != NULL, "open /proc/self files", "%s: %s", path,
		  strerror(errno));
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

static void check_cmdline_environ(const char *argv0)
{
	char buf[4096];
	size_t n;

	n = read_proc_self("cmdline", buf, sizeof(buf) - 1);
	buf[n] = '\0';
	sem_check(n > 0 && strcmp(buf, argv0) == 0,
		  "/proc/self/cmdline shows the arguments",
		  "%zu bytes, starting \"%s\", expected \"%s\"", n, buf, argv0);
	n = read_proc_self("environ", buf, sizeof(buf));
	sem_check(n > 0 || environ[0] == NULL,
		  "/proc/self/environ shows the environment", "it is empty");
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	pthread_attr_t attr;
	void *stack_addr;
	size_t stack_size, use;
	volatile int on_stack = 1;
	pthread_t th;

	sem_watchdog(120);
	(void)argc;
	check_cmdline_environ(argv[0]);
	sem_syscall_ok(getrlimit(RLIMIT_STACK, &rl), "getrlimit", "stack");
	use = rl.rlim_cur == RLIM_INFINITY ? (4u << 20) : rl.rlim_cur / 2;
	if (use > (4u << 20))
		use = 4u << 20;
	depth_max = use / FRAME;
	sem_check(recurse(0) == (int)depth_max + 1, "recursion returns",
		  "depth %zu", depth_max);

	sem_check(pthread_getattr_np(pthread_self(), &attr) == 0,
		  "pthread_getattr_np on the main thread", "failed");
	pthread_attr_getstack(&attr, &stack_addr, &stack_size);
	pthread_attr_destroy(&attr);
	sem_check((uintptr_t)stack_addr <= deepest &&
		  (uintptr_t)&on_stack < (uintptr_t)stack_addr + stack_size,
		  "the main stack's reported bounds hold its frames",
		  "stack %p+%zu, deepest frame %#lx", stack_addr, stack_size,
		  (unsigned long)deepest);
	if (rl.rlim_cur != RLIM_INFINITY)
		sem_check(stack_size <= rl.rlim_cur,
			  "the main stack's size stays within RLIMIT_STACK",
			  "%zu > %llu", stack_size,
			  (unsigned long long)rl.rlim_cur);

	pid_t pid = sem_fork();
	if (pid == 0) {
		on_stack = 2;
		sem_check(recurse(0) == (int)depth_max + 1,
			  "a child recurses", "depth %zu", depth_max);
		_exit(on_stack == 2 ? 0 : 1);
	}
	sem_wait_status(pid, 0, "child");
	sem_check(on_stack == 1, "a child's stack writes stay its own",
		  "the parent sees %d", on_stack);

	sem_check(pthread_create(&th, NULL, thread_main, NULL) == 0,
		  "pthread_create", "failed");
	pthread_join(th, NULL);
	return 0;
}
