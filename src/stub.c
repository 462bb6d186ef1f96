/*
 * stub.c: the mmap stub (see stub.h). It owns the lane code (stub-code.S),
 * its place in each address space and the lanes that are out.
 *
 * Why. Redirecting an mmap means running a different mmap (MAP_SHARED of
 * the arena) and then learning where the kernel put it and putting r8-r10
 * back, which the program's syscall asm assumes kept: done from ptinspect
 * that is a stop at the entry and another at the exit, and where the memfd
 * cannot stay in the tracee (no descriptor number above its
 * RLIMIT_NOFILE) four more for an open and a close. Each stop costs two
 * context switches, tens of microseconds between the CPUs of a VM.
 *
 * How. At the entry stop ptinspect fills a lane's data (shared memory: the
 * lanes are an arena extent, read and written through the file, pread and
 * pwrite, so that the lanes alone map no window of ptinspect's view in a
 * process nobody looks at: over a quarter of ptinspect's time per process
 * on a tree of short ones went to that window's faults and unmapping),
 * points the thread's rip at the lane's code and skips the original
 * syscall. The lane code, running as the program, opens the memfd if it
 * has to, makes the shared mapping (the filter lets mmap and munmap from
 * lanes pass: they are tagged, STUB_CALL_TAG), closes
 * the descriptor, stores the result in the lane, restores r8-r10, sets rcx
 * as the syscall would have (the address after it) and jumps back. If the
 * shared mapping fails it makes the original one, so the program gets
 * what it would have got natively. The next time anything consults the
 * arena, stub_collect reads the finished lanes.
 *
 * Each lane's code is the same bytes: its data sits STUB_CODE_BYTES above
 * it, reached rip-relative, so the lane is known from where rip is sent.
 *
 * Set-up, once an address space (redirect_stub_install): one injected
 * mmap maps the code (and reserves the data's half above it), written
 * through /proc/PID/mem with the memfd's path in lane 0; then the code's
 * set-up entry, run to its int3, opens the memfd and maps the lanes'
 * data over the reserved half (stub_map_data): 2 stops in all.
 *
 * brk. A brk that moves the emulated heap's end (redirect-brk.c) by pages
 * goes through a lane the same way (its second entry, LANE_BRK_ENTRY, to
 * grow, its third to shrink): the lane maps the heap's new pages from the
 * memfd, never over anything (MAP_FIXED_NOREPLACE, as the kernel's brk),
 * or unmaps its old ones (the filter lets munmap from the lanes through
 * too; stub_collect punches them), and returns the new break, or the old
 * one if that failed. ptinspect moves its record of the break when it
 * sends the lane (the next brk, from any thread, must start from it) and
 * moves it back at stub_collect if the lane failed. Before brk lanes a
 * growing brk cost 7 stops where the memfd is opened for each call, 2
 * where it stays in the tracee, a shrinking one 2; now 1 each. What is
 * not exact: two threads moving the break at once, the first failing
 * (natively serialized by the kernel, here the second starts from the
 * first's new break); no program was seen to do it.
 *
 * munmap. A munmap of one whole redirected mapping of MUNMAP_LANE_MIN or
 * more (redirect_munmap_by_stub) runs as the program made it, at once,
 * but returns into a lane's sixth entry, LANE_MUNMAP_ENTRY, which punches
 * the slot that was behind the range, in the program, with the memfd it
 * keeps or opens. ptinspect had punched it at the next stop, on its own
 * CPU: the pages freed on one CPU and faulted in again on the other cost
 * the program about 1 us each more (a 1 MiB mmap, write and munmap loop:
 * 1.45 against 1.64 s of tree CPU, native 0.92). The munmap has run
 * before the lane's first instruction, so no other thread's fork or
 * mapping can see the range in between: the lane only frees the file's
 * pages. The slot stays out of the free space until stub_collect sees the
 * lane done (a child forked meanwhile gives its copy of the slot back,
 * stub_inherit); a munmap that failed (of sealed memory left in the
 * memfd where no private memory could be had for it: a whole mapping's
 * munmap splits nothing) gets its extent back, its pages untouched.
 *
 * Batches. A fork child maps every range it maps from a memfd again (its
 * own copy, or its parent's file copy-on-write while it borrows:
 * redirect-fork.c): one injected mmap each cost three stops, about 75 us
 * here, so a process with 30,000 ranges forked in 2-3 s (natively 0.1-0.2
 * s). The lanes' fourth entry (stub-code.S) runs a list of mmap calls
 * instead, written into memory mapped in the child for it: ptinspect
 * points the thread there with the list in its registers, resumes it
 * without syscall stops (the filter lets mmap from the lanes through) and
 * takes it back at the int3 that ends the list, or at the first call
 * that failed (stub_map_batch). The child has the code where its parent
 * had the stub at the fork; elsewhere, and for fewer than BATCH_MIN
 * calls, each call is injected as before.
 *
 * Signals. One that arrives between the stop and the end of the lane is
 * not delivered inside it (stub_signal_stop): a handler that longjmps
 * away would leave the lane out for good (once every lane was, the next
 * send wrote past the table) and the descriptor it opened leaked, and the
 * handler's context would show the lane's rip. The lane instead returns
 * to its int3; there the thread is put after its own syscall instruction
 * and the signal delivered, as natively at the call's return. It costs
 * one stop more per signal that hits a lane. Meanwhile the thread blocks
 * every signal but the faults (INJECT_BLOCK_MASK), so later ones wait in
 * the kernel, queued as natively (real-time ones each with its siginfo),
 * and come after the held one, once its mask is back. A fault signal sent
 * by another process meanwhile (not blockable here: a fault of the
 * lane's own would then kill the thread) is kept and sent again after,
 * once per signal, as a pending standard signal merges natively.
 *
 * What the program could notice: the pages show in /proc/PID/maps.
 *
 * The filter knows the lanes' calls by a tag (STUB_CALL_TAG, in mmap's
 * descriptor and munmap's unused third argument), not by where they are
 * made: a program's own code at the stub's addresses, once it has taken
 * them, is traced as anywhere else.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "redirect-int.h"
#include "stub.h"
#include "task.h"
#include "util.h"

/* Lane data, at the lane's code + STUB_CODE_BYTES (stub-layout.h). */
struct lane_data {
	int64_t flags;		/* r10 for the shared mmap */
	int64_t fd;		/* r8: the memfd, or -1 to open path */
	int64_t offset;		/* r9: the slot's file offset */
	uint64_t orig_r10;	/* the program's r10, r8, r9 */
	uint64_t orig_r8;
	uint64_t orig_r9;
	uint64_t return_rip;	/* after the program's syscall instruction */
	int64_t result;		/* LANE_PENDING until the lane is done */
	int64_t how;		/* LANE_SHARED or LANE_PRIVATE (low half) */
	uint64_t saved_rdi;	/* the lane's own scratch */
	uint64_t saved_rsi;
	uint64_t saved_rdx;
	int64_t shared_result;	/* the lane's own scratch, too */
	int64_t nr;		/* the program's call: mmap, brk or munmap */
	uint64_t addr;		/* brk: the pages, [addr, addr + len) */
	uint64_t len;		/* munmap: the slot's bytes, at offset */
	uint64_t brk_new;	/* brk: its result when they are mapped */
	uint64_t brk_old;	/* brk: its result when they are not */
	/* /proc/<ptinspect>/fd/<memfd> */
	char path[STUB_LANE_BYTES - LANE_PATH];
};

