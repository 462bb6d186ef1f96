/*
 * tui-fork: a parent and one child for the processes pane. The child
 * prints a line and exits 5; the parent waits for it, prints its status
 * and exits 0. Under ptinspect -p -f both are held at their exits, the
 * child first (the parent is still waiting for it).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		printf("child %d exits 5\n", (int)getpid());
		return 5;
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	printf("parent saw the child exit %d\n", WEXITSTATUS(status));
	return 0;
}
