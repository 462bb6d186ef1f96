/*
 * fault: dies of the synchronous fault named by its argument, printing the
 * address the kernel will report as the fault address first:
 *
 *	fault bus	SIGBUS: loads from a file mapping past the file's end
 *	fault fpe	SIGFPE: integer division by zero
 *	fault ill	SIGILL: executes ud2
 *
 * For bus the address is the data address ("fault 0x..."); for fpe and ill
 * it is the faulting instruction, which the program cannot know in
 * advance, so it prints "fault pc". Usage errors exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fault_bus(void);

static int fault_bus(void)
{
	char path[] = "/tmp/fault-bus.XXXXXX";
	volatile char *p;
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);
	/* One page mapped, zero bytes of file behind it. */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("fault %p\n", (void *)(p + 8));
	fflush(stdout);
	return p[8];
}

int main(int argc, char **argv)
{
	volatile int zero = 0;

	if (argc == 2 && strcmp(argv[1], "bus") == 0)
		return fault_bus();
	if (argc == 2 && strcmp(argv[1], "fpe") == 0) {
		puts("fault pc");
		fflush(stdout);
		/* Not 1 / zero: gcc turns that into compares, no idiv. */
		return (argc * 1000) / zero;
	}
	if (argc == 2 && strcmp(argv[1], "ill") == 0) {
		puts("fault pc");
		fflush(stdout);
		__asm__ volatile("ud2");
		return 1;
	}
	fputs("usage: fault bus|fpe|ill\n", stderr);
	return 2;
}
