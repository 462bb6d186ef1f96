/*
 * shared-page: lets a test see a write made at a pause from inside the
 * program. It puts "PTI-SHARED-BEFORE" in a MAP_SHARED|MAP_ANONYMOUS page
 * and forks; the child prints "shared ADDR" and exits. The parent waits
 * for it and prints "parent reads STRING" with what the page then holds:
 * under `ptinspect -f`, whatever a `write` at the child's exit pause put
 * there. Exits 0, or 1 on a failure.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE_GUESS 4096

int main(void)
{
	char *page;
	pid_t pid;
	int status;

	page = mmap(NULL, PAGE_SIZE_GUESS, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	strcpy(page, "PTI-SHARED-BEFORE");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		printf("shared %p\n", (void *)page);
		return 0;
	}
	if (waitpid(pid, &status, 0) != pid || status != 0) {
		fputs("child failed\n", stderr);
		return 1;
	}
	/* Bounded: a write at the pause may have left no NUL. */
	printf("parent reads %.32s\n", page);
	return 0;
}
