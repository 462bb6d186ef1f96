/*
 * kill-me: puts a marker on the heap, starts two threads that wait
 * forever, says "ready PID" and waits to be killed with SIGKILL. The test
 * checks ptinspect holds it after the kill with its memory still readable.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Global, so the compiler keeps the marker's stores. */
char *volatile kill_me_marker;

static void *
wait_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int
main(void)
{
	char *marker = malloc(64);
	pthread_t t;

	/* Built at run time, so the program's own .rodata does not hold it. */
	strcpy(marker, "PTI-KILLED-");
	strcat(marker, "HEAP");
	kill_me_marker = marker;
	for (int i = 0; i < 2; i++)
		pthread_create(&t, NULL, wait_forever, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	wait_forever(NULL);
	return 0;
}
