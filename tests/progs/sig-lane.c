/*
 * sig-lane.c: signals that come while mmap and brk run, with a handler
 * that siglongjmps out of them. A 1 ms ITIMER_REAL's SIGALRM handler
 * (SA_SIGINFO) notes the interrupted instruction pointer and jumps back
 * to the top of the loop, which maps 64 KiB and fills and checks it,
 * grows the break by a page and writes it, then gives both back. Under
 * ptinspect those calls run in its stub, where a signal may arrive: it
 * must be delivered as natively, at the call's return, never inside the
 * stub (whose pages are no file of the program's), and nothing may leak
 * (descriptors, memory). It loops `iterations` times and on until at
 * least 10 signals came (a fast machine runs 100 loops natively in 4 ms),
 * for at most 10 s. Checks: every noted
 * instruction pointer lies in an executable mapping of a file or the
 * vDSO; as many descriptors are open as before; at least 10 signals came.
 * Prints "ok N signals" and exits 0, or says what was wrong and exits 1.
 *
 * burst mode: no timer; a second thread sends the main thread, during
 * the same loop, `iterations` bursts of ten real-time signals
 * (SIGRTMIN..SIGRTMIN+9, rt_tgsigqueueinfo, each with its own value),
 * whose handler notes the instruction pointer as above and returns. A
 * burst that lands while a lane holds a signal brings nine more: each
 * must still come as natively (RT signals queue), once per send, with the
 * siginfo it was sent with, and none inside the stub. Prints
 * "ok N signals" when all of that holds.
 *
 *	sig-lane [iterations]
 *	sig-lane burst [bursts]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_NOTED 8192
/* Timer mode: the loop goes on until this many signals came, or 10 s. */
#define MIN_SIGNALS 10
#define MAX_SECONDS 10
#define LEN (64 * 1024)

static sigjmp_buf top;
static volatile sig_atomic_t signals;
static uint64_t noted[MAX_NOTED];

static void
on_alarm(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	if (signals < MAX_NOTED)
		noted[signals] = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	signals++;
	siglongjmp(top, 1);
}

#define BURST 10

static volatile sig_atomic_t got[BURST], bad_info, bursting;
static pid_t main_tid;
static int bursts;

/* A burst's signal: noted, counted, its siginfo checked. */
static void
on_burst(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	int k = sig - SIGRTMIN;

	if (signals < MAX_NOTED)
		noted[signals] = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	signals++;
	if (k < 0 || k >= BURST || si->si_code != SI_QUEUE ||
	    si->si_pid != getpid() || si->si_value.sival_int != 1000 + k)
		bad_info++;
	else
		got[k]++;
}

/* The second thread: the bursts, a random pause (0-0.5 ms) after each. */
static void *
send_bursts(void *arg)
{
	unsigned seed = 1;

	(void)arg;
	for (int b = 0; b < bursts; b++) {
		for (int k = 0; k < BURST; k++) {
			siginfo_t si;

			memset(&si, 0, sizeof(si));
			si.si_signo = SIGRTMIN + k;
			si.si_code = SI_QUEUE;
			si.si_pid = getpid();
			si.si_uid = getuid();
			si.si_value.sival_int = 1000 + k;
			syscall(SYS_rt_tgsigqueueinfo, getpid(), main_tid,
			    SIGRTMIN + k, &si);
		}
		usleep(rand_r(&seed) % 500);
	}
	bursting = 0;
	return NULL;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Is pc in an executable mapping of a file, or of the vDSO? */
static int
in_program_code(uint64_t pc, FILE *maps)
{
	char line[512], perms[8], path[400];
	unsigned long lo, hi;

	rewind(maps);
	while (fgets(line, sizeof(line), maps) != NULL) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %399s", &lo, &hi,
		    perms, path) < 3 || pc < lo || pc >= hi)
			continue;
		return perms[2] == 'x' && (path[0] == '/' ||
		    strcmp(path, "[vdso]") == 0);
	}
	return 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int
main(int argc, char **argv)
{
	int burst = argc > 1 && strcmp(argv[1], "burst") == 0;
	int iterations = argc > 1 + burst ? atoi(argv[1 + burst]) : 400;
	struct sigaction sa = { .sa_sigaction = on_alarm,
		.sa_flags = SA_SIGINFO };
	pthread_t sender;
	struct itimerval tick = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	volatile int i = 0;
	int fds_before = count_fds(), bad = 0;
	struct timespec start;
	FILE *maps;

	/* Before the jump target: the handler's jumps must not reset it. */
	clock_gettime(CLOCK_MONOTONIC, &start);

	if (burst) {
		/* One handler at a time: each notes at its own index. */
		sa.sa_sigaction = on_burst;
		sigfillset(&sa.sa_mask);
		for (int k = 0; k < BURST; k++)
			sigaction(SIGRTMIN + k, &sa, NULL);
		bursts = iterations;
		bursting = 1;
		main_tid = (pid_t)syscall(SYS_gettid);
		if (pthread_create(&sender, NULL, send_bursts, NULL) != 0) {
			fprintf(stderr, "sig-lane: pthread_create failed\n");
			return 1;
		}
	} else {
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &tick, NULL);
	}
	sigsetjmp(top, 1);
	while (burst ? bursting : i < iterations ||
	    (signals < MIN_SIGNALS && seconds_since(&start) < MAX_SECONDS)) {
		unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned char *b;

		if (p == MAP_FAILED) {
			perror("sig-lane: mmap");
			return 1;
		}
		memset(p, i & 0xff, LEN);
		for (size_t k = 0; k < LEN; k += 4096)
			if (p[k] != (i & 0xff)) {
				fprintf(stderr, "sig-lane: byte %zu of a "
				    "new mapping is %d\n", k, p[k]);
				return 1;
			}
		munmap(p, LEN);
		b = sbrk(4096);
		if (b == (void *)-1) {
			perror("sig-lane: sbrk");
			return 1;
		}
		b[0] = 1;
		sbrk(-4096);
		i = i + 1;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	if (burst) {
		pthread_join(sender, NULL);
		for (int k = 0; k < BURST; k++)
			if (got[k] != bursts && bad++ < 5)
				fprintf(stderr, "sig-lane: SIGRTMIN+%d came %d "
				    "times, sent %d\n", k, (int)got[k], bursts);
		if (bad_info != 0 && bad++ < 5)
			fprintf(stderr, "sig-lane: %d signals came with "
			    "another siginfo than sent\n", (int)bad_info);
	}
	if ((maps = fopen("/proc/self/maps", "r")) == NULL) {
		perror("sig-lane: /proc/self/maps");
		return 1;
	}
	for (int k = 0; k < signals && k < MAX_NOTED; k++)
		if (!in_program_code(noted[k], maps) && bad++ < 5)
			fprintf(stderr, "sig-lane: signal %d came at %#llx, "
			    "no code of the program's\n", k,
			    (unsigned long long)noted[k]);
	fclose(maps);
	if (count_fds() != fds_before) {
		fprintf(stderr, "sig-lane: %d descriptors open, %d before\n",
		    count_fds(), fds_before);
		bad++;
	}
	if (signals < MIN_SIGNALS) {
		fprintf(stderr, "sig-lane: only %d signals came\n",
		    (int)signals);
		bad++;
	}
	if (bad)
		return 1;
	printf("ok %d signals\n", (int)signals);
	return 0;
}
