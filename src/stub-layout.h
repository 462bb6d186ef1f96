/*
 * stub-layout.h: the layout of the mmap stub (stub.h) and of a lane's
 * data, and the tag of its calls. Constants only, for C and for the
 * assembler: the seccomp filter (seccomp.c) lets the stub's mmaps through
 * without depending on the redirection layer, and the lane code
 * (stub-code.S) and stub.c read the same offsets.
 *
 * Lanes of STUB_LANE_BYTES code at the stub's base and as many of data
 * STUB_CODE_BYTES above them. The base is just above the stack, or where
 * there is no room there STUB_FIXED_ADDR, where rr keeps its own page
 * (its filter knows the page by that address; ours knows the stub's
 * calls by STUB_CALL_TAG, wherever they are made).
 */
#ifndef PTI_STUB_LAYOUT_H
#define PTI_STUB_LAYOUT_H

#ifdef __ASSEMBLER__
#define STUB_CODE_BYTES (STUB_LANES*STUB_LANE_BYTES)
#else
#include <stdint.h>
#define STUB_FIXED_ADDR 0x70000000ULL
#define STUB_CODE_BYTES ((uint64_t)STUB_LANES * STUB_LANE_BYTES)
#endif
/* 16 lanes of 1 KiB: the same 32 KiB as 64 of 256 before brk lanes. */
#define STUB_LANES 16
#define STUB_LANE_BYTES 1024
#define STUB_BYTES (2 * STUB_CODE_BYTES)

/*
 * The upper half of the descriptor of every mmap and of the third
 * argument of every munmap that ptinspect makes in a tracee (the lanes,
 * injected calls): the filter lets those through untraced. The kernel
 * reads the descriptor as an int and munmap has two arguments, so the
 * tag changes nothing of the call. A program's own descriptor's upper
 * half is 0 or, for -1, all ones; only a program that left exactly
 * these 32 bits in munmap's unused rdx (not a pointer's, not a small
 * number's) would unmap without ptinspect's seeing it.
 */
#define STUB_CALL_TAG 0x50544931
#ifndef __ASSEMBLER__
/* fd's low half under the tag: the descriptor argument of a tagged mmap. */
static inline uint64_t
stub_tagged_fd(long fd)
{
	return (uint32_t)fd | (uint64_t)STUB_CALL_TAG << 32;
}
#define STUB_TAGGED_NOTHING ((uint64_t)STUB_CALL_TAG << 32)
#endif

/*
 * A lane's data, at the lane's code + STUB_CODE_BYTES: byte offsets of
 * struct lane_data's fields (stub.c checks them against the struct).
 */
#define LANE_FLAGS 0		/* r10 for the shared mmap */
#define LANE_FD 8		/* r8: the memfd, or -1 to open path */
/* LANE_FD for descriptor fd, closed after the mmap (an mmap lane's only). */
#define LANE_FD_CLOSE(fd) (-(fd) - 2)
#define LANE_OFFSET 16		/* r9: the slot's file offset */
#define LANE_ORIG_R10 24	/* the program's r10, r8, r9 */
#define LANE_ORIG_R8 32
#define LANE_ORIG_R9 40
#define LANE_RETURN_RIP 48	/* after the program's syscall instruction */
#define LANE_RESULT 56		/* LANE_PENDING until the lane is done */
#define LANE_HOW 64		/* LANE_SHARED or LANE_PRIVATE (low half) */
#define LANE_SAVED_RDI 72	/* the lane's own scratch */
#define LANE_SAVED_RSI 80
#define LANE_SAVED_RDX 88
#define LANE_SHARED_RESULT 96	/* the lane's own scratch, too */
#define LANE_NR 104		/* the program's call: mmap or brk */
#define LANE_ADDR 112		/* brk: the pages, [addr, addr + len) */
#define LANE_LEN 120		/* munmap: the file range punched, at LANE_OFFSET */
#define LANE_BRK_NEW 128	/* brk: its result when that worked */
#define LANE_BRK_OLD 136	/* brk: its result when it did not */
#define LANE_PATH 144		/* /proc/<ptinspect>/fd/<memfd> */

/* Where a lane's brk code starts, growing and shrinking, from its start. */
#define LANE_BRK_ENTRY 272
#define LANE_BRK_SHRINK_ENTRY 536
/* Where its munmap code starts (the punch, after the program's munmap). */
#define LANE_MUNMAP_ENTRY 584

/*
 * Where a lane's batch code starts (stub-code.S), and the bytes of one of
 * its list's entries: addr, len, prot, offset.
 */
#define LANE_BATCH_ENTRY 800
#define STUB_BATCH_ENTRY 32

/*
 * Where a lane's set-up code starts (stub-code.S, run once a process by
 * stub_map_data from lane 0), and the memfd's path it opens: lane 0's
 * code holds it, written with the code, as the data is not mapped yet.
 */
#define LANE_SETUP_ENTRY 856
#define LANE_SETUP_PATH 952
#define LANE_SETUP_PATH_BYTES 64

/* Neither a page address nor -errno: what no mmap returns. */
#define LANE_PENDING 1
#define LANE_SHARED 1
#define LANE_PRIVATE 2

#endif
