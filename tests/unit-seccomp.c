/*
 * unit-seccomp.c: the filter run by ptinspect on a stop's registers
 * (seccomp_program_rule, src/seccomp.c) says what the kernel's run of the
 * same filter says. The oracle is the kernel: a child installs the
 * program with each SECCOMP_RET_TRACE turned into SECCOMP_RET_ERRNO of
 * ERRNO_BASE + the rule, makes each call of the table below, and the
 * errno tells which rule (if any) the kernel's run returned. Every call
 * is harmless where the filter lets it run. The table also names the rule
 * each call must meet, so a change of the filter shows here too. Three
 * programs: the filter as most runs have it, the one made under a finite
 * RLIMIT_DATA (mprotect's writes stop too), and the filter ptinspect adds
 * to a process whose limit becomes finite later.
 */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp.h"
#include "stub-layout.h"
#include "tap.h"

#define RESERVED_FD 1000
#define ERRNO_BASE 2000
#define FREE_ADDR 0x300000000000UL	/* nothing is mapped there */

struct call {
	const char *what;
	long nr;
	unsigned long args[6];
	int rule;		/* what the filter must return */
};

#define PRIV_ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define TAGGED(fd) ((uint64_t)STUB_CALL_TAG << 32 | (uint32_t)(fd))
static const struct call calls[] = {
	{ "mmap private anonymous", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON, -1UL, 0 }, RULE_MMAP },
	{ "mmap private anonymous executable", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_EXEC, PRIV_ANON, -1UL, 0 }, RULE_NONE },
	{ "mmap shared anonymous", SYS_mmap,
	    { 0, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1UL, 0 },
	    RULE_NONE },
	{ "mmap MAP_FIXED_NOREPLACE executable", SYS_mmap,
	    { FREE_ADDR, 4096, PROT_READ | PROT_EXEC,
	    PRIV_ANON | MAP_FIXED_NOREPLACE, -1UL, 0 }, RULE_MMAP },
	{ "mmap private writable of a file", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1UL, 0 },
	    RULE_MMAP },
	{ "mmap private read-only of a file", SYS_mmap,
	    { 0, 4096, PROT_READ, MAP_PRIVATE, -1UL, 0 }, RULE_NONE },
	{ "munmap", SYS_munmap, { FREE_ADDR, 4096 }, RULE_MUNMAP },
	/* ptinspect's own calls, tagged (STUB_CALL_TAG), run untraced. */
	{ "mmap private anonymous, tagged", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON, TAGGED(-1), 0 },
	    RULE_NONE },
	{ "mmap MAP_FIXED_NOREPLACE, tagged", SYS_mmap,
	    { FREE_ADDR, 4096, PROT_READ | PROT_WRITE,
	    PRIV_ANON | MAP_FIXED_NOREPLACE, TAGGED(0), 0 }, RULE_NONE },
	{ "mmap private anonymous, another upper half", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON,
	    (uint64_t)(STUB_CALL_TAG + 1) << 32 | 0xffffffffU, 0 }, RULE_MMAP },
	{ "mmap private anonymous, the tag in the offset", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON, -1UL,
	    STUB_TAGGED_NOTHING }, RULE_MMAP },
	{ "munmap, tagged", SYS_munmap, { FREE_ADDR, 4096, STUB_TAGGED_NOTHING },
	    RULE_NONE },
	{ "munmap, the tag's low half in rdx", SYS_munmap,
	    { FREE_ADDR, 4096, STUB_CALL_TAG }, RULE_MUNMAP },
	{ "mremap", SYS_mremap, { FREE_ADDR, 4096, 8192, 0 }, RULE_MREMAP },
	{ "mprotect read-only", SYS_mprotect, { FREE_ADDR, 4096, PROT_READ },
	    RULE_NONE },
	{ "mprotect writable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_WRITE }, RULE_NONE },
	{ "mprotect executable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_EXEC }, RULE_MPROTECT },
	{ "pkey_mprotect executable", SYS_pkey_mprotect,
	    { FREE_ADDR, 4096, PROT_EXEC, -1UL }, RULE_MPROTECT },
	{ "brk", SYS_brk, { 0 }, RULE_BRK },
	{ "madvise DONTNEED", SYS_madvise, { FREE_ADDR, 4096, MADV_DONTNEED },
	    RULE_MADVISE },
	{ "madvise WILLNEED", SYS_madvise, { FREE_ADDR, 4096, MADV_WILLNEED },
	    RULE_NONE },
	{ "madvise FREE", SYS_madvise, { FREE_ADDR, 4096, MADV_FREE },
	    RULE_MADVISE },
	{ "madvise REMOVE", SYS_madvise, { FREE_ADDR, 4096, MADV_REMOVE },
	    RULE_MADVISE },
	{ "madvise DONTFORK", SYS_madvise, { FREE_ADDR, 4096, MADV_DONTFORK },
	    RULE_NONE },
	{ "madvise DOFORK", SYS_madvise, { FREE_ADDR, 4096, MADV_DOFORK },
	    RULE_NONE },
	{ "madvise DODUMP", SYS_madvise, { FREE_ADDR, 4096, MADV_DODUMP },
	    RULE_NONE },
	{ "madvise WIPEONFORK", SYS_madvise,
	    { FREE_ADDR, 4096, MADV_WIPEONFORK }, RULE_MADVISE },
	{ "madvise KEEPONFORK", SYS_madvise,
	    { FREE_ADDR, 4096, MADV_KEEPONFORK }, RULE_MADVISE },
	{ "madvise COLD", SYS_madvise, { FREE_ADDR, 4096, MADV_COLD },
	    RULE_NONE },
	{ "shmat SHM_REMAP", SYS_shmat, { -1UL, 0, SHM_REMAP }, RULE_SHMAT },
	{ "shmat", SYS_shmat, { -1UL, 0, 0 }, RULE_NONE },
	{ "close the reserved descriptor", SYS_close, { RESERVED_FD },
	    RULE_RESERVED_FD },
	{ "close another", SYS_close, { RESERVED_FD - 1 }, RULE_NONE },
	{ "dup2 onto the reserved descriptor", SYS_dup2, { 0, RESERVED_FD },
	    RULE_RESERVED_FD },
	{ "dup3 onto the reserved descriptor", SYS_dup3,
	    { 0, RESERVED_FD, 0 }, RULE_RESERVED_FD },
	{ "close_range over the reserved descriptor", SYS_close_range,
	    { RESERVED_FD - 10, RESERVED_FD + 10, 0 }, RULE_RESERVED_FD },
	{ "close_range above it", SYS_close_range,
	    { RESERVED_FD + 1, RESERVED_FD + 10, 0 }, RULE_NONE },
	{ "fork", SYS_fork, { 0 }, RULE_FORK },
	{ "clone without CLONE_VM", SYS_clone, { SIGCHLD }, RULE_FORK },
	{ "clone with CLONE_UNTRACED", SYS_clone,
	    { CLONE_UNTRACED | SIGCHLD }, RULE_UNTRACED },
	{ "clone3", SYS_clone3, { 0, 0 }, RULE_FORK },
	{ "seccomp", SYS_seccomp, { SECCOMP_GET_ACTION_AVAIL, 0, 0 },
	    RULE_OWN_FILTER },
	{ "prctl PR_SET_SECCOMP", SYS_prctl, { PR_SET_SECCOMP, 99 },
	    RULE_OWN_FILTER },
	{ "prctl PR_GET_DUMPABLE", SYS_prctl, { PR_GET_DUMPABLE }, RULE_NONE },
	{ "mseal", __NR_mseal, { FREE_ADDR, 4096, 0 }, RULE_MSEAL },
	{ "mlock", SYS_mlock, { FREE_ADDR, 4096 }, RULE_MLOCK },
	{ "mlock2", SYS_mlock2, { FREE_ADDR, 4096, 0 }, RULE_MLOCK },
	{ "mlockall", SYS_mlockall, { 0 }, RULE_MLOCK },
	{ "munlock", SYS_munlock, { FREE_ADDR, 4096 }, RULE_NONE },
	{ "setrlimit RLIMIT_DATA", SYS_setrlimit, { RLIMIT_DATA, 0 },
	    RULE_RLIMIT },
	{ "setrlimit RLIMIT_NOFILE", SYS_setrlimit, { RLIMIT_NOFILE, 0 },
	    RULE_NONE },
	{ "prlimit64 RLIMIT_DATA", SYS_prlimit64, { 0, RLIMIT_DATA, 0, 0 },
	    RULE_RLIMIT },
	{ "prlimit64 RLIMIT_STACK", SYS_prlimit64, { 0, RLIMIT_STACK, 0, 0 },
	    RULE_NONE },
	{ "setuid", SYS_setuid, { -1UL }, RULE_CREDS },
	{ "setresuid", SYS_setresuid, { -1UL, -1UL, -1UL }, RULE_CREDS },
	{ "capset", SYS_capset, { 0, 0 }, RULE_CREDS },
	{ "setgid", SYS_setgid, { -1UL }, RULE_NONE },
	{ "getpid", SYS_getpid, { 0 }, RULE_NONE },
	{ "exit_group", SYS_exit_group, { 3 }, RULE_EXIT_GROUP },
};

/* Under a finite RLIMIT_DATA from the start: mprotect's writes stop. */
static const struct call limited_calls[] = {
	{ "mprotect writable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_WRITE }, RULE_MPROTECT },
	{ "pkey_mprotect writable", SYS_pkey_mprotect,
	    { FREE_ADDR, 4096, PROT_WRITE, -1UL }, RULE_MPROTECT },
	{ "mprotect executable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_EXEC }, RULE_MPROTECT },
	{ "mprotect read-only", SYS_mprotect, { FREE_ADDR, 4096, PROT_READ },
	    RULE_NONE },
	{ "mmap private anonymous", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON, -1UL, 0 }, RULE_MMAP },
};

/* The filter added when the limit becomes finite: those and nothing else. */
static const struct call writes_calls[] = {
	{ "mprotect writable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_WRITE }, RULE_MPROTECT },
	{ "pkey_mprotect writable", SYS_pkey_mprotect,
	    { FREE_ADDR, 4096, PROT_WRITE, -1UL }, RULE_MPROTECT },
	{ "mprotect executable", SYS_mprotect,
	    { FREE_ADDR, 4096, PROT_READ | PROT_EXEC }, RULE_NONE },
	{ "mprotect read-only", SYS_mprotect, { FREE_ADDR, 4096, PROT_READ },
	    RULE_NONE },
	{ "mmap private anonymous", SYS_mmap,
	    { 0, 4096, PROT_READ | PROT_WRITE, PRIV_ANON, -1UL, 0 }, RULE_NONE },
	{ "munmap", SYS_munmap, { FREE_ADDR, 4096 }, RULE_NONE },
	{ "setrlimit RLIMIT_DATA", SYS_setrlimit, { RLIMIT_DATA, 0 },
	    RULE_NONE },
	{ "getpid", SYS_getpid, { 0 }, RULE_NONE },
};
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int ours(const struct seccomp_program *prog, const struct call *c,
    uint64_t rip);
static void run_in_kernel(const struct seccomp_program *prog,
    const struct call *table, size_t n, int *rules);
static void check_program(struct seccomp_program *prog, const char *which,
    const struct call *table, size_t n);

int
main(void)
{
	struct seccomp_program *prog = seccomp_program_new(RESERVED_FD, false);

	check_program(prog, "", calls, ARRAY_LEN(calls));
	check_program(seccomp_program_new(RESERVED_FD, true),
	    "finite RLIMIT_DATA: ", limited_calls, ARRAY_LEN(limited_calls));
	check_program(seccomp_program_new_writes(), "the writes' filter: ",
	    writes_calls, ARRAY_LEN(writes_calls));
	/*
	 * Where a call is made from does not matter: a program's own code
	 * at the stub's addresses is traced (no kernel run here).
	 */
	tap_ok(ours(prog, &calls[0], STUB_FIXED_ADDR + 40) == RULE_MMAP,
	    "mmap from the stub's code: its rule");
	tap_ok(ours(prog, &calls[6], STUB_FIXED_ADDR + 40) == RULE_MUNMAP,
	    "munmap from the stub's code: its rule");
	seccomp_program_free(prog);
	return tap_exit();
}

/* Each call of table meets its rule, here and in the kernel. */
static void
check_program(struct seccomp_program *prog, const char *which,
    const struct call *table, size_t n)
{
	int *kernel = mmap(NULL, n * sizeof(int), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (kernel == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	run_in_kernel(prog, table, n, kernel);
	for (size_t i = 0; i < n; i++) {
		const struct call *c = &table[i];
		int mine = ours(prog, c, 0x401000);

		tap_ok(mine == kernel[i] && mine == c->rule,
		    "%s%s: rule %d here, %d in the kernel, %d wanted", which,
		    c->what, mine, kernel[i], c->rule);
	}
	munmap(kernel, n * sizeof(int));
	if (table != calls)
		seccomp_program_free(prog);
}

/* seccomp_program_rule for call c made from rip. */
static int
ours(const struct seccomp_program *prog, const struct call *c, uint64_t rip)
{
	struct user_regs_struct regs = {
		.orig_rax = (unsigned long)c->nr,
		.rip = rip,
		.rdi = c->args[0], .rsi = c->args[1], .rdx = c->args[2],
		.r10 = c->args[3], .r8 = c->args[4], .r9 = c->args[5],
	};

	return seccomp_program_rule(prog, &regs);
}

/*
 * rules[i]: the rule the kernel's run of prog returned for table[i], or
 * RULE_NONE where it let the call run.
 */
static void
run_in_kernel(const struct seccomp_program *prog, const struct call *table,
    size_t n, int *rules)
{
	struct sock_filter insns[256];
	struct sock_fprog fprog;
	unsigned len;
	const struct sock_filter *src = seccomp_program_insns(prog, &len);
	int status;
	pid_t pid;

	if (len > 256)
		tap_bail("the program has %u instructions", len);
	memcpy(insns, src, len * sizeof(*insns));
	for (unsigned i = 0; i < len; i++)
		if (insns[i].code == (BPF_RET | BPF_K) &&
		    (insns[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE)
			insns[i].k = SECCOMP_RET_ERRNO |
			    (ERRNO_BASE + (insns[i].k & SECCOMP_RET_DATA));
	fprog.len = (unsigned short)len;
	fprog.filter = insns;
	for (size_t i = 0; i < n; i++)
		rules[i] = -1;
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
			_exit(2);
		for (size_t i = 0; i < n; i++) {
			const unsigned long *a = table[i].args;
			long r = syscall(table[i].nr, a[0], a[1], a[2], a[3],
			    a[4], a[5]);

			/* A fork the filter let run: the child goes. */
			if (r == 0 && (table[i].nr == SYS_fork ||
			    table[i].nr == SYS_clone))
				_exit(0);
			rules[i] = r == -1 && errno >= ERRNO_BASE ?
			    errno - ERRNO_BASE : RULE_NONE;
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		tap_diag("the filtered child ended with status %#x", status);
}
