/*
 * stub-code.S: the code of one lane of the mmap stub (stub.c copies it
 * into every lane). Entered with the program's registers at the seccomp
 * stop of its mmap, rip pointed here, the original call skipped; its data
 * sits STUB_CODE_BYTES above it (stub-layout.h), reached rip-relative
 * through a local label, so the assembler fixes every displacement and the
 * bytes work wherever a lane is copied.
 *
 * It opens the memfd if the lane says so (fd < 0), makes the shared
 * mapping, closes what it opened, and if the shared mapping failed makes
 * the program's own call as it asked; it stores how and then the result,
 * puts back r8-r10 and rcx as the syscall would leave them, and jumps
 * back after the program's syscall instruction.
 */
#include <sys/syscall.h>

#include "stub-layout.h"

#define AT_FDCWD_ -100
#define O_RDWR_CLOEXEC_ 0x80002
#define D(field) .Llane+STUB_CODE_BYTES+field(%rip)

	.section .rodata
	.globl pti_stub_lane
	.globl pti_stub_lane_end
	.p2align 8
pti_stub_lane:
.Llane:
	/* The memfd: kept in the tracee, or opened for this call. */
	movq D(LANE_FD), %r8
	testq %r8, %r8
	jns 1f
	movq %rdi, D(LANE_SAVED_RDI)
	movq %rsi, D(LANE_SAVED_RSI)
	movq %rdx, D(LANE_SAVED_RDX)
	movl $AT_FDCWD_, %edi
	leaq D(LANE_PATH), %rsi
	movl $O_RDWR_CLOEXEC_, %edx
	xorl %r10d, %r10d
	movl $__NR_openat, %eax
	syscall
	movq D(LANE_SAVED_RDI), %rdi
	movq D(LANE_SAVED_RSI), %rsi
	movq D(LANE_SAVED_RDX), %rdx
	movq %rax, %r8
	testq %rax, %rax
	js 3f
	/* The shared mapping; then close what was opened for it. */
1:	movq D(LANE_FLAGS), %r10
	movq D(LANE_OFFSET), %r9
	movl $__NR_mmap, %eax
	syscall
	movq %rax, D(LANE_SHARED_RESULT)
	cmpq $0, D(LANE_FD)
	jns 2f
	movq %r8, %rdi
	movl $__NR_close, %eax
	syscall
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
	movl $__NR_mmap, %eax
	syscall
	movl $LANE_PRIVATE, D(LANE_HOW)
	/* how is stored before result: ptinspect reads them the other way. */
4:	movq %rax, D(LANE_RESULT)
	movq D(LANE_ORIG_R10), %r10
	movq D(LANE_ORIG_R8), %r8
	movq D(LANE_ORIG_R9), %r9
	movq D(LANE_RETURN_RIP), %rcx
	jmpq *%rcx
pti_stub_lane_end:

	.section .note.GNU-stack,"",@progbits
