/*
 * unit-unwind: the unwinder on its own, without ptinspect's tracer. A small
 * ptrace harness runs each tests/progs/bt-* program (PTRACE_SEIZE before
 * exec), stops it where its backtrace is known (the exit_group event, or
 * the fatal SIGSEGV), and checks unwind_thread() on a hand-built struct
 * proc: function names in order, signal frames, source lines, truncation,
 * and that a warm unwind makes no syscall per frame.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "tap.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

struct tracee {
	struct proc proc;
	struct thread thread;
};

static bool tracee_start(struct tracee *tr, const char *prog,
    const char *arg);
static bool tracee_wait(pid_t pid, const char *prog);
static void tracee_kill(struct tracee *tr);
static bool unwind_ok(struct tracee *tr, struct backtrace *bt);
static bool chain_is(const struct backtrace *bt, size_t first,
    const char *const *names);
static size_t frame_of(const struct backtrace *bt, const char *name);
static void dump(const struct backtrace *bt);
static void test_nested(const char *prog);
static void test_changed_stack(struct tracee *tr, const struct backtrace *bt);
static void test_written_code(struct tracee *tr, const struct backtrace *bt);
static uint64_t find_in_file_mapping(pid_t pid, const char *needle);
static void test_crash(void);
static void test_signal(void);
static void test_deep(void);
static void test_truncated(void);
static void test_nocfi(void);
static void test_dlopen(void);
static void test_vdso(void);
static bool in_vdso(pid_t pid, uint64_t pc);
static void test_not_stopped(void);

static const char *progs;

int
main(void)
{
	progs = getenv("PROGS");
	if (progs == NULL)
		tap_skip_all("PROGS is not set (run through make check)");
	test_nested("bt-nested");
	test_nested("bt-nested-nopie");
	test_nested("bt-nested-nofp");
	test_crash();
	test_signal();
	test_deep();
	test_truncated();
	test_nocfi();
	test_dlopen();
	test_vdso();
	test_not_stopped();
	return tap_exit();
}

/*
 * Runs PROGS/prog under PTRACE_SEIZE and stops it at its exit_group
 * (PTRACE_EVENT_EXIT: memory and registers still intact) or at the first
 * SIGSEGV; other signals are delivered.
 */
static bool
tracee_start(struct tracee *tr, const char *prog, const char *arg)
{
	char *path = xstrfmt("%s/%s", progs, prog);
	int go[2];
	pid_t pid;
	char c = 0;

	memset(tr, 0, sizeof *tr);
	if (pipe(go) != 0)
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == -1)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		execl(path, prog, arg, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	free(path);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT |
	    PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) != 0)
		tap_bail("PTRACE_SEIZE: %s", strerror(errno));
	if (write(go[1], &c, 1) != 1)
		tap_bail("write: %s", strerror(errno));
	close(go[1]);
	if (!tracee_wait(pid, prog))
		return false;
	tr->proc.pid = pid;
	tr->proc.is_root = true;
	tr->proc.execed = true;
	tr->proc.state = PROC_PAUSED;
	tr->proc.paused_tid = pid;
	tr->proc.nthreads = 1;
	tr->proc.threads = &tr->thread;
	tr->thread.tid = pid;
	tr->thread.proc = &tr->proc;
	tr->thread.stopped = true;
	return true;
}

/*
 * Runs pid to its next stop: the exit_group event, a SIGSEGV, or a SIGUSR2
 * (a checkpoint the program asks for). Other signals are delivered.
 */
static bool
tracee_wait(pid_t pid, const char *prog)
{
	int status, sig;

	for (;;) {
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
			tap_diag("%s: ended before the stop (status 0x%x)",
			    prog, status);
			return false;
		}
		sig = WSTOPSIG(status);
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)) ||
		    sig == SIGSEGV || sig == SIGUSR2)
			return true;
		if (status >> 16 != 0)
			sig = 0;	/* exec event */
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}

static void
tracee_kill(struct tracee *tr)
{
	unwind_forget(&tr->proc);
	/*
	 * At the exit event the process is already exiting and ignores the
	 * SIGKILL; only resuming it lets it go.
	 */
	kill(tr->proc.pid, SIGKILL);
	ptrace(PTRACE_CONT, tr->proc.pid, NULL, NULL);
	waitpid(tr->proc.pid, NULL, 0);
}

static bool
unwind_ok(struct tracee *tr, struct backtrace *bt)
{
	char *err = NULL;

	if (unwind_thread(&tr->proc, &tr->thread, bt, &err) == 0)
		return true;
	tap_diag("unwind_thread: %s", err);
	free(err);
	return false;
}

