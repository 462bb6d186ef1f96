/*
 * hang: hangs in a known call chain, main -> hang_outer -> hang_middle ->
 * hang_inner, which waits forever in pause(2). With an argument "spin" it
 * spins in hang_inner instead (no syscall to stop in). It ignores nothing:
 * SIGTERM ends it, as a hung program would be ended.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

static volatile int sink;

NOINLINE void hang_inner(int spin)
{
	for (;;) {
		if (spin)
			sink++;
		else
			pause();
	}
}

NOINLINE void hang_middle(int spin)
{
	hang_inner(spin);
	sink++;
}

NOINLINE void hang_outer(int spin)
{
	hang_middle(spin);
	sink++;
}

int main(int argc, char **argv)
{
	printf("hang: pid %d\n", (int)getpid());
	fflush(stdout);
	hang_outer(argc > 1 && strcmp(argv[1], "spin") == 0);
	return 0;
}
