/*
 * bt-plugin.so: a shared object bt-dlopen loads with dlopen(3) after its
 * first stop; plugin_call calls back into the program, so the stack then
 * runs through code that was not mapped when the first backtrace was taken.
 */
#define NOINLINE __attribute__((noinline, noclone))

int plugin_call(int (*callback)(int), int x);

static volatile int sink;

NOINLINE int plugin_call(int (*callback)(int), int x)
{
	return callback(x + 1) + sink;
}
