/*
 * stub.h: the mmap stub, a few pages of code and data ptinspect places in
 * every traced address space, just above the stack (or at STUB_FIXED_ADDR
 * where there is no room), through which a redirected mmap
 * (or a brk growing the emulated heap) runs to its end inside the tracee:
 * one seccomp stop per call instead of a stop at entry, a stop at exit
 * and, where the memfd cannot stay in the tracee, more to open and close
 * it; and through which a fork child's ranges are mapped again in one go
 * (see stub.c).
 */
#ifndef PTI_STUB_H
#define PTI_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

#include "stub-layout.h"

struct inject;
struct proc;
struct thread;

/* Is addr in p's stub's pages (code or data)? */
bool stub_contains(const struct proc *p, uint64_t addr);

/*
 * Putting the stub into the address space of the thread behind inj
 * (redirect_stub_install): first its code, with the data's half above it
 * reserved, just above the stack exec made, where its page tables are
 * (STUB_FIXED_ADDR needs its own: about 60 us of the process's CPU
 * here), or at STUB_FIXED_ADDR where any of that is taken (the stack at
 * the top of the address space, with randomization off; an older
 * kernel's vdso within STUB_BYTES of it) or where the call being made
 * asks for that place, [want, want + want_len) (a hint or MAP_FIXED). 0,
 * or -1 where it cannot be placed (the program holds both; that process
 * then runs every mmap the slow way) or is there already.
 */
int stub_place_code(struct inject *inj, struct proc *p, uint64_t want,
    uint64_t want_len);
/*
 * Then the lanes' data, mapped from the memfd by the stub's own set-up
 * code: through tracee_fd, or where that is -1 through a descriptor the
 * code opens by /proc/<ptinspect>/fd/N. Returns that descriptor, the
 * stub in place or, where the data cannot be mapped, its code removed;
 * or where the memfd cannot be opened by its path, -errno, the code left
 * for a call with a descriptor the caller found, or stub_unplace_code.
 */
long stub_map_data(struct inject *inj, struct proc *p, long tracee_fd);
/*
 * Removes what stub_place_code placed (the code and the data's half it
 * reserved) before the data is mapped: the stub is not used.
 */
void stub_unplace_code(struct inject *inj, struct proc *p);

/*
 * The lanes open the memfd by /proc/<ptinspect>/fd/N where it cannot
 * stay in the tracee: this ptinspect's pid now (the keeper took over).
 */
void stub_retarget(struct proc *p);

/*
 * Just after a syscall instruction in p's stub code, for calls injected
 * into a thread stopped where no syscall instruction precedes rip
 * (inject.h); 0 when p has no stub.
 */
uint64_t stub_syscall_rip(const struct proc *p);

/*
 * Is the stub in place in t's process and a lane free for one more call,
 * its code written (the first time a lane of its page goes out)?
 */
bool stub_ready(struct thread *t);

/*
 * Sends the thread, stopped at the seccomp stop of a private anonymous
 * mmap, through a lane: it will map `len` bytes of the arena at file
 * offset `off` with `flags` in place of its own (MAP_SHARED), through
 * tracee_fd, or if -1 a descriptor opened and closed around the call, or
 * if LANE_FD_CLOSE(fd) descriptor fd, closed after; if that fails, it
 * runs its original call. Registers are what the original
 * call would have left. stub_collect learns the result.
 */
void stub_send(struct thread *t, const struct user_regs_struct *regs,
    uint64_t len, uint64_t off, long flags, long tracee_fd);

/*
 * The same for a brk that moves the emulated heap's end (redirect-brk.c),
 * at its seccomp stop. Growing (brk_new > brk_old), the lane maps [addr,
 * addr + len) of the arena at file offset off (MAP_SHARED |
 * MAP_FIXED_NOREPLACE, or private anonymous memory if the memfd cannot be
 * opened); shrinking, it unmaps [addr, addr + len) (off, tracee_fd
 * unused). It returns brk_new to the program, or brk_old if that failed;
 * the caller moves its break to brk_new, and stub_collect records the
 * pages (punches them, shrinking) or moves the break back if the lane
 * failed (and no later brk moved it).
 */
