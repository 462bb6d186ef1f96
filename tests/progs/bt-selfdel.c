/*
 * bt-selfdel: deletes its own executable (run a copy!), then dies of
 * SIGSEGV three frames deep: main -> del_a -> del_b -> del_c. Its mappings
 * then name "PATH (deleted)", which neither libunwind nor libdwfl can open
 * by path; the backtrace must still be whole and named.
 */
#include <stdio.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

void del_c(volatile int *p);
void del_b(volatile int *p);
void del_a(volatile int *p);

static volatile int sink;

NOINLINE void del_c(volatile int *p)
{
	*p = 1;
	sink++;
}

NOINLINE void del_b(volatile int *p)
{
	del_c(p);
	sink++;
}

NOINLINE void del_a(volatile int *p)
{
	del_b(p);
	sink++;
}

int main(int argc, char **argv)
{
	if (unlink(argv[0]) != 0) {
		perror(argv[0]);
		return 1;
	}
	del_a((volatile int *)0x28);
	return 0;
}
