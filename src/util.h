/*
 * util.h: allocation that never fails, error reporting, small helpers shared
 * by every layer. Nothing here knows about tracees or terminals.
 *
 * fatal()/fatalx() are for bugs and allocation failure only; they run the
 * registered cleanup hook first (the TUI registers endwin) so a dying
 * ptinspect never leaves the terminal raw. Everything that can fail for an
 * ordinary reason returns -1/false and, where a caller shows it, a message
 * through a `char **errp` the caller frees.
 */
#ifndef PTI_UTIL_H
#define PTI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define PTI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define PTI_NORETURN __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The page size: x86-64's base page, the unit of mmap, madvise, the
 * memfd arena and /proc/PID/mem reads. Not sysconf(_SC_PAGESIZE): that is
 * ours, and the tracee's is the same fixed 4 KiB on the one target.
 */
#define PTI_PAGE_SIZE 4096ULL

/* The program name for messages: "ptinspect". */
extern const char *progname;

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xvasprintf_str(const char *fmt, va_list ap) PTI_PRINTF(1, 0);
/* Allocates and returns the formatted string. */
char *xstrfmt(const char *fmt, ...) PTI_PRINTF(1, 2);

/* Sets *errp (when errp is not NULL) to a formatted message; returns -1. */
int set_error(char **errp, const char *fmt, ...) PTI_PRINTF(2, 3);

/* Hook run before fatal exits, e.g. endwin(). */
void set_fatal_cleanup(void (*fn)(void));

/* "ptinspect: msg: strerror(errno)" to stderr, exit 125. */
void fatal(const char *fmt, ...) PTI_PRINTF(1, 2) PTI_NORETURN;
/* "ptinspect: msg" to stderr, exit 125. */
void fatalx(const char *fmt, ...) PTI_PRINTF(1, 2) PTI_NORETURN;
/* "ptinspect: msg: strerror(errno)" to stderr. */
void warn_msg(const char *fmt, ...) PTI_PRINTF(1, 2);
/* "ptinspect: msg" to stderr. */
void warnx_msg(const char *fmt, ...) PTI_PRINTF(1, 2);

/* Reads a whole small file (e.g. under /proc) into a NUL-terminated buffer. */
char *read_file_str(const char *path, size_t *lenp);
/*
 * The number after key (with its newline and colon: "\nTgid:") in
 * /proc/TID/status; 0 where the file or the key is missing.
 */
long proc_status_number(pid_t tid, const char *key);

/*
 * Reads at most max bytes of fd into a NUL-terminated buffer and closes
 * fd; NULL with errno on failure.
 */
char *read_fd_str(int fd, size_t max, size_t *lenp);

/* Signal name without "SIG" prefix handling: returns "SIGSEGV", or NULL. */
const char *signal_name(int sig);

/* The value of hex digit c (0-9, a-f, A-F), or -1. */
int hex_digit(int c);

/* CLOCK_MONOTONIC in nanoseconds, milliseconds, and seconds. */
uint64_t monotonic_ns(void);
uint64_t monotonic_ms(void);
double monotonic_sec(void);

/*
 * The index of the first of n elements at base (size bytes each, sorted by
 * the uint64_t field at byte offset field) whose field is greater than
 * key; n if none. The one binary search of our sorted tables: "the region
 * holding addr" is the first whose end is greater than addr, if its start
 * is not.
 */
size_t sorted_upper_bound(const void *base, size_t n, size_t size,
    size_t field, uint64_t key);

/* data as hexdump -C prints it: offset, 16 bytes, the printable ones. */
void hexdump_write(FILE *f, const char *data, size_t len);

#endif
