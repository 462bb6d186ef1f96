/*
 * unwind.c: backtraces of stopped tracee threads with libunwind-ptrace.
 *
 * Model. One struct unwind_proc per traced process, found by pid, built on
 * the first unwind and kept until unwind_forget(): a libunwind address space
 * with the global cache on (warm unwinds skip the unwind-table search and
 * CFI parsing per frame), one _UPT_create handle, read-only mappings of the
 * ELF files the process has mapped, and the symbol cache (symbols.h).
 *
 * Memory. libunwind reads tracee memory one word at a time; PTRACE_PEEKDATA
 * (the stock _UPT_access_mem) costs a syscall per word. Our access_mem
 * serves, in order:
 *  1. code and read-only data (.eh_frame, .eh_frame_hdr, instructions for
 *     the signal-trampoline check) from our own PROT_READ mapping of the
 *     file (unwind-files.c), restricted to the parts of non-writable
 *     PT_LOAD segments, which the dynamic loader never modifies (RELRO
 *     pages are excluded: they were relocated), and only for mappings
 *     without anonymous pages in smaps (none was written to since it was
 *     mapped);
 *  2. everything else (the stack) from 16 KiB chunks copied by mem_read(),
 *     which uses the shared-memfd mapping when the region is redirected and
 *     process_vm_readv otherwise. The chunks live for one unwind only, as
 *     the tracee's memory may change between two. So a warm unwind costs a
 *     couple of mem_read() calls, not one syscall per frame.
 * Registers come from one PTRACE_GETREGS per unwind, not PTRACE_PEEKUSER per
 * register. The remaining accessors are libunwind's _UPT ones, but for
 * code _UPT_find_proc_info cannot open by path (a file deleted or replaced
 * since it was mapped, the vdso): we search its .eh_frame_hdr in our own
 * mapping (or copy, for the vdso).
 *
 * Replay. Even warm, libunwind 1.6.2 makes two rt_sigprocmask calls per
 * frame (the lock around its global cache). A walk is a function of the
 * registers and of the stack words it read (code and unwind tables do not
 * change while the state lives), so each thread's last walk is kept with
 * those words; when the registers and every word are unchanged, the walk
 * is reused: one PTRACE_GETREGS and a chunk of stack per unwind.
 *
 * Names are resolved after the walk (libunwind knows a frame is a signal
 * frame only once it has stepped out of it); a call inlined at a pc gives
 * a frame of its own, as in gdb. A walk that libunwind ends at a frame
 * without unwind information (its zero-frame-pointer heuristic) is marked
 * truncated: the true outermost frames (_start, clone3) have some.
 *
 * libunwind passes the _UPT handle as the accessors' argument, also from
 * inside _UPT_find_proc_info, so our accessors cannot receive a context of
 * their own: the unwind in progress is in unwind_walking (ptinspect unwinds
 * from one thread, the tracer's).
 *
 * Mappings. Unwinding happens while a process is paused, when its mappings
 * cannot change. A pc outside every known mapping (code mapped since the
 * state was built) makes us re-read the maps once per unwind; exec and
 * unmaps, where stale state would lie, need unwind_forget().
 */
#include "config.h"

#include <errno.h>
#include <elf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include <libunwind.h>
#include <libunwind-ptrace.h>

#include "maps.h"
#include "mem.h"
#include "dwarf-value.h"
#include "symbols.h"
#include "task.h"
#include "corefile.h"
#include "coreunwind.h"
#include "unwind.h"
#include "unwind-int.h"
#include "util.h"

static struct unwind_proc *unwind_procs;
static struct unwind_proc *unwind_walking;
static struct unwind_stats unwind_stats;
static bool unwind_replay_on = true;
static const struct sym_info unwind_no_symbol;

static struct unwind_proc *unwind_proc_get(struct proc *p, char **errp);
static int unwind_proc_load(struct unwind_proc *up, char **errp);
static void unwind_proc_unload(struct unwind_proc *up);
static void unwind_proc_free(struct unwind_proc *up);
static int unwind_refresh(struct unwind_proc *up, char **errp);
static int unwind_get_regs(pid_t tid, struct user_regs_struct *regs,
    char **errp);
static bool unwind_replay(struct unwind_proc *up, pid_t tid,
    struct backtrace *bt);
static void unwind_remember(struct unwind_proc *up, pid_t tid,
    const struct backtrace *bt);
static void unwind_forget_memos(struct unwind_proc *up);
static void unwind_walk(struct unwind_proc *up, struct backtrace *bt);
static void unwind_frame_regs(unw_cursor_t *cursor, struct frame *f);
static bool unwind_caller(const struct sym_frame *sf, struct sym_frame *out,
    uint64_t regs[17]);
static void unwind_check_end(struct unwind_proc *up, struct backtrace *bt);
static void unwind_name_frames(struct unwind_proc *up, struct backtrace *bt);
static void unwind_tailcall_frame(struct symbols *syms, struct frame *g,
    uint64_t pc, uint64_t cfa);
static size_t unwind_strsize(const char *s);
static int unwind_core_thread(struct proc *p, pid_t tid,
    struct backtrace *out, char **errp);
static const char *unwind_strcopy(char **p, const char *s);
static const struct unwind_span *unwind_span_find(struct unwind_proc *up,
    uint64_t addr, size_t len);
