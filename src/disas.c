/*
 * disas.c: x86-64 decoding with capstone (a maintained disassembler
 * rather than tables of our own). One capstone handle, opened on first
 * use with AT&T syntax and instruction details (for the targets of direct
 * branches), and kept for the life of the program.
 *
 * The library itself is loaded on first use too (dlopen of the soname
 * configure found), not linked: its 77,000 relocations and 1.3 MiB of
 * tables to fix up cost every start of ptinspect 7 ms of CPU here, of
 * 8.5 ms, whether it disassembles or not (docs/BENCHMARKS.md,
 * "Per-process cost"); most runs never do, and a ptinspect that wraps
 * each command of a build starts once per command.
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

#include <dlfcn.h>
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

/* The library's entry points, from dlsym. */
static struct {
	cs_err (*open)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*malloc)(csh);
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *,
	    cs_insn *);
	void (*free)(cs_insn *, size_t);
	const char *(*strerror)(cs_err);
} cs;

long
disas_decode(const uint8_t *buf, size_t len, uint64_t addr,
    struct disas_insn *out, size_t max, char **errp)
{
	cs_insn *insn;
	char ops[160];
	size_t n = 0;

	if (disas_open(errp) == -1)
		return -1;
	insn = cs.malloc(disas_handle);
	while (n < max && len > 0 && cs.disasm_iter(disas_handle, &buf, &len,
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
	cs.free(insn, 1);
	return (long)n;
}

/* Loads capstone and takes its entry points; the same error each time. */
static int
disas_load(char **errp)
{
	static char *load_error;
	const char *why;
	void *lib;

	if (cs.strerror != NULL)
		return 0;
	if (load_error != NULL)
		return set_error(errp, "%s", load_error);
	lib = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib != NULL) {
		*(void **)&cs.open = dlsym(lib, "cs_open");
		*(void **)&cs.option = dlsym(lib, "cs_option");
		*(void **)&cs.malloc = dlsym(lib, "cs_malloc");
		*(void **)&cs.disasm_iter = dlsym(lib, "cs_disasm_iter");
		*(void **)&cs.free = dlsym(lib, "cs_free");
		if (cs.open != NULL && cs.option != NULL && cs.malloc != NULL &&
		    cs.disasm_iter != NULL && cs.free != NULL)
			*(void **)&cs.strerror = dlsym(lib, "cs_strerror");
	}
	if (cs.strerror == NULL) {
		why = dlerror();
		load_error = xstrfmt("capstone, the disassembler: cannot load "
		    "%s: %s", CAPSTONE_SONAME, why != NULL ? why :
		    "an entry point is missing");
		return set_error(errp, "%s", load_error);
	}
	return 0;
}

static int
disas_open(char **errp)
{
	cs_err err;

	if (disas_opened)
		return 0;
	if (disas_load(errp) == -1)
		return -1;
	err = cs.open(CS_ARCH_X86, CS_MODE_64, &disas_handle);
	if (err == CS_ERR_OK)
		err = cs.option(disas_handle, CS_OPT_SYNTAX,
		    CS_OPT_SYNTAX_ATT);
	if (err == CS_ERR_OK)
		err = cs.option(disas_handle, CS_OPT_DETAIL, CS_OPT_ON);
	if (err != CS_ERR_OK)
		return set_error(errp, "capstone: %s", cs.strerror(err));
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
