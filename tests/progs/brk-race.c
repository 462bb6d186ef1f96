/*
 * brk-race: the brk heap grown a page at a time, the way ptinspect serves
 * through its stub (src/stub.h). Two modes:
 *
 *	brk-race steps N	grows the break by one page N times with sbrk,
 *				writing each new page, checks that every
 *				page kept its byte and that sbrk(0) is the
 *				break; prints "heap N pages" and exits 0
 *	brk-race race		a thread that grows the break a page at a
 *				time without pause (back to the start every
 *				16 MiB) while the main thread exits 3 after
 *				30 ms, so the pause often catches it in brk;
 *				prints "spinner TID" first
 *
 * The race's spinner uses the brk system call itself (glibc's sbrk keeps
 * its own idea of the break, which it must not share with the main
 * thread's exit path).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SPAN (16UL << 20)

static volatile int spinning;

static void *spin(void *arg)
{
	unsigned long start, cur, pg = (unsigned long)sysconf(_SC_PAGESIZE);

	(void)arg;
	printf("spinner %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	start = cur = (unsigned long)syscall(SYS_brk, 0);
	spinning = 1;
	for (;;) {
		if (cur + pg - start > SPAN)
			cur = (unsigned long)syscall(SYS_brk, start);
		if ((unsigned long)syscall(SYS_brk, cur + pg) == cur + pg) {
			*(volatile char *)cur = 1;
			cur += pg;
		}
	}
	return NULL;
}

static int race(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, spin, NULL) != 0) {
		fprintf(stderr, "brk-race: pthread_create failed\n");
		return 1;
	}
	while (!spinning)
		;
	usleep(30000);
	exit(3);
}

static int steps(long n)
{
	long pg = sysconf(_SC_PAGESIZE), i;
	unsigned char *start = sbrk(0), *p;

	for (i = 0; i < n; i++) {
		p = sbrk(pg);
		if (p != start + i * pg) {
			fprintf(stderr, "brk-race: sbrk %ld gave %p, not %p\n",
				i, (void *)p, (void *)(start + i * pg));
			return 1;
		}
		memset(p, (int)(i % 251) + 1, (size_t)pg);
	}
	for (i = 0; i < n; i++)
		if (start[i * pg] != i % 251 + 1 ||
		    start[(i + 1) * pg - 1] != i % 251 + 1) {
			fprintf(stderr, "brk-race: page %ld lost its byte\n",
				i);
			return 1;
		}
	if (sbrk(0) != start + n * pg) {
		fprintf(stderr, "brk-race: sbrk(0) is %p, not %p\n", sbrk(0),
			(void *)(start + n * pg));
		return 1;
	}
	printf("heap %ld pages\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "steps") == 0)
		return steps(atol(argv[2]));
	if (argc == 2 && strcmp(argv[1], "race") == 0)
		return race();
	fprintf(stderr, "usage: brk-race steps N | brk-race race\n");
	return 2;
}
