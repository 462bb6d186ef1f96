/*
 * redirect-brk.c: the brk heap, emulated in the arena. The first brk of
 * an address space decides (decide_brk): where the kernel's heap is still
 * empty, the heap becomes a slot of HEAP_SLOT_BYTES file space, mapped
 * from the arena page by page as the program's break moves, so it is
 * read and written the fast way like the rest of its private memory and
 * shows as "[heap]" (redirect_name_regions). RLIMIT_DATA, which the
 * kernel cannot apply to redirected memory (it is shared), is checked here
 * as the kernel would with it counted: for brk, mmap (anonymous or of a
 * file, private and writable), mremap growth and mprotect adding
 * PROT_WRITE, which is watched only under a finite limit ("Watching
 * mprotect's writes").
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "maps.h"
#include "redirect.h"
#include "redirect-int.h"
#include "seccomp.h"
#include "stub.h"
#include "task.h"
#include "util.h"

/* File space kept for an emulated brk heap: its largest size. */
#define HEAP_SLOT_BYTES (64ULL << 30)

static void decide_brk(struct proc *p, pid_t tid);

/*
 * p's RLIMIT_DATA: prlimit(2), else (a process that changed its user, of
 * which a tracer without CAP_SYS_RESOURCE may not ask it) the "Max data
 * size" line of /proc/PID/limits, which anyone may read. False if
 * neither answers.
 */
