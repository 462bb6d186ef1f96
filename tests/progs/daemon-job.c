/*
 * daemon-job GO OUT: what a program leaves running (tests/daemon.t). With
 * a second thread, it waits until the file GO exists, then each thread
 * maps, fills and unmaps 32 private anonymous MiB one by one (calls the
 * seccomp filter sends to the tracer: without one they fail with ENOSYS),
 * the main thread grows the heap by a MiB, and OUT gets, through a rename,
 * "ok SUM KIND" (SUM of the bytes read back: 2016; KIND "memfd" if the
 * first mapping was redirected into ptinspect's memfd, else "private"), or
 * "failed: CALL: ERROR".
 *
 * daemon-job GO OUT nodump: the same, made non-dumpable first
 * (PR_SET_DUMPABLE 0, as ssh-agent does), and the main thread sleeps a
 * second in nanosleep (ptinspect hands it over meanwhile) before it waits
 * for GO: OUT gets "ok SUM KIND nodump" if that sleep returned 0 after a
 * second or more and the process is still non-dumpable at the end.
 *
 * daemon-job GO OUT vfork: vfork()s, and the child creates OUT.vfork, then
 * sleeps 600 ms in its parent's memory (the parent waits uninterruptibly,
 * as a shell's does for each command it runs by vfork) before it execs
 * `daemon-job GO OUT`; the parent waits for it. A hand-over that comes
 * meanwhile must let the child run to its exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1 << 20)

static const char *go;
static char failed[128];
static char kind[16] = "private";

/* Is the mapping at addr one of a memfd's (/proc/self/maps)? */
static void
note_kind(const void *addr)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, want, strlen(want)) == 0 &&
		    strstr(line, "memfd:") != NULL)
			snprintf(kind, sizeof(kind), "memfd");
	if (f != NULL)
		fclose(f);
}

/* 32 MiB mapped, filled, read back and unmapped: the sum read. */
static long
churn(int first)
{
	long sum = 0;
	int i;

	for (i = first; i < first + 32; i++) {
		unsigned char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			snprintf(failed, sizeof(failed), "mmap: %s",
			    strerror(errno));
			return sum;
		}
		memset(p, i, MIB);
		sum += p[i * 1000];
		if (i == 0)
			note_kind(p);
		if (munmap(p, MIB) != 0)
			snprintf(failed, sizeof(failed), "munmap: %s",
			    strerror(errno));
	}
	return sum;
}

static void *
second(void *arg)
{
	while (access(go, F_OK) != 0)
		usleep(10000);
	*(long *)arg = churn(32);
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* nodump's second of sleep, in one nanosleep that must not be cut. */
static void
sleep_a_second(void)
{
	struct timespec one = { 1, 0 };
	double start = now();

	if (nanosleep(&one, NULL) != 0)
		snprintf(failed, sizeof(failed), "nanosleep: %s",
		    strerror(errno));
	else if (now() - start < 1.0)
		snprintf(failed, sizeof(failed), "nanosleep: %.3f s",
		    now() - start);
}

/* The vfork mode: 0 once the child has ended, 2 if vfork failed. */
static int
vfork_late(char **argv)
{
	char mark[4096];
	char *const args[] = { argv[0], argv[1], argv[2], NULL };
	const struct timespec late = { 0, 600 * 1000 * 1000 };
	pid_t pid;
	int status;

	snprintf(mark, sizeof(mark), "%s.vfork", argv[2]);
	pid = vfork();
	if (pid == 0) {
		close(open(mark, O_WRONLY | O_CREAT, 0644));
		nanosleep(&late, NULL);
		execv(argv[0], args);
		_exit(127);
	}
	if (pid < 0)
		return 2;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int
main(int argc, char **argv)
{
	int nodump = argc == 4 && strcmp(argv[3], "nodump") == 0;
	char tmp[4096];
	long sum, sum2 = 0;
	pthread_t th;
	FILE *f;
	char *heap;

	if (argc == 4 && strcmp(argv[3], "vfork") == 0)
		return vfork_late(argv);
	if (argc != 3 && !nodump)
		return 2;
	if (nodump && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 2;
	go = argv[1];
	if (pthread_create(&th, NULL, second, &sum2) != 0)
		return 2;
	if (nodump)
		sleep_a_second();
	while (access(go, F_OK) != 0)
		usleep(10000);
	sum = churn(0);
	pthread_join(th, NULL);
	heap = sbrk(MIB);
	if (heap == (void *)-1)
		snprintf(failed, sizeof(failed), "sbrk: %s", strerror(errno));
	else
		memset(heap, 1, MIB);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((f = fopen(tmp, "w")) == NULL)
		return 2;
	if (nodump && failed[0] == '\0' &&
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		snprintf(failed, sizeof(failed), "dumpable: %d",
		    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	if (failed[0] != '\0')
		fprintf(f, "failed: %s\n", failed);
	else
		fprintf(f, "ok %ld %s%s\n", sum + sum2, kind,
		    nodump ? " nodump" : "");
	fclose(f);
	return rename(tmp, argv[2]) == 0 ? 0 : 2;
}
