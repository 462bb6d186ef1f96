/*
 * sem-fork-cow: fork keeps copy-on-write for private memory. Parent and
 * child each see only their own writes to anonymous mappings, small and
 * large heap blocks, .data/.bss and the stack; one side's MADV_DONTNEED or
 * munmap leaves the other's bytes; a grandchild gets its own copy too.
 * Then a parent thread keeps writing while the main thread forks: each
 * child's copy must stay still afterwards, and its writes must never show
 * up in the parent. Last, a 64 GiB PROT_NONE reservation with a few
 * committed pages: the child gets those pages, faults elsewhere, and its
 * writes stay its own.
 */
#include "sem.h"

#include <pthread.h>

#define RLEN ((size_t)4 << 20)
#define SMALL 60000
#define LARGE ((size_t)8 << 20)
#define DLEN 65536
#define WLEN ((size_t)2 << 20)
#define FORKS 20
#define MARKER 0xc0ffee00c0ffee00ull

struct areas {
	unsigned char *region, *small, *large, *data, *stack;
};

static unsigned char data_area[DLEN] = { 1 };	/* .data */
static unsigned char bss_area[DLEN];		/* .bss */
static uint64_t *volatile wbuf;
static volatile int writer_stop;

static void fill_all(const struct areas *a, uint64_t seed);
static void verify_all(const char *check, const struct areas *a,
    uint64_t seed);
static void cow_basic(const struct areas *a);
static void cow_during_writes(void);
static void cow_reservation(void);

int main(void)
{
	unsigned char stack_area[DLEN];
	struct areas a = {
		.region = sem_map(RLEN, PROT_READ | PROT_WRITE),
		.small = malloc(SMALL),
		.large = malloc(LARGE),
		.data = data_area,
		.stack = stack_area,
	};

	sem_watchdog(120);
	sem_check(a.small && a.large, "malloc", "%s", strerror(errno));
	cow_basic(&a);
	cow_during_writes();
	cow_reservation();
	return 0;
}

static void fill_all(const struct areas *a, uint64_t seed)
{
	sem_fill(a->region, RLEN, seed);
	sem_fill(a->small, SMALL, seed + 1);
	sem_fill(a->large, LARGE, seed + 2);
	sem_fill(a->data, DLEN, seed + 3);
	sem_fill(bss_area, DLEN, seed + 4);
	sem_fill(a->stack, DLEN, seed + 5);
}

static void verify_all(const char *check, const struct areas *a,
    uint64_t seed)
{
	char what[160];

	snprintf(what, sizeof(what), "%s (anonymous mapping)", check);
	sem_verify(what, a->region, RLEN, seed);
	snprintf(what, sizeof(what), "%s (small heap block)", check);
	sem_verify(what, a->small, SMALL, seed + 1);
	snprintf(what, sizeof(what), "%s (large heap block)", check);
	sem_verify(what, a->large, LARGE, seed + 2);
	snprintf(what, sizeof(what), "%s (.data)", check);
	sem_verify(what, a->data, DLEN, seed + 3);
	snprintf(what, sizeof(what), "%s (.bss)", check);
	sem_verify(what, bss_area, DLEN, seed + 4);
	snprintf(what, sizeof(what), "%s (stack)", check);
	sem_verify(what, a->stack, DLEN, seed + 5);
}

