/*
 * sem-sparse: a 64 GiB readable and writable MAP_NORESERVE mapping (Go
 * and sanitizers map such arenas) of which three pages are written, each
 * with the string "sem-sparse-marker", kept until exit. The program checks
 * that the rest reads zeros in places and that it stays small; semantics.t
 * then has ptinspect `find` the string in it at the exit pause: the three
 * matches, quickly, without the memfd (or ptinspect) growing by reading the
 * untouched 64 GiB.
 */
#include "sem.h"

#define GIB ((size_t)1 << 30)
#define LEN (64 * GIB)
#define MARK "sem-sparse-marker"


int main(void)
{
	size_t at[] = { 0, LEN / 2 + 12345, LEN - 4096 };
	unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
				MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	long before = sem_rss_kb();

	sem_check(p != MAP_FAILED, "mmap 64 GiB MAP_NORESERVE", "%s",
		  strerror(errno));
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		memcpy(p + at[i], MARK, sizeof(MARK));
	for (size_t off = GIB; off < LEN; off += 4 * GIB)
		sem_expect_zero("untouched parts read zeros", p + off, 4096);
	sem_check(sem_rss_kb() - before < 16 * 1024, "a sparse mapping stays "
		  "small", "resident grew by %ld kB", sem_rss_kb() - before);
	return 0;
}
