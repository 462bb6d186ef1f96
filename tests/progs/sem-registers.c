/*
 * sem-registers: what a raw mmap syscall leaves in the registers, and the
 * addresses ptinspect's mmap stub borrows (src/stub.h) staying the
 * program's own.
 *
 * The kernel changes only rax, rcx (the address after the syscall
 * instruction) and r11; compilers keep values in r8-r10 and rdi/rsi/rdx
 * across an inline syscall, so a redirected mmap must leave them as they
 * were, every time (2,000 rounds, some from 8 threads at once, so lanes
 * are reused and run side by side). Then 0x70000000, where ptinspect puts
 * its stub: MAP_FIXED_NOREPLACE there must succeed as it does natively,
 * MAP_FIXED over it too, and mmaps keep working after both.
 */
#include "sem.h"

#include <pthread.h>
#include <sys/syscall.h>

#define LEN ((size_t)1 << 20)
#define ROUNDS 2000
#define THREADS 8
#define STUB_ADDR ((void *)0x70000000)
#define STUB_SPAN ((size_t)32768)

/* One mmap through the syscall instruction, registers checked after. */
static void *raw_mmap_checked(size_t len, const char *who)
{
	register long r10 __asm__("r10") = MAP_PRIVATE | MAP_ANONYMOUS;
	register long r8 __asm__("r8") = -1;
	register long r9 __asm__("r9") = 0;
	long rax = SYS_mmap, rdi = 0, rsi = (long)len;
	long rdx = PROT_READ | PROT_WRITE;
	unsigned long rcx, after;

	__asm__ volatile("leaq 1f(%%rip), %[after]\n\t"
			 "syscall\n"
			 "1:\n\t"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9), "=c"(rcx),
			   [after] "=&r"(after)
			 :
			 : "r11", "memory");
	sem_check(rax > 0 || rax < -4095, "raw mmap succeeds",
		  "%s: mmap returned %ld", who, rax);
	sem_check(rdi == 0 && rsi == (long)len &&
		  rdx == (PROT_READ | PROT_WRITE),
		  "rdi, rsi and rdx survive mmap",
		  "%s: rdi %#lx rsi %#lx rdx %#lx", who, rdi, rsi, rdx);
	sem_check(r10 == (MAP_PRIVATE | MAP_ANONYMOUS) && r8 == -1 && r9 == 0,
		  "r8, r9 and r10 survive mmap",
		  "%s: r10 %#lx r8 %#lx r9 %#lx", who, r10, r8, r9);
	sem_check(rcx == after, "rcx is the address after the syscall",
		  "%s: rcx %#lx, expected %#lx", who, rcx, after);
	return (void *)rax;
}

static void rounds(const char *who, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char *p = raw_mmap_checked(LEN, who);

		sem_expect_zero("a fresh mapping reads zeros", p, 64);
		p[0] = (unsigned char)i;
		p[LEN - 1] = (unsigned char)~i;
		sem_check(p[0] == (unsigned char)i &&
			  p[LEN - 1] == (unsigned char)~i,
			  "a mapping keeps what is written", "%s round %d",
			  who, i);
		sem_unmap(p, LEN);
	}
}

static void *thread_main(void *arg)
{
	char who[32];

	snprintf(who, sizeof(who), "thread %ld", (long)(intptr_t)arg);
	rounds(who, ROUNDS / THREADS);
	return NULL;
}

/* The stub's addresses, taken the two ways a program can ask for them. */
static void take_stub_addresses(void)
{
	unsigned char *p;

	p = mmap(STUB_ADDR, STUB_SPAN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(p == STUB_ADDR, "MAP_FIXED_NOREPLACE at 0x70000000 lands",
		  "got %p (%s)", (void *)p,
		  p == MAP_FAILED ? strerror(errno) : "elsewhere");
	sem_expect_zero("memory at 0x70000000 reads zeros", p, STUB_SPAN);
	sem_fill(p, STUB_SPAN, 7);
	sem_verify("memory at 0x70000000 keeps data", p, STUB_SPAN, 7);
	rounds("after NOREPLACE", 50);
	sem_unmap(p, STUB_SPAN);

	p = mmap(STUB_ADDR, STUB_SPAN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(p == STUB_ADDR, "MAP_FIXED at 0x70000000 lands", "got %p",
		  (void *)p);
	sem_fill(p, STUB_SPAN, 8);
	sem_verify("MAP_FIXED memory at 0x70000000 keeps data", p, STUB_SPAN,
		   8);
	rounds("after MAP_FIXED", 50);
}

int main(void)
{
	pthread_t th[THREADS];

	sem_watchdog(120);
	rounds("main", ROUNDS);
	for (long i = 0; i < THREADS; i++)
		sem_check(pthread_create(&th[i], NULL, thread_main,
					 (void *)(intptr_t)i) == 0,
			  "pthread_create", "thread %ld", i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	take_stub_addresses();
	return 0;
}