static_assert(sizeof(struct lane_data) == STUB_LANE_BYTES,
    "lane data fills a lane");
/* The lane code (stub-code.S) reads and writes these. */
static_assert(offsetof(struct lane_data, flags) == LANE_FLAGS &&
    offsetof(struct lane_data, fd) == LANE_FD &&
    offsetof(struct lane_data, offset) == LANE_OFFSET &&
    offsetof(struct lane_data, orig_r10) == LANE_ORIG_R10 &&
    offsetof(struct lane_data, orig_r8) == LANE_ORIG_R8 &&
    offsetof(struct lane_data, orig_r9) == LANE_ORIG_R9 &&
    offsetof(struct lane_data, return_rip) == LANE_RETURN_RIP &&
    offsetof(struct lane_data, result) == LANE_RESULT &&
    offsetof(struct lane_data, how) == LANE_HOW &&
    offsetof(struct lane_data, saved_rdi) == LANE_SAVED_RDI &&
    offsetof(struct lane_data, saved_rsi) == LANE_SAVED_RSI &&
    offsetof(struct lane_data, saved_rdx) == LANE_SAVED_RDX &&
    offsetof(struct lane_data, shared_result) == LANE_SHARED_RESULT &&
    offsetof(struct lane_data, nr) == LANE_NR &&
    offsetof(struct lane_data, addr) == LANE_ADDR &&
    offsetof(struct lane_data, len) == LANE_LEN &&
    offsetof(struct lane_data, brk_new) == LANE_BRK_NEW &&
    offsetof(struct lane_data, brk_old) == LANE_BRK_OLD &&
    offsetof(struct lane_data, path) == LANE_PATH,
    "stub-layout.h has the offsets of struct lane_data");

/* The lane code, in stub-code.S, and its batch entry's int3. */
extern const unsigned char pti_stub_lane[], pti_stub_lane_end[];
extern const unsigned char pti_stub_batch_trap[];
/* The set-up entry's int3 (run_setup). */
extern const unsigned char pti_stub_setup_trap[];
/* Its int3, where a lane holding a signal returns to (stub_signal_stop). */
extern const unsigned char pti_stub_lane_trap[];
/* Just after the batch entry's syscall instruction (stub_syscall_rip). */
extern const unsigned char pti_stub_after_syscall[];

/* Fault signals kept while a lane holds one, sent again after it. */
#define STUB_KEPT_SIGNALS 6

static_assert(sizeof(struct stub_map) == STUB_BATCH_ENTRY &&
    offsetof(struct stub_map, len) == 8 &&
    offsetof(struct stub_map, prot) == 16 &&
    offsetof(struct stub_map, offset) == 24,
    "stub-code.S reads struct stub_map");

/*
 * A lane that is out: whose, and what its mapping is for. A brk lane
 * maps [addr, addr + len) of the heap at its slot's offset off (no
 * allocation of its own) and moves the break from brk_old to brk_new. A
 * munmap lane unmaps [addr, addr + len), the one extent of the slot at
 * file offset slot, at offset off in it.
 */
struct lane {
	pid_t tid;
	long nr;		/* SYS_mmap, SYS_brk or SYS_munmap */
	uint64_t len;
	uint64_t off;
	uint64_t addr;
	uint64_t slot;
	uint64_t brk_old;
	uint64_t brk_new;
	/*
	 * A signal that came while the lane ran, held until it is done
	 * (stub_signal_stop): where the lane really returns (0: none), its
	 * siginfo, the thread's signal mask meanwhile replaced (if
	 * mask_held), and fault signals that came after it.
	 */
	uint64_t held_return;
	siginfo_t held_si;
	uint64_t held_mask;
	bool mask_held;
	int nkept;
	int kept[STUB_KEPT_SIGNALS];
};

struct stub {
	uint64_t busy;		/* bit i: lane i is out */
	uint64_t pathed;	/* bit i: lane i has the memfd's path */
	struct lane lanes[STUB_LANES];
};

static_assert(STUB_LANES <= 64, "one bit per lane in stub->busy");

