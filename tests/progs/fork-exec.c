/*
 * fork-exec: runs a command in a child process and reports how it ended.
 *
 *	fork-exec fork PROG [ARG...]	fork(2), then execvp in the child
 *	fork-exec spawn PROG [ARG...]	posix_spawnp (CLONE_VFORK in glibc)
 *
 * Prints "child exited with N" or "child killed by signal N" after the
 * child is gone and exits with N (128+N for a signal), as a shell would.
 * Usage errors exit 2; a failed exec in the child exits 127.
 */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pid_t start_fork(char **argv);
static pid_t start_spawn(char **argv);

static pid_t start_fork(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	return pid;
}

static pid_t start_spawn(char **argv)
{
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

	if (err != 0) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(err));
		return -1;
	}
	return pid;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc < 3 || (strcmp(argv[1], "fork") != 0 &&
			 strcmp(argv[1], "spawn") != 0)) {
		fputs("usage: fork-exec fork|spawn PROG [ARG...]\n", stderr);
		return 2;
	}
	/* Nothing buffered may be duplicated into the child. */
	fflush(stdout);
	if (strcmp(argv[1], "fork") == 0)
		pid = start_fork(argv + 2);
	else
		pid = start_spawn(argv + 2);
	if (pid < 0)
		return 127;
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		printf("child killed by signal %d\n", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	printf("child exited with %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}
