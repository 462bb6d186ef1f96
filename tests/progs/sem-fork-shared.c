/*
 * sem-fork-shared: MAP_SHARED|MAP_ANONYMOUS memory stays shared across
 * fork in both directions (and with a grandchild), while a private
 * mapping created right next to it stays copy-on-write. A shared mapping
 * moved with mremap after the fork is still the same memory, and when one
 * side unmaps it (or drops its pages) the other keeps the bytes.
 */
#include "sem.h"

#define LEN ((size_t)2 << 20)

static int to_child[2], to_parent[2];


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
	pid = sem_fork();
	if (pid == 0) {
		sem_verify("child sees shared memory", sh, LEN, 1);
		sem_fill(sh, LEN / 2, 3);
		sem_fill(pv, LEN, 4);
		sem_send(to_parent[1]);
		sem_recv(to_child[0]);
		sem_verify("child sees its own shared writes", sh, LEN / 2, 3);
		sem_verify_at("child sees the parent's shared writes",
			      sh + LEN / 2, LEN / 2, 5, LEN / 2);
		sem_verify("child's private copy stays its own", pv, LEN, 4);
		pid = sem_fork();
		if (pid == 0) {
			sem_fill(sh, pg, 6);
			_exit(0);
		}
		sem_wait_status(pid, 0, "grandchild");
		sem_verify("child sees the grandchild's shared writes", sh, pg,
			   6);
		sem_send(to_parent[1]);
		_exit(0);
	}
	sem_recv(to_parent[0]);
	sem_verify("parent sees the child's shared writes", sh, LEN / 2, 3);
	sem_verify("parent's private memory is its own", pv, LEN, 2);
	sem_fill_at(sh + LEN / 2, LEN / 2, 5, LEN / 2);
	sem_fill(pv, LEN, 7);
	sem_send(to_child[1]);
	sem_recv(to_parent[0]);
	sem_verify("parent sees the grandchild's shared writes", sh, pg, 6);
	sem_verify("parent's private memory stays its own", pv, LEN, 7);
	sem_wait_status(pid, 0, "child");

	/* Move the shared mapping after another fork: still shared. */
	pid = sem_fork();
	if (pid == 0) {
		sem_recv(to_child[0]);
		sem_verify("child sees writes made through the parent's "
			   "moved shared mapping", sh + pg, pg, 8);
		sem_fill(sh + 2 * pg, pg, 9);
		sem_send(to_parent[1]);
		_exit(0);
	}
	moved = mremap(sh, LEN, LEN, MREMAP_MAYMOVE | MREMAP_FIXED,
		       pv);	/* replaces the private mapping */
	sem_check(moved == pv, "mremap of a shared mapping", "%s",
		  strerror(errno));
	sem_fill(moved + pg, pg, 8);
	sem_send(to_child[1]);
	sem_recv(to_parent[0]);
	sem_verify("moved shared mapping sees the child's writes",
		   moved + 2 * pg, pg, 9);
	sem_wait_status(pid, 0, "child");

	/* One side lets go; the other keeps the bytes. */
	pid = sem_fork();
	if (pid == 0) {
		sem_syscall_ok(madvise(moved, LEN, MADV_DONTNEED), "madvise "
			       "DONTNEED of shared memory in the child",
			       "madvise");
		sem_verify("DONTNEED keeps shared bytes", moved + pg, pg, 8);
		sem_unmap(moved, LEN);
		sem_send(to_parent[1]);
		_exit(0);
	}
	sem_recv(to_parent[0]);
	sem_wait_status(pid, 0, "child");
	sem_verify("shared memory survives the child's munmap", moved + pg, pg,
		   8);
	sem_verify("shared memory survives the child's munmap",
		   moved + 2 * pg, pg, 9);
	sem_unmap(moved, LEN);
	return 0;
}