static bool stub_program_view(struct proc *p, struct user_regs_struct *regs);

bool
stub_contains(const struct proc *p, uint64_t addr)
{
	const struct redirect_state *rs = redir_peek(p);

	return rs->stub != NULL && addr >= rs->stub_base &&
	    addr < rs->stub_base + STUB_BYTES;
}

static uint64_t
lane_code(const struct proc *p, unsigned i)
{
	return redir_peek(p)->stub_base + (uint64_t)i * STUB_LANE_BYTES;
}

static uint64_t
lane_data(const struct proc *p, unsigned i)
{
	return lane_code(p, i) + STUB_CODE_BYTES;
}

/* Is rip in a lane of p's stub's code? Which one, *i. */
static bool
lane_at(const struct proc *p, uint64_t rip, unsigned *i)
{
	const struct redirect_state *rs = redir_peek(p);

	if (rs->stub == NULL || rip < rs->stub_base ||
	    rip >= rs->stub_base + STUB_CODE_BYTES)
		return false;
	*i = (unsigned)((rip - rs->stub_base) / STUB_LANE_BYTES);
	return true;
}

/* Maps len bytes at addr exactly, or fails without touching anything. */
static bool
map_exactly(struct inject *inj, uint64_t addr, uint64_t len, long prot,
    long flags, long fd, uint64_t off)
{
	long r = inject_syscall(inj, SYS_mmap, (long)addr, (long)len, prot,
	    flags | MAP_FIXED_NOREPLACE, fd, (long)off);

	if (r == (long)addr)
		return true;
	/* A kernel without NOREPLACE takes it as a hint. */
	if (r >= 0 || r < -4095)
		inject_syscall(inj, SYS_munmap, r, (long)len, 0, 0, 0, 0);
	return false;
}

/* The lanes' code, all STUB_LANES of it, built at the first call. */
static unsigned char *
lanes_image(void)
{
	static unsigned char code[STUB_CODE_BYTES];
	static bool built;
	size_t n = (size_t)(pti_stub_lane_end - pti_stub_lane);
	unsigned i;

	if (built)
		return code;
	if (n > STUB_LANE_BYTES)
		fatalx("stub: lane code is %zu bytes (bug)", n);
	/* int3 between lanes: nothing jumps there. */
	memset(code, 0xcc, sizeof(code));
	for (i = 0; i < STUB_LANES; i++)
		memcpy(code + (size_t)i * STUB_LANE_BYTES, pti_stub_lane, n);
	built = true;
	return code;
}

/*
 * The lanes' code, [from, to) of it, into its pages at base, with (where
 * memfd_path is not NULL: [from, to) holds lane 0's LANE_SETUP_PATH) the
 * memfd's path where the set-up code opens it. Mapped read-only and
 * executable, they are written through /proc/TID/mem (forced, as
 * ptrace's POKEs: a copy of each page of the process's own), which
 * spares an injected mprotect (3 stops); writable, with
 * process_vm_writev.
 */
