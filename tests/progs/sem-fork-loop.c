/*
 * sem-fork-loop: 50 forks in a row of a process with 16 MiB resident,
 * every tenth from a second thread. Each child checks part of its copy,
 * writes every page of it, maps and fills 4 MiB more, checks that its
 * writes are still there (under ptinspect it has memory of its own by
 * then), and exits; the parent checks that none of it reached its own
 * memory. semantics.t also
 * watches the memfd size while this runs: a child's memory must be given
 * back when it exits.
 */
#include "sem.h"

#include <pthread.h>

#define LEN ((size_t)16 << 20)
#define FORKS 50

static unsigned char *mem;

static void child(int i);
static void *fork_from_thread(void *arg);

int main(void)
{
	sem_watchdog(240);
	mem = sem_map(LEN, PROT_READ | PROT_WRITE);
	sem_fill(mem, LEN, 1);
	for (int i = 0; i < FORKS; i++) {
		pid_t pid;

		if (i % 10 == 9) {
			pthread_t th;
			void *ret;

			sem_check(pthread_create(&th, NULL, fork_from_thread,
						 &i) == 0, "pthread_create",
				  "failed");
			pthread_join(th, &ret);
			pid = (pid_t)(intptr_t)ret;
		} else {
			pid = sem_fork();
			if (pid == 0)
				child(i);
		}
		sem_wait_status(pid, 0, "child passes");
		sem_verify_at("children's writes never reach the parent",
			      mem + (size_t)i * 4096 * 7 % LEN, 4096, 1,
			      (size_t)i * 4096 * 7 % LEN);
	}
	sem_verify("the parent's memory after all the forks", mem, LEN, 1);
	return 0;
}

static void child(int i)
{
	unsigned char *more;

	sem_verify_at("a child sees the parent's memory",
		      mem + (size_t)i * 65536 % LEN, 65536, 1,
		      (size_t)i * 65536 % LEN);
	for (size_t off = 0; off < LEN; off += 4096)
		mem[off] = 0xee;
	more = sem_map(LEN / 4, PROT_READ | PROT_WRITE);
	sem_expect_zero("a child's fresh mapping reads zeros", more, LEN / 4);
	sem_fill(more, LEN / 4, 1000 + i);
	sem_verify("a child's mapping keeps its bytes", more, LEN / 4, 1000 + i);
	for (size_t off = 0; off < LEN; off += 4096)
		sem_check(mem[off] == 0xee, "a child keeps its writes after "
			  "a mmap", "byte %zu is %#x", off, mem[off]);
	_exit(0);
}

static void *fork_from_thread(void *arg)
{
	pid_t pid = sem_fork();

	if (pid == 0)
		child(*(int *)arg);
	return (void *)(intptr_t)pid;
}