static int unwind_read(struct unwind_proc *up, uint64_t addr, void *buf,
    size_t len);
static int unwind_access_mem(unw_addr_space_t as, unw_word_t addr,
    unw_word_t *valp, int write, void *arg);
static int unwind_access_reg(unw_addr_space_t as, unw_regnum_t reg,
    unw_word_t *valp, int write, void *arg);
static int unwind_find_proc_info(unw_addr_space_t as, unw_word_t ip,
    unw_proc_info_t *pi, int need_unwind_info, void *arg);
static bool unwind_eh_table(const struct unwind_file *f, uint64_t bias,
    unw_dyn_info_t *di);

/*
 * Exported by libunwind for libunwind-ptrace's _UPT_find_proc_info, though
 * not declared in its public headers.
 */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as,
    unw_word_t ip, unw_dyn_info_t *di, unw_proc_info_t *pi,
    int need_unwind_info, void *arg);

static unw_accessors_t unwind_accessors = {
	.find_proc_info = unwind_find_proc_info,
	.put_unwind_info = _UPT_put_unwind_info,
	.get_dyn_info_list_addr = _UPT_get_dyn_info_list_addr,
	.access_mem = unwind_access_mem,
	.access_reg = unwind_access_reg,
	.access_fpreg = _UPT_access_fpreg,
	.resume = _UPT_resume,
	.get_proc_name = _UPT_get_proc_name,
};

/* libunwind's register numbers to struct user_regs_struct fields. */
static const size_t unwind_reg_offsets[] = {
	[UNW_X86_64_RAX] = offsetof(struct user_regs_struct, rax),
	[UNW_X86_64_RDX] = offsetof(struct user_regs_struct, rdx),
	[UNW_X86_64_RCX] = offsetof(struct user_regs_struct, rcx),
	[UNW_X86_64_RBX] = offsetof(struct user_regs_struct, rbx),
	[UNW_X86_64_RSI] = offsetof(struct user_regs_struct, rsi),
	[UNW_X86_64_RDI] = offsetof(struct user_regs_struct, rdi),
	[UNW_X86_64_RBP] = offsetof(struct user_regs_struct, rbp),
	[UNW_X86_64_RSP] = offsetof(struct user_regs_struct, rsp),
	[UNW_X86_64_R8] = offsetof(struct user_regs_struct, r8),
	[UNW_X86_64_R9] = offsetof(struct user_regs_struct, r9),
	[UNW_X86_64_R10] = offsetof(struct user_regs_struct, r10),
	[UNW_X86_64_R11] = offsetof(struct user_regs_struct, r11),
	[UNW_X86_64_R12] = offsetof(struct user_regs_struct, r12),
	[UNW_X86_64_R13] = offsetof(struct user_regs_struct, r13),
	[UNW_X86_64_R14] = offsetof(struct user_regs_struct, r14),
	[UNW_X86_64_R15] = offsetof(struct user_regs_struct, r15),
	[UNW_X86_64_RIP] = offsetof(struct user_regs_struct, rip),
};

int
unwind_thread(struct proc *p, struct thread *t, struct backtrace *out,
    char **errp)
{
	struct user_regs_struct regs;
	struct unwind_proc *up;
	unsigned i;

	memset(out, 0, sizeof *out);
	out->tid = t->tid;
	if (p->core != NULL)
		return unwind_core_thread(p, t->tid, out, errp);
	if (unwind_get_regs(t->tid, &regs, errp) == -1)
		return -1;
	/* Held inside the mmap stub: the stack is the program's call. */
	proc_program_view(p, &regs);
	unwind_stats.unwinds++;
	up = unwind_proc_get(p, errp);
	if (up == NULL)
		return -1;
	up->regs = regs;
	for (i = 0; i < UNWIND_NCHUNKS; i++)
		up->chunks[i].len = 0;
	if (!unwind_replay(up, t->tid, out)) {
		up->nwords = 0;
		unwind_walking = up;
		unwind_walk(up, out);
		unwind_walking = NULL;
		unwind_remember(up, t->tid, out);
	}
	unwind_name_frames(up, out);
	return 0;
}

void
backtrace_free(struct backtrace *bt)
{
	free(bt->frames);
	free(bt->error);
	free(bt->strings);
	memset(bt, 0, sizeof *bt);
}

void
unwind_forget(struct proc *p)
{
	struct unwind_proc **upp, *up;

	for (upp = &unwind_procs; *upp != NULL; upp = &(*upp)->next) {
		if ((*upp)->pid == p->pid || (*upp)->proc == p) {
			up = *upp;
			*upp = up->next;
			unwind_proc_free(up);
			return;
		}
	}
}

bool
unwind_symbolize(struct proc *p, uint64_t addr, char *buf, size_t len)
{
	struct symbols *syms = unwind_symbols(p);
	const struct sym_info *info;

	if (syms == NULL)
		return false;
	info = symbols_lookup(syms, addr, false);
	if (info->function == NULL)
		return false;
	snprintf(buf, len, "%s+0x%" PRIx64, info->function, info->offset);
	return true;
}

const struct sym_info *
unwind_lookup(struct proc *p, uint64_t addr)
{
	struct symbols *syms = unwind_symbols(p);

	return syms != NULL ? symbols_lookup(syms, addr, false) : NULL;
}

