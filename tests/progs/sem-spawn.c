/*
 * sem-spawn: vfork, posix_spawn and clone(CLONE_VM) work, and memory stays
 * one address space with them: what a vfork or CLONE_VM child writes or
 * maps is there for the parent afterwards. Children that exec this program
 * again ("sem-spawn child") check their fresh memory and exit 42.
 * Last, spawn_then_grow_heap: the parent moves its break right after each
 * posix_spawn, while the tracer may not yet have seen the child leave
 * the shared address space by its exec; the heap must grow each time.
 */
#include "sem.h"

#include <sched.h>
#include <spawn.h>

#define CHILD_STATUS 42
#define QUICK_STATUS 43
#define LEN ((size_t)1 << 20)
#define SPAWN_ROUNDS 60
#define GROW_BYTES ((intptr_t)64 << 10)

extern char **environ;

static volatile int shared_word;
static unsigned char *volatile child_map;

static int child_main(void);
static int clone_fn(void *arg);
static void spawn_then_grow_heap(const char *self);

int main(int argc, char **argv)
{
	unsigned char *mine = sem_map(LEN, PROT_READ | PROT_WRITE);
	char *child_argv[] = { argv[0], "child", NULL };
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main();
	if (argc > 1 && strcmp(argv[1], "quick") == 0)
		return QUICK_STATUS;
	sem_watchdog(120);
	sem_fill(mine, LEN, 1);

	/* vfork: the child runs in our memory until it exits. */
	pid = vfork();
	sem_syscall_ok(pid, "vfork", "vfork");
	if (pid == 0) {
		unsigned char *q = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (q != MAP_FAILED)
			for (size_t i = 0; i < LEN; i += 4096)
				q[i] = 0x5a;
		child_map = q == MAP_FAILED ? NULL : q;
		shared_word = 1234;
		_exit(7);
	}
	sem_wait_status(pid, 7, "vfork child");
	sem_check(shared_word == 1234, "vfork child's write is seen by the "
		  "parent", "word is %d", shared_word);
	sem_check(child_map != NULL, "vfork child's mmap", "failed");
	for (size_t i = 0; i < LEN; i += 4096)
		sem_check(child_map[i] == 0x5a, "vfork child's mapping is the "
			  "parent's", "byte %zu is %#x", i, child_map[i]);
	sem_unmap(child_map, LEN);
	sem_verify("parent memory intact after vfork", mine, LEN, 1);

	/* vfork + exec. */
	pid = vfork();
	sem_syscall_ok(pid, "vfork", "vfork");
	if (pid == 0) {
		execve("/proc/self/exe", child_argv, environ);
		_exit(127);
	}
	sem_wait_status(pid, CHILD_STATUS, "vfork+exec child");
	sem_verify("parent memory intact after vfork+exec", mine, LEN, 1);

	/* posix_spawn: glibc uses clone(CLONE_VM|CLONE_VFORK). */
	sem_check(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv,
			      environ) == 0, "posix_spawn", "failed");
	sem_wait_status(pid, CHILD_STATUS, "posix_spawn child");
	sem_verify("parent memory intact after posix_spawn", mine, LEN, 1);

	/* clone(CLONE_VM) without CLONE_THREAD: a process sharing memory. */
	size_t stack_len = 256 * 1024;
	unsigned char *stack = sem_map(stack_len, PROT_READ | PROT_WRITE);
	shared_word = 0;
	child_map = NULL;
	pid = clone(clone_fn, stack + stack_len, CLONE_VM | SIGCHLD, mine);
	sem_syscall_ok(pid, "clone(CLONE_VM)", "clone");
	sem_wait_status(pid, 9, "CLONE_VM child");
	sem_check(shared_word == 5678, "CLONE_VM child's write is seen by "
		  "the parent", "word is %d", shared_word);
	sem_check(child_map != NULL, "CLONE_VM child's mmap", "failed");
	sem_verify("CLONE_VM child's mapping is the parent's", child_map, LEN,
		   3);
	sem_verify("CLONE_VM child's writes to the parent's memory", mine,
		   LEN, 2);
	sem_unmap(child_map, LEN);
	sem_unmap(stack, stack_len);
	sem_unmap(mine, LEN);
	spawn_then_grow_heap(argv[0]);
	return 0;
}

/*
 * posix_spawn, then at once a larger break, written to its last page, in
 * SPAWN_ROUNDS rounds; the heap goes back to where it was at the end.
 * A tracer that let the exec'd child's stale view of the shared heap
 * overwrite the parent's newer one failed the next round's sbrk (EEXIST
 * inside the tracer: the pages were already there) or left pages out.
 */
static void spawn_then_grow_heap(const char *self)
{
	char *quick_argv[] = { (char *)self, "quick", NULL };
	posix_spawn_file_actions_t closefrom;
	char *start, *tops[SPAWN_ROUNDS];
	pid_t pids[SPAWN_ROUNDS];
	int i;

	/* As subprocess does: the child closes what it does not need. */
	posix_spawn_file_actions_init(&closefrom);
	posix_spawn_file_actions_addclosefrom_np(&closefrom, 3);
	start = sbrk(0);
	for (i = 0; i < SPAWN_ROUNDS; i++) {
		sem_check(posix_spawn(&pids[i], self, &closefrom, NULL,
				      quick_argv, environ) == 0,
			  "posix_spawn (quick)", "failed");
		tops[i] = sbrk(GROW_BYTES);
		sem_check(tops[i] != (char *)-1, "sbrk right after "
			  "posix_spawn", "round %d: %s", i, strerror(errno));
		memset(tops[i], i + 1, (size_t)GROW_BYTES);
	}
	for (i = 0; i < SPAWN_ROUNDS; i++)
		sem_wait_status(pids[i], QUICK_STATUS, "posix_spawn (quick)");
	for (i = 0; i < SPAWN_ROUNDS; i++)
		sem_check(tops[i][0] == (char)(i + 1) &&
			  tops[i][GROW_BYTES - 1] == (char)(i + 1),
			  "the grown heap keeps its data", "round %d", i);
	sem_check(brk(start) == 0, "brk back to the start", "%s",
		  strerror(errno));
	posix_spawn_file_actions_destroy(&closefrom);
}

/* Runs in our address space: writes our memory and maps some more. */
static int clone_fn(void *arg)
{
	unsigned char *q = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (q == MAP_FAILED)
		return 1;
	sem_fill(q, LEN, 3);
	sem_fill(arg, LEN, 2);
	child_map = q;
	shared_word = 5678;
	return 9;
}

/* The exec'd child: fresh memory works. */
static int child_main(void)
{
	unsigned char *p = sem_map(4 * LEN, PROT_READ | PROT_WRITE);
	unsigned char *h = malloc(LEN);

	sem_expect_zero("exec'd child's fresh mapping reads zeros", p,
			4 * LEN);
	sem_fill(p, 4 * LEN, 4);
	sem_check(h != NULL, "malloc in the exec'd child", "failed");
	sem_fill(h, LEN, 5);
	sem_verify("exec'd child keeps its data", p, 4 * LEN, 4);
	sem_verify("exec'd child keeps its heap", h, LEN, 5);
	return CHILD_STATUS;
}

