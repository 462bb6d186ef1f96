/*
 * sem-own-filter: the program installs its own seccomp filter, then keeps
 * allocating. Two filters, one run each (argv[1]):
 *   kill-shared	mmap with MAP_SHARED kills the process (what
 *			ptinspect runs inside it to redirect memory is
 *			MAP_SHARED: the process died with SIGSYS)
 *   eperm-mmap	every mmap fails with EPERM; glibc's malloc then lives
 *			on brk alone, which must keep growing
 * In both, malloc of many small and some large blocks must work as
 * natively, and the memory must hold what was written. A third filter:
 *   kill-odd-fd	mmap whose descriptor's upper half is neither 0 nor
 *			all ones kills the process (a filter that checks
 *			the whole 64-bit argument; ptinspect tags its own
 *			calls there, and must not in such a process)
 * with memory mapped before it (redirected) then made executable (a
 * private copy under ptinspect) and copied by a fork, each holding what
 * was written.
 */
#include "sem.h"

static void install(int kill_shared)
{
	struct sock_filter kill[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[3])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, MAP_SHARED, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 6, .filter = kill };

	if (!kill_shared) {
		sem_own_filter(SYS_mmap, SECCOMP_RET_ERRNO | EPERM);
		return;
	}
	sem_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0,
	    "no_new_privs", "%s", strerror(errno));
	sem_check(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0,
	    "install the program's own filter", "%s", strerror(errno));
}

static void run(int kill_shared)
{
	enum { N = 4000 };
	static unsigned char *small[N];
	unsigned char *big;
	int i;

	install(kill_shared);
	for (i = 0; i < N; i++) {
		small[i] = malloc(1000);
		sem_check(small[i] != NULL, "malloc(1000)", "block %d", i);
		memset(small[i], i & 0xff, 1000);
	}
	big = malloc(8 << 20);
	sem_check(big != NULL, "malloc(8 MiB)", "%s", strerror(errno));
	memset(big, 0x5a, 8 << 20);
	for (i = 0; i < N; i++)
		sem_check(small[i][999] == (i & 0xff), "small block contents",
		    "block %d", i);
	sem_check(big[(8 << 20) - 1] == 0x5a, "big block contents", "x");
}

enum { REGIONS = 8, REGION_BYTES = 256 << 10 };

static void check_regions(unsigned char **r, const char *what)
{
	for (int i = 0; i < REGIONS; i++)
		sem_verify(what, r[i], REGION_BYTES, (uint64_t)i + 40);
}

static void run_odd_fd(void)
{
	struct sock_filter kill[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[4]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 7, .filter = kill };
	unsigned char *r[REGIONS];
	pid_t pid;

	for (int i = 0; i < REGIONS; i++) {
		r[i] = sem_map(REGION_BYTES, PROT_READ | PROT_WRITE);
		sem_fill(r[i], REGION_BYTES, (uint64_t)i + 40);
	}
	sem_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0,
	    "no_new_privs", "%s", strerror(errno));
	sem_check(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0,
	    "install the program's own filter", "%s", strerror(errno));
	sem_syscall_ok(mprotect(r[0], REGION_BYTES, PROT_READ | PROT_EXEC),
	    "mprotect", "memory mapped before the filter made executable");
	check_regions(r, "memory mapped before the filter");
	pid = sem_fork();
	if (pid == 0) {
		check_regions(r, "the fork child's copy");
		_exit(0);
	}
	sem_wait_status(pid, 0, "the fork child");
	sem_unmap(r[1], REGION_BYTES);
	r[1] = sem_map(REGION_BYTES, PROT_READ | PROT_WRITE);
	sem_fill(r[1], REGION_BYTES, 41);
	check_regions(r, "after a munmap and an mmap");
}

int main(int argc, char **argv)
{
	sem_watchdog(60);
	/* Some memory before the filter, so there is a heap to grow. */
	free(malloc(100));
	if (argc > 1 && strcmp(argv[1], "eperm-mmap") == 0) {
		run(0);
	} else if (fork() == 0) {
		run(1);
		return 0;
	} else {
		int st;

		wait(&st);
		sem_check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "kill-shared child", "wait status %#x", st);
		if (fork() == 0)
			execl("/proc/self/exe", argv[0], "eperm-mmap",
			    (char *)NULL);
		wait(&st);
		sem_check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "eperm-mmap child", "wait status %#x", st);
		if (fork() == 0) {
			run_odd_fd();
			return 0;
		}
		wait(&st);
		sem_check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "kill-odd-fd child", "wait status %#x", st);
	}
	printf("sem-own-filter: ok\n");
	return 0;
}