static bool
read_data_limit(pid_t pid, struct rlimit *rl)
{
	char path[64], *limits, *line, soft[32], hard[32];
	bool ok;

	if (prlimit(pid, RLIMIT_DATA, NULL, rl) == 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	limits = read_file_str(path, NULL);
	if (limits == NULL)
		return false;
	line = strstr(limits, "\nMax data size ");
	ok = line != NULL && sscanf(line + strlen("\nMax data size "),
	    "%31s %31s", soft, hard) == 2;
	if (ok) {
		rl->rlim_cur = strcmp(soft, "unlimited") == 0 ? RLIM_INFINITY :
		    strtoull(soft, NULL, 10);
		rl->rlim_max = strcmp(hard, "unlimited") == 0 ? RLIM_INFINITY :
		    strtoull(hard, NULL, 10);
	}
	free(limits);
	return ok;
}

/* A limit as may_expand_vm applies it: a soft 0 means the hard one. */
static uint64_t
applied_limit(const struct rlimit *rl)
{
	return rl->rlim_cur == 0 ? rl->rlim_max : rl->rlim_cur;
}

/*
 * The program's RLIMIT_DATA as the kernel's may_expand_vm applies it,
 * when it matters here (p redirects), or RLIM_INFINITY. A soft limit of 0
 * means the hard one there (its "Valgrind workaround"). A finite one
 * that p's mprotect calls are not watched under yet (another process set
 * it) has them watched from p's next memory stop (redirect_watch_writes).
 */
static uint64_t
data_limit(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	struct rlimit rl;
	uint64_t limit;

	if (rs->arena == NULL || !read_data_limit(p->pid, &rl))
		return RLIM_INFINITY;
	limit = applied_limit(&rl);
	if (limit != RLIM_INFINITY && rs->writes == WRITES_UNWATCHED)
		rs->writes_due = true;
	return limit;
}

/*
 * Would r be data, as the kernel counts it (private, writable, not the
 * stack), with write permission or without? A redirected region counts:
 * natively it is private. The stub's does not: it is ours.
 */
static bool
is_data(const struct proc *p, const struct region *r, const struct stat *st,
    bool writable)
{
	if (!writable || strcmp(r->name, "[stack]") == 0)
		return false;
	if (r->perms[3] == 'p')
		return true;
	return r->inode == st->st_ino && !stub_contains(p, r->start);
}

/*
 * p's data as a native run would count it: VmData, which leaves out
 * redirected memory, being shared, plus the writable redirected regions.
 * Fills *maps (the caller frees it). False if it cannot be read.
 */
static bool
data_in_use(struct proc *p, pid_t tid, struct maps *maps, struct stat *st,
    uint64_t *total)
{
	char path[64], line[128];
	const struct region *r;
	uint64_t kb;
	size_t i;
	FILE *f;

	*total = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (fstat(arena_fd(redir(p)->arena), st) != 0 ||
	    (f = fopen(path, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmData: %" SCNu64, &kb) == 1)
			*total += kb * 1024;
	fclose(f);
	if (maps_read(tid, maps, NULL) != 0)
		return false;
	for (i = 0; i < maps->count; i++) {
		r = &maps->regions[i];
		if (r->perms[3] == 's' && is_data(p, r, st, r->perms[1] == 'w'))
			*total += r->end - r->start;
	}
	return true;
}

/*
 * RLIMIT_DATA counts private writable memory (VmData); the kernel does
 * not count redirected memory there, being shared, so the limit is
 * checked here as the kernel would with it counted. Only when the
 * program has such a limit (it costs a read of its maps).
 */
bool
redirect_data_limit_exceeded(struct proc *p, pid_t tid, uint64_t grows,
    uint64_t len)
{
	uint64_t limit = data_limit(p), total;
	const struct region *r;
	struct maps maps = { 0 };
	struct stat st;
	bool over;

	if (limit == RLIM_INFINITY)
		return false;
	over = data_in_use(p, tid, &maps, &st, &total) &&
	    total + PAGE_UP(len) > limit;
	/* A mapping that grows adds data only if it is data. */
	if (over && grows != 0)
		over = (r = maps_find(&maps, grows)) != NULL &&
		    is_data(p, r, &st, r->perms[1] == 'w');
	maps_free(&maps);
	return over;
}

/*
 * Would a private writable mapping of len bytes at addr, flags the
 * program's, pass RLIMIT_DATA? As the kernel's mmap_region: what MAP_FIXED
 * replaces, data or not, comes off the new pages first; over anything,
 * MAP_FIXED_NOREPLACE fails by itself (EEXIST). Anonymous or of a file.
 */
bool
redirect_data_limit_refuses_map(struct proc *p, pid_t tid, uint64_t addr,
    uint64_t len, long flags)
{
	uint64_t limit = data_limit(p), total, end, replaced = 0, s, e;
	const struct region *r;
	struct maps maps = { 0 };
	struct stat st;
	bool over = false;
	size_t i;

	if (limit == RLIM_INFINITY)
		return false;
	end = addr + PAGE_UP(len);
	if (data_in_use(p, tid, &maps, &st, &total)) {
		for (i = 0; (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
		    i < maps.count; i++) {
			r = &maps.regions[i];
			s = r->start > addr ? r->start : addr;
			e = r->end < end ? r->end : end;
			if (s < e)
				replaced += e - s;
		}
		over = !((flags & MAP_FIXED_NOREPLACE) && replaced != 0) &&
		    total + PAGE_UP(len) - replaced > limit;
	}
	maps_free(&maps);
	return over;
}

/*
 * As the kernel's mprotect_fixup: mapping by mapping, in address order,
 * each piece that turns into data must fit; at the first that does not
 * the call fails with ENOMEM, the pieces before it changed. A gap ends
 * the walk (the kernel fails there itself).
 */
bool
redirect_mprotect_refused(struct thread *t)
{
	struct proc *p = t->proc;
	uint64_t limit = data_limit(p), total, addr, end, at, e;
	struct user_regs_struct regs;
	const struct region *r;
	struct maps maps = { 0 };
	bool refused = false;
	struct inject inj;
	struct stat st;
	size_t i;

	if (limit == RLIM_INFINITY || thread_get_regs(t, &regs, NULL) != 0 ||
	    !(regs.rdx & PROT_WRITE) ||
	    (regs.rdi & (PTI_PAGE_SIZE - 1)) != 0)
		return false;
	addr = regs.rdi;
	end = addr + PAGE_UP(regs.rsi);
	if (end <= addr || !data_in_use(p, t->tid, &maps, &st, &total)) {
		maps_free(&maps);
		return false;
	}
	for (i = 0, at = addr; !refused && i < maps.count && at < end; i++) {
		r = &maps.regions[i];
		if (r->end <= at)
			continue;
		if (r->start > at)
			break;
		e = r->end < end ? r->end : end;
		if (!is_data(p, r, &st, r->perms[1] == 'w') &&
		    is_data(p, r, &st, true)) {
			refused = total + (e - at) > limit;
			total += e - at;
		}
		if (!refused)
			at = e;
	}
	maps_free(&maps);
	if (!refused)
		return false;
	if (at == addr) {
		redirect_skip_syscall(t, &regs, -ENOMEM);
		return true;
	}
	/* Refused at `at`: what comes before it changes, as natively. */
	if (inject_begin(&inj, t, true) != 0)
		return false;
	inject_syscall(&inj, (long)regs.orig_rax, (long)addr, (long)(at - addr),
	    (long)regs.rdx, (long)regs.r10, 0, 0);
	inject_end(&inj, true, -ENOMEM);
	return true;
}

/*
 * Watching mprotect's writes. redirect_mprotect_refused needs to see
 * every mprotect that makes memory writable, but only under a finite
 * RLIMIT_DATA: most programs never have one, and V8 makes memory
 * writable by mprotect hundreds of times a run. So the filter stops such
 * calls only where the limit is finite from the start (seccomp_install's
 * watch_writes, then writes_watched_everywhere); a process whose limit
 * becomes finite later gets seccomp_program_new_writes' filter on top,
 * which the kernel gives all its threads (SECCOMP_FILTER_FLAG_TSYNC) and
 * its children, across exec: injected at its own setrlimit or prlimit64
 * of RLIMIT_DATA to a finite value (RULE_RLIMIT), before the call runs,
 * and, where data_limit found its limit finite (one another process set:
 * the next mmap, brk or mremap that grows memory finds it), at its next
 * memory stop; its mprotect calls before then go unchecked. The call is
 * then run again from its instruction, and stops anew. A process made
 * before its parent had the filter marked may add a second one: the same
 * stops. Adding a filter takes no_new_privs or CAP_SYS_ADMIN: a tracee
 * has the one (seccomp_install sets it) or the other (ptinspect runs as
 * root), and only the second can go, at setuid, setreuid, setresuid or
 * capset (RULE_CREDS): there a process without no_new_privs gets the
 * filter first, whatever its limit. Where it cannot be added (a
 * set-user-ID program exec'd by root; a program with seccomp filters of
 * its own, which may differ by thread, where TSYNC would give every
 * thread the stopped one's), that is said once and its mprotect calls
 * stay unchecked.
 */
static bool writes_watched_everywhere;

void
redirect_set_writes_watched(bool everywhere)
{
	writes_watched_everywhere = everywhere;
}

void
redirect_inherit_filters(struct proc *child, const struct proc *parent)
{
	if (parent->redirect != NULL)
		redir(child)->writes = parent->redirect->writes;
}

/* Does the syscall at this RULE_RLIMIT stop give p a finite data limit? */
static bool
sets_finite_limit(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	uint64_t at = regs->orig_rax == SYS_setrlimit ? regs->rsi : regs->rdx;
	pid_t target = regs->orig_rax == SYS_setrlimit ? 0 : (pid_t)regs->rdi;
	struct rlimit rl;
	struct iovec local = { &rl, sizeof(rl) };
	struct iovec remote = { (void *)(uintptr_t)at, sizeof(rl) };
	const struct thread *o;
	bool ours = target == 0 || target == p->pid;

	for (o = p->threads; !ours && o != NULL; o = o->next)
		ours = o->tid == target;
	/* A read, another process's limit (its own stops look), or EFAULT. */
	if (at == 0 || !ours || process_vm_readv(t->tid, &local, 1, &remote, 1,
	    0) != (ssize_t)sizeof(rl))
		return false;
	return applied_limit(&rl) != RLIM_INFINITY;
}

/* The filter, in the thread's process by an injected seccomp(2): 0 or -errno. */
static long
add_writes_filter(struct inject *inj)
{
	static struct seccomp_program *prog;
	struct {
		struct sock_fprog fprog;
		struct sock_filter insns[16];
	} buf = { 0 };
	const struct sock_filter *insns;
	uint64_t base = inject_scratch_base(inj);
	unsigned len;
	long r;

	if (prog == NULL)
		prog = seccomp_program_new_writes();
	insns = seccomp_program_insns(prog, &len);
	if (len > ARRAY_SIZE(buf.insns))
		fatalx("add_writes_filter: %u instructions (bug)", len);
	memcpy(buf.insns, insns, len * sizeof(*insns));
	buf.fprog.len = (unsigned short)len;
	buf.fprog.filter = (struct sock_filter *)(uintptr_t)(base +
	    offsetof(__typeof__(buf), insns));
	if (inject_scratch(inj, &buf, sizeof(buf)) != base)
		return -EFAULT;
	r = inject_syscall(inj, SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	    (long)base, 0, 0, 0);
	/* TSYNC's failure: the id of a thread under other filters. */
	return r > 0 ? -EBUSY : r;
}

bool
redirect_watch_writes(struct thread *t, int rule)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	struct user_regs_struct regs;
	bool rerun = false;
	static bool said;
	struct inject inj;
	long r;

	if (writes_watched_everywhere || rs->writes != WRITES_UNWATCHED ||
	    thread_get_regs(t, &regs, NULL) != 0)
		return false;
	switch (rule) {
	case RULE_RLIMIT:
		if (!sets_finite_limit(t, &regs))
			return false;
		break;
	case RULE_CREDS:
		if (proc_status_number(p->pid, "\nNoNewPrivs:") != 0)
			return false;
		break;
	case RULE_MMAP:
	case RULE_MUNMAP:
	case RULE_MREMAP:
	case RULE_MADVISE:
	case RULE_BRK:
	case RULE_MPROTECT:
		if (!rs->writes_due)
			return false;
		break;
	default:
		return false;
	}
	/*
	 * Filters of its own may differ by thread: TSYNC would give the
	 * others this thread's.
	 */
	if (p->own_filter) {
		r = -EBUSY;
	} else {
		if (inject_begin(&inj, t, true) != 0)
			return false;
		r = add_writes_filter(&inj);
		/* The call is spent once anything ran in its place. */
		rerun = !inj.at_entry;
		inject_end(&inj, false, 0);
		if (t->has_deferred)
			return true;
		/* The call again from its syscall instruction: a new stop. */
		if (rerun) {
			regs.rax = regs.orig_rax;
			regs.rip -= 2;
			thread_set_regs(t, &regs, NULL);
		}
	}
	rs->writes = r == 0 ? WRITES_WATCHED : WRITES_UNWATCHABLE;
	rs->writes_due = false;
	if (r != 0 && !said) {
		said = true;
		warnx_msg("pid %d: RLIMIT_DATA is not applied to mprotect "
		    "making redirected memory writable (a filter to see such "
		    "calls could not be added: %s; said once)", (int)p->pid,
		    r == -EBUSY ? "the program has filters of its own" :
		    strerror((int)-r));
	}
	return rerun;
}

/*
 * The first brk of an address space decides: emulate it in the arena, the
 * kernel's heap being empty. It is: ptinspect sees every address space it
 * traces begin, at an exec (the kernel sets the break to its start) or as
 * a fork's copy (whose state is its parent's: child_inherit), and every
 * brk since stopped here. Reading /proc/PID/maps here to look for a
 * "[heap]" cost ptinspect about 6% of its time on a loop of short
 * processes (and a kernel before 6.6 also names "[heap]" a bss that ends
 * where the heap starts, as with randomization off, which kept such a
 * program's heap native).
 */
static void
decide_brk(struct proc *p, pid_t tid)
{
	struct redirect_state *rs = redir(p);
	uint64_t exec_layout[5];	/* start_brk .. env_end */

	rs->brk.mode = BRK_NATIVE;
	if (rs->redirect_disabled)
		return;
	/* env_end too, in the same read: where the stub goes (stub.c). */
	redirect_stat_fields(tid, 47, exec_layout, 5);
	rs->brk.start = exec_layout[0];
	rs->env_end = exec_layout[4];
	if (rs->brk.start == 0)
		return;
	rs->brk.cur = rs->brk.start;
	rs->brk.mode = BRK_EMULATED;
}

/* end_data - start_data of /proc/TID/stat, in one read. */
static uint64_t
data_segment_bytes(pid_t tid)
{
	uint64_t data[2];	/* start_data, end_data */

	redirect_stat_fields(tid, 45, data, 2);
	return data[1] - data[0];
}

/*
 * brk as the kernel does it, in shared memory: the break moves within a
 * slot of HEAP_SLOT_BYTES, pages are mapped from the arena as it grows
 * (MAP_FIXED_NOREPLACE: like the kernel, never over another mapping) and
 * unmapped as it shrinks, their file pages kept for reuse (zeroed when the
 * heap grows over them again: arena_unmap_keep, arena_reclaim) or
 * punched. It returns the new break, or the old
 * one when it cannot move. The pages are mapped or unmapped through the
 * stub (stub_send_brk) where it can: the brk's own stop and no other.
 * The slow way, calls injected at that stop, costs more stops: growing 1
 * (the mmap run in place of the brk) where the memfd is reserved in the
 * tracee, 6 where it is opened and closed around the mmap; shrinking 1.
 */
void
redirect_brk(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	struct brk_state *b = &rs->brk;
	uint64_t want = regs->rdi, base, old_top, new_top, off;
	struct inject inj;
	struct rlimit rl;
	long r, fd;

	if (b->mode == BRK_UNDECIDED)
		decide_brk(p, t->tid);
	if (b->mode == BRK_NATIVE && rs->stub != NULL && b->start != 0 &&
	    b->start < rs->stub_base &&
	    want + PTI_PAGE_SIZE > rs->stub_base) {
		/* The heap reaches the stub's addresses: they are its own. */
		if (inject_begin(&inj, t, true) != 0)
			return;
		stub_evict(&inj, p);
		r = inject_syscall(&inj, SYS_brk, (long)want, 0, 0, 0, 0, 0);
		inject_end(&inj, true, r);
		return;
	}
	if (b->mode != BRK_EMULATED)
		return;
	base = PAGE_UP(b->start);
	old_top = PAGE_UP(b->cur);
	new_top = PAGE_UP(want);
	/*
	 * RLIMIT_DATA, as the kernel's brk checks it: the heap and the data
	 * segment (check_data_rlimit), then all data memory (may_expand_vm).
	 */
	if (new_top > old_top && want >= b->start &&
	    read_data_limit(p->pid, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY && ((want - b->start) +
	    data_segment_bytes(t->tid) > rl.rlim_cur ||
	    redirect_data_limit_exceeded(p, t->tid, 0, new_top - old_top))) {
		redirect_skip_syscall(t, regs, (long)b->cur);
		return;
	}
	if (want < b->start || new_top - base > HEAP_SLOT_BYTES ||
	    new_top == old_top) {
		if (want >= b->start && new_top - base <= HEAP_SLOT_BYTES)
			b->cur = want;
		redirect_skip_syscall(t, regs, (long)b->cur);
		return;
	}
	/*
	 * The common case: the heap grows or shrinks and keeps some pages
	 * (the shrink to nothing, which lets the slot go, takes the slow
	 * way): one stop, the stub maps or unmaps the pages. Where it cannot
	 * open the memfd, the heap grows with private memory (the slow way
	 * would leave a heap with no pages yet to the kernel: the same to
	 * the program).
	 */
	if (new_top > old_top && old_top == base && !b->has_slot &&
	    rs->arena != NULL && !rs->redirect_disabled && stub_ready(t) &&
	    arena_alloc(rs->arena, HEAP_SLOT_BYTES, &b->slot, NULL) == 0)
		b->has_slot = true;
	if (new_top > base && b->has_slot &&
	    rs->arena != NULL && !rs->redirect_disabled && stub_ready(t) &&
	    (redirect_fd_transient(p) || rs->arena_fd_installed) &&
	    (new_top < old_top ||
	    !stub_in_range(p, old_top, new_top - old_top + PTI_PAGE_SIZE))) {
		if (new_top > old_top) {
			/* Pages the heap gave back and kept: zeroed first. */
			arena_reclaim(rs->arena, b->slot + (old_top - base),
			    new_top - old_top);
			stub_send_brk(t, regs, old_top, new_top - old_top,
			    b->slot + (old_top - base),
			    redirect_fd_transient(p) ? -1 :
			    redirect_reserved_fd(), b->cur, want);
		} else {
			stub_send_brk(t, regs, new_top, old_top - new_top, 0,
			    -1, b->cur, want);
		}
		b->cur = want;
		return;
	}
	if (inject_begin(&inj, t, true) != 0)
		return;
	if (rs->arena == NULL && rs->redirect_disabled) {
		/* A fork child left private (redirect_child): privately. */
		r = new_top > old_top ? inject_syscall(&inj, SYS_mmap,
		    (long)old_top, (long)(new_top - old_top),
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) :
		    inject_syscall(&inj, SYS_munmap, (long)new_top,
		    (long)(old_top - new_top), 0, 0, 0, 0);
		if (r == (new_top > old_top ? (long)old_top : 0))
			b->cur = want;
		else if (new_top > old_top && !syscall_failed(r))
			inject_syscall(&inj, SYS_munmap, r,
			    (long)(new_top - old_top), 0, 0, 0, 0);
	} else if (new_top > old_top) {
		if (!b->has_slot && redirect_ensure_arena(p) &&
		    arena_alloc(rs->arena, HEAP_SLOT_BYTES, &b->slot,
		    NULL) == 0)
			b->has_slot = true;
		off = b->slot + (old_top - base);
		/* The first redirected call of a process puts the stub in. */
		fd = b->has_slot && !rs->redirect_disabled ?
		    redirect_stub_install(&inj, p, 0, 0) : -1;
		if (fd < 0 && old_top == base) {
			/*
			 * No arena in this process (the memfd cannot reach
			 * it, e.g. it runs as another user): nothing is
			 * emulated yet, so the kernel's heap serves it.
			 */
			if (b->has_slot)
				arena_release(rs->arena, b->slot);
			b->has_slot = false;
			b->mode = BRK_NATIVE;
			r = inject_syscall(&inj, SYS_brk, (long)want, 0, 0, 0,
			    0, 0);
			inject_end(&inj, true, r);
			return;
		}
		if (stub_in_range(p, old_top,
		    new_top - old_top + PTI_PAGE_SIZE))
			stub_evict(&inj, p);
		/*
		 * Without the memfd (redirection ended: on_own_filter) the
		 * heap grows with private memory, as the kernel's would.
		 */
		if (fd >= 0)
			arena_reclaim(rs->arena, off, new_top - old_top);
		r = inject_syscall(&inj, SYS_mmap, (long)old_top,
		    (long)(new_top - old_top), PROT_READ | PROT_WRITE,
		    fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE :
		    MAP_SHARED | MAP_FIXED_NOREPLACE, fd,
		    fd < 0 ? 0 : (long)off);
		redirect_fd_release(&inj, fd);
		if (r == (long)old_top) {
			if (fd >= 0)
				arena_map(rs->arena, old_top, new_top - old_top,
				    off);
			b->cur = want;
		} else if (!syscall_failed(r)) {
			/* Placed elsewhere: an old kernel without NOREPLACE. */
			inject_syscall(&inj, SYS_munmap, r,
			    (long)(new_top - old_top), 0, 0, 0, 0);
		}
	} else {
		r = inject_syscall(&inj, SYS_munmap, (long)new_top,
		    (long)(old_top - new_top), 0, 0, 0, 0);
		if (r == 0) {
			arena_unmap_keep(rs->arena, new_top,
			    old_top - new_top);
			b->cur = want;
			/* The slot goes with its last page. */
			if (new_top == base)
				b->has_slot = false;
		}
	}
	inject_end(&inj, true, (long)b->cur);
}
