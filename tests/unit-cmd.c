/*
 * unit-cmd.c: the command language without a tracer. Includes cmd.c and
 * cmd-args.c to reach the tokenizer and the evaluator; the commands run
 * against this very process (a struct proc built by hand, pid = getpid(),
 * one "held" thread with made-up registers), whose memory and maps we
 * know.
 *
 * Covers: splitting and C escapes, DATA parsing good and bad, numbers,
 * address arithmetic over hand-built maps, every error message the man
 * page gives, the hexdump layout, JSON output and JSON string escaping, the
 * argument counts cmd_run checks before exec (with a probe command of our
 * own), and the JSON object writer's punctuation.
 */
#include "../src/cmd.c"
#include "../src/cmd-args.c"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

/* A string up to its first newline, for "%.*s". */
#define L(s) (int)strcspn((s), "\n"), (s)

struct run {
	char *out;
	char *err;
	enum cmd_result rc;
};

static struct proc self_proc;
static struct thread self_thread;
static unsigned char dump_me[40] = "ptinspect\n\x01\x7f\xff hexdump -C line 2!";

static struct run run_cmd(bool json, const char *line);
static struct run run_entry(const struct cmd_entry *e, bool json,
    const char *line);
static void run_free(struct run *r);
static char *json_of(const char *s);
static void test_split(void);
static void test_data(void);
static void test_numbers(void);
static void test_eval(void);
static void test_errors(void);
static void test_commands(void);
static void test_json(void);
static void test_argc(void);
static void test_json_writer(void);
static enum cmd_result probe_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

/* A command of the tests' own, run through cmd_run_entry: counts calls. */
static int probe_calls;
static int probe_argc;
static const struct cmd_entry probe_entry = {
	.name = "probe",
	.args = "A [B]",
	.min_args = 1,
	.max_args = 2,
	.help = "counts its calls",
	.exec = probe_exec,
};
static const struct cmd_entry probe_any_entry = {
	.name = "any",
	.args = "A...",
	.min_args = 1,
	.max_args = -1,
	.help = "counts its calls",
	.exec = probe_exec,
};

int
main(void)
{
	self_proc.pid = getpid();
	self_proc.nthreads = 1;
	self_proc.threads = &self_thread;
	self_proc.state = PROC_PAUSED;
	self_proc.reason = PAUSE_EXIT;
	self_proc.exit_code = 42;
	self_thread.tid = getpid();
	self_thread.proc = &self_proc;
	self_thread.stopped = true;
	self_thread.regs_valid = true;
	self_thread.regs.rip = 0x401000;
	self_thread.regs.rsp = 0x7ffd1000;
	self_thread.regs.fs_base = 0x7f0000000040;

	test_split();
	test_data();
	test_numbers();
	test_eval();
	test_errors();
	test_commands();
	test_json();
	test_argc();
	test_json_writer();
	return tap_exit();
}

/* Runs one line against this process; output and errors as strings. */
static struct run
run_cmd(bool json, const char *line)
{
	return run_entry(NULL, json, line);
}

/*
 * Runs line as a call of entry e (through cmd_run_entry, so entries that
 * are not in cmd_table run too), or with e NULL through cmd_run.
 */
