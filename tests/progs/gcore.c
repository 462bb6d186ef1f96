/*
 * gcore: a program whose core file can be checked against what is known
 * about it: a marker string in the heap (its address printed), a 64 MiB
 * malloc never touched (a core of it must be sparse), two threads blocked
 * in gcore_thread_wait, and a nested call chain main -> gcore_a ->
 * gcore_b -> gcore_c that ends in a SIGSEGV writing to 0x28 ("crash", the
 * default) or in _exit(3) ("exit").
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

void gcore_a(int crash);
void gcore_b(int crash);
void gcore_c(int crash);

static volatile int sink;
static volatile int *volatile bad = (volatile int *)0x28;
static int wait_pipe[2];
static pid_t tids[2];

static void *
gcore_thread_wait(void *arg)
{
	char c;

	__atomic_store_n((pid_t *)arg, gettid(), __ATOMIC_RELEASE);
	while (read(wait_pipe[0], &c, 1) < 0)
		;
	return NULL;
}

/* Until thread tid sleeps (in its read), so every stack is a known one. */
static void
wait_asleep(pid_t tid)
{
	char path[64], buf[256], *s;
	int i;
	FILE *f;

	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	for (i = 0; i < 2000; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			s = fgets(buf, sizeof buf, f);
			fclose(f);
			if (s != NULL && (s = strrchr(buf, ')')) != NULL &&
			    s[1] == ' ' && s[2] == 'S')
				return;
		}
		usleep(1000);
	}
}

NOINLINE void
gcore_c(int crash)
{
	if (crash)
		*bad = 42;
	_exit(3);
}

NOINLINE void
gcore_b(int crash)
{
	gcore_c(crash);
	sink++;
}

NOINLINE void
gcore_a(int crash)
{
	gcore_b(crash);
	sink++;
}

int
main(int argc, char **argv)
{
	int crash = argc < 2 || strcmp(argv[1], "exit") != 0;
	pthread_t th[2];
	char *marker, *big;
	int i;

	marker = malloc(64);
	strcpy(marker, "GCORE-MARKER-7f3a9c-in-the-heap");
	big = malloc(64 << 20);
	if (marker == NULL || big == NULL || pipe(wait_pipe) < 0)
		return 1;
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, gcore_thread_wait, &tids[i]);
	for (i = 0; i < 2; i++) {
		while (__atomic_load_n(&tids[i], __ATOMIC_ACQUIRE) == 0)
			usleep(1000);
		wait_asleep(tids[i]);
	}
	printf("marker %p big %p\n", (void *)marker, (void *)big);
	fflush(stdout);
	gcore_a(crash);
	return 0;
}
