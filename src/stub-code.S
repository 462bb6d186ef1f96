/*
 * stub-code.S: the code of one lane of the mmap stub (stub.c copies it
 * into every lane): an entry for mmap, one for a growing brk at
 * LANE_BRK_ENTRY and one for a shrinking brk at LANE_BRK_SHRINK_ENTRY,
 * each entered with the program's registers at the seccomp stop of its
 * call, rip pointed at the entry, the original call skipped; and a
 * fourth, LANE_BATCH_ENTRY, that runs a list of mmap calls for ptinspect
 * at a fork (see there), and a fifth, LANE_SETUP_ENTRY, that maps the
 * lanes' data when the stub is put in place. A lane's data sits
 * STUB_CODE_BYTES above it (stub-layout.h), reached rip-relative through
 * a local label, so the assembler fixes every displacement and the bytes
 * work wherever a lane is copied.
 *
 * A sixth, LANE_MUNMAP_ENTRY, is where the program's own munmap returns
 * to: it frees the memfd's pages behind it, as the kernel frees private
 * pages in the munmap itself.
 *
 * The mmap entry opens the memfd if the lane says so (fd < 0), makes the shared
 * mapping, closes what it opened, and if the shared mapping failed makes
 * the program's own call as it asked; it stores how and then the result,
 * puts back r8-r10 and rcx as the syscall would leave them, and jumps
 * back after the program's syscall instruction.
 */
#include <sys/syscall.h>

#include "stub-layout.h"

#define AT_FDCWD_ -100
#define O_RDWR_CLOEXEC_ 0x80002
#define PROT_RW_ 3
#define MAP_PRIVATE_ANON_NOREPLACE_ 0x100022
#define MAP_SHARED_FIXED_ 0x11
#define FALLOC_PUNCH_HOLE_KEEP_SIZE_ 3
#define D(field) .Llane+STUB_CODE_BYTES+field(%rip)

/* openat(AT_FDCWD, the lane's path, O_RDWR | O_CLOEXEC): rax. */
.macro open_memfd
	movl $AT_FDCWD_, %edi
	leaq D(LANE_PATH), %rsi
	movl $O_RDWR_CLOEXEC_, %edx
	xorl %r10d, %r10d
	movl $__NR_openat, %eax
	syscall
.endm

/*
 * r8, a descriptor, under STUB_CALL_TAG: the filter lets the mmap that
 * follows through. tag_fd for one of ours (never negative), tag_any for
 * any (its upper half cleared first).
 */
.macro tag_fd
	orq .Ltag(%rip), %r8
.endm
.macro tag_any
	movl %r8d, %r8d
	orq .Ltag(%rip), %r8
.endm

/* close(r8). */
.macro close_r8
	movq %r8, %rdi
	movl $__NR_close, %eax
	syscall
.endm

/* The program's r8-r10, and back after its syscall instruction. */
.macro back_to_program
	movq D(LANE_ORIG_R10), %r10
	movq D(LANE_ORIG_R8), %r8
	movq D(LANE_ORIG_R9), %r9
	movq D(LANE_RETURN_RIP), %rcx
	jmpq *%rcx
.endm

	.section .rodata
	.globl pti_stub_lane
	.globl pti_stub_lane_end
	.p2align 8
pti_stub_lane:
.Llane:
	/*
	 * The memfd: kept in the tracee, or opened for this call (-1), or
	 * one ptinspect opened at this stop, to close after (LANE_FD_CLOSE).
	 */
	movq D(LANE_FD), %r8
	testq %r8, %r8
	jns 1f
	cmpq $-1, %r8
	jne 15f
	/* The open takes rdi, rsi, rdx: send_lane saved them in the lane. */
	open_memfd
	movq D(LANE_SAVED_RDI), %rdi
	movq D(LANE_SAVED_RSI), %rsi
	movq D(LANE_SAVED_RDX), %rdx
	movq %rax, %r8
	testq %rax, %rax
	js 3f
	/* The shared mapping; then close what was opened for it. */
1:	movq D(LANE_FLAGS), %r10
	movq D(LANE_OFFSET), %r9
	tag_fd
	movl $__NR_mmap, %eax
	syscall
	movq %rax, D(LANE_SHARED_RESULT)
	cmpq $0, D(LANE_FD)
	jns 2f
	close_r8
	movq D(LANE_SAVED_RDI), %rdi
2:	movq D(LANE_SHARED_RESULT), %rax
	cmpq $-4095, %rax
	jae 3f
	movl $LANE_SHARED, D(LANE_HOW)
	jmp 4f
	/* It could not be made: the program's own call, as it asked. */
