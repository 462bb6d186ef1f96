/*
 * stop-cost.c: what one seccomp stop costs on this machine, the floor
 * under any tracer that stops on a system call (bench/mmap-loop.c).
 *
 *	bench/stop-cost [-n STOPS]
 *
 * A child installs a filter that returns SECCOMP_RET_TRACE for getppid
 * and calls it STOPS times (default 20,000); the parent, its tracer,
 * takes each stop with PTRACE_GETREGS and PTRACE_SETREGS (as ptinspect's
 * mmap stop does) and resumes it with PTRACE_CONT. Three ways, one line
 * each, microseconds per stop, best of three:
 *
 *	stop-cost: sleeping 41.20 us	tracer blocks in waitpid, as
 *					ptinspect does
 *	stop-cost: polling 15.10 us	tracer polls waitpid(WNOHANG)
 *					(ptinspect did in bursts; on real
 *					workloads the CPU it took from its
 *					tracees cost more than it saved)
 *	stop-cost: one-cpu 7.30 us	both pinned to one CPU (what rr does;
 *					ptinspect does not: it would change
 *					the program's affinity)
 *
 * On a VM whose idle CPUs halt, the gap between the first two is the price
 * of waking a halted CPU, twice per stop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

enum mode { SLEEPING, POLLING, ONE_CPU };

static const char *const mode_name[] = { "sleeping", "polling", "one-cpu" };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		perror("stop-cost: sched_setaffinity");
		exit(1);
	}
}

/* The tracee: STOPS traced getppid calls; writes its time to fd. */
static void
tracee(long stops, int fd)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, filter };
	double t0, elapsed;

	raise(SIGSTOP);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		_exit(2);
	t0 = now();
	for (long i = 0; i < stops; i++)
		syscall(SYS_getppid);
	elapsed = now() - t0;
	if (write(fd, &elapsed, sizeof(elapsed)) != sizeof(elapsed))
		_exit(3);
	_exit(0);
}

/* One run: microseconds per stop. */
static double
run(enum mode mode, long stops)
{
	struct user_regs_struct regs;
	int pipefd[2], status, sig;
	double elapsed = 0;
	pid_t child, got;

	if (pipe(pipefd) != 0) {
		perror("stop-cost: pipe");
		exit(1);
	}
	child = fork();
	if (child < 0) {
		perror("stop-cost: fork");
		exit(1);
	}
	if (child == 0) {
		if (mode == ONE_CPU)
			pin_to_cpu0();
		tracee(stops, pipefd[1]);
	}
	close(pipefd[1]);
	if (mode == ONE_CPU)
		pin_to_cpu0();
	waitpid(child, &status, WUNTRACED);
	if (ptrace(PTRACE_SEIZE, child, 0,
	    PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) != 0) {
		perror("stop-cost: PTRACE_SEIZE");
		exit(1);
	}
	kill(child, SIGCONT);
	for (;;) {
		do
			got = waitpid(child, &status,
			    __WALL | (mode == POLLING ? WNOHANG : 0));
		while (got == 0 || (got < 0 && errno == EINTR));
		if (got < 0 || WIFEXITED(status) || WIFSIGNALED(status))
			break;
		sig = 0;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			ptrace(PTRACE_GETREGS, child, 0, &regs);
			ptrace(PTRACE_SETREGS, child, 0, &regs);
		} else if (status >> 16 != PTRACE_EVENT_STOP &&
		    WSTOPSIG(status) != SIGTRAP) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, child, 0, sig);
	}
	if (read(pipefd[0], &elapsed, sizeof(elapsed)) != sizeof(elapsed)) {
		fprintf(stderr, "stop-cost: the tracee failed (%s)\n",
		    mode_name[mode]);
		exit(1);
	}
	close(pipefd[0]);
	return elapsed / (double)stops * 1e6;
}

int
main(int argc, char **argv)
{
	long stops = 20000;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (stops = atol(optarg)) <= 0) {
			fprintf(stderr, "usage: stop-cost [-n STOPS]\n");
			return 2;
		}
	}
	for (int m = SLEEPING; m <= ONE_CPU; m++) {
		double best = 0, us;

		for (int i = 0; i < 3; i++) {
			us = run((enum mode)m, stops);
			if (i == 0 || us < best)
				best = us;
		}
		printf("stop-cost: %s %.2f us\n", mode_name[m], best);
	}
	return 0;
}