static struct run
run_entry(const struct cmd_entry *e, bool json, const char *line)
{
	struct run r;
	size_t n;
	struct cmd_ctx ctx = {
		.proc = &self_proc,
		.thread = &self_thread,
		.json = json,
	};
	const char *raw = line + strcspn(line, " ");

	raw += strspn(raw, " ");
	ctx.out = open_memstream(&r.out, &n);
	ctx.err = open_memstream(&r.err, &n);
	r.rc = e != NULL ? cmd_run_entry(&ctx, e, line, raw) :
	    cmd_run(&ctx, line);
	fclose(ctx.out);
	fclose(ctx.err);
	return r;
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* s as json_str writes it. */
static char *
json_of(const char *s)
{
	char *buf;
	size_t n;
	FILE *f = open_memstream(&buf, &n);

	json_str(f, s);
	fclose(f);
	return buf;
}

static void
test_split(void)
{
	struct cmd_args args;
	char *err = NULL;
	int rc;

	tap_ok(cmd_split("  x\t$rsp   64 ", &args, &err) == 0 &&
	    args.argc == 3 && strcmp(args.argv[0], "x") == 0 &&
	    strcmp(args.argv[1], "$rsp") == 0 &&
	    strcmp(args.argv[2], "64") == 0 && args.argv[3] == NULL,
	    "split at blanks");
	cmd_args_free(&args);
	tap_ok(cmd_split("w \"a b\\n\\x41\\101\\t\\\\\\\"\" 'c\\n d'", &args,
	    &err) == 0 && args.argc == 3 &&
	    strcmp(args.argv[1], "a b\nAA\t\\\"") == 0 &&
	    strcmp(args.argv[2], "c\\n d") == 0,
	    "double quotes take C escapes, single quotes are literal");
	cmd_args_free(&args);
	tap_ok(cmd_split("a\"b c\"d", &args, &err) == 0 && args.argc == 1 &&
	    strcmp(args.argv[0], "ab cd") == 0, "quotes inside a word");
	cmd_args_free(&args);
	tap_ok(cmd_split("", &args, &err) == 0 && args.argc == 0,
	    "empty line");
	cmd_args_free(&args);
	rc = cmd_split("find \"abc", &args, &err);
	tap_ok(rc == -1 && strcmp(err, "unterminated string") == 0,
	    "unterminated: %s", err);
	free(err);
	err = NULL;
	rc = cmd_split("find \"a\\qb\"", &args, &err);
	tap_ok(rc == -1 && strcmp(err, "\\q: bad escape") == 0,
	    "bad escape: %s", err);
	free(err);
	err = NULL;
	rc = cmd_split("find \"\\x\"", &args, &err);
	tap_ok(rc == -1 && strcmp(err, "\\x: bad escape") == 0,
	    "\\x without digits: %s", err);
	free(err);
}

static void
test_data(void)
{
	static const struct {
		const char *in;
		const char *bytes;
		size_t len;
	} good[] = {
		{ "de ad be ef", "\xde\xad\xbe\xef", 4 },
		{ "deadbeef", "\xde\xad\xbe\xef", 4 },
		{ "  DEAD Be ef  ", "\xde\xad\xbe\xef", 4 },
		{ "\"hi\\0x\"", "hi\0x", 4 },
		{ "\"\\x4\\x41\\e\\377\"", "\x04\x41\x1b\xff", 4 },
		{ "'a\\n'", "a\\n", 3 },
		{ "\"\"", "", 0 },
	};
	static const struct {
		const char *in;
		const char *err;
	} bad[] = {
		{ "dz", "\"dz\": bad hex byte" },
		{ "de ad z", "\"z\": bad hex byte" },
		{ "abc", "\"c\": bad hex byte" },
		{ "0xde", "\"0x\": bad hex byte" },
		{ "", "missing data" },
		{ "\"abc", "unterminated string" },
		{ "\"a\" junk", "junk: unexpected after the string" },
		{ "\"\\400\"", "\\400: bad escape" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		uint8_t *buf = NULL;
		size_t len = 99;
		char *err = NULL;
		int rc = cmd_parse_data(good[i].in, &buf, &len, &err);

		tap_ok(rc == 0 && len == good[i].len &&
		    memcmp(buf, good[i].bytes, len) == 0, "data %s (%s)",
		    good[i].in, err ? err : "ok");
		free(buf);
		free(err);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t *buf = NULL;
		size_t len;
		char *err = NULL;
		int rc = cmd_parse_data(bad[i].in, &buf, &len, &err);

		tap_ok(rc == -1 && err != NULL && strcmp(err, bad[i].err) == 0,
		    "bad data '%s': %s", bad[i].in, err ? err : "accepted");
		free(err);
	}

	tap_ok(strcmp(cmd_data_end("\"a \\\" b\" [heap]"), " [heap]") == 0,
	    "data_end: after a string with an escaped quote");
	tap_ok(strcmp(cmd_data_end("de ad be ef libc.so.6"), " libc.so.6") ==
	    0, "data_end: hex bytes, then a region");
	tap_ok(strcmp(cmd_data_end("deadbeef [heap]"), " [heap]") == 0 &&
	    *cmd_data_end("cafe") == '\0', "data_end: one run of hex");
}

static void
test_numbers(void)
{
	uint64_t v = 0;

	tap_ok(cmd_parse_number("0x10", &v) == 0 && v == 16, "0x10");
	tap_ok(cmd_parse_number("4096", &v) == 0 && v == 4096, "4096");
	tap_ok(cmd_parse_number("0XfFfFfFfFfFfFfFfF", &v) == 0 &&
	    v == UINT64_MAX, "2^64-1");
	tap_ok(cmd_parse_number("0x", &v) == -1 &&
	    cmd_parse_number("", &v) == -1 &&
	    cmd_parse_number("0xzz", &v) == -1 &&
	    cmd_parse_number("12a", &v) == -1 &&
	    cmd_parse_number("-1", &v) == -1 &&
	    cmd_parse_number("18446744073709551616", &v) == -1 &&
	    cmd_parse_number("0x10000000000000000", &v) == -1,
	    "malformed and overflowing numbers refused");
}

static void
test_eval(void)
{
	struct region regions[] = {
		{ .start = 0x1000, .end = 0x2000, .perms = "r--p",
		  .name = (char *)"/usr/bin/a" },
		{ .start = 0x2000, .end = 0x3000, .perms = "rw-p",
		  .name = (char *)"[heap]" },
		{ .start = 0x10000, .end = 0x11000, .perms = "r-xp",
		  .name = (char *)"/usr/lib/libstdc++.so.6" },
		{ .start = 0x20000, .end = 0x21000, .perms = "r-xp",
		  .name = (char *)"/lib64/ld-linux-x86-64.so.2" },
		{ .start = 0x30000, .end = 0x31000, .perms = "r--p",
		  .name = (char *)"/tmp/a-b" },
	};
	static const struct {
		const char *expr;
		uint64_t want;
	} good[] = {
		{ "0x7ffd0", 0x7ffd0 },
		{ "4096", 4096 },
		{ "[heap]+0x40", 0x2040 },
		{ " [heap] + 16 - 0x8 ", 0x2008 },
		{ "$rsp-16", 0x7ffd1000 - 16 },
		{ "$sp", 0x7ffd1000 },
		{ "$pc+1", 0x401001 },
		{ "$fs_base", 0x7f0000000040 },
		{ "a", 0x1000 },
		{ "a+0x10", 0x1010 },
		{ "a-b", 0x30000 },
		{ "a-b-1", 0x2ffff },
		{ "libstdc++.so.6+0x10", 0x10010 },
		{ "ld-linux-x86-64.so.2-0x20000", 0 },
		{ "/usr/bin/a+1", 0x1001 },
	};
	static const struct {
		const char *expr;
		const char *err;
	} bad[] = {
		{ "0xzz", "0xzz: bad address" },
		{ "[heap]+0xzz", "0xzz: bad address" },
		{ "[foo]", "[foo]: no such region" },
		{ "foo+4", "foo: no such symbol or region" },
		{ "$foo", "$foo: no such register" },
		{ "$rsp+", "$rsp+: operand expected at column 6" },
		{ "$rsp 16", "$rsp 16: operator expected at column 6" },
		{ "", "missing address" },
		{ "[heap", "[heap: bad address" },
		{ "0-1", "0-1: address out of range" },
		{ "0xffffffffffffffff+1",
		  "0xffffffffffffffff+1: address out of range" },
		{ "$rsp+-1", "$rsp+-1: operand expected at column 6" },
	};
	struct maps maps = { regions, ARRAY_SIZE(regions) };
	struct cmd_ctx ctx = { .proc = &self_proc, .thread = &self_thread };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t v = 1;
		char *err = NULL;
		int rc = cmd_eval(&ctx, good[i].expr, &maps, &v, &err);

		tap_ok(rc == 0 && v == good[i].want, "eval '%s' = 0x%llx (%s)",
		    good[i].expr, (unsigned long long)v, err ? err : "ok");
		free(err);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t v;
		char *err = NULL;
		int rc = cmd_eval(&ctx, bad[i].expr, &maps, &v, &err);

		tap_ok(rc == -1 && err != NULL && strcmp(err, bad[i].err) == 0,
		    "eval '%s' fails: %s", bad[i].expr, err ? err : "accepted");
		free(err);
	}
	ctx.thread = NULL;
	{
		uint64_t v;
		char *err = NULL;
		int rc = cmd_eval(&ctx, "$rip", &maps, &v, &err);

		tap_ok(rc == -1 && strcmp(err, "$rip: no thread selected") == 0,
		    "register without a thread: %s", err);
		free(err);
	}
}

/* The error messages cli.md fixes, in text and JSON. */
static void
test_errors(void)
{
	static const struct {
		const char *line;
		const char *text;
		const char *json;
	} cases[] = {
		{ "frob 1 2", "frob: unknown command\n",
		  "{\"cmd\":\"frob\",\"error\":\"unknown command\"}\n" },
		{ "x 0x10", "x: 0x10: address not mapped\n",
		  "{\"cmd\":\"x\",\"error\":\"0x10: address not mapped\"}\n" },
		{ "x 0xzz", "x: 0xzz: bad address\n",
		  "{\"cmd\":\"x\",\"error\":\"0xzz: bad address\"}\n" },
		{ "x [foo]", "x: [foo]: no such region\n",
		  "{\"cmd\":\"x\",\"error\":\"[foo]: no such region\"}\n" },
		{ "write 0x10 dz", "write: \"dz\": bad hex byte\n",
		  "{\"cmd\":\"write\",\"error\":"
		  "\"\\\"dz\\\": bad hex byte\"}\n" },
		{ "write 0x10 01", "write: 0x10: address not mapped\n",
		  "{\"cmd\":\"write\",\"error\":"
		  "\"0x10: address not mapped\"}\n" },
		{ "x", "x: usage: x ADDR [LEN]\n",
		  "{\"cmd\":\"x\",\"error\":\"usage: x ADDR [LEN]\"}\n" },
		{ "x 0x10 2000000", "x: 2000000: length too large (at most "
		  "1048576)\n", NULL },
		{ "x 0x10 zz", "x: zz: bad length\n", NULL },
		{ "find \"\"", "find: \"\": empty pattern\n", NULL },
		{ "find ab [nope]", "find: [nope]: no such region\n",
		  "{\"cmd\":\"find\",\"error\":\"[nope]: no such region\"}\n" },
		{ "regs 1", "regs: 1: no such thread\n", NULL },
		{ "help frob", "help: frob: unknown command\n", NULL },
		{ "status now", "status: usage: status\n", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct run t = run_cmd(false, cases[i].line);

		tap_ok(t.rc == CMD_FAILED && *t.out == '\0' &&
		    strcmp(t.err, cases[i].text) == 0,
		    "text error for '%s': %.*s",
		    cases[i].line, L(t.err));
		run_free(&t);
		if (cases[i].json == NULL)
			continue;
		t = run_cmd(true, cases[i].line);
		tap_ok(t.rc == CMD_FAILED && *t.err == '\0' &&
		    strcmp(t.out, cases[i].json) == 0,
		    "JSON error for '%s': %.*s",
		    cases[i].line, L(t.out));
		run_free(&t);
	}
}

static void
test_commands(void)
{
	struct run t;
	char *line, *want;
	unsigned char *two;
	size_t i;
	uint64_t at = (uint64_t)(uintptr_t)dump_me;

	t = run_cmd(false, "   # a comment");
	tap_ok(t.rc == CMD_OK && *t.out == '\0' && *t.err == '\0',
	    "comments are no-ops");
	run_free(&t);

	line = xstrfmt("x 0x%llx 26", (unsigned long long)at);
	t = run_cmd(false, line);
	want = xstrfmt("%016llx  70 74 69 6e 73 70 65 63  74 0a 01 7f ff 20 "
	    "68 65  |ptinspect.... he|\n"
	    "%016llx  78 64 75 6d 70 20 2d 43  20 6c                    "
	    "|xdump -C l|\n", (unsigned long long)at,
	    (unsigned long long)at + 16);
	tap_ok(t.rc == CMD_OK && strcmp(t.out, want) == 0,
	    "x: hexdump -C layout");
	if (strcmp(t.out, want) != 0)
		tap_diag("got:\n%swant:\n%s", t.out, want);
	run_free(&t);
	free(want);
	free(line);
	line = xstrfmt("x 0x%llx 19", (unsigned long long)at);
	want = xstrfmt("{\"cmd\":\"x\",\"addr\":\"0x%llx\",\"bytes\":"
	    "\"7074696e73706563740a017fff206865786475\"}\n",
	    (unsigned long long)at);
	t = run_cmd(true, line);
	tap_ok(t.rc == CMD_OK && strcmp(t.out, want) == 0, "x in JSON: %.*s",
	    L(t.out));
	run_free(&t);
	free(want);
	free(line);

	/* A dump that runs off its mapping: what was read, then an error. */
	two = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + 4096, 4096);
	memset(two, 'Z', 4096);
	at = (uint64_t)(uintptr_t)two + 4096 - 4;
	line = xstrfmt("x 0x%llx", (unsigned long long)at);
	t = run_cmd(false, line);
	want = xstrfmt("x: 0x%llx: address not mapped\n",
	    (unsigned long long)at + 4);
	tap_ok(t.rc == CMD_FAILED && strncmp(t.out + 16,
	    "  5a 5a 5a 5a     ", 18) == 0 && strcmp(t.err, want) == 0,
	    "short x: dumps 4 bytes, then %.*s", L(t.err));
	run_free(&t);
	free(want);
	t = run_cmd(true, line);
	want = xstrfmt("{\"cmd\":\"x\",\"addr\":\"0x%llx\",\"bytes\":"
	    "\"5a5a5a5a\",\"error\":\"0x%llx: address not mapped\"}\n",
	    (unsigned long long)at, (unsigned long long)at + 4);
	tap_ok(t.rc == CMD_FAILED && strcmp(t.out, want) == 0 &&
	    *t.err == '\0', "short x in JSON: one object: %.*s", L(t.out));
	run_free(&t);
	free(want);
	free(line);

	line = xstrfmt("write [stack]-[stack]+0x%llx \"ab\\0c\"",
	    (unsigned long long)(uintptr_t)two);
	t = run_cmd(false, line);
	want = xstrfmt("wrote 4 bytes at 0x%llx\n",
	    (unsigned long long)(uintptr_t)two);
	tap_ok(t.rc == CMD_OK && strcmp(t.out, want) == 0 &&
	    memcmp(two, "ab\0cZ", 5) == 0, "write a string with \\0: %.*s",
	    L(t.out));
	run_free(&t);
	free(want);
	free(line);
	line = xstrfmt("write 0x%llx 01 02",
	    (unsigned long long)(uintptr_t)two);
	t = run_cmd(true, line);
	want = xstrfmt("{\"cmd\":\"write\",\"addr\":\"0x%llx\",\"len\":2}\n",
	    (unsigned long long)(uintptr_t)two);
	tap_ok(t.rc == CMD_OK && strcmp(t.out, want) == 0 &&
	    memcmp(two, "\1\2\0c", 4) == 0, "write hex in JSON: %.*s",
	    L(t.out));
	run_free(&t);
	free(want);
	free(line);

	/*
	 * Computed, so the program's image does not hold it; find also meets
	 * its own copy of the pattern on the heap, hence "among the matches".
	 */
	for (i = 0; i < 6; i++)
		two[100 + i] = (unsigned char)(0x13 + 0x22 * i);
	t = run_cmd(false, "find 133557799bbd");
	want = xstrfmt("0x%llx\n", (unsigned long long)(uintptr_t)two + 100);
	tap_ok(t.rc == CMD_OK && strstr(t.out, want) != NULL,
	    "find: the match is among the results");
	run_free(&t);
	free(want);
	t = run_cmd(true, "find 13 35 57 79 9b bd [stack]");
	tap_ok(t.rc == CMD_OK &&
	    strcmp(t.out, "{\"cmd\":\"find\",\"matches\":[]}\n") == 0,
	    "find in [stack] only, JSON: %.*s", L(t.out));
	run_free(&t);
	munmap(two, 4096);

	t = run_cmd(false, "status");
	want = xstrfmt("pid %d: paused at exit_group(42); 1 thread\n",
	    (int)getpid());
	tap_ok(strncmp(t.out, want, strlen(want)) == 0, "status text: %.*s", L(t.out));
	run_free(&t);
	free(want);
	self_proc.reason = PAUSE_SIGNAL;
	self_proc.signal = SIGSEGV;
	self_proc.has_fault_addr = true;
	self_proc.fault_addr = 0x10;
	self_proc.nthreads = 2;
	t = run_cmd(false, "status");
	want = xstrfmt("pid %d: paused before SIGSEGV (fault address 0x10); "
	    "2 threads\n", (int)getpid());
	tap_ok(strncmp(t.out, want, strlen(want)) == 0,
	    "status text, signal: %.*s", L(t.out));
	run_free(&t);
	free(want);
	t = run_cmd(true, "status");
	want = xstrfmt("{\"cmd\":\"status\",\"pid\":%d,\"state\":\"signal\","
	    "\"exit_code\":null,\"exit_via\":null,\"signal\":\"SIGSEGV\","
	    "\"fault_addr\":\"0x10\",\"threads\":2}\n", (int)getpid());
	/* The keys before procinfo's (cmd-proc.c) stay as they were. */
	tap_ok(strncmp(t.out, want, strlen(want) - 2) == 0, "status JSON: %.*s", L(t.out));
	run_free(&t);
	free(want);
	self_proc.reason = PAUSE_EXIT;
	self_proc.nthreads = 1;
	t = run_cmd(true, "status");
	want = xstrfmt("{\"cmd\":\"status\",\"pid\":%d,\"state\":\"exit\","
	    "\"exit_code\":42,\"exit_via\":\"exit_group\",\"signal\":null,"
	    "\"fault_addr\":null,\"threads\":1}\n", (int)getpid());
	tap_ok(strncmp(t.out, want, strlen(want) - 2) == 0,
	    "status JSON, exit: %.*s", L(t.out));
	run_free(&t);
	free(want);

	/* shell into streams without a descriptor, as the TUI's are. */
	t = run_cmd(false, "shell echo $PTINSPECT_PID; echo err >&2; exit 2");
	want = xstrfmt("%d\nerr\n", (int)getpid());
	tap_ok(t.rc == CMD_FAILED && strcmp(t.out, want) == 0 &&
	    strcmp(t.err, "shell: exit status 2\n") == 0,
	    "shell, output captured: %.*s", L(t.out));
	run_free(&t);
	free(want);

	t = run_cmd(false, "hold 1");
	tap_ok(t.rc == CMD_FAILED && strncmp(t.err, "hold: for batch mode", 20)
	    == 0, "hold without a descriptor (the TUI): refused");
	run_free(&t);

	t = run_cmd(true, "maps");
	tap_ok(t.rc == CMD_OK && strncmp(t.out, "{\"cmd\":\"maps\",\"regions\":"
	    "[{\"start\":\"0x", 36) == 0 && strstr(t.out, "\"name\":\"[stack]\""
	    ",\"access\":\"copy\",\"rss_kb\":") != NULL && strchr(t.out, '\n') ==
	    t.out + strlen(t.out) - 1, "maps JSON: one line with [stack]");
	run_free(&t);
	t = run_cmd(false, "maps");
	tap_ok(t.rc == CMD_OK &&
	    strstr(t.out, " rw-p 00000000 copy   [stack]\n") != NULL,
	    "maps text: START-END PERMS OFFSET ACCESS NAME");
	run_free(&t);

	t = run_cmd(false, "regs");
	tap_ok(strstr(t.out, "rip      0x0000000000401000\n") != NULL &&
	    strncmp(t.out, "rax      ", 9) == 0, "regs text");
	run_free(&t);
	t = run_cmd(true, "regs");
	want = xstrfmt("{\"cmd\":\"regs\",\"tid\":%d,\"regs\":"
	    "{\"rax\":\"0x0\",", (int)getpid());
	tap_ok(strncmp(t.out, want, strlen(want)) == 0 &&
	    strstr(t.out, ",\"rip\":\"0x401000\",\"eflags\":\"0x0\",") &&
	    strstr(t.out, ",\"fs_base\":\"0x7f0000000040\","),
	    "regs JSON: %.*s",
	    L(t.out));
	run_free(&t);
	free(want);

	t = run_cmd(true, "threads");
	want = xstrfmt("{\"cmd\":\"threads\",\"threads\":[{\"tid\":%d,"
	    "\"name\":\"unit-cmd\",\"state\":\"held\",\"pc\":"
	    "\"0x401000\"}]}\n", (int)getpid());
	tap_ok(strcmp(t.out, want) == 0, "threads JSON: %.*s", L(t.out));
	run_free(&t);
	free(want);

	t = run_cmd(false, "help");
	tap_ok(t.rc == CMD_OK && strstr(t.out, "\nx ADDR [LEN]  ") != NULL &&
	    strstr(t.out, "\nkill ") != NULL, "help lists the commands");
	run_free(&t);
	t = run_cmd(true, "help write");
	want = "{\"cmd\":\"help\",\"commands\":[{\"name\":\"write\","
	    "\"args\":\"ADDR DATA\",\"help\":";
	tap_ok(strncmp(t.out, want, strlen(want)) == 0, "help one, JSON: %.*s",
	    L(t.out));
	run_free(&t);
}

static void
test_json(void)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "\n\t\r\x01\x1f\x7f", "\"\\n\\t\\r\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "a\xff" "b", "\"a\\ufffdb\"" },
		{ "\xc0\x80", "\"\\ufffd\\ufffd\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "", "\"\"" },
	};
	char *s, *buf;
	size_t i, n;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = json_of(cases[i].in);
		tap_ok(strcmp(s, cases[i].out) == 0, "json_str case %zu: %s", i,
		    s);
		free(s);
	}
	f = open_memstream(&buf, &n);
	json_str(f, NULL);
	putc(' ', f);
	json_addr(f, 0x7ffd0010);
	putc(' ', f);
	json_hex(f, "\x00\xab\x10\xff", 4);
	fclose(f);
	tap_ok(strcmp(buf, "null \"0x7ffd0010\" \"00ab10ff\"") == 0,
	    "json null, addr, hex: %s", buf);
	free(buf);
}

