/*
 * sem-fork-nodump: a process made non-dumpable (PR_SET_DUMPABLE 0, as
 * ssh-agent and gpg-agent do) forks and keeps copy-on-write; its children
 * run to their own exit status. It then makes threads (pthread_create:
 * clone3 with CLONE_VM) that map memory and write the process's own, a
 * child through a raw clone3 without CLONE_VM (a fork: copy-on-write
 * again), and one through posix_spawn (clone3, CLONE_VM | CLONE_VFORK).
 * Run as a non-root user this matters: the kernel then denies a same-user
 * ptinspect /proc/PID/maps and the process's memory (clone3's flags
 * among it); ptinspect used to SIGKILL the fork child, and took each
 * thread for a fork child, whose "copy" of the memory crashed them both.
 *
 * sem-fork-nodump no-prctl: non-dumpable, then its own seccomp filter
 * makes prctl fail with EPERM (so ptinspect cannot make it dumpable for
 * the moment either), then the thread rounds.
 */
#include "sem.h"

#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

extern char **environ;

static unsigned char *shared_bytes;

/* A thread's work: fresh memory filled and read back, then ours written. */
static void *thread_round(void *arg)
{
	uint64_t seed = (uint64_t)(uintptr_t)arg;
	size_t len = (size_t)1 << 20;
	unsigned char *fresh = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(fresh, len, seed);
	sem_verify("thread", fresh, len, seed);
	sem_unmap(fresh, len);
	sem_fill(shared_bytes + (seed % 4) * 4096, 4096, seed);
	return NULL;
}

/* Four threads at once; their writes land in this process's memory. */
static void threads_round(void)
{
	pthread_t th[4];
	uint64_t i;
	int err;

	shared_bytes = malloc(4 * 4096);
	if (shared_bytes == NULL)
		sem_fail("threads", "malloc failed");
	for (i = 0; i < 4; i++)
		if ((err = pthread_create(&th[i], NULL, thread_round,
		    (void *)(uintptr_t)(40 + i))) != 0)
			sem_fail("threads", "pthread_create: %s", strerror(err));
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 4; i++)
		sem_verify("threads", shared_bytes + ((40 + i) % 4) * 4096,
		    4096, 40 + i);
	free(shared_bytes);
}

/* clone3 without CLONE_VM: a fork, which must not write our memory. */
static void clone3_fork_round(void)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	size_t len = 65536;
	unsigned char *r = sem_map(len, PROT_READ | PROT_WRITE);
	long pid;

	sem_fill(r, len, 50);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		sem_fail("clone3-fork", "clone3: %s", strerror(errno));
	if (pid == 0) {
		sem_verify("clone3-fork child", r, len, 50);
		sem_fill(r, len, 51);
		_exit(4);
	}
	sem_wait_status((pid_t)pid, 4, "clone3-fork");
	sem_verify("clone3-fork", r, len, 50);
	sem_unmap(r, len);
}

/* posix_spawn of /bin/sh -c 'exit 5'. */
static void spawn_round(void)
{
	char *argv[] = { "sh", "-c", "exit 5", NULL };
	pid_t pid;
	int err;

	if ((err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv,
	    environ)) != 0)
		sem_fail("spawn", "posix_spawn: %s", strerror(err));
	sem_wait_status(pid, 5, "spawn");
}

/* The program's own filter: prctl fails with EPERM. */
static void refuse_prctl(void)
{
	sem_own_filter(SYS_prctl, SECCOMP_RET_ERRNO | EPERM);
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != -1 || errno != EPERM)
		sem_fail("no-prctl", "prctl is not refused");
}

int main(int argc, char **argv)
{
	sem_watchdog(120);
	if (argc > 1 && strcmp(argv[1], "no-prctl") == 0) {
		sem_cow_round("dumpable", 10);
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
			sem_fail("prctl", "%s", strerror(errno));
		refuse_prctl();
		threads_round();
		threads_round();
		return 0;
	}
	sem_cow_round("dumpable", 10);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("prctl", "%s", strerror(errno));
	sem_cow_round("non-dumpable", 20);
	threads_round();
	clone3_fork_round();
	spawn_round();
	sem_cow_round("non-dumpable-again", 30);
	threads_round();
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("still-non-dumpable", "PR_GET_DUMPABLE is not 0");
	return 0;
}