static long
unwind_args_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return (long)mem_read(arg, addr, buf, len, NULL);
}

bool
unwind_frame_args(struct proc *p, const struct backtrace *bt, size_t i,
    char *buf, size_t len)
{
	struct sym_frame sf;
	uint64_t dregs[17];
	struct symbols *syms;
	struct dwv_env env = { .read = unwind_args_read, .arg = p };

	if (bt->frames[i].inlined)
		return false;
	if ((syms = unwind_sym_frame(p, bt, i, &sf, dregs)) == NULL)
		return false;
	env.dwfl = symbols_dwfl(syms);
	env.index = symbols_cache_slot(syms, dwv_index_free);
	env.frame = &sf;
	return dwv_frame_args_text(&env, buf, len);
}

struct symbols *
unwind_sym_frame(struct proc *p, const struct backtrace *bt, size_t i,
    struct sym_frame *sf, uint64_t dregs[17])
{
	const struct frame *fr = &bt->frames[i];
	struct user_regs_struct regs;
	struct symbols *syms;
	struct thread *t;
	size_t j;

	if ((syms = unwind_symbols(p)) == NULL)
		return NULL;
	memset(sf, 0, sizeof *sf);
	sf->pc = fr->pc;
	sf->inlined = fr->inlined;
	sf->cfa = fr->cfa;
	sf->read = unwind_args_read;
	sf->arg = p;
	/*
	 * A return address unless this is the innermost real frame (only
	 * inlined calls before it) or a signal interrupted it, as
	 * unwind_name_frames looks it up.
	 */
	for (j = 0; j < i; j++)
		if (!bt->frames[j].inlined)
			sf->return_address = true;
	if (fr->signal_frame || (i > 0 && bt->frames[i - 1].signal_frame))
		sf->return_address = false;
	sf->caller = unwind_caller;
	sf->walk = bt;
	sf->index = i;
	/* The innermost real frame: the thread's registers are its own. */
	for (j = 0; j < i && bt->frames[j].inlined; j++)
		;
	if (j == i && (t = proc_find_thread(p, bt->tid)) != NULL &&
	    thread_program_regs(t, &regs, NULL) == 0) {
		const unsigned long long dw[17] = {
			regs.rax, regs.rdx, regs.rcx, regs.rbx, regs.rsi,
			regs.rdi, regs.rbp, regs.rsp, regs.r8, regs.r9,
			regs.r10, regs.r11, regs.r12, regs.r13, regs.r14,
			regs.r15, regs.rip,
		};

		for (j = 0; j < 17; j++)
			dregs[j] = dw[j];
		sf->regs = dregs;
		sf->regs_known = SYM_REGS_ALL;
	} else if (fr->regs_known != 0) {
		/* An outer frame: those the unwinder recovered. */
		memcpy(dregs, fr->regs, sizeof fr->regs);
		sf->regs = dregs;
		sf->regs_known = fr->regs_known;
	}
	return syms;
}

/*
 * The frame that called sf's function: past the inlined calls sharing
 * its pc, the next frame of the walk (an inlined call there too, whose
 * registers are its containing frame's). A signal frame has no call site.
 */
static bool
unwind_caller(const struct sym_frame *sf, struct sym_frame *out,
    uint64_t regs[17])
{
	const struct backtrace *bt = sf->walk;
	size_t j = sf->index;

	while (j < bt->count && bt->frames[j].inlined)
		j++;
	if (j + 1 >= bt->count || bt->frames[j].signal_frame ||
	    bt->frames[j + 1].signal_frame)
		return false;
	return unwind_sym_frame(sf->arg, bt, j + 1, out, regs) != NULL;
}

/* A core's are built on first use and go with it (postmortem_close). */
struct symbols *
unwind_symbols(struct proc *p)
{
	struct unwind_proc *up;

	if (p->core != NULL) {
		if (p->core_syms == NULL)
			p->core_syms = symbols_new_core(p->core->fd,
			    p->core->path, p->core_exe, NULL);
		return p->core_syms;
	}
	up = unwind_proc_get(p, NULL);
	return up != NULL ? up->syms : NULL;
}

void
unwind_get_stats(struct unwind_stats *out)
{
	*out = unwind_stats;
}

void
unwind_set_replay(bool on)
{
	unwind_replay_on = on;
}

/* The state of p, built when missing or when it belongs to an old proc. */
static struct unwind_proc *
unwind_proc_get(struct proc *p, char **errp)
{
	struct unwind_proc *up;

	if (p->core != NULL) {
		set_error(errp, "not available for a core file");
		return NULL;
	}
	for (up = unwind_procs; up != NULL; up = up->next) {
		if (up->pid == p->pid)
			break;
	}
	if (up != NULL && up->proc != p) {
		unwind_forget(p);
		up = NULL;
	}
	if (up == NULL) {
		up = xcalloc(1, sizeof *up);
		up->proc = p;
		up->pid = p->pid;
		up->chunks = xcalloc(UNWIND_NCHUNKS, sizeof *up->chunks);
		up->as = unw_create_addr_space(&unwind_accessors, 0);
		if (up->as == NULL)
			fatalx("libunwind: cannot create an address space");
		unw_set_caching_policy(up->as, UNW_CACHE_GLOBAL);
		if (unwind_proc_load(up, errp) == -1) {
			unwind_proc_free(up);
			return NULL;
		}
		up->next = unwind_procs;
		unwind_procs = up;
	}
	/* The thread _UPT reads /proc/TID/maps through may have exited. */
	if (up->upt_tid != proc_access_tid(p)) {
		if (up->upt != NULL)
			_UPT_destroy(up->upt);
		up->upt_tid = proc_access_tid(p);
		up->upt = _UPT_create(up->upt_tid);
		if (up->upt == NULL)
			fatalx("libunwind: _UPT_create failed");
	}
	return up;
}

