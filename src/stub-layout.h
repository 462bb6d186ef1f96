/*
 * stub-layout.h: where the mmap stub (stub.h) lives in every traced
 * address space. Constants only, so that the seccomp filter (seccomp.c),
 * which lets mmap from the stub's code through, can use them without
 * depending on the redirection layer.
 *
 * rr keeps its own page at the same spot for the same reason (the seccomp
 * filter lets syscalls made from there through, and it must know the
 * address before exec). Lanes of STUB_LANE_BYTES code at STUB_ADDR and as
 * many of data STUB_CODE_BYTES above them.
 */
#ifndef PTI_STUB_LAYOUT_H
#define PTI_STUB_LAYOUT_H

#include <stdint.h>

#define STUB_ADDR 0x70000000ULL
#define STUB_LANES 64
#define STUB_LANE_BYTES 256
#define STUB_CODE_BYTES ((uint64_t)STUB_LANES * STUB_LANE_BYTES)
#define STUB_DATA_ADDR (STUB_ADDR + STUB_CODE_BYTES)
#define STUB_BYTES (2 * STUB_CODE_BYTES)

#endif