static int
write_code(pid_t tid, uint64_t base, uint64_t from, uint64_t to,
    bool forced, const char memfd_path[LANE_SETUP_PATH_BYTES])
{
	unsigned char *code = lanes_image();
	struct iovec local = { code + from, to - from };
	struct iovec remote = { (void *)(uintptr_t)(base + from), to - from };
	char mem_path[64];
	ssize_t w;
	int fd;

	if (memfd_path != NULL)
		memcpy(code + LANE_SETUP_PATH, memfd_path,
		    LANE_SETUP_PATH_BYTES);
	if (!forced)
		return process_vm_writev(tid, &local, 1, &remote, 1, 0) ==
		    (ssize_t)(to - from) ? 0 : -1;
	snprintf(mem_path, sizeof(mem_path), "/proc/%d/mem", (int)tid);
	if ((fd = open(mem_path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	w = pwrite(fd, code + from, to - from, (off_t)(base + from));
	close(fd);
	return w == (ssize_t)(to - from) ? 0 : -1;
}

/* The stub's code page of lane i, and the bit of it in stub_code_pages. */
#define LANE_CODE_PAGE(i) ((uint64_t)(i) * STUB_LANE_BYTES / PTI_PAGE_SIZE)
static_assert(STUB_CODE_BYTES / PTI_PAGE_SIZE <= 8,
    "one bit per code page in redirect_state.stub_code_pages");

/*
 * Is lane i's code in place in t's process? Its page is written when the
 * lane is first sent (forced, as at the set-up): most processes use only
 * the first page's lanes, and each page written costs the process a page
 * of its own (300 runs of /bin/true from sh: 23-77 us of CPU a process
 * less, in three runs, than with all four written at the set-up).
 */
static bool
lane_code_written(struct thread *t, unsigned i)
{
	struct redirect_state *rs = t->proc->redirect;
	uint64_t page = LANE_CODE_PAGE(i);

	if (rs->stub_code_pages & (1u << page))
		return true;
	/* The path is lane 0's, on the first page: none on this one. */
	if (write_code(t->tid, rs->stub_base, page * PTI_PAGE_SIZE,
	    (page + 1) * PTI_PAGE_SIZE, true, NULL) != 0)
		return false;
	rs->stub_code_pages |= (uint8_t)(1u << page);
	return true;
}

/*
 * The code at p's stub_base, mapped there, executable: forced, its first
 * page only (the others when their lanes are first sent:
 * lane_code_written), or else (a kernel whose proc_mem.force_override
 * refuses; the tests' PTI_TEST_NO_FORCED_CODE) all of it, made writable
 * for the copy and executable again. 0 or -1.
 */
static int
place_code(struct inject *inj, struct proc *p)
{
	struct redirect_state *rs = p->redirect;
	pid_t tid = inj->thread->tid;
	uint64_t base = rs->stub_base;
	char path[LANE_SETUP_PATH_BYTES];

	static_assert(LANE_SETUP_PATH + LANE_SETUP_PATH_BYTES <=
	    PTI_PAGE_SIZE, "the set-up code and its path on the first page");
	arena_fd_path(rs->arena, path, sizeof(path));
	if (getenv("PTI_TEST_NO_FORCED_CODE") == NULL &&
	    write_code(tid, base, 0, PTI_PAGE_SIZE, true, path) == 0) {
		rs->stub_code_pages = 1;
		return 0;
	}
	rs->stub_code_pages = (uint8_t)((1u << LANE_CODE_PAGE(STUB_LANES)) -
	    1);
	if (inject_syscall(inj, SYS_mprotect, (long)base,
	    (long)STUB_CODE_BYTES, PROT_READ | PROT_WRITE, 0, 0, 0) != 0 ||
	    write_code(tid, base, 0, STUB_CODE_BYTES, false, path) != 0)
		return -1;
	return inject_syscall(inj, SYS_mprotect, (long)base,
	    (long)STUB_CODE_BYTES, PROT_READ | PROT_EXEC, 0, 0, 0) == 0 ?
	    0 : -1;
}

/*
 * Runs the set-up code (stub-code.S) in the thread behind inj: the lanes'
 * data mapped from the memfd at off, through tracee_fd, or where that is
 * negative through a descriptor the code opens. Returns the descriptor,
 * or -errno of the open or of the run (-ESRCH: the thread is gone);
 * *mapped says whether the data is in place.
 */
static long
run_setup(struct inject *inj, uint64_t base, uint64_t off, long tracee_fd,
    bool *mapped)
{
	uint64_t trap = base + (uint64_t)(pti_stub_setup_trap -
	    pti_stub_lane);
	struct user_regs_struct regs = inj->saved;
	long r;
	int err;

	*mapped = false;
	regs.rip = base + LANE_SETUP_ENTRY;
	regs.r12 = off;
	regs.r13 = (unsigned long long)tracee_fd;
	if ((err = inject_run_code(inj, &regs, trap)) != 0)
		return err;
	if ((long)regs.rbx < 0)
		return (long)regs.rbx;
	r = (long)regs.rax;
	*mapped = r == (long)(base + STUB_CODE_BYTES);
	return (long)regs.rbx;
}

/*
 * The end of the stack that exec made for p, whose strings end at env_end
 * (then the program's path and 8 bytes of zeros): where a read from there
 * stops short. 0 if that is not a page's end.
 */
static uint64_t
stack_end(pid_t tid, uint64_t env_end)
{
	static char buf[2 * PTI_PAGE_SIZE];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)(uintptr_t)env_end, sizeof(buf) };
	ssize_t n;

	if (env_end == 0)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n <= 0 || (size_t)n == sizeof(buf) ||
	    ((env_end + (uint64_t)n) & (PTI_PAGE_SIZE - 1)) != 0)
		return 0;
	return env_end + (uint64_t)n;
}

/* Would a stub at base take any of [want, want + want_len)? */
static bool
wanted(uint64_t base, uint64_t want, uint64_t want_len)
{
	return want_len != 0 && want < base + STUB_BYTES &&
	    want + want_len > base;
}

