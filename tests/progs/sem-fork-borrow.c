/*
 * sem-fork-borrow: the fork paths that copy nothing at the fork itself
 * (src/redirect-fork.c, "borrowing"). At BORROW_ADDR, 8 pages of 'P':
 *
 *   exec   the child writes page 0, checks page 1, then execs this
 *          program ("exec-check"), which exits 7; the parent's page 0
 *          is still 'P'. With SEM_BORROW_REPORT set, the child prints
 *          its maps line for the area first (tests/fork-borrow.t).
 *   exit   the child writes "CHILD-EXITS" on page 2, checks page 3 and
 *          exits 0 without exec (paused at its exit under -f, its memory
 *          must show its own write: tests/fork-borrow.t looks with x).
 *   wait   the child writes "CHILD-WAITS" on page 1, tells the parent,
 *          and waits for it (a child that sleeps on its parent before it
 *          would exec); the parent then fills every page with 'Q'; the
 *          child must still see its write and 'P' elsewhere, as after any
 *          fork, and the parent its 'Q' (never the child's bytes).
 *   sleep  the child, still borrowing, sleeps in the calls the kernel
 *          restarts after a stop (clock_nanosleep to an absolute time,
 *          which returns ERESTARTNOHAND when interrupted; nanosleep,
 *          ERESTART_RESTARTBLOCK; a read of a pipe, ERESTARTSYS) while
 *          the tracer gives it memory of its own; each must complete as
 *          natively, never fail with a kernel-internal errno (514).
 */
#include "sem.h"

#include <fcntl.h>
#include <time.h>

#define BORROW_ADDR ((void *)0x5e5e20000000UL)
#define PAGE 4096UL
#define PAGES 8

static char *area;

static void
check_page(unsigned n, char c, const char *what)
{
	for (unsigned long i = 0; i < PAGE; i++)
		if (area[n * PAGE + i] != c)
			sem_fail(what, "page %u +%lu holds %#x, expected '%c'",
			    n, i, (unsigned char)area[n * PAGE + i], c);
}

static void
check_text(unsigned n, const char *text, const char *what)
{
	if (memcmp(area + n * PAGE, text, strlen(text)) != 0)
		sem_fail(what, "page %u does not start with %s", n, text);
}

/*
 * The child's own /proc/self/maps line for the area, on stderr; with
 * plain read and write, as malloc would make calls of its own.
 */
static void
report_mapping(void)
{
	static char maps[1 << 16];
	char *line, *end;
	ssize_t n, got = 0;
	int fd = open("/proc/self/maps", O_RDONLY);

	while (fd >= 0 && (n = read(fd, maps + got,
	    sizeof(maps) - 1 - (size_t)got)) > 0)
		got += n;
	maps[got] = '\0';
	for (line = maps; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break;
		if (strtoul(line, NULL, 16) == (unsigned long)BORROW_ADDR) {
			write(2, "exec child maps: ", 17);
			write(2, line, (size_t)(end - line + 1));
		}
	}
	if (fd >= 0)
		close(fd);
}

/* The sleep case's child: each call must succeed, as natively. */
static void
sleep_child(int from_parent)
{
	struct timespec until, rel = { 0, 50 * 1000 * 1000 };
	char c;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += 50 * 1000 * 1000;
	if (until.tv_nsec >= 1000 * 1000 * 1000) {
		until.tv_sec++;
		until.tv_nsec -= 1000 * 1000 * 1000;
	}
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	sem_check(r == 0, "sleep child: clock_nanosleep to an absolute time",
	    "returned %d", r);
	r = nanosleep(&rel, NULL);
	sem_check(r == 0, "sleep child: nanosleep", "%s", strerror(errno));
	r = (int)read(from_parent, &c, 1);
	sem_check(r == 1, "sleep child: read of a pipe", "returned %d: %s", r,
	    strerror(errno));
	_exit(0);
}

int
main(int argc, char **argv)
{
	int to_child[2], to_parent[2];
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "exec-check") == 0)
		return 7;
	sem_watchdog(60);
	area = mmap(BORROW_ADDR, PAGES * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (area != BORROW_ADDR)
		sem_fail("mmap", "not at %p: %s", BORROW_ADDR,
		    strerror(errno));
	memset(area, 'P', PAGES * PAGE);

	/* exec */
	pid = sem_fork();
	if (pid == 0) {
		memcpy(area, "CHILD-EXECS", 11);
		check_page(1, 'P', "exec child: an untouched page");
		if (getenv("SEM_BORROW_REPORT") != NULL)
			report_mapping();
		execl("/proc/self/exe", argv[0], "exec-check", (char *)NULL);
		sem_fail("execl", "%s", strerror(errno));
	}
	sem_wait_status(pid, 7, "exec child");
	check_page(0, 'P', "exec: the parent's page the child wrote");

	/* exit */
	pid = sem_fork();
	if (pid == 0) {
		memcpy(area + 2 * PAGE, "CHILD-EXITS", 11);
		check_page(3, 'P', "exit child: an untouched page");
		check_text(2, "CHILD-EXITS", "exit child: its own write");
		_exit(0);
	}
	sem_wait_status(pid, 0, "exit child");
	check_page(2, 'P', "exit: the parent's page the child wrote");

	/* wait */
	if (pipe(to_child) != 0 || pipe(to_parent) != 0)
		sem_fail("pipe", "%s", strerror(errno));
	pid = sem_fork();
	if (pid == 0) {
		memcpy(area + PAGE, "CHILD-WAITS", 11);
		sem_send(to_parent[1]);
		sem_recv(to_child[0]);
		check_text(1, "CHILD-WAITS", "wait child: its own write");
		check_page(3, 'P', "wait child: a page the parent wrote");
		check_page(0, 'P', "wait child: page 0");
		_exit(0);
	}
	sem_recv(to_parent[0]);
	memset(area, 'Q', PAGES * PAGE);
	sem_send(to_child[1]);
	sem_wait_status(pid, 0, "wait child");
	for (unsigned n = 0; n < PAGES; n++)
		check_page(n, 'Q', "wait: the parent's own write");

	/* sleep */
	if (pipe(to_child) != 0)
		sem_fail("pipe", "%s", strerror(errno));
	pid = sem_fork();
	if (pid == 0)
		sleep_child(to_child[0]);
	usleep(150 * 1000);
	sem_send(to_child[1]);
	sem_wait_status(pid, 0, "sleep child");
	return 0;
}
