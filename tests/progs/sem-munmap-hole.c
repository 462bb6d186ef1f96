/*
 * sem-munmap-hole: a munmap the kernel refuses keeps every byte. Cutting
 * a hole inside a mapping needs one mapping more, which the kernel
 * refuses with ENOMEM once the process has vm.max_map_count of them.
 * The program fills a 1 MiB mapping, brings itself to that limit (every
 * other page of a 512 MiB reservation made read-only, each a mapping of
 * its own, until mprotect says ENOMEM), then cuts a 64 KiB hole in the
 * 1 MiB: refused, and the bytes there must stay, now and a moment later
 * (ptinspect acts on a munmap at its entry, and must not free pages the
 * kernel keeps). So must a MAP_FIXED over the middle, which the kernel
 * refuses the same way: of anonymous memory (which ptinspect would
 * redirect) and of a file. With the reservation gone, the same hole is
 * cut, and only the hole goes. Exits 77 if the limit cannot be reached.
 */
#include "sem.h"

#include <fcntl.h>
#include <time.h>

#define BIG ((size_t)1 << 20)
#define HOLE_AT ((size_t)256 << 10)
#define HOLE ((size_t)64 << 10)
#define RESERVE ((size_t)512 << 20)

int main(void)
{
	struct timespec moment = { 0, 50 * 1000 * 1000 };
	size_t pg = sem_page(), i, split = 0;
	unsigned char *big, *reserve;
	void *over;
	int r, err, fd;

	sem_watchdog(60);
	big = sem_map(BIG, PROT_READ | PROT_WRITE);
	sem_fill(big, BIG, 21);
	reserve = sem_map(RESERVE, PROT_READ | PROT_WRITE);
	for (i = 1; i < RESERVE / pg; i += 2, split++)
		if (mprotect(reserve + i * pg, pg, PROT_READ) != 0)
			break;
	if (i >= RESERVE / pg || errno != ENOMEM)
		sem_skip("no mapping limit reached after %zu splits (%s)",
			 split, i >= RESERVE / pg ? "none refused" :
			 strerror(errno));

	r = munmap(big + HOLE_AT, HOLE);
	err = errno;
	sem_check(r == -1 && err == ENOMEM,
		  "a hole past vm.max_map_count fails with ENOMEM",
		  "returned %d (%s)", r, r == -1 ? strerror(err) : "no error");
	sem_verify("the refused hole keeps the bytes", big, BIG, 21);
	nanosleep(&moment, NULL);
	sem_verify("the refused hole keeps the bytes a moment later", big,
		   BIG, 21);
	over = mmap(big + HOLE_AT, HOLE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	err = errno;
	sem_check(over == MAP_FAILED && err == ENOMEM,
		  "MAP_FIXED in the middle past the limit fails with ENOMEM",
		  "%p (%s)", over, strerror(err));
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	sem_check(fd >= 0, "open /proc/self/exe", "%s", strerror(errno));
	over = mmap(big + HOLE_AT, HOLE, PROT_READ, MAP_PRIVATE | MAP_FIXED,
		    fd, 0);
	err = errno;
	sem_check(over == MAP_FAILED && err == ENOMEM,
		  "a file's MAP_FIXED in the middle past the limit fails "
		  "with ENOMEM", "%p (%s)", over, strerror(err));
	close(fd);
	nanosleep(&moment, NULL);
	sem_verify("refused MAP_FIXED calls keep the bytes", big, BIG, 21);

	sem_unmap(reserve, RESERVE);
	sem_check(munmap(big + HOLE_AT, HOLE) == 0,
		  "below the limit the hole is cut", "%s", strerror(errno));
	sem_check(sem_is_unmapped(big + HOLE_AT, HOLE), "the hole is unmapped",
		  "%p", (void *)(big + HOLE_AT));
	nanosleep(&moment, NULL);
	sem_verify("the bytes before the hole stay", big, HOLE_AT, 21);
	sem_verify_at("the bytes after the hole stay", big + HOLE_AT + HOLE,
		      BIG - HOLE_AT - HOLE, 21, HOLE_AT + HOLE);
	sem_leave_marker();
	return 0;
}