int
stub_place_code(struct inject *inj, struct proc *p, uint64_t want,
    uint64_t want_len)
{
	struct redirect_state *rs = p->redirect;
	uint64_t above_stack;

	if (rs->stub != NULL || rs->stub_failed)
		return -1;
	task_set_program_view(stub_program_view);
	above_stack = stack_end(inj->thread->tid, rs->env_end);
	/*
	 * The code's mapping takes the data's half too, which the set-up
	 * maps over (MAP_FIXED): where the code has room and the data not
	 * (an older kernel's vdso 16-32 KiB above the stack), the stub goes
	 * to the other place, not nowhere.
	 */
	if (above_stack != 0 && !wanted(above_stack, want, want_len) &&
	    map_exactly(inj, above_stack, STUB_BYTES, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) {
		rs->stub_base = above_stack;
	} else if (!wanted(STUB_FIXED_ADDR, want, want_len) &&
	    map_exactly(inj, STUB_FIXED_ADDR, STUB_BYTES,
	    PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) {
		rs->stub_base = STUB_FIXED_ADDR;
	} else {
		/* The program holds the addresses. */
		rs->stub_failed = true;
		return -1;
	}
	if (place_code(inj, p) != 0) {
		stub_unplace_code(inj, p);
		return -1;
	}
	return 0;
}

long
stub_map_data(struct inject *inj, struct proc *p, long tracee_fd)
{
	struct redirect_state *rs = p->redirect;
	bool mapped;
	uint64_t off;
	long fd;

	if (arena_alloc(rs->arena, STUB_CODE_BYTES, &off, NULL) != 0) {
		stub_unplace_code(inj, p);
		return tracee_fd;
	}
	fd = run_setup(inj, rs->stub_base, off, tracee_fd, &mapped);
	if (mapped) {
		arena_map(rs->arena, rs->stub_base + STUB_CODE_BYTES,
		    STUB_CODE_BYTES, off);
		rs->stub = xcalloc(1, sizeof(*rs->stub));
		return fd;
	}
	arena_release(rs->arena, off);
	if (fd == -ESRCH)
		return fd;
	/* The code ran and the descriptor is there, or is the caller's. */
	if (fd >= 0 || tracee_fd >= 0) {
		stub_unplace_code(inj, p);
		return tracee_fd >= 0 ? tracee_fd : fd;
	}
	return fd;
}

/*
 * rs has no stub from here on, nor a place for one; failed: none is to be
 * tried again before an exec.
 */
static void
stub_drop(struct redirect_state *rs, bool failed)
{
	free(rs->stub);
	rs->stub = NULL;
	rs->stub_base = 0;
	rs->stub_code_pages = 0;
	rs->stub_failed = failed;
}

void
stub_unplace_code(struct inject *inj, struct proc *p)
{
	/* The code and the data's half, reserved: the data is not mapped. */
	inject_syscall(inj, SYS_munmap, (long)p->redirect->stub_base,
	    (long)STUB_BYTES, 0, 0, 0, 0);
	stub_drop(p->redirect, true);
}

/*
 * Lane i opens the memfd of p's arena by this path when it cannot stay
 * there. Written at the lane's first use, not for every lane at install:
 * most processes use one or two of them.
 */
static void
write_path(struct proc *p, unsigned i)
{
	struct redirect_state *rs = p->redirect;
	char path[sizeof(((struct lane_data *)0)->path)];

	arena_fd_path(rs->arena, path, sizeof(path));
	arena_write_file(rs->arena, lane_data(p, i) +
	    offsetof(struct lane_data, path), path, sizeof(path));
	rs->stub->pathed |= 1ULL << i;
}

void
stub_retarget(struct proc *p)
{
	struct redirect_state *rs = p->redirect;
	unsigned i;

	if (rs == NULL || rs->stub == NULL || rs->arena == NULL)
		return;
	/* The lanes out may not have opened it yet. */
	rs->stub->pathed = 0;
	for (i = 0; i < STUB_LANES; i++)
		if (rs->stub->busy & (1ULL << i))
			write_path(p, i);
}

/*
 * The lane the next call goes through: the first free one, or -1. The
 * tests' PTI_TEST_LANES_SKIPPED=k leaves lanes below k unused, so that
 * every call takes the lanes of the code's later pages.
 */
static int
free_lane(const struct stub *s)
{
	static int skipped = -1;
	uint64_t avail;

	if (skipped < 0) {
		const char *env = getenv("PTI_TEST_LANES_SKIPPED");

		skipped = env != NULL ? atoi(env) : 0;
		if (skipped < 0 || skipped >= STUB_LANES)
			skipped = 0;
	}
	avail = ~s->busy & (~0ULL >> (64 - STUB_LANES)) & (~0ULL << skipped);
	return avail != 0 ? __builtin_ctzll(avail) : -1;
}

uint64_t
stub_syscall_rip(const struct proc *p)
{
	if (redir_peek(p)->stub == NULL)
		return 0;
	return lane_code(p, 0) +
	    (uint64_t)(pti_stub_after_syscall - pti_stub_lane);
}

bool
stub_ready(struct thread *t)
{
	const struct redirect_state *rs = redir_peek(t->proc);
	int i;

	return rs->stub != NULL && (i = free_lane(rs->stub)) >= 0 &&
	    lane_code_written(t, (unsigned)i);
}

/*
 * Sends the thread through a free lane: ld, filled but for what the
 * program's registers give, goes into the lane's data, l says what for,
 * and the thread resumes at `entry` bytes into the lane's code with its
 * syscall skipped; or, with run_call, makes its syscall first, which then
 * returns into the lane.
 */
static void
send_lane(struct thread *t, const struct user_regs_struct *regs,
    struct lane_data *ld, const struct lane *l, uint64_t entry,
    bool run_call)
{
	struct redirect_state *rs = t->proc->redirect;
	struct stub *s = rs->stub;
	struct user_regs_struct r = *regs;
	int free = free_lane(s);
	unsigned i;

	if (free < 0)
		fatalx("send_lane: every lane is out (bug: stub_ready first)");
	i = (unsigned)free;
	ld->orig_r10 = regs->r10;
	ld->orig_r8 = regs->r8;
	ld->orig_r9 = regs->r9;
	ld->return_rip = regs->rip;
	ld->result = LANE_PENDING;
	/*
	 * The lanes' open of the memfd takes these, and they are the
	 * program's: the lane puts them back from here (stub_program_view
	 * reads them too).
	 */
	ld->saved_rdi = regs->rdi;
	ld->saved_rsi = regs->rsi;
	ld->saved_rdx = regs->rdx;
	if (!(s->pathed & (1ULL << i)))
		write_path(t->proc, i);
	/* All but the path, which stays installed. */
	arena_write_file(rs->arena, lane_data(t->proc, i), ld,
	    offsetof(struct lane_data, path));
	s->busy |= 1ULL << i;
	s->lanes[i] = *l;
	s->lanes[i].tid = t->tid;
	if (!run_call) {
		r.orig_rax = (unsigned long long)-1;
		r.rax = 0;
	}
	r.rip = lane_code(t->proc, i) + entry;
	thread_set_regs(t, &r, NULL);
}

void
stub_send(struct thread *t, const struct user_regs_struct *regs,
    uint64_t len, uint64_t off, long flags, long tracee_fd)
{
	struct lane_data ld = {
		.flags = flags,
		.fd = tracee_fd,
		.offset = (int64_t)off,
		.nr = SYS_mmap,
	};
	struct lane l = { .nr = SYS_mmap, .len = len, .off = off };

	send_lane(t, regs, &ld, &l, 0, false);
}

void
stub_send_brk(struct thread *t, const struct user_regs_struct *regs,
    uint64_t addr, uint64_t len, uint64_t off, long tracee_fd,
    uint64_t brk_old, uint64_t brk_new)
{
	bool shrink = brk_new < brk_old;
	struct lane_data ld = {
		.flags = MAP_SHARED | MAP_FIXED_NOREPLACE,
		.fd = tracee_fd,
		.offset = (int64_t)off,
		.nr = SYS_brk,
		.addr = addr,
		.len = len,
		.brk_new = brk_new,
		.brk_old = brk_old,
	};
	struct lane l = { .nr = SYS_brk, .len = len, .off = off,
	    .addr = addr, .brk_old = brk_old, .brk_new = brk_new };

	send_lane(t, regs, &ld, &l, shrink ? LANE_BRK_SHRINK_ENTRY :
	    LANE_BRK_ENTRY, false);
}

void
stub_send_munmap(struct thread *t, const struct user_regs_struct *regs,
    uint64_t off, uint64_t slot, uint64_t slot_size, long tracee_fd)
{
	struct lane_data ld = {
		.fd = tracee_fd,
		.offset = (int64_t)slot,
		.nr = SYS_munmap,
		.len = slot_size,
	};
	struct lane l = { .nr = SYS_munmap, .addr = regs->rdi,
	    .len = PAGE_UP(regs->rsi), .off = off, .slot = slot };

	send_lane(t, regs, &ld, &l, LANE_MUNMAP_ENTRY, true);
}

/*
 * A thread held inside a lane (a pause caught it mid-mmap) is running our
 * code with the program's r8-r10 (and, while the memfd is opened,
 * rdi/rsi/rdx) borrowed. For what ptinspect shows (regs, bt, threads, the
 * TUI), this rewrites regs to the program's own view: at its syscall
 * instruction, in mmap, brk or munmap (rax -ENOSYS, or the result once the
 * lane has it), every register it set as it set it. False, regs untouched,
 * when rip is not in a lane. The task model's program view (task.h).
 */
static bool
stub_program_view(struct proc *p, struct user_regs_struct *regs)
{
	const struct redirect_state *rs = redir_peek(p);
	struct lane_data ld;
	unsigned i;

	if (!lane_at(p, regs->rip, &i))
		return false;
	if (arena_read_file(rs->arena, lane_data(p, i), &ld,
	    offsetof(struct lane_data, path)) !=
	    offsetof(struct lane_data, path))
		return false;
	if (rs->stub->lanes[i].held_return != 0)
		ld.return_rip = rs->stub->lanes[i].held_return;
	regs->rip = ld.return_rip;
	regs->rcx = ld.return_rip;
	regs->orig_rax = (unsigned long long)ld.nr;
	if (ld.result == LANE_PENDING)
		regs->rax = (unsigned long long)-ENOSYS;
	else if (ld.nr == SYS_brk)
		regs->rax = (ld.brk_new < ld.brk_old ? ld.result == 0 :
		    (uint64_t)ld.result == ld.addr) ? ld.brk_new : ld.brk_old;
	else
		regs->rax = (unsigned long long)ld.result;
	regs->rdi = ld.saved_rdi;
	regs->rsi = ld.saved_rsi;
	regs->rdx = ld.saved_rdx;
	regs->r10 = ld.orig_r10;
	regs->r8 = ld.orig_r8;
	regs->r9 = ld.orig_r9;
	return true;
}

/*
 * A lane's result and how it got it; false while it is still running.
 *
 * The lane stores `how`, then `result` (one 8-byte store) over
 * LANE_PENDING, while the program runs. pread copies with rep movsb,
 * which may take an 8-byte field a byte at a time, so a read that
 * overlaps the store can be torn: part LANE_PENDING, part the result.
 * Once any byte of the store shows, all of it does (x86 stores are
 * atomic), so a second read that agrees with the first is the result.
 */
static bool
lane_done(struct proc *p, unsigned i, int64_t *result, int64_t *how)
{
	const struct redirect_state *rs = redir_peek(p);
	uint64_t at = lane_data(p, i) + offsetof(struct lane_data, result);
	int64_t again;

	arena_read_file(rs->arena, at, result, sizeof(*result));
	for (;;) {
		if (*result == LANE_PENDING)
			return false;
		arena_read_file(rs->arena, at, &again, sizeof(again));
		if (again == *result)
			break;
		*result = again;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	arena_read_file(rs->arena, lane_data(p, i) +
	    offsetof(struct lane_data, how), how, sizeof(*how));
	return true;
}

/*
 * A brk lane is done: the heap's new pages are recorded, or its old ones
 * forgotten (punched); where that could not be done, the break (moved
 * when the lane was sent) goes back unless a later brk moved it again.
 */
static void
brk_lane_done(struct proc *p, const struct lane *l, int64_t result,
    int64_t how)
{
	struct redirect_state *rs = p->redirect;
	bool shrink = l->brk_new < l->brk_old;

	if (shrink ? result != 0 : (uint64_t)result != l->addr) {
		if (rs->brk.cur == l->brk_new)
			rs->brk.cur = l->brk_old;
	} else if (shrink) {
		arena_unmap_keep(rs->arena, l->addr, l->len);
	} else if (how == LANE_SHARED) {
		arena_map(rs->arena, l->addr, l->len, l->off);
	}
}

/*
 * A munmap lane is done: its slot goes back, punched by the lane, or kept
 * for reuse (punched here past the budget) where the lane did not punch
 * it (told not to, or it could not open the memfd). A munmap that failed
 * left the mapping as it was: so is its extent again.
 */
static void
munmap_lane_done(struct proc *p, const struct lane *l, int64_t result,
    int64_t how)
{
	struct arena *a = p->redirect->arena;

	if (result != 0)
		arena_map(a, l->addr, l->len, l->off);
	else if (how == LANE_SHARED)
		arena_release_punched(a, l->slot);
	else
		arena_release_kept(a, l->slot, l->off, l->len);
}

/* Records what lane i did, and frees it. */
static void
finish_lane(struct proc *p, unsigned i, int64_t result, int64_t how)
{
	const struct redirect_state *rs = redir_peek(p);
	struct stub *s = rs->stub;
	struct lane *l = &s->lanes[i];

	if (l->nr == SYS_brk) {
		brk_lane_done(p, l, result, how);
	} else if (l->nr == SYS_munmap) {
		munmap_lane_done(p, l, result, how);
	} else if (how == LANE_SHARED) {
		/* Whatever was recorded there is gone. */
		arena_unmap(rs->arena, (uint64_t)result, l->len);
		arena_map(rs->arena, (uint64_t)result, l->len, l->off);
	} else {
		/*
		 * The program's own call, the shared one having failed: if
		 * it mapped, whatever was recorded there is gone too.
		 */
		if (!syscall_failed(result))
			arena_unmap(rs->arena, (uint64_t)result, l->len);
		arena_release(rs->arena, l->off);
	}
	s->busy &= ~(1ULL << i);
}

void
stub_collect(struct proc *p)
{
	const struct redirect_state *rs = redir_peek(p);
	struct stub *s = rs->stub;
	int64_t result, how;
	struct lane *l;
	unsigned i;

	if (s == NULL || s->busy == 0 || rs->arena == NULL)
		return;
	for (i = 0; i < STUB_LANES; i++) {
		if (!(s->busy & (1ULL << i)))
			continue;
		l = &s->lanes[i];
		/* Holding a signal: finished when the signal is delivered. */
		if (l->held_return != 0 && proc_find_thread(p, l->tid) != NULL)
			continue;
		if (lane_done(p, i, &result, &how)) {
			finish_lane(p, i, result, how);
		} else if (proc_find_thread(p, l->tid) == NULL) {
			/*
			 * Its thread died (killed) before it finished: an
			 * mmap's offset goes back, a munmap's slot too (a
			 * brk's is the heap's).
			 */
			if (l->nr == SYS_mmap)
				arena_release(rs->arena, l->off);
			else if (l->nr == SYS_munmap)
				arena_release(rs->arena, l->slot);
			s->busy &= ~(1ULL << i);
		}
	}
}

/* A fault raised by an instruction of the lane itself. */
static bool
is_own_fault(const siginfo_t *si)
{
	return si->si_code > 0 && (si->si_signo == SIGSEGV ||
	    si->si_signo == SIGBUS || si->si_signo == SIGILL ||
	    si->si_signo == SIGFPE || si->si_signo == SIGTRAP);
}

/* The lane whose code t is running, or NULL. */
static struct lane *
lane_of(struct thread *t, const struct user_regs_struct *regs,
    unsigned *index)
{
	const struct redirect_state *rs = redir_peek(t->proc);
	unsigned i;

	if (!lane_at(t->proc, regs->rip, &i))
		return NULL;
	if (!(rs->stub->busy & (1ULL << i)) ||
	    rs->stub->lanes[i].tid != t->tid)
		return NULL;
	*index = i;
	return &rs->stub->lanes[i];
}

/*
 * The lane is done and t at its trap: t goes back after its syscall
 * instruction, the lane is recorded and freed, and the held signal is
 * due.
 */
static int
deliver_held(struct thread *t, struct user_regs_struct *regs, unsigned li,
    int *sig)
{
	struct lane *l = &t->proc->redirect->stub->lanes[li];
	int64_t result, how;
	int i;

	regs->rip = l->held_return;
	regs->rcx = l->held_return;
	l->held_return = 0;
	if (lane_done(t->proc, li, &result, &how))
		finish_lane(t->proc, li, result, how);
	/* The handler's frame saves the mask: the program's own first. */
	if (l->mask_held && ptrace(PTRACE_SETSIGMASK, t->tid,
	    sizeof(l->held_mask), &l->held_mask) != 0)
		return -1;
	l->mask_held = false;
	if (thread_set_regs(t, regs, NULL) != 0 ||
	    ptrace(PTRACE_SETSIGINFO, t->tid, 0, &l->held_si) != 0)
		return -1;
	*sig = l->held_si.si_signo;
	for (i = 0; i < l->nkept; i++)
		syscall(SYS_tgkill, t->proc->pid, t->tid, l->kept[i]);
	l->nkept = 0;
	return 1;
}

/* One instruction, the lane's last (its jump back): 1, or -1 if t died. */
static int
step_once(struct thread *t)
{
	int status;

	t->regs_valid = false;
	if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, 0) != 0)
		return -1;
	while (waitpid(t->tid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSTOPPED(status) && (status >> 16) == 0 &&
	    WSTOPSIG(status) == SIGTRAP)
		return 1;
	/* Death, an event or another signal: the tracer's to handle. */
	t->has_deferred = true;
	t->deferred_status = status;
	return -1;
}

int
stub_signal_stop(struct thread *t, int *sig)
{
	struct redirect_state *rs = t->proc->redirect;
	uint64_t trap = (uint64_t)(pti_stub_lane_trap - pti_stub_lane);
	uint64_t all_but_faults = INJECT_BLOCK_MASK;
	struct user_regs_struct regs;
	uint64_t at, ret;
	struct lane *l;
	siginfo_t si;
	unsigned i;

	if (rs == NULL || rs->stub == NULL ||
	    thread_get_regs(t, &regs, NULL) != 0 ||
	    (l = lane_of(t, &regs, &i)) == NULL)
		return 0;
	at = regs.rip - lane_code(t->proc, i);
	if (l->held_return != 0 && *sig == SIGTRAP && at == trap + 1)
		return deliver_held(t, &regs, i, sig);
	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) != 0 ||
	    is_own_fault(&si))
		return 0;
	if (l->held_return != 0) {
		/* A fault signal meanwhile: sent again once the first is. */
		for (i = 0; i < (unsigned)l->nkept && l->kept[i] != *sig; i++)
			;
		if (i == (unsigned)l->nkept) {
			if (l->nkept == STUB_KEPT_SIGNALS)
				return 0;
			l->kept[l->nkept++] = *sig;
		}
		*sig = 0;
		return 1;
	}
	if (pti_stub_lane[at] == 0xff && pti_stub_lane[at + 1] == 0xe1) {
		/* At the jump back (jmp *%rcx): one step and it is out. */
		if (step_once(t) < 0)
			return -1;
		return ptrace(PTRACE_SETSIGINFO, t->tid, 0, &si) == 0 ? 1 : -1;
	}
	/* The lane goes back to the trap instead; the signal waits. */
	if (arena_read_file(rs->arena, lane_data(t->proc, i) + LANE_RETURN_RIP,
	    &ret, sizeof(ret)) != sizeof(ret))
		return 0;
	at = lane_code(t->proc, i) + trap;
	arena_write_file(rs->arena, lane_data(t->proc, i) + LANE_RETURN_RIP,
	    &at, sizeof(at));
	l->held_return = ret;
	l->held_si = si;
	l->mask_held = ptrace(PTRACE_GETSIGMASK, t->tid, sizeof(l->held_mask),
	    &l->held_mask) == 0 && ptrace(PTRACE_SETSIGMASK, t->tid,
	    sizeof(all_but_faults), &all_but_faults) == 0;
	*sig = 0;
	return 1;
}