/* Reads the maps, maps the code files and reports the modules. */
static int
unwind_proc_load(struct unwind_proc *up, char **errp)
{
	pid_t tid = proc_access_tid(up->proc);

	up->loaded_at = unwind_stats.unwinds;
	if (maps_read(tid, &up->maps, errp) == -1)
		return -1;
	unwind_map_files(up, tid);
	if (up->syms == NULL)
		up->syms = symbols_new(tid, errp);
	else if (symbols_refresh(up->syms, errp) == -1)
		return -1;
	return up->syms == NULL ? -1 : 0;
}

/*
 * Drops the maps snapshot, the spans, our file mappings and the tail call
 * answers (a callee's module may be new).
 */
static void
unwind_proc_unload(struct unwind_proc *up)
{
	size_t i;

	for (i = 0; i < up->nfiles; i++) {
		if (up->files[i].copied)
			free((void *)up->files[i].base);
		else if (up->files[i].base != NULL)
			munmap((void *)up->files[i].base, up->files[i].size);
	}
	free(up->files);
	up->files = NULL;
	up->nfiles = 0;
	free(up->spans);
	up->spans = NULL;
	up->nspans = 0;
	up->last_span = NULL;
	maps_free(&up->maps);
	unwind_tailcalls_free(up->tailcalls);
	up->tailcalls = NULL;
}

static void
unwind_proc_free(struct unwind_proc *up)
{
	unwind_forget_memos(up);
	free(up->words);
	unwind_proc_unload(up);
	symbols_free(up->syms);
	if (up->upt != NULL)
		_UPT_destroy(up->upt);
	unw_destroy_addr_space(up->as);
	free(up->chunks);
	free(up);
}

/* New code was mapped: rebuild the snapshot; cached names stay valid. */
static int
unwind_refresh(struct unwind_proc *up, char **errp)
{
	unwind_forget_memos(up);
	unwind_proc_unload(up);
	return unwind_proc_load(up, errp);
}

/* The registers of a thread we hold in a ptrace-stop. */
static int
unwind_get_regs(pid_t tid, struct user_regs_struct *regs, char **errp)
{
	unwind_stats.regs_fetches++;
	if (ptrace(PTRACE_GETREGS, tid, NULL, regs) == 0)
		return 0;
	if (errno == ESRCH)
		return set_error(errp, "thread %d is not stopped", (int)tid);
	return set_error(errp, "thread %d: PTRACE_GETREGS: %s", (int)tid,
	    strerror(errno));
}

/*
 * Gives tid's last walk again when its registers and every stack word that
 * walk read are unchanged: one PTRACE_GETREGS and a chunk or two of stack
 * instead of libunwind's walk.
 */
static bool
unwind_replay(struct unwind_proc *up, pid_t tid, struct backtrace *bt)
{
	struct unwind_memo *m;
	uint64_t value;
	size_t i;

	for (m = up->memos; m != NULL; m = m->next) {
		if (m->tid == tid)
			break;
	}
	if (!unwind_replay_on || m == NULL ||
	    memcmp(&m->regs, &up->regs, sizeof m->regs) != 0)
		return false;
	for (i = 0; i < m->nwords; i++) {
		if (unwind_read(up, m->words[i].addr, &value,
		    sizeof value) == -1 || value != m->words[i].value)
			return false;
	}
	unwind_stats.replays++;
	bt->frames = xreallocarray(NULL, m->count + 1, sizeof *bt->frames);
	if (m->count > 0)
		memcpy(bt->frames, m->frames, m->count * sizeof *bt->frames);
	bt->count = m->count;
	bt->truncated = m->truncated;
	bt->error = m->error != NULL ? xstrdup(m->error) : NULL;
	return true;
}

/* Keeps the walk just done (frames not yet named) for unwind_replay. */
static void
unwind_remember(struct unwind_proc *up, pid_t tid, const struct backtrace *bt)
{
	struct unwind_memo *m;

	for (m = up->memos; m != NULL; m = m->next) {
		if (m->tid == tid)
			break;
	}
	if (m == NULL) {
		m = xcalloc(1, sizeof *m);
		m->tid = tid;
		m->next = up->memos;
		up->memos = m;
	}
	m->regs = up->regs;
	/* No word read (a wild rsp) or no frame: nothing to copy from. */
	m->words = xreallocarray(m->words, up->nwords + 1, sizeof *m->words);
	if (up->nwords > 0)
		memcpy(m->words, up->words, up->nwords * sizeof *m->words);
	m->nwords = up->nwords;
	m->frames = xreallocarray(m->frames, bt->count + 1, sizeof *m->frames);
	if (bt->count > 0)
		memcpy(m->frames, bt->frames, bt->count * sizeof *m->frames);
	m->count = bt->count;
	m->truncated = bt->truncated;
	free(m->error);
	m->error = bt->error != NULL ? xstrdup(bt->error) : NULL;
}

