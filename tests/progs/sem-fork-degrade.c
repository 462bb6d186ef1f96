/*
 * sem-fork-degrade: forks whose children, under ptinspect, cannot have a
 * memfd of their own. tests/nokill.t forces that with the test-only
 * PTI_TEST_FORK_FAIL=own (src/redirect-fork.c): each child must then get
 * private memory holding its parent's bytes, with the protections they
 * had, and run to its own exit status. The last fork comes after
 * RLIMIT_AS was lowered so far that the child has no room for a second
 * copy of the 8 MiB region: that copy must be made in place. Each child
 * that writes maps and unmaps a page after its writes: run with
 * PTI_TEST_FORK_FAIL=own,borrow, it borrowed its parent's memory until
 * then, and the private memory must hold its writes too.
 *
 * With the argument "survive" (run with PTI_TEST_FORK_FAIL=own,private:
 * not even private memory can be had) it checks only that each child
 * reads its parent's bytes and runs to its exit status: it is never
 * killed.
 */
#include "sem.h"

#include <sys/resource.h>

#define BIG ((size_t)8 << 20)

/* VmSize of this process, in bytes. */
static size_t vm_size(void)
{
	char line[256];
	size_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		sem_fail("vmsize", "/proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %zu", &kb) == 1)
			break;
	fclose(f);
	if (kb == 0)
		sem_fail("vmsize", "no VmSize in /proc/self/status");
	return kb * 1024;
}

/* A child reading big and ro; it writes big too unless only_read. */
static void fork_round(const char *what, unsigned char *big,
		       unsigned char *ro, size_t pg, bool only_read)
{
	pid_t pid = sem_fork();

	if (pid == 0) {
		sem_verify(what, big, BIG, 1);
		sem_verify(what, ro, pg, 2);
		if (!only_read) {
			sem_expect_access(what, ro, true, false);
			sem_fill(big, BIG, 3);
			/* A borrowing child must have memory of its own now. */
			if (munmap(mmap(NULL, pg, PROT_READ, MAP_PRIVATE |
			    MAP_ANONYMOUS, -1, 0), pg) != 0)
				sem_fail(what, "mmap, munmap: %s",
				    strerror(errno));
			sem_verify(what, big, BIG, 3);
			sem_verify(what, ro, pg, 2);
		}
		_exit(3);
	}
	sem_wait_status(pid, 3, what);
	sem_verify(what, big, BIG, 1);
	sem_verify(what, ro, pg, 2);
}

int main(int argc, char **argv)
{
	bool survive = argc > 1 && strcmp(argv[1], "survive") == 0;
	size_t pg = sem_page();
	unsigned char *big, *ro;
	struct rlimit rl;

	sem_watchdog(120);
	sem_probe_install();
	big = sem_map(BIG, PROT_READ | PROT_WRITE);
	ro = sem_map(pg, PROT_READ | PROT_WRITE);
	sem_fill(big, BIG, 1);
	sem_fill(ro, pg, 2);
	if (mprotect(ro, pg, PROT_READ) != 0)
		sem_fail("mprotect", "%s", strerror(errno));
	if (survive) {
		for (int i = 0; i < 3; i++)
			fork_round("survive", big, ro, pg, true);
		return 0;
	}
	sem_cow_round("cow", 10);
	fork_round("room", big, ro, pg, false);
	if (getrlimit(RLIMIT_AS, &rl) != 0)
		sem_fail("getrlimit", "%s", strerror(errno));
	rl.rlim_cur = vm_size() + BIG / 4;
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	fork_round("no-room", big, ro, pg, false);
	return 0;
}
