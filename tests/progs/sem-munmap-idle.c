/*
 * sem-munmap-idle: munmap gives memory back even when the program makes
 * no other memory call after it. Maps 64 MiB, writes every page, says
 * "touched" on standard output and waits (at most 10 s) for a byte or the
 * end of its standard input; unmaps all of it but its first page, says
 * "unmapped" and waits the same way again, then exits. Run with stdin on
 * /dev/null, it does not wait. semantics.t holds its stdin open and
 * watches ptinspect's memfd meanwhile: it must hold the 64 MiB after
 * "touched" (the memory was redirected: the test then writes the byte)
 * and give them back soon after "unmapped". A munmap of part of a mapping
 * does not go through ptinspect's stub (a whole one's returns into it,
 * and the stub punches the range: stub.t): ptinspect punches the range
 * once the munmap has run, at the process's next stop, or a few
 * milliseconds later when no stop comes, as here.
 */
#include "sem.h"

#include <poll.h>

#define LEN (64u << 20)

static void say(const char *line)
{
	if (write(STDOUT_FILENO, line, strlen(line)) < 0)
		sem_fail("write", "%s", strerror(errno));
}

/* Waits at most 10 s for a byte or the end of standard input. */
static void wait_input(void)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	if (poll(&in, 1, 10 * 1000) == 1 && read(STDIN_FILENO, &c, 1) < 0)
		sem_fail("read", "%s", strerror(errno));
}

int main(void)
{
	unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);

	for (size_t off = 0; off < LEN; off += sem_page())
		p[off] = 1;
	say("touched\n");
	wait_input();
	sem_unmap(p + sem_page(), LEN - sem_page());
	say("unmapped\n");
	wait_input();
	return 0;
}
