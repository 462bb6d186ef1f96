/*
 * bt-nested: a known call chain ending in exit_group issued from the
 * deepest frame: main -> level_a -> level_b -> level_c (static) ->
 * level_inl (always inlined into level_c) -> level_d, and level_d makes the
 * exit_group(7) syscall itself (no libc wrapper), so the pause shows frame
 * #0 in level_d and the chain in order, level_inl as an inlined frame.
 *
 * Built several ways from this one file (see src/unwind.mk): PIE and
 * non-PIE at -O0, and -O2 -fomit-frame-pointer (unwinding by CFI only).
 * Each call's result is used afterwards so -O2 keeps every frame.
 */
#include <stdio.h>
#include <sys/syscall.h>

#define NOINLINE __attribute__((noinline, noclone))

int level_a(int x);
int level_b(int x);
static NOINLINE int level_c(int x);
static inline __attribute__((always_inline)) int level_inl(int x);
int level_d(int x);

static volatile int sink;

NOINLINE int level_d(int x)
{
	long ret;

	sink = x;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(7L)
			 : "rcx", "r11", "memory");
	return (int)ret + sink;
}

static inline __attribute__((always_inline)) int level_inl(int x)
{
	return level_d(x * 3) + sink;
}

static NOINLINE int level_c(int x)
{
	return level_inl(x + 1) + sink;
}

NOINLINE int level_b(int x)
{
	return level_c(x + 2) + sink;
}

NOINLINE int level_a(int x)
{
	return level_b(x * 5) + sink;
}

int main(void)
{
	printf("nested: calling level_a\n");
	fflush(stdout);
	return level_a(1) + sink;
}
