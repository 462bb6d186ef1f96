/*
 * sem-jit: memory made executable after it was written, the way JITs and
 * glibc's executable stacks do it (ptinspect moves such pages from its
 * memfd back to private memory at the mprotect): code written into
 * read-write memory runs once mprotect adds PROT_EXEC; the bytes around
 * it survive; a thread writing to the same mapping the whole time loses
 * no write; a fork keeps the code, and MADV_DONTFORK still keeps it from
 * the child; a piece of a 1 GiB PROT_NONE reservation made executable
 * runs without the rest becoming resident.
 */
#include "sem.h"

#include <pthread.h>

#define PAGES 16
#define CODE_PAGE 3
#define RESERVE ((size_t)1 << 30)

typedef int (*fn_t)(void);

/* mov eax, imm32; ret */
static void write_function(unsigned char *at, uint32_t value)
{
	at[0] = 0xb8;
	memcpy(at + 1, &value, sizeof(value));
	at[5] = 0xc3;
}

static int call(const unsigned char *at)
{
	fn_t fn;

	memcpy(&fn, &at, sizeof(fn));
	return fn();
}

static volatile unsigned long *counter;
static volatile int stop_writer;

/* Increments a counter in the mapping; any lost write fails. */
static void *writer(void *arg)
{
	unsigned long mine = 0;

	(void)arg;
	while (!stop_writer) {
		(*counter)++;
		mine++;
		sem_check(*counter == mine,
			  "a write during mprotect(PROT_EXEC) is kept",
			  "counter %lu, expected %lu", *counter, mine);
	}
	return NULL;
}

static void code_in_heap_like_memory(void)
{
	size_t pg = sem_page();
	unsigned char *p = sem_map(PAGES * pg, PROT_READ | PROT_WRITE);
	unsigned char *code = p + CODE_PAGE * pg;
	pthread_t th;

	sem_fill(p, PAGES * pg, 11);
	counter = (volatile unsigned long *)(p + (PAGES - 1) * pg);
	*counter = 0;
	sem_check(pthread_create(&th, NULL, writer, NULL) == 0,
		  "pthread_create", "writer");
	while (*counter < 1000)
		;
	write_function(code, 0x1234567);
	/* The writer's page too: the whole mapping becomes RWX. */
	sem_syscall_ok(mprotect(p, PAGES * pg,
				PROT_READ | PROT_WRITE | PROT_EXEC),
		       "mprotect RWX", "mprotect");
	sem_check(call(code) == 0x1234567, "code written then made "
		  "executable runs", "returned something else");
	stop_writer = 1;
	pthread_join(th, NULL);
	sem_verify("bytes before the code survive PROT_EXEC", p,
		   CODE_PAGE * pg, 11);
	sem_verify_at("bytes after the code survive PROT_EXEC", code + 6,
		      pg - 6, 11, CODE_PAGE * pg + 6);

	/* The W^X way: one page read-write, then read-execute. */
	sem_syscall_ok(mprotect(code, pg, PROT_READ | PROT_WRITE),
		       "mprotect RW", "mprotect");
	write_function(code, 0x7654321);
	sem_syscall_ok(mprotect(code, pg, PROT_READ | PROT_EXEC),
		       "mprotect RX", "mprotect");
	sem_check(call(code) == 0x7654321, "rewritten code runs after RX",
		  "returned something else");
	sem_expect_access("RX code page refuses writes", code, true, false);

	/* A child has the code; a DONTFORK page it does not. */
	sem_syscall_ok(madvise(p + 8 * pg, pg, MADV_DONTFORK),
		       "MADV_DONTFORK", "madvise");
	sem_syscall_ok(mprotect(p + 8 * pg, pg, PROT_READ | PROT_EXEC),
		       "mprotect RX of a DONTFORK page", "mprotect");
	pid_t pid = sem_fork();
	if (pid == 0) {
		sem_check(call(code) == 0x7654321, "a child runs the code",
			  "returned something else");
		sem_check(sem_is_unmapped(p + 8 * pg, pg),
			  "MADV_DONTFORK holds after PROT_EXEC",
			  "the child has the page");
		_exit(0);
	}
	sem_wait_status(pid, 0, "child");
	sem_unmap(p, PAGES * pg);
}

static void code_in_a_reservation(void)
{
	size_t pg = sem_page();
	unsigned char *r = mmap(NULL, RESERVE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				-1, 0);
	unsigned char *piece;
	long rss_before;

	sem_check(r != MAP_FAILED, "1 GiB reservation", "%s",
		  strerror(errno));
	rss_before = sem_rss_kb();
	piece = r + RESERVE / 2;
	sem_syscall_ok(mprotect(piece, 16 * pg, PROT_READ | PROT_WRITE),
		       "mprotect a piece RW", "mprotect");
	write_function(piece + 5 * pg, 42);
	sem_syscall_ok(mprotect(piece, 16 * pg, PROT_READ | PROT_EXEC),
		       "mprotect the piece RX", "mprotect");
	sem_check(call(piece + 5 * pg) == 42, "code in a reservation runs",
		  "returned something else");
	sem_expect_zero("the piece's other pages read zeros", piece, 5 * pg);
	sem_check(sem_rss_kb() - rss_before < 64 * 1024,
		  "a reservation made executable stays unpopulated",
		  "VmRSS grew by %ld kB", sem_rss_kb() - rss_before);
	sem_expect_access("the rest of the reservation stays PROT_NONE", r,
			  false, false);
	sem_unmap(r, RESERVE);
}

int main(void)
{
	sem_watchdog(120);
	code_in_heap_like_memory();
	code_in_a_reservation();
	return 0;
}
