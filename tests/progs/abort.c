/*
 * abort: writes "aborting" to stderr and calls abort(3), dying of SIGABRT
 * (status 134 in the shell).
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	fputs("aborting\n", stderr);
	abort();
}