3:	movq D(LANE_ORIG_R10), %r10
	movq D(LANE_ORIG_R8), %r8
	movq D(LANE_ORIG_R9), %r9
	tag_any
	movl $__NR_mmap, %eax
	syscall
	movl $LANE_PRIVATE, D(LANE_HOW)
	/* how is stored before result: ptinspect reads them the other way. */
4:	movq %rax, D(LANE_RESULT)
	back_to_program
	/* A descriptor given to close: -(fd + 2) back to fd. */
15:	negq %r8
	subq $2, %r8
	jmp 1b

/*
 * Where a lane returns instead of the program while ptinspect holds a
 * signal that came during it (stub_signal_stop).
 */
	.globl pti_stub_lane_trap
pti_stub_lane_trap:
	int3

/*
 * brk: the break grows from LANE_BRK_OLD to LANE_BRK_NEW, and the heap's
 * new pages [LANE_ADDR, + LANE_LEN) are mapped from the memfd at
 * LANE_OFFSET with LANE_FLAGS (MAP_SHARED | MAP_FIXED_NOREPLACE, never
 * over anything, as the kernel's brk). Without the memfd (it cannot be
 * opened) they are private anonymous memory, as the kernel's heap would
 * be. The program gets the new break if they are mapped, else the old
 * one; every register but rax, rcx and r11 as it was (ptinspect stored
 * the program's rdi, rsi, rdx, r8-r10 in the lane).
 */
	.org .Llane+LANE_BRK_ENTRY, 0xcc
	movq D(LANE_FD), %r8
	testq %r8, %r8
	jns 5f
	open_memfd
	movq %rax, %r8
	/* rdi, rsi, rdx stay the pages' till the end (syscalls keep them). */
5:	movq D(LANE_ADDR), %rdi
	movq D(LANE_LEN), %rsi
	movl $PROT_RW_, %edx
	testq %r8, %r8
	js 7f
	movq D(LANE_FLAGS), %r10
	movq D(LANE_OFFSET), %r9
	tag_fd
	movl $__NR_mmap, %eax
	syscall
	movq %rax, %r9
	cmpq $0, D(LANE_FD)
	jns 6f
	close_r8
	movq D(LANE_ADDR), %rdi
6:	movq %r9, %rax
	cmpq %rdi, %rax
	jne 7f
	movl $LANE_SHARED, D(LANE_HOW)
	jmp 8f
	/* No memfd: private memory, as the kernel's heap. */
7:	movl $MAP_PRIVATE_ANON_NOREPLACE_, %r10d
	movl $-1, %r8d
	xorl %r9d, %r9d
	tag_fd
	movl $__NR_mmap, %eax
	syscall
	movl $LANE_PRIVATE, D(LANE_HOW)
	/* how, then the call's result, then the program's (done if rdi). */
8:	movq %rax, D(LANE_RESULT)
	movq D(LANE_BRK_OLD), %rcx
	cmpq %rdi, %rax
	cmoveq D(LANE_BRK_NEW), %rcx
	movq %rcx, %rax
	movq D(LANE_SAVED_RDI), %rdi
	movq D(LANE_SAVED_RSI), %rsi
	movq D(LANE_SAVED_RDX), %rdx
	back_to_program

/*
 * brk shrinking: the heap's pages [LANE_ADDR, + LANE_LEN) are unmapped;
 * the program gets LANE_BRK_NEW if they were, else LANE_BRK_OLD.
 */
	.org .Llane+LANE_BRK_SHRINK_ENTRY, 0xcc
	movq D(LANE_ADDR), %rdi
	movq D(LANE_LEN), %rsi
	movq .Ltag(%rip), %rdx
	movl $__NR_munmap, %eax
	syscall
	movl $LANE_SHARED, D(LANE_HOW)
	/* Done if it returned 0: growing's end, compared with rdi. */
	xorl %edi, %edi
	jmp 8b

/*
 * munmap: entered where the program's own munmap returns (ptinspect moved
 * its return address here at the seccomp stop and let the call run), with
 * its result in rax; if it worked, the slot that was behind the range is
 * punched, fallocate(PUNCH_HOLE | KEEP_SIZE) of [LANE_OFFSET, + LANE_LEN)
 * on the memfd (kept, or opened for it and closed after), unless
 * LANE_LEN is 0: ptinspect keeps the pages for reuse. `how` says
 * LANE_SHARED if the punch was made, LANE_PRIVATE if it is left to
 * ptinspect; the result is munmap's. The pages are freed here, on the
 * program's CPU, as the kernel frees private ones in munmap: freed by
 * ptinspect, on the other CPU, each page cost the program about 1 us
 * more (docs/BENCHMARKS.md).
 */
	.org .Llane+LANE_MUNMAP_ENTRY, 0xcc
	movq %rax, D(LANE_SHARED_RESULT)
	movl $LANE_PRIVATE, D(LANE_HOW)
	testq %rax, %rax
	jnz 14f
	cmpq $0, D(LANE_LEN)
	je 14f
	movq D(LANE_FD), %r8
	testq %r8, %r8
	jns 13f
	open_memfd
	movq %rax, %r8
	testq %rax, %rax
	js 14f
