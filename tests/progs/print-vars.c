/*
 * print-vars: variables of every type class for `print`, `locals`, `args`
 * and `set var` (tests/print.t compares them with gdb's on a core of the
 * same pause): a linked list of structs on the heap, arrays (int, char,
 * 2-D, of structs), a union, an enum, bit fields, char pointers, a
 * function pointer, typedefs, const; main -> outer -> middle -> inner,
 * each with parameters and locals at -O0, and inner makes the
 * exit_group(3) system call itself so frame #0 is inner. opt_sum is -O2
 * (its locals mostly in registers, some optimized out).
 */
#pragma GCC optimize("O0")

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#define NOINLINE __attribute__((noinline, noclone))

enum color { RED, GREEN = 5, BLUE };

struct planet {
	const char *name;
	long moons;
	struct planet *next;
};

struct flags {
	unsigned ready : 1;
	unsigned mode : 3;
	signed delta : 5;
	unsigned char tail;
};

union number {
	int i;
	float f;
	unsigned char bytes[4];
};

typedef struct point {
	short x, y;
} point_t;

struct mixed {
	char tag[8];
	double ratio;
	enum color color;
	union number num;
	struct flags fl;
	point_t pts[2];
	bool ok;
	int (*cb)(int);
};

struct planet *planet_list;
struct mixed mixed = {
	.tag = "mix",
	.ratio = 0.25,
	.color = BLUE,
	.num = { .i = 0x41424344 },
	.fl = { .ready = 1, .mode = 5, .delta = -3, .tail = 'z' },
	.pts = { { 1, -2 }, { 300, 4 } },
	.ok = true,
};
int numbers[5] = { 10, -20, 30, 0, 50 };
int grid[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
char greeting[16] = "earth";
char zeros[32];
const char *motto = "tab\there \"quoted\"";
static int hidden_counter = 42;
unsigned char small = 200;
long long big = -1234567890123LL;
double pi = 3.14159;
float third = 1.0f / 3.0f;
int repeated[20] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1 };
enum color favourite = GREEN;
enum color odd_color = (enum color)9;
int *int_ptr = &numbers[2];
void *null_ptr;
point_t origin = { -1, 1 };

int add_one(int x);
NOINLINE int add_one(int x)
{
	return x + 1;
}

NOINLINE __attribute__((optimize("O2"))) long opt_sum(const int *v, int n)
{
	long s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s;
}

NOINLINE int inner(struct planet *p, int depth, const char *label)
{
	long ret;
	int local_sum = depth * 10;
	char letter = 'Q';
	struct planet copy = *p;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(3L)
			 : "rcx", "r11", "memory");
	return (int)ret + local_sum + letter + (int)copy.moons +
	    (int)strlen(label);
}

NOINLINE int middle(int count, double scale)
{
	int squares[4];
	int i;

	for (i = 0; i < 4; i++)
		squares[i] = i * i;
	{
		unsigned block_local = 77;

		return inner(planet_list->next, count + (int)scale, "mid") +
		    squares[3] + (int)block_local;
	}
}

NOINLINE int outer(enum color c, point_t pt)
{
	short negative = -5;

	return middle((int)c + pt.x, 1.5) + negative;
}

int main(void)
{
	static const char *names[] = { "mercury", "venus", "earth" };
	struct planet *p;
	int i;

	for (i = 2; i >= 0; i--) {
		p = calloc(1, sizeof *p);
		p->name = names[i];
		p->moons = i * i;
		p->next = planet_list;
		planet_list = p;
	}
	mixed.cb = add_one;
	printf("print-vars: sum %ld, hidden %d\n", opt_sum(numbers, 5),
	    hidden_counter);
	fflush(stdout);
	return outer(BLUE, origin);
}
