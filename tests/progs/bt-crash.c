/*
 * bt-crash: SIGSEGV three frames deep: main -> crash_a -> crash_b ->
 * crash_here, which writes to address 0x18. At the crash pause frame #0 is
 * crash_here, then crash_b, crash_a, main.
 */
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noclone))

void crash_here(volatile int *p);
void crash_b(volatile int *p);
void crash_a(uintptr_t addr);

static volatile int sink;

NOINLINE void crash_here(volatile int *p)
{
	*p = 42;
	sink++;
}

NOINLINE void crash_b(volatile int *p)
{
	crash_here(p);
	sink++;
}

NOINLINE void crash_a(uintptr_t addr)
{
	crash_b((volatile int *)addr);
	sink++;
}

int main(void)
{
	printf("crash: writing to 0x18\n");
	fflush(stdout);
	crash_a(0x18);
	return 0;
}
