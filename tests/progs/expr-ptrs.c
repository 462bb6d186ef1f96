/*
 * expr-ptrs: the answers for address expressions, printed by the program
 * itself (a PIE: the addresses are those of this run). A global pointer
 * planet_list heads a list of three nodes on the heap; the program prints
 * main's address, &planet_list, planet_list, planet_list->next, the value
 * of the first node, and malloc's address in libc, then exits 0 (paused
 * there by ptinspect, where tests/expr.t evaluates the same expressions).
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	struct node *next;
	long value;
};

struct node *planet_list;

int main(void)
{
	void *(*m)(size_t) = malloc;
	int i;

	for (i = 3; i > 0; i--) {
		struct node *n = malloc(sizeof(*n));

		if (n == NULL)
			return 1;
		n->next = planet_list;
		n->value = 100 + i;
		planet_list = n;
	}
	printf("main %p\n", (void *)main);
	printf("&planet_list %p\n", (void *)&planet_list);
	printf("planet_list %p\n", (void *)planet_list);
	printf("next %p\n", (void *)planet_list->next);
	printf("value %ld\n", planet_list->value);
	printf("malloc %p\n", *(void **)&m);
	return 0;
}