static enum cmd_result
probe_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	probe_calls++;
	probe_argc = argc;
	fprintf(ctx->out, "ran %s\n", argv[0]);
	return CMD_OK;
}

/*
 * cmd_run checks the argument count an entry declares before exec: too
 * few or too many prints the usage (text and JSON) and exec never runs.
 */
static void
test_argc(void)
{
	static const struct {
		const struct cmd_entry *e;
		const char *line;
		int argc;		/* exec's argc, or 0: exec must not run */
	} cases[] = {
		{ &probe_entry, "probe", 0 },
		{ &probe_entry, "probe a", 2 },
		{ &probe_entry, "probe a 'b c'", 3 },
		{ &probe_entry, "probe a b c", 0 },
		{ &probe_entry, "probe a b c d e", 0 },
		{ &probe_any_entry, "any", 0 },
		{ &probe_any_entry, "any a", 2 },
		{ &probe_any_entry, "any a b c d e f g h i j", 11 },
	};
	const struct cmd_entry *const *e;
	struct run t;
	char *line;
	size_t i;
	int json;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (json = 0; json <= 1; json++) {
			const char *name = cases[i].e->name;
			char *want;

			probe_calls = 0;
			t = run_entry(cases[i].e, json, cases[i].line);
			if (cases[i].argc == 0 && json)
				want = xstrfmt("{\"cmd\":\"%s\",\"error\":"
				    "\"usage: %s %s\"}\n", name, name,
				    cases[i].e->args);
			else if (cases[i].argc == 0)
				want = xstrfmt("%s: usage: %s %s\n", name, name,
				    cases[i].e->args);
			else
				want = xstrfmt("ran %s\n", name);
			tap_ok(cases[i].argc == 0 ?
			    probe_calls == 0 && t.rc == CMD_FAILED &&
			    strcmp(json ? t.out : t.err, want) == 0 &&
			    *(json ? t.err : t.out) == '\0' :
			    probe_calls == 1 && probe_argc == cases[i].argc &&
			    t.rc == CMD_OK && strcmp(t.out, want) == 0,
			    "'%s' (%s): exec %s: %.*s", cases[i].line,
			    json ? "JSON" : "text", cases[i].argc == 0 ?
			    "not called, usage" : "called",
			    L(*t.err != '\0' ? t.err : t.out));
			run_free(&t);
			free(want);
		}
	}

	/*
	 * Every real command declares sane counts, and one argument too many
	 * (or one too few) gets the usage from cmd_run before exec (continue
	 * and kill would reach the NULL tracer if exec ran).
	 */
	for (e = cmd_table; *e != NULL; e++) {
		const struct cmd_entry *c = *e;
		int n;

		tap_ok(c->min_args >= 0 && (c->max_args == -1 ||
		    c->max_args >= c->min_args), "%s: %d to %d arguments",
		    c->name, c->min_args, c->max_args);
		for (n = c->min_args - 1; n <= c->min_args + 1 ||
		    n <= c->max_args + 1; n++) {
			char *want;
			int k;

			/* One too few, one too many. */
			if (n != c->min_args - 1 && (c->max_args < 0 ||
			    n != c->max_args + 1))
				continue;
			if (n < 0)
				continue;
			line = xstrdup(c->name);
			for (k = 0; k < n; k++) {
				char *longer = xstrfmt("%s 1", line);

				free(line);
				line = longer;
			}
			want = xstrfmt("%s: usage: %s%s%s\n", c->name, c->name,
			    *c->args ? " " : "", c->args);
			t = run_cmd(false, line);
			tap_ok(t.rc == CMD_FAILED && *t.out == '\0' &&
			    strcmp(t.err, want) == 0, "'%s': %.*s", line,
			    L(t.err));
			run_free(&t);
			free(want);
			free(line);
		}
	}
}

