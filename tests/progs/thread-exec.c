/*
 * thread-exec: a thread other than the main one calls execve while the
 * main thread is blocked: the kernel kills the other threads and the
 * process continues as the new program with the leader's pid (the tracer
 * sees the exec from a thread id that then vanishes). Runs argv[1..] and
 * so exits with that program's status; usage errors exit 2, a failed exec
 * 127.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *exec_main(void *arg);

static void *exec_main(void *arg)
{
	char **argv = arg;

	execvp(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2) {
		fputs("usage: thread-exec PROG [ARG...]\n", stderr);
		return 2;
	}
	if (pthread_create(&t, NULL, exec_main, argv + 1) != 0) {
		fputs("pthread_create failed\n", stderr);
		return 1;
	}
	for (;;)
		pause();
}
