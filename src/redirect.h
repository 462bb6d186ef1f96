/*
 * redirect.h: keeping the tracee's private anonymous memory in a memfd
 * arena (arena.h) that ptinspect maps too, without the program being able
 * to tell. The tracer calls in at the seccomp stops of the memory rules
 * (seccomp.h) and at fork, exec and death; see redirect.c for the model.
 */
#ifndef PTI_REDIRECT_H
#define PTI_REDIRECT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

struct arena;
struct maps;
struct proc;
struct thread;

/* p's arena (shared-memory fast path), or NULL: memory is private. */
struct arena *redirect_arena(const struct proc *p);
/* Does p get no new redirections (see redirect.c)? */
bool redirect_is_disabled(const struct proc *p);

/* The descriptor number the arena's memfd gets in every tracee. */
int redirect_reserved_fd(void);

/*
 * Handles a seccomp stop of `rule` on a held thread at syscall entry. The
 * thread is left stopped (possibly at a syscall-exit stop, its registers
 * set as the original syscall would leave them); the tracer resumes it.
 */
void redirect_syscall(struct thread *t, int rule);

/*
 * *sig is about to be delivered to the held thread t: if t is inside the
 * stub, the signal waits until t is out of it, at the return of its mmap
 * or brk (stub_signal_stop; *sig becomes 0 meanwhile, and the signal to
 * deliver then). False if t died meanwhile (t->has_deferred).
 */
bool redirect_signal_stop(struct thread *t, int *sig);

/* p's stub opens the memfd through this process now (the keeper's). */
void redirect_retarget(struct proc *p);

/* Gives back the freed pages p's arena keeps for reuse (a pause). */
void redirect_drop_kept(struct proc *p);

/* Brings p's arena up to date with the mmaps the stub finished. */
void redirect_sync(struct proc *p);

/*
 * Names regions of p's maps as the program would see them natively: the
 * pages of an emulated brk heap "[heap]", and the stub's "[ptinspect]".
 */
void redirect_name_regions(struct proc *p, struct maps *maps);

/*
 * munmap(addr, len) by p: the arena forgets the range. It needs nothing of
 * the thread, so the tracer calls it after resuming the thread. The punch
 * of the file behind the range waits until the munmap has run (punching
 * meanwhile made it zap the program's page tables for it, with a TLB
 * shootdown): redirect_sync does it at p's next seccomp stop, and the
 * tracer, REDIRECT_PUNCH_DELAY_MS after the munmap, if none came first
 * (redirect_punch_pending). True when such punches wait.
 */
bool redirect_munmap(struct proc *p, uint64_t addr, uint64_t len);

/*
 * Before that, at the same stop, before the thread resumes: in a process
 * whose address space is its own (no CLONE_VM sibling), a munmap of one
 * whole redirected mapping of MUNMAP_LANE_MIN bytes or more runs and
 * returns into the mmap stub's munmap lane (stub_send_munmap), which
 * frees the pages in the program, on its CPU, as the kernel frees private
 * memory in munmap. True then: the tracer resumes the thread, and
 * redirect_munmap is not called. Below MUNMAP_LANE_MIN the open and close
 * of the memfd a lane may need (about 5 us) cost more than the page frees
 * save (about 1 us a page).
 */
#define MUNMAP_LANE_MIN (16 * 4096)
bool redirect_munmap_by_stub(struct thread *t,
    const struct user_regs_struct *regs);

/*
 * Else, at the same stop: a munmap that cuts a hole inside one redirected
 * mapping needs one mapping more, which the kernel refuses with ENOMEM
 * at vm.max_map_count (and redirected mappings, which do not merge, reach
 * it sooner than native ones). Such a munmap runs here, injected, and the
 * arena forgets the hole, its pages punched, only if it worked. True when
 * it ran (t's call is done: the tracer resumes t after handle_deferred).
 */
bool redirect_munmap_hole(struct thread *t,
    const struct user_regs_struct *regs);
#define REDIRECT_PUNCH_DELAY_MS 2
/* Punches p's munmaps left; true when there were any. */
bool redirect_punch_pending(struct proc *p);

/*
 * mprotect adding PROT_WRITE: RLIMIT_DATA, which the kernel cannot apply
 * to redirected memory, as the kernel would apply it. True when the call
 * was refused (it returns ENOMEM, having changed the mappings before the
 * one that did not fit, as natively).
 */
bool redirect_mprotect_refused(struct thread *t);
/*
 * Whether mprotect calls making memory writable stop in every process
 * (RLIMIT_DATA finite from the start: the filter watches them); else a
 * process gets a filter that watches them when its limit becomes finite.
 * redirect_watch_writes, at a seccomp stop of `rule` (before its
 * handler): true where it tried to add that filter in the thread and set
 * the call to run again (the thread is then to be resumed, or its
 * deferred status handled), false where the stop is to be handled as
 * usual.
 */
void redirect_set_writes_watched(bool everywhere);
bool redirect_watch_writes(struct thread *t, int rule);
/* A new process has its parent's filters, that one among them. */
void redirect_inherit_filters(struct proc *child, const struct proc *parent);

/*
 * mprotect adding PROT_EXEC to redirected memory, and mseal of it: such
 * pages go back to private memory with the same bytes and protection
 * (the copy path), as executable pages start out, and as sealed memory
 * must be: the kernel refuses munmap, mremap, MAP_FIXED over it and
 * zeroing advice there, while ptinspect acts on those calls at their
 * entry (it would drop or zero pages the kernel keeps). The caller stops
 * the process's other threads around redirect_make_private, so none
 * writes while the pages are copied; it then runs the thread's call.
 */
bool redirect_mprotect_needs_copy(struct thread *t);
bool redirect_mseal_needs_copy(struct thread *t);
void redirect_make_private(struct thread *t);

/* Does a fork from p need the child's memory copied (redirect_child)? */
bool redirect_fork_needs_copy(const struct proc *p);

/*
 * Gives a freshly forked child, stopped at its first stop, its own arena
 * holding a copy of the parent's redirected memory, or else private
 * memory holding it (said once). Never kills the child: where even that
 * fails, it runs on sharing that memory with its parent, said once.
 */
void redirect_child(struct proc *parent, struct thread *child);

/*
 * The fork path that copies nothing (see redirect-fork.c): the child,
 * stopped at its first stop, maps the parent's memfd copy-on-write. True
 * if it now borrows: the tracer then holds the parent, every thread,
 * until the child execs or dies, or it calls redirect_child_materialize.
 * False: nothing borrowed, redirect_child gives it its copy.
 */
bool redirect_child_borrow(struct proc *parent, struct thread *child);

/*
 * A borrowing child, stopped with every thread, gets what redirect_child
 * gives (the parent's memfd as it still is, the parent being held), with
 * the pages it wrote since fork on top. The tracer then lets the parent
 * go.
 */
void redirect_child_materialize(struct proc *parent, struct thread *child,
    bool at_entry);

/*
 * exec replaced the address space, or the process is gone: a forget hook
 * of the task model (task.h), added when p first gets redirection state.
 */
void redirect_forget(struct proc *p);

#endif
