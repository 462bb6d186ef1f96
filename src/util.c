/*
 * util.c: allocation that never fails, error reporting, small helpers.
 * See util.h for the error conventions every layer follows.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *progname = "ptinspect";

static void (*fatal_cleanup)(void);

void
set_fatal_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

static void PTI_NORETURN
die(void)
{
	if (fatal_cleanup != NULL)
		fatal_cleanup();
	exit(125);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("allocation of %zu x %zu bytes overflows", nmemb, size);
	return xrealloc(ptr, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		fatalx("out of memory copying a string");
	return p;
}

char *
xvasprintf_str(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory formatting a string");
	return s;
}

char *
xstrfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf_str(fmt, ap);
	va_end(ap);
	return s;
}

int
set_error(char **errp, const char *fmt, ...)
{
	va_list ap;

	if (errp != NULL) {
		free(*errp);
		va_start(ap, fmt);
		*errp = xvasprintf_str(fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
vmsg(const char *fmt, va_list ap, int errnum)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	if (fatal_cleanup != NULL) {
		fatal_cleanup();
		fatal_cleanup = NULL;
	}
	va_start(ap, fmt);
	vmsg(fmt, ap, errnum);
	va_end(ap);
	die();
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	if (fatal_cleanup != NULL) {
		fatal_cleanup();
		fatal_cleanup = NULL;
	}
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	die();
}

void
warn_msg(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, errnum);
	va_end(ap);
}

void
warnx_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

char *
read_fd_str(int fd, size_t max, size_t *lenp)
{
	size_t len = 0, cap = max < 4096 ? max : 4096;
	char *buf = xmalloc(cap + 1);
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap >= max)
				break;
			cap = cap <= max / 2 ? cap * 2 : max;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			close(fd);
			free(buf);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

char *
read_file_str(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? NULL : read_fd_str(fd, SIZE_MAX - 1, lenp);
}

long
proc_status_number(pid_t tid, const char *key)
{
	char path[64], *status, *line;
	long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	status = read_file_str(path, NULL);
	if (status == NULL)
		return 0;
	line = strstr(status, key);
	if (line != NULL)
		v = strtol(line + strlen(key), NULL, 10);
	free(status);
	return v;
}

const char *
signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP",
		[SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
		[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
		[SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
		[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
		[SIGURG] = "SIGURG",
		[SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
		[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};
	static char rt[16][12];

	if (sig > 0 && (size_t)sig < ARRAY_SIZE(names) && names[sig] != NULL)
		return names[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		char *buf = rt[sig % 16];

		snprintf(buf, sizeof(rt[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	return NULL;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint64_t
monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t
monotonic_ms(void)
{
	return monotonic_ns() / 1000000;
}

double
monotonic_sec(void)
{
	return (double)monotonic_ns() / 1e9;
}

size_t
sorted_upper_bound(const void *base, size_t n, size_t size, size_t field,
    uint64_t key)
{
	const unsigned char *p = base;
	size_t lo = 0, hi = n, mid;
	uint64_t v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&v, p + mid * size + field, sizeof v);
		if (v <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
hexdump_write(FILE *f, const char *data, size_t len)
{
	size_t off, i;

	for (off = 0; off < len; off += 16) {
		fprintf(f, "%08zx ", off);
		for (i = 0; i < 16; i++) {
			if (i == 8)
				putc(' ', f);
			if (off + i < len)
				fprintf(f, " %02x",
				    (unsigned char)data[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (i = 0; i < 16 && off + i < len; i++) {
			unsigned char c = (unsigned char)data[off + i];

			putc(c >= 0x20 && c < 0x7f ? c : '.', f);
		}
		fputs("|\n", f);
	}
}
