#!/bin/sh
# gcc.t: gcc compiling and linking a C file (gcc forks cc1, as, collect2 and
# ld), natively and under ptinspect; the warnings, the exit status and the
# executable produced must be the same.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require gcc cmp

real_setup()
{
	cat >prog.c <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char name[24];
};

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	int unused;	/* -Wall: a warning on stderr */
	struct node *head = NULL;
	int v[1000];

	for (int i = 0; i < 1000; i++)
		v[i] = (i * 7919) % 1000;
	qsort(v, 1000, sizeof(v[0]), cmp_int);
	for (int i = 0; i < 10; i++) {
		struct node *n = malloc(sizeof(*n));
		snprintf(n->name, sizeof(n->name), "node-%d", v[i * 99]);
		n->next = head;
		head = n;
	}
	for (struct node *n = head; n; n = n->next)
		puts(n->name);
	return strcmp(head->name, "node-891") == 0 ? 0 : 1;
}
EOC
}

TAP_TIMEOUT=300
REAL_MIN_PAUSES=4	# gcc, cc1, as, collect2 (and ld)
for opt in "" -f; do
	real_compare "gcc -Wall -O2${opt:+ ($opt)}" $opt -- \
		gcc -Wall -O2 -o prog prog.c
	tap_same_file "$REAL_TMP/traced/prog" "$REAL_TMP/native/prog" \
		"gcc ${opt:+($opt) }built the same executable"
done
tap_run "$REAL_TMP/traced/prog"
tap_is "$TAP_RC:$(printf '%s' "$TAP_OUT" | head -1)" "0:node-891" \
	"the executable built under ptinspect runs"
tap_done
