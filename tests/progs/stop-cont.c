/*
 * stop-cont.c: SIGTSTP and, a few microseconds later, SIGCONT, sent to a
 * process that maps and unmaps in a loop, as a Ctrl-Z quickly followed by
 * fg would. Under ptinspect most of those calls run in its stub, where a
 * stop signal that arrives is held until the lane is done: a SIGCONT sent
 * meanwhile must cancel it, as it cancels a stop signal still pending
 * natively, and the process must run on after each SIGCONT.
 *
 * A child of the looping process sends `rounds` pairs, 0-59 us apart,
 * and after each SIGCONT waits up to half a second for the loop's
 * counter (shared memory) to move; a round where it does not counted as
 * stuck (then it sends SIGCONT again, so the run ends). Prints "stuck N
 * of ROUNDS"; exits 0 when N is 0, else 1.
 *
 *	stop-cont [rounds]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* The sender: the pairs, then the verdict as its exit status. */
static int
send_pairs(pid_t target, int rounds, volatile long *counter)
{
	int stuck = 0;

	for (int r = 0; r < rounds; r++) {
		long c0, t0, gap = (r * 7919L) % 60;

		kill(target, SIGTSTP);
		t0 = now_us();
		while (now_us() - t0 < gap)
			;
		kill(target, SIGCONT);
		c0 = *counter;
		t0 = now_us();
		while (*counter == c0 && now_us() - t0 < 500000)
			;
		if (*counter == c0) {
			stuck++;
			kill(target, SIGCONT);
		}
	}
	printf("stuck %d of %d\n", stuck, rounds);
	fflush(stdout);
	return stuck != 0;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200, status;
	volatile long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t target = getpid(), sender;

	if (shared == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	sender = fork();
	if (sender < 0) {
		perror("fork");
		return 2;
	}
	if (sender == 0) {
		status = send_pairs(target, rounds, shared);
		shared[1] = 1;
		_exit(status);
	}
	while (!shared[1]) {
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			p[0] = 1;
			munmap(p, 65536);
		}
		shared[0]++;
	}
	if (waitpid(sender, &status, 0) != sender || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status);
}