/* Frames first, first+1, ... are the NULL-terminated names. */
static bool
chain_is(const struct backtrace *bt, size_t first, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		if (first + i >= bt->count ||
		    bt->frames[first + i].function == NULL ||
		    strcmp(bt->frames[first + i].function, names[i]) != 0)
			return false;
	}
	return true;
}

/* The index of the first frame in function name, or bt->count. */
static size_t
frame_of(const struct backtrace *bt, const char *name)
{
	size_t i;

	for (i = 0; i < bt->count; i++) {
		if (bt->frames[i].function != NULL &&
		    strcmp(bt->frames[i].function, name) == 0)
			break;
	}
	return i;
}

static void
dump(const struct backtrace *bt)
{
	const struct frame *f;
	size_t i;

	for (i = 0; i < bt->count; i++) {
		f = &bt->frames[i];
		tap_diag("#%zu 0x%llx %s+0x%llx %s:%d%s", i,
		    (unsigned long long)f->pc,
		    f->function ? f->function : "??",
		    (unsigned long long)f->offset, f->file ? f->file : "?",
		    f->line, f->signal_frame ? " <signal>" : "");
	}
	if (bt->truncated)
		tap_diag("truncated: %s", bt->error);
}

static void
test_nested(const char *prog)
{
	static const char *const chain[] = { "level_d", "level_inl",
		"level_c", "level_b", "level_a", "main", NULL };
	struct unwind_stats before, after;
	struct backtrace bt, warm;
	struct tracee tr;
	const char *file;
	size_t i;

	if (!tracee_start(&tr, prog, NULL)) {
		tap_ok(false, "%s: stopped at exit_group", prog);
		return;
	}
	if (!unwind_ok(&tr, &bt)) {
		tap_ok(false, "%s: unwinds", prog);
		tracee_kill(&tr);
		return;
	}
	if (!tap_ok(chain_is(&bt, 0, chain),
	    "%s: level_d level_inl level_c level_b level_a main", prog))
		dump(&bt);
	tap_ok(bt.count > 2 && !bt.frames[0].inlined && bt.frames[1].inlined &&
	    !bt.frames[2].inlined && bt.frames[1].pc == bt.frames[2].pc &&
	    bt.frames[1].line > 0 && bt.frames[2].line > bt.frames[1].line,
	    "%s: level_inl is inlined into level_c, each with its line", prog);
	tap_ok(!bt.truncated, "%s: not truncated", prog);
	file = bt.count > 0 && bt.frames[0].file ? bt.frames[0].file : "";
	tap_ok(strlen(file) >= 11 &&
	    strcmp(file + strlen(file) - 11, "bt-nested.c") == 0 &&
	    bt.frames[0].line > 0, "%s: frame #0 has file:line (%s:%d)", prog,
	    file, bt.count > 0 ? bt.frames[0].line : 0);
	i = frame_of(&bt, "main");
	tap_ok(i + 1 < bt.count && bt.frames[i + 1].module != NULL &&
	    strstr(bt.frames[i + 1].module, "libc.so") != NULL,
	    "%s: main is called from libc", prog);

	/* Warm walk: no unwind-table search, no memory syscall per frame. */
	unwind_set_replay(false);
	unwind_get_stats(&before);
	if (unwind_ok(&tr, &warm)) {
		unwind_get_stats(&after);
		tap_ok(warm.count == bt.count && chain_is(&warm, 0, chain),
		    "%s: warm walk gives the same stack", prog);
		tap_ok(after.proc_info_lookups == before.proc_info_lookups,
		    "%s: warm walk searches no unwind table (%llu)", prog,
		    (unsigned long long)(after.proc_info_lookups -
		    before.proc_info_lookups));
		tap_ok(after.mem_reads - before.mem_reads <= 2 &&
		    after.regs_fetches - before.regs_fetches == 1,
		    "%s: warm walk of %zu frames: %llu memory reads", prog,
		    warm.count, (unsigned long long)(after.mem_reads -
		    before.mem_reads));
		backtrace_free(&warm);
	} else {
		tap_ok(false, "%s: warm walk", prog);
	}
	unwind_set_replay(true);

	/* Unchanged registers and stack: the last walk is reused. */
	unwind_get_stats(&before);
	if (unwind_ok(&tr, &warm)) {
		unwind_get_stats(&after);
		tap_ok(after.replays == before.replays + 1 &&
		    warm.count == bt.count && chain_is(&warm, 0, chain),
		    "%s: unchanged stack: walk reused, same frames", prog);
		backtrace_free(&warm);
	} else {
		tap_ok(false, "%s: unwind of an unchanged stack", prog);
	}
	if (strcmp(prog, "bt-nested") == 0) {
		test_changed_stack(&tr, &bt);
		test_written_code(&tr, &bt);
	}
	backtrace_free(&bt);
	tracee_kill(&tr);
}

