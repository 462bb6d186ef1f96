/*
 * sem-munmap-idle: munmap gives memory back even when the program makes
 * no other memory call after it. Maps 64 MiB, writes every page, says
 * "touched" on standard output and sleeps 0.3 s; unmaps it whole, says
 * "unmapped" and waits (at most 10 s) until its standard input has
 * something or is closed, then exits. Run with stdin on /dev/null, it does
 * not wait. semantics.t holds its stdin open and watches ptinspect's memfd
 * meanwhile: it must hold the 64 MiB after "touched" (the memory was
 * redirected) and give them back soon after "unmapped" (ptinspect punches
 * a munmap's range once the munmap has run: at the process's next stop,
 * or a few milliseconds later when no stop comes, as here).
 */
#include "sem.h"

#include <poll.h>
#include <time.h>

#define LEN (64u << 20)

static void say(const char *line)
{
	if (write(STDOUT_FILENO, line, strlen(line)) < 0)
		sem_fail("write", "%s", strerror(errno));
}

int main(void)
{
	struct timespec touched = { 0, 300 * 1000 * 1000 };
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);

	for (size_t off = 0; off < LEN; off += sem_page())
		p[off] = 1;
	say("touched\n");
	nanosleep(&touched, NULL);
	sem_unmap(p, LEN);
	say("unmapped\n");
	poll(&in, 1, 10 * 1000);
	return 0;
}