static void
unwind_forget_memos(struct unwind_proc *up)
{
	struct unwind_memo *m;

	while ((m = up->memos) != NULL) {
		up->memos = m->next;
		free(m->words);
		free(m->frames);
		free(m->error);
		free(m);
	}
}

/*
 * Walks the stack, recording each frame's pc and whether it is a signal
 * frame. libunwind tells the latter only once it has stepped out of the
 * frame, so names are resolved afterwards (unwind_name_frames).
 */
static void
unwind_walk(struct unwind_proc *up, struct backtrace *bt)
{
	unw_cursor_t cursor;
	unw_word_t ip, sp, prev_ip = 0, prev_sp = 0;
	struct frame *f;
	int r;

	r = unw_init_remote(&cursor, up->as, up->upt);
	if (r < 0) {
		bt->truncated = true;
		bt->error = xstrfmt("cannot start unwinding: %s",
		    unw_strerror(r));
		return;
	}
	for (;;) {
		if (bt->count == UNWIND_MAX_FRAMES) {
			bt->truncated = true;
			bt->error = xstrfmt("more than %d frames",
			    UNWIND_MAX_FRAMES);
			return;
		}
		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 ||
		    unw_get_reg(&cursor, UNW_REG_SP, &sp) < 0) {
			bt->truncated = true;
			bt->error = xstrfmt("frame #%zu: no pc or sp",
			    bt->count);
			return;
		}
		if (bt->count > 0 && ip == 0)
			return;	/* a zero return address ends it */
		if (bt->count > 0 && ip == prev_ip && sp == prev_sp) {
			bt->truncated = true;
			bt->error = xstrfmt("frame #%zu repeats frame #%zu",
			    bt->count, bt->count - 1);
			return;
		}
		if (bt->count % 64 == 0)
			bt->frames = xreallocarray(bt->frames, bt->count + 64,
			    sizeof *bt->frames);
		f = &bt->frames[bt->count++];
		memset(f, 0, sizeof *f);
		f->pc = ip;
		f->sp = sp;
		unwind_frame_regs(&cursor, f);
		/* The caller's sp is the callee's canonical frame address. */
		if (bt->count > 1)
			bt->frames[bt->count - 2].cfa = sp;
		prev_ip = ip;
		prev_sp = sp;
		r = unw_step(&cursor);
		if (r == 0) {
			unwind_check_end(up, bt);
			return;
		}
		if (r < 0) {
			bt->truncated = true;
			bt->error = xstrfmt("cannot unwind past frame #%zu: %s",
			    bt->count - 1, unw_strerror(r));
			return;
		}
		f->signal_frame = unw_is_signal_frame(&cursor) > 0;
	}
}

/*
 * Records the registers of frame f as libunwind has them: in frame #0
 * and a frame a signal interrupted, its own; in the others, the ones the
 * callee saved (rbx, rbp, r12-r15 by its CFI), and for the rest the
 * callee's values, which gdb shows too (DWARF's "same value").
 */
static void
unwind_frame_regs(unw_cursor_t *cursor, struct frame *f)
{
	unw_word_t val;
	unsigned r;

	for (r = 0; r < 17; r++) {
		/* libunwind's x86-64 register numbers are DWARF's. */
		if (unw_get_reg(cursor, (int)r, &val) == 0) {
			f->regs[r] = val;
			f->regs_known |= 1u << r;
		}
	}
}

/*
 * libunwind also ends a walk "normally" when a frame without unwind
 * information has a zero frame pointer (hand-written assembly, JIT code):
 * the true end is a frame whose unwind information says there is no caller
 * (_start, clone3). A last frame without any is a truncated stack.
 */
static void
unwind_check_end(struct unwind_proc *up, struct backtrace *bt)
{
	const struct frame *last = &bt->frames[bt->count - 1];
	unw_proc_info_t pi;
	uint64_t pc = last->pc;
	unsigned i;

	/* A return address is looked up inside the call, as libunwind does. */
	if (bt->count > 1 && !bt->frames[bt->count - 2].signal_frame)
		pc--;
	for (i = 0; i < UNWIND_NENDS; i++) {
		if (up->ends[i] == pc)
			return;
	}
	if (unw_get_proc_info_by_ip(up->as, pc, &pi, up->upt) ==
	    -UNW_ENOINFO) {
		bt->truncated = true;
		bt->error = xstrfmt("no unwind information for frame #%zu",
		    bt->count - 1);
		return;
	}
	up->ends[up->next_end] = pc;
	up->next_end = (up->next_end + 1) % UNWIND_NENDS;
}

/*
 * Names every frame. A return address is looked up inside the call (pc - 1);
 * the signal trampoline's pc and the pc a signal interrupted are exact.
 * The names are copied into one block, bt->strings.
 */
