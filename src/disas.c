/*
 * disas.c: x86-64 decoding with capstone (a maintained disassembler
 * rather than tables of our own). One capstone handle, opened on first
 * use with AT&T syntax and instruction details (for the targets of direct
 * branches), and kept for the life of the program.
 *
 * Capstone's AT&T text differs from objdump's in spacing only: it writes
 * "%rsp, %rbp" where objdump and gdb write "%rsp,%rbp"; the comma's space
 * is dropped so the output reads as theirs. Mnemonics keep capstone's
 * size suffixes ("callq", "pushq"), which binutils 2.40 prints bare where
 * a register operand gives the size, and immediates below 10 stay decimal
 * ("$7", objdump "$0x7"): rewriting either safely needs the operand
 * details (cmovl and shl end in a "suffix" too), left for later.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

#include "disas.h"
#include "util.h"

static int disas_open(char **errp);
static void disas_operands(char *out, size_t len, const char *in);
static bool disas_target(const cs_insn *insn, uint64_t *target);

static csh disas_handle;
static bool disas_opened;

long
disas_decode(const uint8_t *buf, size_t len, uint64_t addr,
    struct disas_insn *out, size_t max, char **errp)
{
	cs_insn *insn;
	char ops[160];
	size_t n = 0;

	if (disas_open(errp) == -1)
		return -1;
	insn = cs_malloc(disas_handle);
	while (n < max && len > 0 && cs_disasm_iter(disas_handle, &buf, &len,
	    &addr, insn)) {
		struct disas_insn *d = &out[n++];

		d->addr = insn->address;
		d->size = insn->size;
		memcpy(d->bytes, insn->bytes, insn->size);
		disas_operands(ops, sizeof ops, insn->op_str);
		if (ops[0] == '\0')
			snprintf(d->text, sizeof d->text, "%s",
			    insn->mnemonic);
		else
			snprintf(d->text, sizeof d->text, "%-6s %s",
			    insn->mnemonic, ops);
		d->has_target = disas_target(insn, &d->target);
	}
	cs_free(insn, 1);
	return (long)n;
}

static int
disas_open(char **errp)
{
	cs_err err;

	if (disas_opened)
		return 0;
	err = cs_open(CS_ARCH_X86, CS_MODE_64, &disas_handle);
	if (err == CS_ERR_OK)
		err = cs_option(disas_handle, CS_OPT_SYNTAX,
		    CS_OPT_SYNTAX_ATT);
	if (err == CS_ERR_OK)
		err = cs_option(disas_handle, CS_OPT_DETAIL, CS_OPT_ON);
	if (err != CS_ERR_OK)
		return set_error(errp, "capstone: %s", cs_strerror(err));
	disas_opened = true;
	return 0;
}

/* Capstone's operands with ", " written "," as objdump and gdb do. */
static void
disas_operands(char *out, size_t len, const char *in)
{
	size_t o = 0;

	for (; *in != '\0' && o + 1 < len; in++) {
		if (in[0] == ',' && in[1] == ' ') {
			out[o++] = ',';
			in++;
			continue;
		}
		out[o++] = *in;
	}
	out[o] = '\0';
}

/* The target of a jump or call to an immediate address. */
static bool
disas_target(const cs_insn *insn, uint64_t *target)
{
	const cs_x86 *x86 = &insn->detail->x86;
	bool branch = false;
	uint8_t i;

	for (i = 0; i < insn->detail->groups_count; i++) {
		if (insn->detail->groups[i] == CS_GRP_JUMP ||
		    insn->detail->groups[i] == CS_GRP_CALL)
			branch = true;
	}
	if (!branch || x86->op_count != 1 || x86->operands[0].type !=
	    X86_OP_IMM)
		return false;
	*target = (uint64_t)x86->operands[0].imm;
	return true;
}
