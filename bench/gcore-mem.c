/*
 * gcore-mem: the tracee of bench/gcore-bench. Maps MIB_MAPPED MiB of
 * private anonymous memory (default 1024), writes the first MIB_WRITTEN
 * MiB (default 256) with data that is not zero, and exits: the core of it
 * at its exit has MIB_WRITTEN MiB to keep and the rest to leave out.
 *
 *	gcore-mem [MIB_MAPPED [MIB_WRITTEN]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	size_t mapped = (size_t)(argc > 1 ? atol(argv[1]) : 1024) << 20;
	size_t written = (size_t)(argc > 2 ? atol(argv[2]) : 256) << 20;
	uint64_t *p, i;

	if (written > mapped)
		written = mapped;
	p = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("gcore-mem: mmap");
		return 1;
	}
	for (i = 0; i < written / sizeof *p; i++)
		p[i] = i * 0x9e3779b97f4a7c15ULL | 1;
	printf("gcore-mem: %zu MiB mapped at %p, %zu MiB written\n",
	    mapped >> 20, (void *)p, written >> 20);
	fflush(stdout);
	_exit(0);
}
