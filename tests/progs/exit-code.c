/*
 * exit-code: exits through exit(3) (so exit_group) with the status given as
 * its only argument, 0 by default. Prints nothing.
 */
#include <stdlib.h>

int main(int argc, char **argv)
{
	return argc > 1 ? atoi(argv[1]) : 0;
}