/*
 * Overwrites level_d's return address (into level_c, frames #1 and #2)
 * with level_c's own (into level_b, frame #3): the next unwind must walk
 * again and see it, and see the original again once it is restored.
 */
static void
test_changed_stack(struct tracee *tr, const struct backtrace *bt)
{
	struct user_regs_struct regs;
	struct unwind_stats before, after;
	struct backtrace changed;
	long orig = 0;
	uint64_t slot;

	if (ptrace(PTRACE_GETREGS, tr->proc.pid, NULL, &regs) != 0)
		tap_bail("PTRACE_GETREGS: %s", strerror(errno));
	if (bt->count < 4)
		tap_bail("bt-nested: too few frames");
	/* The return address is the first stack word holding it. */
	for (slot = regs.rsp; slot < regs.rsp + 256; slot += 8) {
		errno = 0;
		orig = ptrace(PTRACE_PEEKDATA, tr->proc.pid, (void *)slot,
		    NULL);
		if (errno == 0 && (uint64_t)orig == bt->frames[1].pc)
			break;
	}
	if (slot == regs.rsp + 256)
		tap_bail("bt-nested: no return address near rsp");
	ptrace(PTRACE_POKEDATA, tr->proc.pid, (void *)slot,
	    (void *)bt->frames[3].pc);
	unwind_get_stats(&before);
	if (!unwind_ok(tr, &changed))
		tap_bail("bt-nested: unwind after the change");
	unwind_get_stats(&after);
	tap_ok(after.replays == before.replays && changed.count > 1 &&
	    changed.frames[1].pc == bt->frames[3].pc,
	    "bt-nested: a changed return address is seen, not replayed");
	backtrace_free(&changed);
	ptrace(PTRACE_POKEDATA, tr->proc.pid, (void *)slot, (void *)orig);
	if (!unwind_ok(tr, &changed))
		tap_bail("bt-nested: unwind after the restore");
	tap_ok(changed.count == bt->count &&
	    changed.frames[1].pc == bt->frames[1].pc,
	    "bt-nested: the restored return address is seen again");
	backtrace_free(&changed);
}

/*
 * Unwind tables are read from our own mapping of the program's file, except
 * from a mapping the process wrote to: there the tracee's bytes are read.
 * Writes a byte into the read-only segment holding .rodata and .eh_frame
 * (into the string main prints, which nothing reads any more).
 */
static void
test_written_code(struct tracee *tr, const struct backtrace *bt)
{
	struct unwind_stats s0, s1, s2;
	struct backtrace cold;
	uint64_t addr;
	long word;

	unwind_forget(&tr->proc);
	unwind_get_stats(&s0);
	if (!unwind_ok(tr, &cold))
		tap_bail("bt-nested: cold unwind");
	unwind_get_stats(&s1);
	tap_ok(s1.file_reads > s0.file_reads && cold.count == bt->count,
	    "bt-nested: cold walk reads unwind tables from the file (%llu)",
	    (unsigned long long)(s1.file_reads - s0.file_reads));
	backtrace_free(&cold);

	addr = find_in_file_mapping(tr->proc.pid, "nested: calling");
	if (addr == 0) {
		tap_ok(false, "bt-nested: the string main printed is mapped");
		return;
	}
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, tr->proc.pid, (void *)addr, NULL);
	if (errno != 0 || ptrace(PTRACE_POKEDATA, tr->proc.pid, (void *)addr,
	    (void *)(word ^ 0x20)) != 0)
		tap_bail("bt-nested: cannot write the string");
	unwind_forget(&tr->proc);
	if (!unwind_ok(tr, &cold))
		tap_bail("bt-nested: cold unwind after the write");
	unwind_get_stats(&s2);
	tap_ok(s2.file_reads - s1.file_reads < s1.file_reads - s0.file_reads &&
	    cold.count == bt->count && cold.frames[1].pc == bt->frames[1].pc,
	    "bt-nested: a written mapping is read from the process (%llu "
	    "from the file)", (unsigned long long)(s2.file_reads -
	    s1.file_reads));
	backtrace_free(&cold);
}

