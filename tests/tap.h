/*
 * tap.h: a tiny Test Anything Protocol helper for C test programs, in the
 * spirit of the kernel's kselftest.h. Header only; include it from the one
 * file that holds main().
 *
 *	tap_plan(3);			1..3 (optional: tap_exit prints
 *					the plan at the end when omitted)
 *	tap_ok(x == 1, "x is %d", x);	ok 1 - x is 1 / not ok 1 - ...
 *	tap_skip("no seccomp", "filter loads");	ok 2 # SKIP no seccomp
 *	tap_diag("got %s", s);		# got ... (to stdout, TAP comment)
 *	return tap_exit();		0 when every test passed and the
 *					plan matched, 1 otherwise
 *
 * tap_skip_all(reason) prints "1..0 # SKIP reason" and exits 0; call it
 * before any test. tap_bail(fmt, ...) prints "Bail out! ..." and exits 1.
 * Every line is flushed at once so output stays ordered across fork().
 */
#ifndef PTI_TAP_H
#define PTI_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))

struct tap_state {
	int planned;	/* -1 until tap_plan() */
	int run;
	int failed;
};

static struct tap_state tap_state = { .planned = -1 };

static inline void tap_plan(int n)
{
	tap_state.planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline TAP_PRINTF(2, 0) bool tap_vok(bool cond, const char *fmt,
					     va_list ap)
{
	tap_state.run++;
	if (!cond)
		tap_state.failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_state.run);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Records one test; returns cond so callers can add diagnostics. */
static inline TAP_PRINTF(2, 3) bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline TAP_PRINTF(2, 3) void tap_skip(const char *reason,
					     const char *fmt, ...)
{
	va_list ap;

	tap_state.run++;
	printf("ok %d - ", tap_state.run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

static inline TAP_PRINTF(1, 2) void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline __attribute__((noreturn)) void tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(0);
}

static inline TAP_PRINTF(1, 2) __attribute__((noreturn))
void tap_bail(const char *fmt, ...)
{
	va_list ap;

	fputs("Bail out! ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}

/* Prints the plan if none was given; the exit status for main(). */
static inline int tap_exit(void)
{
	if (tap_state.planned < 0)
		printf("1..%d\n", tap_state.run);
	else if (tap_state.planned != tap_state.run)
		printf("# planned %d tests but ran %d\n", tap_state.planned,
		       tap_state.run);
	fflush(stdout);
	if (tap_state.failed > 0 ||
	    (tap_state.planned >= 0 && tap_state.planned != tap_state.run))
		return 1;
	return 0;
}

#endif
