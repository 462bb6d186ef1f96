/*
 * disas.h: x86-64 machine code to text, in AT&T syntax (gdb's and
 * objdump's default), through the capstone library. Knows nothing of
 * processes: callers read the bytes (mem.h) and name the targets
 * (symbols.h).
 */
#ifndef PTI_DISAS_H
#define PTI_DISAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISAS_MAX_INSN 15	/* the longest x86-64 instruction */

struct disas_insn {
	uint64_t addr;
	uint8_t bytes[DISAS_MAX_INSN];
	size_t size;
	/* "mov    %rsp,%rbp": mnemonic padded to 6, operands as gdb's. */
	char text[200];
	/* A direct jump or call: its target (for "<name+off>"). */
	bool has_target;
	uint64_t target;
};

/*
 * Decodes up to max instructions from the len bytes of buf, which sit at
 * addr in the program. Stops at the first byte sequence that is no
 * instruction. Returns how many were decoded into out, or -1 with *errp
 * when the disassembler cannot be opened.
 */
long disas_decode(const uint8_t *buf, size_t len, uint64_t addr,
    struct disas_insn *out, size_t max, char **errp);

#endif
