/*
 * sem-fork-shared: MAP_SHARED|MAP_ANONYMOUS memory stays shared across
 * fork in both directions (and with a grandchild), while a private
 * mapping created right next to it stays copy-on-write. A shared mapping
 * moved with mremap after the fork is still the same memory, and when one
 * side unmaps it (or drops its pages) the other keeps the bytes.
 */
#include "sem.h"

#include <sys/wait.h>

#define LEN ((size_t)2 << 20)

static int to_child[2], to_parent[2];

static void send_byte(int fd);
static void recv_byte(int fd);
static void wait_ok(pid_t pid, const char *what);
static pid_t xfork(void);

int main(void)
{
	unsigned char *sh = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned char *pv = sem_map(LEN, PROT_READ | PROT_WRITE), *moved;
	size_t pg = sem_page();
	pid_t pid;

	sem_watchdog(120);
	sem_check(sh != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS", "%s",
		  strerror(errno));
	sem_syscall_ok(pipe(to_child), "pipe", "pipe");
	sem_syscall_ok(pipe(to_parent), "pipe", "pipe");
	sem_fill(sh, LEN, 1);
	sem_fill(pv, LEN, 2);
	pid = xfork();
	if (pid == 0) {
		sem_watchdog(120);
		sem_verify("child sees shared memory", sh, LEN, 1);
		sem_fill(sh, LEN / 2, 3);
		sem_fill(pv, LEN, 4);
		send_byte(to_parent[1]);
		recv_byte(to_child[0]);
		sem_verify("child sees its own shared writes", sh, LEN / 2, 3);
		sem_verify_at("child sees the parent's shared writes",
			      sh + LEN / 2, LEN / 2, 5, LEN / 2);
		sem_verify("child's private copy stays its own", pv, LEN, 4);
		pid = xfork();
		if (pid == 0) {
			sem_watchdog(120);
			sem_fill(sh, pg, 6);
			_exit(0);
		}
		wait_ok(pid, "grandchild");
		sem_verify("child sees the grandchild's shared writes", sh, pg,
			   6);
		send_byte(to_parent[1]);
		_exit(0);
	}
	recv_byte(to_parent[0]);
	sem_verify("parent sees the child's shared writes", sh, LEN / 2, 3);
	sem_verify("parent's private memory is its own", pv, LEN, 2);
	sem_fill_at(sh + LEN / 2, LEN / 2, 5, LEN / 2);
	sem_fill(pv, LEN, 7);
	send_byte(to_child[1]);
	recv_byte(to_parent[0]);
	sem_verify("parent sees the grandchild's shared writes", sh, pg, 6);
	sem_verify("parent's private memory stays its own", pv, LEN, 7);
	wait_ok(pid, "child");

	/* Move the shared mapping after another fork: still shared. */
	pid = xfork();
	if (pid == 0) {
		sem_watchdog(120);
		recv_byte(to_child[0]);
		sem_verify("child sees writes made through the parent's "
			   "moved shared mapping", sh + pg, pg, 8);
		sem_fill(sh + 2 * pg, pg, 9);
		send_byte(to_parent[1]);
		_exit(0);
	}
	moved = mremap(sh, LEN, LEN, MREMAP_MAYMOVE | MREMAP_FIXED,
		       pv);	/* replaces the private mapping */
	sem_check(moved == pv, "mremap of a shared mapping", "%s",
		  strerror(errno));
	sem_fill(moved + pg, pg, 8);
	send_byte(to_child[1]);
	recv_byte(to_parent[0]);
	sem_verify("moved shared mapping sees the child's writes",
		   moved + 2 * pg, pg, 9);
	wait_ok(pid, "child");

	/* One side lets go; the other keeps the bytes. */
	pid = xfork();
	if (pid == 0) {
		sem_watchdog(120);
		sem_syscall_ok(madvise(moved, LEN, MADV_DONTNEED), "madvise "
			       "DONTNEED of shared memory in the child",
			       "madvise");
		sem_verify("DONTNEED keeps shared bytes", moved + pg, pg, 8);
		sem_unmap(moved, LEN);
		send_byte(to_parent[1]);
		_exit(0);
	}
	recv_byte(to_parent[0]);
	wait_ok(pid, "child");
	sem_verify("shared memory survives the child's munmap", moved + pg, pg,
		   8);
	sem_verify("shared memory survives the child's munmap",
		   moved + 2 * pg, pg, 9);
	sem_unmap(moved, LEN);
	return 0;
}

static void send_byte(int fd)
{
	char c = 'x';

	sem_check(write(fd, &c, 1) == 1, "pipe write", "%s", strerror(errno));
}

/* Waits for the peer; a peer that died (all write ends closed) fails. */
static void recv_byte(int fd)
{
	char c;

	sem_check(read(fd, &c, 1) == 1, "pipe read", "peer gone");
}

static pid_t xfork(void)
{
	pid_t pid = fork();

	sem_syscall_ok(pid, "fork", "fork");
	return pid;
}

static void wait_ok(pid_t pid, const char *what)
{
	int st;

	sem_check(waitpid(pid, &st, 0) == pid, "waitpid", "%s: %s", what,
		  strerror(errno));
	sem_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child passes",
		  "%s %d: %s %d", what, (int)pid, WIFEXITED(st) ? "exited" :
		  "killed by signal", WIFEXITED(st) ? WEXITSTATUS(st) :
		  WTERMSIG(st));
}
