/*
 * sem-exec: exec replaces the address space. The program fills 64 MiB and
 * re-execs itself with the address; the new image must not see the old
 * bytes (the range is free or holds something else; mapped anew it reads
 * zeros) and its own fresh memory works. A failed execve keeps the memory
 * intact; an execve from a second thread works; the chain goes through
 * several images, each filling and keeping memory.
 *
 *	sem-exec			stage 0
 *	sem-exec STAGE ADDR SEED	what the previous image left at ADDR
 */
#include "sem.h"

#include <pthread.h>

#define LEN ((size_t)64 << 20)
#define LAST_STAGE 5

static char **exec_argv;

static void check_old_gone(uintptr_t addr, uint64_t seed);
static void exec_next(int stage, const unsigned char *p, uint64_t seed);
static void *exec_thread(void *arg);

int main(int argc, char **argv)
{
	int stage = argc > 1 ? atoi(argv[1]) : 0;
	uint64_t seed = 100 + stage;
	unsigned char *p, *h;

	sem_watchdog(120);
	if (argc > 3)
		check_old_gone(strtoull(argv[2], NULL, 16),
			       strtoull(argv[3], NULL, 10));
	p = sem_map(LEN, PROT_READ | PROT_WRITE);
	sem_expect_zero("fresh mapping after exec reads zeros", p, LEN);
	sem_fill(p, LEN, seed);
	h = malloc(1 << 20);
	sem_check(h != NULL, "malloc", "failed");
	sem_fill(h, 1 << 20, seed + 1);
	if (stage == LAST_STAGE) {
		/* Keep the memory: ptinspect sees it at the exit pause. */
		sem_verify("the last image keeps its memory", p, LEN, seed);
		sem_verify("the last image keeps its heap", h, 1 << 20,
			   seed + 1);
		sem_leave_marker();
		return 0;
	}
	/* A failing execve changes nothing. */
	char *bad[] = { "/nonexistent/sem-exec", NULL };
	sem_check(execve(bad[0], bad, NULL) == -1 && errno == ENOENT,
		  "execve of a missing file fails with ENOENT", "%s",
		  strerror(errno));
	sem_verify("memory intact after a failed execve", p, LEN, seed);
	sem_verify("heap intact after a failed execve", h, 1 << 20, seed + 1);
	exec_next(stage + 1, p, seed);
	return 1;
}

/* What the previous image had at addr is gone. */
static void check_old_gone(uintptr_t addr, uint64_t seed)
{
	unsigned char *old = (unsigned char *)addr, *q;

	if (sem_is_unmapped(old, LEN)) {
		q = mmap(old, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		sem_check(q == old, "mmap where the old image's memory was",
			  "%s", strerror(errno));
		sem_expect_zero("new mapping at the old image's address reads "
				"zeros", q, LEN);
		sem_unmap(q, LEN);
		return;
	}
	/* Something of the new image lives there: not our old bytes. */
	size_t pg = sem_page(), same = 0;
	for (size_t off = 0; off < LEN; off += pg) {
		if (!sem_is_mapped(old + off, 1) || !sem_can_read(old + off))
			continue;
		if (old[off] == sem_pattern(seed, off) &&
		    old[off + 1] == sem_pattern(seed, off + 1) &&
		    old[off + 2] == sem_pattern(seed, off + 2) &&
		    old[off + 3] == sem_pattern(seed, off + 3))
			same++;
	}
	sem_check(same == 0, "the old image's bytes are gone after exec",
		  "%zu pages at %p still hold them", same, (void *)old);
}

static void exec_next(int stage, const unsigned char *p, uint64_t seed)
{
	static char sstage[16], saddr[32], sseed[32];
	static char *argv[] = { "sem-exec", sstage, saddr, sseed, NULL };
	pthread_t th;

	snprintf(sstage, sizeof(sstage), "%d", stage);
	snprintf(saddr, sizeof(saddr), "%lx", (unsigned long)(uintptr_t)p);
	snprintf(sseed, sizeof(sseed), "%llu", (unsigned long long)seed);
	exec_argv = argv;
	if (stage % 2 == 0) {
		/* From a thread that is not the leader. */
		sem_check(pthread_create(&th, NULL, exec_thread, NULL) == 0,
			  "pthread_create", "failed");
		pthread_join(th, NULL);
		sem_fail("execve from a thread", "the thread returned");
	}
	execv("/proc/self/exe", argv);
	sem_fail("execve", "/proc/self/exe: %s", strerror(errno));
}

static void *exec_thread(void *arg)
{
	execv("/proc/self/exe", exec_argv);
	sem_fail("execve from a thread", "/proc/self/exe: %s",
		 strerror(errno));
}