/*
 * The object writer places commas, colons and brackets: nested lists and
 * objects, empty ones, members after a closed list, keys and strings
 * escaped, and json_end closing what is still open.
 */
static void
test_json_writer(void)
{
	struct json j;
	char *buf;
	size_t n;
	FILE *f;

	f = open_memstream(&buf, &n);
	json_begin(&j, f, "t\"q");
	json_put_int(&j, "n", -3);
	json_open(&j, "list", '[');
	json_put_str(&j, NULL, "a\n\x01");
	json_open(&j, NULL, '{');
	json_close(&j);
	json_open(&j, NULL, '[');
	json_put_null(&j, NULL);
	json_put_bool(&j, NULL, true);
	json_open(&j, NULL, '[');
	json_close(&j);
	json_close(&j);
	json_open(&j, NULL, '{');
	json_put_addr(&j, "k\\ey", 0x10);
	json_put_hex(&j, "h", "\x01\xfe", 2);
	json_put_str(&j, "s", NULL);
	json_close(&j);
	json_close(&j);
	json_put_bool(&j, "after", false);
	json_open(&j, "open", '[');
	json_open(&j, NULL, '{');
	json_put_uint(&j, "u", UINT64_MAX);
	json_end(&j);
	json_begin(&j, f, NULL);
	json_end(&j);
	json_begin(&j, f, "e");
	json_open(&j, "o", '{');
	json_open(&j, "p", '{');
	json_put_int(&j, "z", 0);
	json_close(&j);
	json_put_int(&j, "y", 1);
	json_end(&j);
	fclose(f);
	if (!tap_ok(strcmp(buf, "{\"cmd\":\"t\\\"q\",\"n\":-3,\"list\":"
	    "[\"a\\n\\u0001\",{},[null,true,[]],{\"k\\\\ey\":\"0x10\","
	    "\"h\":\"01fe\",\"s\":null}],\"after\":false,\"open\":"
	    "[{\"u\":18446744073709551615}]}\n"
	    "{}\n"
	    "{\"cmd\":\"e\",\"o\":{\"p\":{\"z\":0},\"y\":1}}\n") == 0,
	    "json writer punctuation: %.*s", L(buf)))
		tap_diag("got:\n%s", buf);
	free(buf);
}
