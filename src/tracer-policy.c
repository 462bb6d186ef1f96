/*
 * tracer-policy.c: which events hold a process. The -p/-f default and
 * --pause-on (exit, failure, crash, exec) with --only's globs decide
 * whether an exit, a fatal signal or an exec pauses; a signal is fatal
 * when its default action kills and the program neither catches nor
 * ignores it (/proc/TID/status SigCgt, SigIgn).
 */
#include "config.h"

#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "task.h"
#include "tracer.h"
#include "tracer-int.h"
#include "util.h"

bool
tracer_should_pause(const struct proc *p)
{
	return p->pause_wanted && p->execed && p->state == PROC_RUNNING;
}

/* --only: does a glob match p's comm, executable path or its base name? */
static bool
proc_matches_only(const struct tracer_opts *opts, struct proc *p)
{
	char path[64], exe[PATH_MAX];
	const char *base;
	ssize_t n;
	size_t i;

	if (opts->nonly == 0)
		return true;
	proc_read_comm(p);
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	base = strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe;
	for (i = 0; i < opts->nonly; i++) {
		if (fnmatch(opts->only[i], p->comm, 0) == 0 ||
		    (n > 0 && (fnmatch(opts->only[i], exe, 0) == 0 ||
		    fnmatch(opts->only[i], base, 0) == 0)))
			return true;
	}
	return false;
}

/*
 * --pause-on and --only: is p to be held at this event? exit_code is the
 * exit status for PAUSE_EXIT.
 */
bool
tracer_pause_chosen(const struct tracer_opts *opts, struct proc *p,
    enum pause_reason why, int exit_code)
{
	unsigned on = opts->pause_on;

	if (!tracer_should_pause(p))
		return false;
	switch (why) {
	case PAUSE_EXIT:
		if (!(on & PAUSE_ON_EXIT) &&
		    !((on & PAUSE_ON_FAILURE) && exit_code != 0))
			return false;
		break;
	case PAUSE_SIGNAL:
		if (!(on & (PAUSE_ON_EXIT | PAUSE_ON_FAILURE | PAUSE_ON_CRASH)))
			return false;
		break;
	case PAUSE_EXEC:
		if (!(on & PAUSE_ON_EXEC))
			return false;
		break;
	default:
		break;
	}
	return proc_matches_only(opts, p);
}

/* Bit N-1 of a /proc/PID/status signal mask line such as "SigCgt:". */
static bool
sigmask_has(const char *status, const char *key, int sig)
{
	const char *line = strstr(status, key);
	unsigned long long mask;

	if (line == NULL)
		return false;
	mask = strtoull(line + strlen(key), NULL, 16);
	return (mask >> (sig - 1)) & 1;
}

/* /proc/TID/status, or NULL. */
static char *
thread_status(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	return read_file_str(path, NULL);
}

bool
tracer_signal_is_default(pid_t tid, int sig)
{
	char *status = thread_status(tid);
	bool dfl;

	if (status == NULL)
		return false;
	dfl = !sigmask_has(status, "\nSigCgt:", sig) &&
	    !sigmask_has(status, "\nSigIgn:", sig);
	free(status);
	return dfl;
}

bool
tracer_sigcont_pending(pid_t tid)
{
	char *status = thread_status(tid);
	bool pending;

	if (status == NULL)
		return false;
	pending = sigmask_has(status, "\nSigPnd:", SIGCONT) ||
	    sigmask_has(status, "\nShdPnd:", SIGCONT);
	free(status);
	return pending;
}

/* Does delivering sig kill the process (default action, not caught)? */
bool
tracer_signal_is_fatal(pid_t tid, int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	}
	return tracer_signal_is_default(tid, sig);
}