/* Lock-step: child writes, parent checks, parent writes, child checks. */
static void cow_basic(const struct areas *a)
{
	int to_child[2], to_parent[2];
	pid_t pid;

	sem_syscall_ok(pipe(to_child), "pipe", "pipe");
	sem_syscall_ok(pipe(to_parent), "pipe", "pipe");
	fill_all(a, 10);
	pid = sem_fork();
	if (pid == 0) {
		verify_all("child sees the memory as it was at fork", a, 10);
		fill_all(a, 20);
		sem_send(to_parent[1]);
		sem_recv(to_child[0]);
		verify_all("child does not see the parent's writes", a, 20);
		/* Drop memory here; the parent must keep its bytes. */
		sem_syscall_ok(madvise(a->region, RLEN / 2, MADV_DONTNEED),
			       "madvise in the child", "madvise");
		sem_expect_zero("child's DONTNEED zeroes its copy", a->region,
				RLEN / 2);
		sem_unmap(a->region + RLEN / 2, RLEN / 2);
		free(a->large);
		sem_send(to_parent[1]);
		sem_recv(to_child[0]);
		/* The parent dropped its copy; ours stays. */
		sem_verify("parent's DONTNEED leaves the child's copy",
			   a->small, SMALL, 21);
		/* A grandchild: a copy of a copy. */
		pid = sem_fork();
		if (pid == 0) {
			sem_verify("grandchild sees the child's memory",
				   a->small, SMALL, 21);
			sem_fill(a->small, SMALL, 30);
			_exit(0);
		}
		sem_wait_status(pid, 0, "grandchild");
		sem_verify("grandchild's writes stay in the grandchild",
			   a->small, SMALL, 21);
		_exit(0);
	}
	sem_recv(to_parent[0]);
	verify_all("parent does not see the child's writes", a, 10);
	fill_all(a, 40);
	sem_send(to_child[1]);
	sem_recv(to_parent[0]);
	verify_all("child's DONTNEED/munmap/free leave the parent's copy", a,
		   40);
	/* The whole pages inside the small block, heap or not. */
	uintptr_t pg = sem_page(), s = ((uintptr_t)a->small + pg - 1) & ~(pg - 1);
	sem_syscall_ok(madvise((void *)s, (((uintptr_t)a->small + SMALL) &
			       ~(pg - 1)) - s, MADV_DONTNEED),
		       "madvise in the parent", "madvise");
	sem_send(to_child[1]);
	sem_wait_status(pid, 0, "child");
	sem_verify("parent keeps the rest after the child exits", a->region,
		   RLEN, 40);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

static void *writer(void *arg)
{
	uint64_t gen = 1;

	while (!writer_stop) {
		for (size_t i = 0; i < WLEN / 8; i += 61)
			wbuf[i] = gen;
		gen++;
	}
	return NULL;
}

/* Forks while another thread writes; children must see a still copy. */
static void cow_during_writes(void)
{
	uint64_t *still = sem_map(WLEN, PROT_READ | PROT_WRITE);
	uint64_t *snap = malloc(WLEN);
	pthread_t th;

	sem_check(snap != NULL, "malloc", "%s", strerror(errno));
	wbuf = (uint64_t *)sem_map(WLEN, PROT_READ | PROT_WRITE);
	sem_fill(still, WLEN, 50);
	sem_check(pthread_create(&th, NULL, writer, NULL) == 0,
		  "pthread_create", "failed");
	for (int f = 0; f < FORKS; f++) {
		pid_t pid = sem_fork();

		if (pid == 0) {
			memcpy(snap, wbuf, WLEN);
			usleep(20000);
			for (size_t i = 0; i < WLEN / 8; i++)
				if (wbuf[i] != snap[i])
					sem_fail("child's copy stays still while"
						 " a parent thread writes",
						 "word %zu changed from %llu to "
						 "%llu", i,
						 (unsigned long long)snap[i],
						 (unsigned long long)wbuf[i]);
			for (size_t i = 0; i < WLEN / 8; i++) {
				wbuf[i] = MARKER;
				still[i] = MARKER;
			}
			_exit(0);
		}
		usleep(1000);
		sem_wait_status(pid, 0, "child forked while a thread writes");
		sem_verify("child's writes never reach the parent", still, WLEN,
			   50);
		for (size_t i = 0; i < WLEN / 8; i++)
			sem_check(wbuf[i] != MARKER, "child's writes never "
				  "reach the parent's written buffer",
				  "word %zu holds the child's marker", i);
	}
	writer_stop = 1;
	pthread_join(th, NULL);
	free(snap);
}





/* A huge reservation with a few committed pages, copied by fork. */
static void cow_reservation(void)
{
	size_t len = (size_t)64 << 30, pg = sem_page();
	size_t at[] = { 0, len / 3 & ~(pg - 1), len - pg };
	unsigned char *r = mmap(NULL, len, PROT_NONE, MAP_PRIVATE |
				MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	pid_t pid;

	sem_check(r != MAP_FAILED, "mmap a 64 GiB reservation", "%s",
		  strerror(errno));
	for (size_t i = 0; i < 3; i++) {
		sem_syscall_ok(mprotect(r + at[i], pg, PROT_READ | PROT_WRITE),
			       "mprotect commits a page", "mprotect");
		sem_fill(r + at[i], pg, 60 + i);
	}
	pid = sem_fork();
	if (pid == 0) {
		for (size_t i = 0; i < 3; i++) {
			sem_verify("child sees the reservation's committed "
				   "pages", r + at[i], pg, 60 + i);
			sem_fill(r + at[i], pg, 70 + i);
		}
		sem_expect_access("child: the reservation's other pages "
				  "fault", r + len / 2, false, false);
		_exit(0);
	}
	sem_wait_status(pid, 0, "child with a reservation");
	for (size_t i = 0; i < 3; i++)
		sem_verify("child's writes to the reservation stay in the "
			   "child", r + at[i], pg, 60 + i);
	sem_unmap(r, len);
}
