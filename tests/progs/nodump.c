/*
 * nodump: makes itself non-dumpable (PR_SET_DUMPABLE 0, as ssh-agent and
 * gpg-agent do), then writes "PTI-NODUMP-ANON" at the start of a private
 * anonymous mapping at the fixed address 0x10000000000 and
 * "PTI-NODUMP-HEAP" into a malloc'd block, and exits 0. Both markers are
 * built at run time, so they are in memory nowhere else. Prints
 * "dumpable 0" when the prctl took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#define ANON_ADDR ((void *)0x10000000000ul)

/* "PTI-NODUMP-" then tail, in dst. */
static void
marker(char *dst, const char *tail)
{
	static volatile char head[] = "PTI-NODUMQ-";

	for (size_t i = 0; head[i] != '\0'; i++)
		dst[i] = head[i] == 'Q' ? 'P' : head[i];
	strcpy(dst + strlen("PTI-NODUMP-"), tail);
}

int
main(void)
{
	char *anon, *heap;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		perror("prctl");
		return 1;
	}
	anon = mmap(ANON_ADDR, 65536, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	heap = malloc(64);
	if (anon != ANON_ADDR || heap == NULL) {
		perror("mmap");
		return 1;
	}
	marker(anon, "ANON");
	marker(heap, "HEAP");
	printf("dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	fflush(stdout);
	return 0;
}