static void
unwind_name_frames(struct unwind_proc *up, struct backtrace *bt)
{
	const struct sym_info *si;
	const struct region *r;
	struct frame *out, *f, *g;
	uint64_t tail[UNWIND_TAILCALL_MAX];
	size_t size = 0, cap = bt->count, n = 0, i, k, ntail;
	char *err = NULL, *p;
	bool ret;

	out = xreallocarray(NULL, cap + 1, sizeof *out);
	for (i = 0; i < bt->count; i++) {
		f = &bt->frames[i];
		/*
		 * Code mapped since the maps were read, once per state: a pc
		 * in no mapping may just be garbage from a broken stack.
		 */
		if (!up->refreshed && up->loaded_at != unwind_stats.unwinds &&
		    maps_find(&up->maps, f->pc) == NULL) {
			up->refreshed = true;
			if (unwind_refresh(up, &err) == -1) {
				/* Names are lost from here on: say why. */
				if (bt->error == NULL)
					bt->error = err;
				else
					free(err);
				bt->truncated = true;
				break;
			}
		}
		/* The cache's strings, copied below: the cache may move. */
		r = maps_find(&up->maps, f->pc);
		ret = i > 0 && !f->signal_frame &&
		    !bt->frames[i - 1].signal_frame;
		if (r == NULL || r->perms[2] != 'x')
			r = NULL;
		/* Functions that jumped to the frame below (gdb's too). */
		ntail = r != NULL && ret && out[n - 1].function != NULL ?
		    unwind_tailcalls(up->syms, &up->tailcalls, f->pc,
		    out[n - 1].pc - out[n - 1].offset, tail) : 0;
		if (n + ntail + 1 > cap) {
			cap = n + ntail + 1 + bt->count - i;
			out = xreallocarray(out, cap, sizeof *out);
		}
		for (k = 0; k < ntail; k++, n++)
			unwind_tailcall_frame(up->syms, &out[n], tail[k],
			    out[n - 1].cfa);
		si = r == NULL ? &unwind_no_symbol :	/* a garbage pc */
		    symbols_lookup(up->syms, f->pc, ret);
		if (n + si->ninlined + 1 > cap) {
			cap = n + si->ninlined + 1 + bt->count - i;
			out = xreallocarray(out, cap, sizeof *out);
		}
		for (k = 0; k < si->ninlined; k++) {
			g = &out[n++];
			memset(g, 0, sizeof *g);
			g->pc = f->pc;
			g->sp = f->sp;
			g->cfa = f->cfa;
			memcpy(g->regs, f->regs, sizeof g->regs);
			g->regs_known = f->regs_known;
			g->function = si->inlined[k].function;
			g->file = si->inlined[k].file;
			g->line = si->inlined[k].line;
			g->module = si->module;
			g->inlined = true;
		}
		g = &out[n++];
		*g = *f;
		g->function = si->function;
		g->offset = si->function != NULL ? si->offset : 0;
		g->file = si->file;
		g->line = si->line;
		g->module = si->module;
		unwind_stats.frames++;
	}
	free(bt->frames);
	bt->frames = out;
	bt->count = n;
	for (i = 0; i < n; i++)
		size += unwind_strsize(out[i].function) +
		    unwind_strsize(out[i].file) + unwind_strsize(out[i].module);
	p = bt->strings = xmalloc(size + 1);
	for (i = 0; i < n; i++) {
		out[i].function = unwind_strcopy(&p, out[i].function);
		out[i].file = unwind_strcopy(&p, out[i].file);
		out[i].module = unwind_strcopy(&p, out[i].module);
	}
}

/*
 * Frame g of a function that jumped to the frame below, whose cfa it
 * shares; pc is the address after its jump, so inside it (a return
 * address). Its registers are unknown.
 */
static void
unwind_tailcall_frame(struct symbols *syms, struct frame *g, uint64_t pc,
    uint64_t cfa)
{
	const struct sym_info *si = symbols_lookup(syms, pc, true);

	memset(g, 0, sizeof *g);
	g->pc = pc;
	g->cfa = cfa;
	g->sp = cfa != 0 ? cfa - 8 : 0;	/* the return address's slot */
	g->function = si->function;
	g->offset = si->function != NULL ? si->offset : 0;
	g->file = si->file;
	g->line = si->line;
	g->module = si->module;
	g->tailcall = true;
}

