/*
 * stub-want: a program without a C library, so that the first call of
 * it that ptinspect redirects is its first mmap: MAP_FIXED_NOREPLACE of
 * the page just above its stack, where ptinspect would put its mmap stub
 * (src/stub.h), which it puts elsewhere then (tests/stub.t). The page
 * must land, read zeros and keep what is written; 50 mappings after it
 * must too. Exits 0, 1 with a line on stderr, or 77 where there is no
 * room above the stack (randomization off).
 *
 * `stub-want gap` first maps a shared page (not redirected) 16 KiB above
 * the stack, where the stub's code would fit below it and its data not,
 * as an older kernel's vdso may sit; then the 50 mappings, the first of
 * them redirected without a hint, which puts the stub in place.
 *
 * The stack's end comes from exec's layout: the program's path
 * (AT_EXECFN) and 8 bytes of zeros end it.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096
#define LEN (64 * 1024)
#define GAP (16 * 1024)

static long
call6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b),
	    "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void
leave(const char *why, int code)
{
	size_t n = 0;

	if (why != NULL) {
		while (why[n] != '\0')
			n++;
		call6(SYS_write, 2, (long)"stub-want: ", 11, 0, 0, 0);
		call6(SYS_write, 2, (long)why, (long)n, 0, 0, 0);
		call6(SYS_write, 2, (long)"\n", 1, 0, 0, 0);
	}
	call6(SYS_exit_group, code, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

/* [p, p + len) reads zeros; then it holds seed-made bytes, and keeps them. */
static void
zeros_then_keeps(volatile unsigned char *p, size_t len, unsigned seed,
    const char *what)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			leave(what, 1);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + seed);
	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 7 + seed))
			leave(what, 1);
}

void __attribute__((used))
stub_want_main(long *sp)
{
	char **envp = (char **)(sp + 1 + sp[0] + 1);
	const char *execfn = NULL;
	const Elf64_auxv_t *av;
	volatile unsigned char *page, *q;
	bool gap = sp[0] > 1 && ((char **)sp)[2][0] == 'g';
	uintptr_t end;
	size_t n = 0, i;
	long r;
	int round;

	while (*envp != NULL)
		envp++;
	for (av = (const Elf64_auxv_t *)(envp + 1); av->a_type != AT_NULL;
	    av++)
		if (av->a_type == AT_EXECFN)
			execfn = (const char *)av->a_un.a_val;
	if (execfn == NULL)
		leave("no AT_EXECFN", 1);
	while (execfn[n] != '\0')
		n++;
	end = (uintptr_t)execfn + n + 1 + 8;
	if (end % PAGE != 0)
		leave("the stack does not end at the path's end", 1);
	if (gap)
		end += GAP;
	r = call6(SYS_mmap, (long)end, PAGE, PROT_READ | PROT_WRITE,
	    (gap ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
	    MAP_FIXED_NOREPLACE, -1, 0);
	/* The top of the address space, or an older kernel's vdso there. */
	if (r == -ENOMEM || r == -EEXIST)
		leave("no room above the stack", 77);
	if (r != (long)end)
		leave("MAP_FIXED_NOREPLACE above the stack did not land", 1);
	page = (volatile unsigned char *)r;
	zeros_then_keeps(page, PAGE, 1, "the page above the stack");
	for (round = 0; round < 50; round++) {
		r = call6(SYS_mmap, 0, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096)
			leave("a later mmap failed", 1);
		q = (volatile unsigned char *)r;
		zeros_then_keeps(q, LEN, (unsigned)round, "a later mapping");
		if (call6(SYS_munmap, r, LEN, 0, 0, 0, 0) != 0)
			leave("munmap failed", 1);
	}
	for (i = 0; i < PAGE; i++)
		if (page[i] != (unsigned char)(i * 7 + 1))
			leave("the page above the stack lost its bytes", 1);
	leave(NULL, 0);
}

__asm__(".globl _start\n"
    "_start:\n"
    "\tmovq %rsp, %rdi\n"
    "\tandq $-16, %rsp\n"
    "\tcall stub_want_main\n"
    "\thlt\n");