void stub_send_brk(struct thread *t, const struct user_regs_struct *regs,
    uint64_t addr, uint64_t len, uint64_t off, long tracee_fd,
    uint64_t brk_old, uint64_t brk_new);

/*
 * The program's munmap of one whole redirected mapping, at its seccomp
 * stop, whose extent the caller took out of the arena keeping its slot
 * (arena_unmap_keep_slot: the extent was at file offset off, in the slot
 * at slot of slot_size bytes): the munmap runs and returns into a lane,
 * which, if it worked, punches the slot with the memfd (kept at
 * tracee_fd, or opened for it if -1), unless slot_size is 0 (the pages
 * are kept for reuse); stub_collect gives the slot back
 * (arena_release_punched, or arena_release_kept if the lane did not
 * punch), or records the extent again if the munmap failed.
 */
void stub_send_munmap(struct thread *t, const struct user_regs_struct *regs,
    uint64_t off, uint64_t slot, uint64_t slot_size, long tracee_fd);

/*
 * Records in the arena what finished lanes mapped, and frees them. Cheap
 * when no lane is out; every user of the arena calls it first.
 */
void stub_collect(struct proc *p);

/*
 * t is at the signal-delivery-stop of *sig, come while t ran a lane.
 * Delivered there, a handler that siglongjmps out would never come back
 * to it: the lane would stay out for good (its slot of the memfd, the
 * descriptor it may have opened, a mapping nobody recorded), and the
 * handler's context would show the stub, not the program. So the signal
 * waits (*sig = 0): the lane runs to its end and returns to a trap
 * instruction instead of the program; at the trap's stop t is put back
 * just after its own syscall instruction, where the native call would
 * have returned, and the signal is delivered there with its siginfo
 * (*sig set; signals that came meanwhile are sent again with tgkill,
 * their siginfo lost). At the lane's last instruction one step does it.
 * A fault of the lane's own is delivered where it is. 1 when it did one
 * of these, 0 when t is not in a lane (*sig untouched), -1 when t died
 * meanwhile (its status left in t->has_deferred for the tracer).
 */
int stub_signal_stop(struct thread *t, int *sig);

/* One mmap of a batch (stub_map_batch): the layout its code reads. */
struct stub_map {
	uint64_t addr;
	uint64_t len;
	int64_t prot;
	int64_t offset;
};

/*
 * Runs mmap(m[i].addr, m[i].len, m[i].prot, flags, fd, m[i].offset) for
 * the n calls in order, in the thread behind inj, through the stub code
 * its process has (stub_base: a fork child's is its parent's at the
 * fork, kept if the parent execs meanwhile), at the code's batch entry:
 * one resume for thousands of calls, where each injected call costs its
 * stops. *done: how many were made, in order.
 * Returns 0 (all of them), -1 (call *done failed), or 1 where the batch
 * could not go on (no stub code, no memory for the list, a fault): the
 * caller makes calls *done.. itself.
 */
int stub_map_batch(struct inject *inj, const struct stub_map *m, size_t n,
    long flags, long fd, size_t *done);

/*
 * The child of a fork has the parent's stub, with no lane out. The slots
 * of the parent's munmap lanes out at the fork came with the copy of its
 * memfd: those of file ranges child_maps(off, len, arg) says the child
 * does not map are given back.
 */
void stub_inherit(struct proc *parent, struct proc *child,
    bool (*child_maps)(uint64_t off, uint64_t len, void *arg), void *arg);

/* Does [addr, addr + len) reach p's stub (STUB_BYTES)? */
bool stub_in_range(const struct proc *p, uint64_t addr, uint64_t len);

/*
 * The program maps or unmaps [addr, addr + len): if that reaches the
 * stub, the addresses are the program's now and the stub is given up.
 */
void stub_yield(struct proc *p, uint64_t addr, uint64_t len);

/*
 * The program asks for the stub's addresses with MAP_FIXED_NOREPLACE,
 * which would fail where it succeeds natively: unmap the stub first (and
 * give it up).
 */
void stub_evict(struct inject *inj, struct proc *p);

/* The address space is gone (exec, death). */
void stub_forget(struct proc *p);

#endif
