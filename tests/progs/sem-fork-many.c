/*
 * sem-fork-many: 200 forked children alive at once, each with its own copy
 * of the parent's memory. Every child checks the parent's bytes, writes its
 * own, waits until all its siblings exist (a pipe, no timing), checks its
 * bytes again and exits 0. None may be killed: ptinspect used to run out
 * of its own address space at about 125 live processes (an arena mapped
 * 1 TiB of it each) and SIGKILLed the children it could not copy.
 */
#include "sem.h"

#define CHILDREN 200
#define LEN ((size_t)256 << 10)

int main(void)
{
	unsigned char *r = sem_map(LEN, PROT_READ | PROT_WRITE);
	pid_t pids[CHILDREN];
	int go[2], i;
	char c;

	sem_watchdog(300);
	sem_fill(r, LEN, 7);
	if (pipe(go) != 0)
		sem_fail("pipe", "%s", strerror(errno));
	for (i = 0; i < CHILDREN; i++) {
		pids[i] = sem_fork();
		if (pids[i] == 0) {
			close(go[1]);
			sem_verify("child-sees-parent", r, LEN, 7);
			sem_fill(r, LEN, 100 + (uint64_t)i);
			/* EOF once every sibling exists and the parent let go. */
			if (read(go[0], &c, 1) != 0)
				sem_fail("pipe", "unexpected byte");
			sem_verify("child-keeps-own", r, LEN, 100 + (uint64_t)i);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < CHILDREN; i++)
		sem_wait_status(pids[i], 0, "child-exit");
	sem_verify("parent-keeps-own", r, LEN, 7);
	return 0;
}