/* The address of needle in a read-only mapping of pid's program file. */
static uint64_t
find_in_file_mapping(pid_t pid, const char *needle)
{
	unsigned long long start, end, off;
	char path[64], line[512], perms[8], *buf, *hit;
	uint64_t found = 0;
	FILE *maps;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY);
	while (maps != NULL && fd >= 0 && found == 0 &&
	    fgets(line, sizeof line, maps) != NULL) {
		if (sscanf(line, "%llx-%llx %7s %llx", &start, &end, perms,
		    &off) != 4 || strcmp(perms, "r--p") != 0 ||
		    strstr(line, "bt-nested") == NULL || end - start > 1 << 20)
			continue;
		buf = xmalloc(end - start);
		if (pread(fd, buf, end - start, (off_t)start) ==
		    (ssize_t)(end - start) && (hit = memmem(buf, end - start,
		    needle, strlen(needle))) != NULL)
			found = start + (uint64_t)(hit - buf);
		free(buf);
	}
	if (maps != NULL)
		fclose(maps);
	if (fd >= 0)
		close(fd);
	return found;
}

static void
test_crash(void)
{
	static const char *const chain[] = { "crash_here", "crash_b",
		"crash_a", "main", NULL };
	struct backtrace bt;
	struct tracee tr;

	if (!tracee_start(&tr, "bt-crash", NULL) || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-crash: unwinds at the SIGSEGV");
		return;
	}
	if (!tap_ok(chain_is(&bt, 0, chain),
	    "bt-crash: crash_here crash_b crash_a main"))
		dump(&bt);
	tap_ok(bt.count > 0 && bt.frames[0].file != NULL &&
	    strstr(bt.frames[0].file, "bt-crash.c") != NULL &&
	    bt.frames[0].line > 0, "bt-crash: frame #0 has file:line");
	backtrace_free(&bt);
	tracee_kill(&tr);
}

static void
test_signal(void)
{
	static const char *const chain[] = { "handler_crash", "on_sigfpe",
		NULL };
	static const char *const rest[] = { "interrupted", "main", NULL };
	struct backtrace bt;
	struct tracee tr;
	size_t i;

	if (!tracee_start(&tr, "bt-signal", NULL) || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-signal: unwinds at the SIGSEGV");
		return;
	}
	if (!tap_ok(chain_is(&bt, 0, chain), "bt-signal: handler frames"))
		dump(&bt);
	i = 2;
	if (!tap_ok(bt.count > i && bt.frames[i].signal_frame,
	    "bt-signal: frame #2 is the signal frame (%s)",
	    bt.count > i && bt.frames[i].function ? bt.frames[i].function :
	    "??"))
		dump(&bt);
	for (i = 0; i < bt.count; i++) {
		if (i != 2 && bt.frames[i].signal_frame)
			break;
	}
	tap_ok(i == bt.count, "bt-signal: no other signal frame");
	if (!tap_ok(chain_is(&bt, 3, rest),
	    "bt-signal: then interrupted, main"))
		dump(&bt);
	backtrace_free(&bt);
	tracee_kill(&tr);
}

static void
test_deep(void)
{
	struct backtrace bt;
	struct tracee tr;
	size_t i, n = 0;

	if (!tracee_start(&tr, "bt-deep", "50") || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-deep 50: unwinds");
		return;
	}
	for (i = 0; i < bt.count; i++)
		n += bt.frames[i].function != NULL &&
		    strcmp(bt.frames[i].function, "deep_recurse") == 0;
	if (!tap_ok(n == 50 && !bt.truncated && frame_of(&bt, "main") == 50,
	    "bt-deep 50: 50 deep_recurse frames, then main (%zu)", n))
		dump(&bt);
	backtrace_free(&bt);
	tracee_kill(&tr);
}

static void
test_truncated(void)
{
	struct backtrace bt;
	struct tracee tr;

	if (!tracee_start(&tr, "bt-deep", "300") || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-deep 300: unwinds");
		return;
	}
	tap_ok(bt.count == UNWIND_MAX_FRAMES && bt.truncated &&
	    bt.error != NULL, "bt-deep 300: %d frames, truncated (%s)",
	    UNWIND_MAX_FRAMES, bt.error ? bt.error : "no reason");
	backtrace_free(&bt);
	tracee_kill(&tr);
}

static void
test_nocfi(void)
{
	struct backtrace bt;
	struct tracee tr;

	if (!tracee_start(&tr, "bt-nocfi", NULL) || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-nocfi: unwinds");
		return;
	}
	if (!tap_ok(bt.count == 1 && bt.frames[0].function != NULL &&
	    strcmp(bt.frames[0].function, "nocfi_exit") == 0 &&
	    bt.truncated && bt.error != NULL,
	    "bt-nocfi: a stack ending without unwind information is "
	    "truncated (%s)", bt.error ? bt.error : "not truncated"))
		dump(&bt);
	backtrace_free(&bt);
	tracee_kill(&tr);
}

