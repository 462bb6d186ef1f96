/* main.c: placeholder while the option parser is written. */
#include "config.h"
int main(void) { return 125; }
