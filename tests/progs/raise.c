/*
 * raise: sends itself the signal whose number is its only argument
 * (default SIGTERM) with kill(2), leaving the default action in place, so
 * it dies of a signal that is neither a fault nor caught. If the signal
 * does not kill it, it exits with status 3.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int sig = argc > 1 ? atoi(argv[1]) : SIGTERM;

	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	return 3;
}