/*
 * The state is built at a first stop; then the program maps bt-plugin.so
 * and stops in code called from it: the unwinder notices the new mapping
 * by itself (no unwind_forget) and names the plugin's frame.
 */
static void
test_dlopen(void)
{
	static const char *const chain[] = { "in_callback", "plugin_call",
		"main", NULL };
	struct backtrace bt;
	struct tracee tr;
	char *plugin = xstrfmt("%s/bt-plugin.so", progs);

	if (!tracee_start(&tr, "bt-dlopen", plugin) || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-dlopen: unwinds at the first stop");
		free(plugin);
		return;
	}
	tap_ok(frame_of(&bt, "main") < bt.count,
	    "bt-dlopen: first stop, in main");
	backtrace_free(&bt);
	ptrace(PTRACE_CONT, tr.proc.pid, NULL, NULL);
	if (!tracee_wait(tr.proc.pid, "bt-dlopen") || !unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-dlopen: unwinds at exit_group");
		free(plugin);
		return;
	}
	if (!tap_ok(chain_is(&bt, 0, chain) && bt.frames[1].module != NULL &&
	    strstr(bt.frames[1].module, "bt-plugin.so") != NULL,
	    "bt-dlopen: in_callback, plugin_call (in bt-plugin.so), main"))
		dump(&bt);
	backtrace_free(&bt);
	tracee_kill(&tr);
	free(plugin);
}

/*
 * Stops bt-vdso's spinning thread until it is inside the vdso (code with no
 * file, whose unwind tables _UPT cannot find): the stack must go on through
 * clock_gettime, spin_clock and main.
 */
static void
test_vdso(void)
{
	static const char *const chain[] = { "spin_clock", "main", NULL };
	struct user_regs_struct regs;
	struct backtrace bt;
	struct tracee tr;
	int tries, status;
	size_t i;

	if (!tracee_start(&tr, "bt-vdso", "spin")) {
		tap_ok(false, "bt-vdso: starts");
		return;
	}
	for (tries = 0; tries < 1000; tries++) {
		ptrace(PTRACE_CONT, tr.proc.pid, NULL, NULL);
		usleep(200);
		ptrace(PTRACE_INTERRUPT, tr.proc.pid, NULL, NULL);
		if (waitpid(tr.proc.pid, &status, 0) != tr.proc.pid ||
		    ptrace(PTRACE_GETREGS, tr.proc.pid, NULL, &regs) != 0)
			tap_bail("bt-vdso: cannot stop it");
		if (in_vdso(tr.proc.pid, regs.rip))
			break;
	}
	if (tries == 1000) {
		tap_skip("never stopped in the vdso", "bt-vdso");
		tracee_kill(&tr);
		return;
	}
	if (!unwind_ok(&tr, &bt)) {
		tap_ok(false, "bt-vdso: unwinds from the vdso");
		tracee_kill(&tr);
		return;
	}
	i = frame_of(&bt, "spin_clock");
	if (!tap_ok(bt.count > 0 && bt.frames[0].module != NULL &&
	    strcmp(bt.frames[0].module, "[vdso]") == 0 &&
	    i < bt.count && chain_is(&bt, i, chain) && !bt.truncated,
	    "bt-vdso: from the vdso through spin_clock to main (%d tries)",
	    tries + 1))
		dump(&bt);
	backtrace_free(&bt);
	tracee_kill(&tr);
}

/* Whether pc is in pid's [vdso] mapping. */
static bool
in_vdso(pid_t pid, uint64_t pc)
{
	unsigned long long start, end;
	char path[64], line[512];
	bool found = false;
	FILE *maps;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	if ((maps = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof line, maps) != NULL)
		found = strstr(line, "[vdso]") != NULL &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2 &&
		    pc >= start && pc < end;
	fclose(maps);
	return found;
}

static void
test_not_stopped(void)
{
	struct backtrace bt;
	struct tracee tr;
	char *err = NULL;
	int status, rc;

	if (!tracee_start(&tr, "bt-nested", NULL)) {
		tap_ok(false, "a running thread cannot be unwound");
		return;
	}
	/* Let it run on to its end: it is no longer stopped. */
	ptrace(PTRACE_CONT, tr.proc.pid, NULL, NULL);
	waitpid(tr.proc.pid, &status, 0);
	rc = unwind_thread(&tr.proc, &tr.thread, &bt, &err);
	tap_ok(rc == -1 && err != NULL && strstr(err, "not stopped") != NULL,
	    "a thread that is gone is refused (%s)", err ? err : "no error");
	free(err);
	unwind_forget(&tr.proc);
}