static size_t
unwind_strsize(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* Copies s to *p and advances *p past it; NULL stays NULL. */
static const char *
unwind_strcopy(char **p, const char *s)
{
	char *copy = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(copy, s, n);
	*p += n;
	return copy;
}

/* The file span holding all of [addr, addr + len), or NULL. */
static const struct unwind_span *
unwind_span_find(struct unwind_proc *up, uint64_t addr, size_t len)
{
	const struct unwind_span *s = up->last_span;
	size_t i;

	if (s == NULL || addr < s->start || addr >= s->end) {
		s = NULL;
		i = sorted_upper_bound(up->spans, up->nspans, sizeof *up->spans,
		    offsetof(struct unwind_span, end), addr);
		if (i < up->nspans && addr >= up->spans[i].start) {
			s = &up->spans[i];
			up->last_span = s;
		}
	}
	return s != NULL && len <= s->end - addr ? s : NULL;
}

/*
 * Copies len bytes of tracee memory at addr: from a file span, from a chunk
 * copied earlier in this unwind, or into a new chunk through mem_read().
 * 0, or -1 when the bytes are not mapped.
 */
static int
unwind_read(struct unwind_proc *up, uint64_t addr, void *buf, size_t len)
{
	const struct unwind_span *s;
	const struct region *r;
	struct unwind_chunk *c;
	size_t want = UNWIND_CHUNK, i;
	ssize_t n;

	unwind_stats.mem_accesses++;
	if ((s = unwind_span_find(up, addr, len)) != NULL) {
		unwind_stats.file_reads++;
		memcpy(buf, s->data + (addr - s->start), len);
		return 0;
	}
	for (i = 0; i < UNWIND_NCHUNKS; i++) {
		c = &up->chunks[i];
		if (c->len != 0 && addr >= c->start &&
		    addr - c->start <= c->len && len <= c->len -
		    (addr - c->start)) {
			unwind_stats.cache_reads++;
			memcpy(buf, c->data + (addr - c->start), len);
			return 0;
		}
	}
	c = &up->chunks[up->next_chunk];
	up->next_chunk = (up->next_chunk + 1) % UNWIND_NCHUNKS;
	c->start = addr & ~(uint64_t)(PTI_PAGE_SIZE - 1);
	/* Stop at the region's end: reading past it costs failing syscalls. */
	r = maps_find(&up->maps, addr);
	if (r != NULL && r->end - c->start < want &&
	    r->end - c->start >= addr - c->start + len)
		want = r->end - c->start;
	unwind_stats.mem_reads++;
	n = mem_read(up->proc, c->start, c->data, want, NULL);
	c->len = n > 0 ? (size_t)n : 0;
	if (c->len < addr - c->start + len)
		return -1;
	memcpy(buf, c->data + (addr - c->start), len);
	return 0;
}

static int
unwind_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp,
    int write, void *arg)
{
	struct unwind_proc *up = unwind_walking;

	if (up == NULL || arg != up->upt || write)
		return -UNW_EINVAL;
	if (unwind_read(up, addr, valp, sizeof *valp) == -1)
		return -UNW_EINVAL;
	if (unwind_span_find(up, addr, sizeof *valp) == NULL) {
		if (up->nwords == up->words_size) {
			up->words_size = up->words_size ? up->words_size * 2 :
			    64;
			up->words = xreallocarray(up->words, up->words_size,
			    sizeof *up->words);
		}
		up->words[up->nwords].addr = addr;
		up->words[up->nwords++].value = *valp;
	}
	return 0;
}

static int
unwind_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *valp,
    int write, void *arg)
{
	struct unwind_proc *up = unwind_walking;

	if (up == NULL || arg != up->upt)
		return -UNW_EINVAL;
	if (reg < 0 || (size_t)reg >= ARRAY_SIZE(unwind_reg_offsets))
		return -UNW_EBADREG;
	if (write)
		return -UNW_EREADONLYREG;
	memcpy(valp, (const char *)&up->regs + unwind_reg_offsets[reg],
	    sizeof *valp);
	return 0;
}

/*
 * libunwind's own lookup first. It opens the mapped path itself, so a file
 * deleted or replaced since it was mapped ("/x (deleted)") has no unwind
 * information for it; we have the file mapped (through map_files), so we
 * search its .eh_frame_hdr table ourselves, the way _UPT does.
 */
static int
unwind_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
    int need_unwind_info, void *arg)
{
	struct unwind_proc *up = unwind_walking;
	const struct unwind_span *s;
	unw_dyn_info_t di;
	int r;

	unwind_stats.proc_info_lookups++;
	r = _UPT_find_proc_info(as, ip, pi, need_unwind_info, arg);
	if (r != -UNW_ENOINFO || up == NULL || arg != up->upt ||
	    (s = unwind_span_find(up, ip, 1)) == NULL ||
	    !unwind_eh_table(&up->files[s->file], s->bias, &di))
		return r;
	return UNW_OBJ(dwarf_search_unwind_table)(as, ip, &di, pi,
	    need_unwind_info, arg);
}

/*
 * Describes the binary-search table of a mapped object's .eh_frame_hdr (at
 * its tracee address) for dwarf_search_unwind_table. Only the encodings
 * every x86-64 linker writes are accepted.
 */
static bool
unwind_eh_table(const struct unwind_file *f, uint64_t bias,
    unw_dyn_info_t *di)
{
	const Elf64_Phdr *ph, *eh = NULL;
	const uint8_t *hdr;
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t count;
	size_t n, i;

	ph = unwind_phdrs(f, &n);
	for (i = 0; i < n; i++) {
		if (ph[i].p_type == PT_GNU_EH_FRAME)
			eh = &ph[i];
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < lo)
			lo = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > hi)
			hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	if (eh == NULL || eh->p_offset > f->size || f->size - eh->p_offset < 12)
		return false;
	hdr = f->base + eh->p_offset;
	/* version 1; eh_frame_ptr pcrel|sdata4; count udata4; datarel|sdata4 */
	if (hdr[0] != 1 || hdr[1] != 0x1b || hdr[2] != 0x03 || hdr[3] != 0x3b)
		return false;
	memcpy(&count, hdr + 8, sizeof count);
	if ((f->size - eh->p_offset - 12) / 8 < count)
		return false;
	memset(di, 0, sizeof *di);
	di->format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di->start_ip = bias + lo;
	di->end_ip = bias + hi;
	di->u.rti.segbase = bias + eh->p_vaddr;
	di->u.rti.table_data = bias + eh->p_vaddr + 12;
	di->u.rti.table_len = (uint64_t)count * 8 / sizeof(unw_word_t);
	return true;
}

