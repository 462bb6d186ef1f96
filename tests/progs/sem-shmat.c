/*
 * sem-shmat: shmat(SHM_REMAP) over private memory replaces it, as
 * MAP_FIXED does: the program reads the segment's bytes, not the old
 * ones. The segment stays mapped at SHMAT_ADDR, filled with 'B' over
 * memory that held 'A', for semantics.t to read at the exit pause:
 * ptinspect must show 'B' there too.
 */
#include "sem.h"

#include <sys/ipc.h>
#include <sys/shm.h>

#define SHMAT_ADDR ((uintptr_t)0x5e5f00000000)
#define LEN ((size_t)64 * 1024)

int main(void)
{
	void *want = (void *)SHMAT_ADDR, *q;
	unsigned char *p;
	int id;

	sem_watchdog(60);
	p = mmap(want, LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(p == want, "mmap at the fixed address", "%s",
		  p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	memset(p, 'A', LEN);
	id = shmget(IPC_PRIVATE, LEN, IPC_CREAT | 0600);
	if (id < 0)
		sem_skip("shmget: %s", strerror(errno));
	q = shmat(id, p, SHM_REMAP);
	shmctl(id, IPC_RMID, NULL);
	sem_check(q == p, "shmat(SHM_REMAP) over private memory", "%s",
		  q == (void *)-1 ? strerror(errno) : "placed elsewhere");
	sem_expect_zero("the segment replaces the old bytes", p, LEN);
	memset(p, 'B', LEN);
	return 0;
}