/*
 * The list goes into the tracee this many calls at a time (64 KiB), in
 * memory mapped for it around the batch: fewer calls than BATCH_MIN cost
 * less injected one by one (three stops each) than that mmap and munmap.
 */
#define BATCH_CHUNK 2048
#define BATCH_MIN 4

int
stub_map_batch(struct inject *inj, const struct stub_map *m, size_t n,
    long flags, long fd, size_t *done)
{
	uint64_t code = redir_peek(inj->thread->proc)->stub_base;
	uint64_t trap = code + (uint64_t)(pti_stub_batch_trap -
	    pti_stub_lane);
	pid_t tid = inj->thread->tid;
	struct user_regs_struct regs;
	struct iovec local, remote;
	size_t k, bytes;
	long list;
	int ok = 1, err;

	*done = 0;
	/* Its calls are tagged: not for a filter of the program's own. */
	if (code == 0 || n < BATCH_MIN || inj->thread->proc->own_filter)
		return 1;
	bytes = (n < BATCH_CHUNK ? n : BATCH_CHUNK) * sizeof(*m);
	list = inject_syscall(inj, SYS_mmap, 0, (long)bytes,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (list == -ESRCH)
		return -1;
	if (syscall_failed(list))
		return 1;
	while (ok == 1 && *done < n) {
		k = n - *done < BATCH_CHUNK ? n - *done : BATCH_CHUNK;
		local = (struct iovec){ (void *)(m + *done), k * sizeof(*m) };
		remote = (struct iovec){ (void *)list, k * sizeof(*m) };
		if (process_vm_writev(tid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)(k * sizeof(*m)))
			break;
		regs = inj->saved;
		regs.rip = code + LANE_BATCH_ENTRY;
		regs.r12 = (unsigned long long)list;
		regs.r13 = k;
		regs.r14 = (unsigned long long)flags;
		regs.r15 = stub_tagged_fd(fd);
		err = inject_run_code(inj, &regs, trap);
		if (err == -ESRCH)
			return -1;
		if (err != 0 || regs.rbx > k)
			break;
		*done += regs.rbx;
		if (regs.rbx < k)
			ok = -1;
	}
	if (*done == n)
		ok = 0;
	inject_syscall(inj, SYS_munmap, list, (long)bytes, 0, 0, 0, 0);
	return ok;
}

void
stub_inherit(struct proc *parent, struct proc *child,
    bool (*child_maps)(uint64_t off, uint64_t len, void *arg), void *arg)
{
	const struct stub *ps = parent->redirect->stub;
	struct redirect_state *chrs = child->redirect;
	const struct lane *l;
	unsigned i;

	if (ps == NULL || chrs->arena == NULL || chrs->stub_base == 0)
		return;
	/*
	 * The slots of munmaps whose lanes were out at the fork: the child's
	 * copy of one is its own to give back, unless that munmap failed and
	 * the child still maps the range.
	 */
	for (i = 0; i < STUB_LANES; i++) {
		l = &ps->lanes[i];
		if ((ps->busy & (1ULL << i)) && l->nr == SYS_munmap &&
		    arena_slot_unmapped(chrs->arena, l->slot) &&
		    !child_maps(l->off, l->len, arg))
			arena_release(chrs->arena, l->slot);
	}
	/* No lane has the child's path yet: each writes it when first out. */
	chrs->stub = xcalloc(1, sizeof(*chrs->stub));
}

bool
stub_in_range(const struct proc *p, uint64_t addr, uint64_t len)
{
	const struct redirect_state *rs = redir_peek(p);

	return rs->stub != NULL && wanted(rs->stub_base, addr, len);
}

void
stub_yield(struct proc *p, uint64_t addr, uint64_t len)
{
	if (!stub_in_range(p, addr, len))
		return;
	stub_drop(p->redirect, true);
}

void
stub_evict(struct inject *inj, struct proc *p)
{
	struct redirect_state *rs = p->redirect;

	if (rs == NULL || rs->stub == NULL)
		return;
	inject_syscall(inj, SYS_munmap, (long)rs->stub_base, (long)STUB_BYTES,
	    0, 0, 0, 0);
	arena_unmap(rs->arena, rs->stub_base + STUB_CODE_BYTES,
	    STUB_CODE_BYTES);
	stub_yield(p, rs->stub_base, STUB_BYTES);
}

void
stub_forget(struct proc *p)
{
	struct redirect_state *rs = p->redirect;

	if (rs == NULL)
		return;
	stub_drop(rs, false);
}
