/*
 * sem-registers: what a raw mmap or munmap syscall leaves in the
 * registers (ptinspect's stub runs a munmap of a whole 1 MiB mapping in a
 * lane too, and ptinspect runs one that cuts a hole in a mapping itself,
 * injected, to see whether it worked), and the
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
#define HOLED ((size_t)64 << 10)
#define ROUNDS 2000
#define THREADS 8
#define STUB_ADDR ((void *)0x70000000)
#define STUB_SPAN ((size_t)32768)

/*
 * A syscall through the syscall instruction with every argument register
 * set: what each register holds after it, and the address after the
 * instruction (what rcx must hold).
 */
struct raw_call {
	long rax, rdi, rsi, rdx, r10, r8, r9;
	unsigned long rcx, after;
};

static void raw_syscall(struct raw_call *c)
{
	register long r10 __asm__("r10") = c->r10;
	register long r8 __asm__("r8") = c->r8;
	register long r9 __asm__("r9") = c->r9;

	__asm__ volatile("leaq 1f(%%rip), %[after]\n\t"
			 "syscall\n"
			 "1:\n\t"
			 : "+a"(c->rax), "+D"(c->rdi), "+S"(c->rsi),
			   "+d"(c->rdx), "+r"(r10), "+r"(r8), "+r"(r9),
			   "=c"(c->rcx), [after] "=&r"(c->after)
			 :
			 : "r11", "memory");
	c->r10 = r10;
	c->r8 = r8;
	c->r9 = r9;
}

/* Every register but rax, rcx and r11 as it was before c ran. */
static void check_kept(const struct raw_call *c, const struct raw_call *was,
		       const char *call, const char *who)
{
	sem_check(c->rdi == was->rdi && c->rsi == was->rsi &&
		  c->rdx == was->rdx, "rdi, rsi and rdx survive the call",
		  "%s %s: rdi %#lx rsi %#lx rdx %#lx", who, call, c->rdi,
		  c->rsi, c->rdx);
	sem_check(c->r10 == was->r10 && c->r8 == was->r8 && c->r9 == was->r9,
		  "r8, r9 and r10 survive the call",
		  "%s %s: r10 %#lx r8 %#lx r9 %#lx", who, call, c->r10,
		  c->r8, c->r9);
	sem_check(c->rcx == c->after, "rcx is the address after the syscall",
		  "%s %s: rcx %#lx, expected %#lx", who, call, c->rcx,
		  c->after);
}

static void *raw_mmap_checked(size_t len, const char *who)
{
	struct raw_call c = { SYS_mmap, 0, (long)len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, 0, 0 };
	struct raw_call was = c;

	raw_syscall(&c);
	sem_check(c.rax > 0 || c.rax < -4095, "raw mmap succeeds",
		  "%s: mmap returned %ld", who, c.rax);
	check_kept(&c, &was, "mmap", who);
	return (void *)c.rax;
}

/* munmap the same way, with the registers it does not take set too. */
static void raw_munmap_checked(void *p, size_t len, const char *who)
{
	struct raw_call c = { SYS_munmap, (long)p, (long)len, 0xd0d0, 0x1010,
			      0x8080, 0x9090, 0, 0 };
	struct raw_call was = c;

	raw_syscall(&c);
	sem_check(c.rax == 0, "raw munmap succeeds",
		  "%s: munmap returned %ld", who, c.rax);
	check_kept(&c, &was, "munmap", who);
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
		raw_munmap_checked(p, LEN, who);
		if (i % 10 == 0) {
			/* A hole, then what is left on either side. */
			p = raw_mmap_checked(HOLED, who);
			raw_munmap_checked(p + HOLED / 4, 4096, who);
			raw_munmap_checked(p, HOLED / 4, who);
			raw_munmap_checked(p + HOLED / 4 + 4096,
					   HOLED * 3 / 4 - 4096, who);
		}
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