/*
 * Thread tid's backtrace from a core file (postmortem.c), by libdwfl
 * (coreunwind.c), in the shape of a live one. Source lines come from the
 * core's symbols (unwind_symbols), as a live frame's: absolute paths, and
 * gdb's line where several rows start at the pc; the module is the path
 * of the region the pc is in (libdwfl names it by its base name).
 */
static int
unwind_core_thread(struct proc *p, pid_t tid, struct backtrace *out,
    char **errp)
{
	const struct coreunwind_thread *th = NULL;
	const struct sym_info **info;
	const struct region *r;
	const char **module;
	struct symbols *syms = unwind_symbols(p);
	struct coreunwind *cu;
	struct frame *fr;
	uint64_t *tail;
	size_t i, k, n, *ntail, size = 0, total;
	char *at;

	memset(out, 0, sizeof *out);
	out->tid = tid;
	/* libdwfl unwinds every thread at once: keep them all. */
	if (p->core_bt == NULL) {
		cu = xcalloc(1, sizeof *cu);
		if (coreunwind(p->core, p->core_exe, UNWIND_MAX_FRAMES, cu,
		    errp) < 0) {
			free(cu);
			return -1;
		}
		p->core_bt = cu;
	}
	cu = p->core_bt;
	for (i = 0; i < cu->count; i++)
		if (cu->threads[i].tid == tid)
			th = &cu->threads[i];
	if (th == NULL)
		return set_error(errp, "thread %d is not in the core",
		    (int)tid);
	n = th->count > 0 ? th->count : 1;
	info = xcalloc(n, sizeof(*info));
	module = xcalloc(n, sizeof(*module));
	ntail = xcalloc(n, sizeof(*ntail));
	tail = xcalloc(n * UNWIND_TAILCALL_MAX, sizeof(*tail));
	total = th->count;
	for (i = 0; i < th->count; i++) {
		const struct coreunwind_frame *f = &th->frames[i];

		/* Functions that jumped to the frame below (gdb's too). */
		if (syms != NULL && i > 0 && !f->activation &&
		    th->frames[i - 1].function != NULL)
			ntail[i] = unwind_tailcalls(syms, NULL, f->pc,
			    th->frames[i - 1].pc - th->frames[i - 1].offset,
			    &tail[i * UNWIND_TAILCALL_MAX]);
		for (k = 0; k < ntail[i]; k++) {
			uint64_t pc = tail[i * UNWIND_TAILCALL_MAX + k];
			const struct sym_info *si = symbols_lookup(syms, pc,
			    true);

			r = maps_find(&p->core->maps, pc);
			size += unwind_strsize(si->function) +
			    unwind_strsize(si->file) +
			    unwind_strsize(r != NULL && r->name[0] == '/' ?
			    r->name : si->module);
		}
		total += ntail[i];
		if (syms != NULL)
			info[i] = symbols_lookup(syms, f->pc, !f->activation);
		if (info[i] != NULL && info[i]->file == NULL)
			info[i] = NULL;
		r = maps_find(&p->core->maps, f->pc);
		module[i] = r != NULL && r->name[0] == '/' ? r->name :
		    f->module;
		size += unwind_strsize(f->function) +
		    unwind_strsize(info[i] != NULL ? info[i]->file :
		    f->file) + unwind_strsize(module[i]);
	}
	out->frames = xcalloc(total > 0 ? total : 1, sizeof(*out->frames));
	at = out->strings = xmalloc(size > 0 ? size : 1);
	for (i = 0; i < th->count; i++) {
		const struct coreunwind_frame *f = &th->frames[i];

		for (k = 0; k < ntail[i]; k++) {
			fr = &out->frames[out->count++];
			/* The callee's cfa: by its CFI, else our sp. */
			unwind_tailcall_frame(syms, fr,
			    tail[i * UNWIND_TAILCALL_MAX + k],
			    th->frames[i - 1].cfa != 0 ?
			    th->frames[i - 1].cfa : f->sp);
			fr->function = unwind_strcopy(&at, fr->function);
			fr->file = unwind_strcopy(&at, fr->file);
			r = maps_find(&p->core->maps, fr->pc);
			fr->module = unwind_strcopy(&at, r != NULL &&
			    r->name[0] == '/' ? r->name : fr->module);
		}
		fr = &out->frames[out->count++];
		fr->pc = f->pc;
		fr->sp = f->sp;
		memcpy(fr->regs, f->regs, sizeof fr->regs);
		fr->regs_known = f->regs_known;
		/* By its CFI, else (x86-64) its caller's stack pointer. */
		fr->cfa = f->cfa != 0 ? f->cfa : i + 1 < th->count ?
		    th->frames[i + 1].sp : 0;
		/* The interrupted frame's pc is exact: the one before it is
		 * the signal trampoline. */
		fr->signal_frame = i + 1 < th->count &&
		    th->frames[i + 1].activation;
		fr->offset = f->offset;
		fr->line = info[i] != NULL ? info[i]->line : f->line;
		fr->function = unwind_strcopy(&at, f->function);
		fr->file = unwind_strcopy(&at, info[i] != NULL ?
		    info[i]->file : f->file);
		fr->module = unwind_strcopy(&at, module[i]);
	}
	free(info);
	free(module);
	free(ntail);
	free(tail);
	if (th->error != NULL) {
		out->truncated = true;
		out->error = xstrdup(th->error);
	}
	return 0;
}