13:	movq %r8, %rdi
	movl $FALLOC_PUNCH_HOLE_KEEP_SIZE_, %esi
	movq D(LANE_OFFSET), %rdx
	movq D(LANE_LEN), %r10
	movl $__NR_fallocate, %eax
	syscall
	testq %rax, %rax
	jnz 16f
	movl $LANE_SHARED, D(LANE_HOW)
16:	cmpq $0, D(LANE_FD)
	jns 14f
	close_r8
	/* how, then munmap's result, and every register but rax, rcx, r11. */
14:	movq D(LANE_SHARED_RESULT), %rax
	movq %rax, D(LANE_RESULT)
	movq D(LANE_SAVED_RDI), %rdi
	movq D(LANE_SAVED_RSI), %rsi
	movq D(LANE_SAVED_RDX), %rdx
	back_to_program

/*
 * A batch of mmap calls, run for ptinspect (not for the program) at a
 * fork (redirect-fork.c): r12 points at the list, r13 entries of
 * STUB_BATCH_ENTRY bytes (addr, len, prot, offset), every call with
 * flags r14 and fd r15. They run in order until one does not return its
 * addr, then the int3 hands the thread back: rbx says how many were
 * made, rax holds the last one's result. r15 comes tagged
 * (STUB_CALL_TAG). Nothing of the lane's data is
 * used, so any lane's copy of this code serves.
 */
	.org .Llane+LANE_BATCH_ENTRY, 0xcc
	xorl %ebx, %ebx
9:	cmpq %r13, %rbx
	jae 10f
	movq (%r12), %rdi
	movq 8(%r12), %rsi
	movq 16(%r12), %rdx
	movq %r14, %r10
	movq %r15, %r8
	movq 24(%r12), %r9
	movl $__NR_mmap, %eax
	syscall
/*
 * Just after a syscall instruction: where ptinspect runs calls of its own
 * in a thread stopped elsewhere (stub_syscall_rip); each stops at its
 * syscall exit, before the next instruction.
 */
	.globl pti_stub_after_syscall
pti_stub_after_syscall:
	cmpq %rdi, %rax
	jne 10f
	addq $STUB_BATCH_ENTRY, %r12
	incq %rbx
	jmp 9b
	.globl pti_stub_batch_trap
pti_stub_batch_trap:
10:	int3

/*
 * The stub's set-up, run for ptinspect once its code is in place
 * (stub_map_data), in one stop where injected calls took six: the lanes'
 * data mapped from the memfd at offset r12 (STUB_CODE_BYTES above, rw,
 * MAP_SHARED | MAP_FIXED over the half the code's mapping reserved for
 * it), from descriptor r13, or if r13 is negative one opened by the path
 * at LANE_SETUP_PATH. The int3 hands the thread back: rbx holds the
 * descriptor or the open's -errno, rax the mmap's result (when rbx is a
 * descriptor).
 */
	.org .Llane+LANE_SETUP_ENTRY, 0xcc
	movq %r13, %rbx
	testq %rbx, %rbx
	jns 11f
	movl $AT_FDCWD_, %edi
	leaq .Llane+LANE_SETUP_PATH(%rip), %rsi
	movl $O_RDWR_CLOEXEC_, %edx
	xorl %r10d, %r10d
	movl $__NR_openat, %eax
	syscall
	movq %rax, %rbx
	testq %rbx, %rbx
	js 12f
11:	leaq .Llane+STUB_CODE_BYTES(%rip), %rdi
	movl $STUB_CODE_BYTES, %esi
	movl $PROT_RW_, %edx
	movl $MAP_SHARED_FIXED_, %r10d
	movq %rbx, %r8
	movq %r12, %r9
	tag_fd
	movl $__NR_mmap, %eax
	syscall
	.globl pti_stub_setup_trap
pti_stub_setup_trap:
12:	int3
.Ltag:
	.quad STUB_CALL_TAG << 32
	/* The path: lane 0's copy only, filled in by stub.c. */
	.org .Llane+LANE_SETUP_PATH, 0xcc
	.fill LANE_SETUP_PATH_BYTES, 1, 0
pti_stub_lane_end:

	.section .note.GNU-stack,"",@progbits
