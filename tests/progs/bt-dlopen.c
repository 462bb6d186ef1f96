/*
 * bt-dlopen PLUGIN: stops once with SIGUSR2 (ignored unless traced), then
 * loads PLUGIN (bt-plugin.so) with dlopen(3) and calls its plugin_call,
 * which calls back in_callback, which calls exit_group(5) itself. At the
 * exit the stack is in_callback, plugin_call (in code mapped after the
 * first stop), main.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>

#define NOINLINE __attribute__((noinline, noclone))

int in_callback(int x);

static volatile int sink;

NOINLINE int in_callback(int x)
{
	long ret;

	sink = x;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(5L)
			 : "rcx", "r11", "memory");
	return (int)ret + sink;
}

int main(int argc, char **argv)
{
	int (*call)(int (*)(int), int);
	void *plugin;

	if (argc != 2) {
		fprintf(stderr, "usage: bt-dlopen PLUGIN\n");
		return 2;
	}
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	plugin = dlopen(argv[1], RTLD_NOW);
	if (plugin == NULL) {
		fprintf(stderr, "bt-dlopen: %s\n", dlerror());
		return 1;
	}
	*(void **)&call = dlsym(plugin, "plugin_call");
	if (call == NULL) {
		fprintf(stderr, "bt-dlopen: %s\n", dlerror());
		return 1;
	}
	return call(in_callback, 1) + sink;
}
