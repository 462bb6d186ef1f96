/*
 * coreunwind.c: backtraces from a core file with elfutils' libdwfl, as
 * eu-stack --core does: dwfl_core_file_report finds the modules (NT_FILE
 * and the link_map in the core's memory; ELF files by build id, then by
 * path), dwfl_core_file_attach gives libdwfl the threads' registers from
 * NT_PRSTATUS, and dwfl_getthreads/dwfl_thread_getframes unwind each
 * thread with the modules' CFI (frame pointers where there is none).
 *
 * Registers: libdwfl's for each frame, and where it has none (a register
 * the callee did not save) the callee's, as gdb reads them.
 *
 * Symbols: a return address is looked up at pc - 1 (the call, not the
 * instruction after it, which may belong to the next function or line);
 * an activation (frame #0, a signal frame) at pc itself. Offsets are
 * printed from pc, as gdb and ptinspect's live bt print them.
 *
 * What it may call: corefile.h (for the open, checked core and its thread
 * list), util, libdwfl. libdwfl reads the core through its own Elf handle
 * on the corefile's descriptor.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corefile.h"
#include "coreunwind.h"
#include "util.h"

struct unwind_arg {
	Dwfl *dwfl;
	struct coreunwind *out;
	struct coreunwind_thread *t;
	size_t max;
};

static int coreunwind_open(const struct corefile *cf, const char *exe,
    Dwfl **dwflp, Elf **elfp, char **errp);
static int thread_cb(Dwfl_Thread *thread, void *arg);
static int frame_cb(Dwfl_Frame *frame, void *arg);
static uint64_t frame_cfa(Dwfl_Module *mod, Dwarf_Addr at,
    const struct coreunwind_frame *f);
static int module_cb(Dwfl_Module *mod, void **userdata, const char *name,
    Dwarf_Addr start, void *arg);

static char *coreunwind_debuginfo_path;

static const Dwfl_Callbacks coreunwind_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &coreunwind_debuginfo_path,
};

/*
 * The libdwfl session coreunwind works in: cf's modules reported (exe as
 * above), not yet attached to its threads. 0, or -1 with *errp; either
 * way free what *dwflp and *elfp hold (dwfl_end, elf_end; NULL-safe).
 */
static int
coreunwind_open(const struct corefile *cf, const char *exe, Dwfl **dwflp,
    Elf **elfp, char **errp)
{
	Dwfl *dwfl = NULL;
	Elf *elf;

	*dwflp = NULL;
	elf_version(EV_CURRENT);
	elf = elf_begin(cf->fd, ELF_C_READ_MMAP, NULL);
	*elfp = elf;
	if (elf == NULL)
		return set_error(errp, "%s: libelf: %s", cf->path,
		    elf_errmsg(-1));
	dwfl = dwfl_begin(&coreunwind_callbacks);
	if (dwfl == NULL)
		return set_error(errp, "libdwfl: %s", dwfl_errmsg(-1));
	*dwflp = dwfl;
	if (exe != NULL && access(exe, R_OK) < 0)
		return set_error(errp, "%s: %s", exe, strerror(errno));
	dwfl_report_begin(dwfl);
	if (dwfl_core_file_report(dwfl, elf, exe) < 0)
		return set_error(errp, "%s: libdwfl cannot read its modules: "
		    "%s", cf->path, dwfl_errmsg(-1));
	if (dwfl_report_end(dwfl, NULL, NULL) != 0)
		return set_error(errp, "%s: libdwfl: %s", cf->path,
		    dwfl_errmsg(-1));
	return 0;
}

int
coreunwind(const struct corefile *cf, const char *exe, size_t max_frames,
    struct coreunwind *out, char **errp)
{
	Dwfl *dwfl = NULL;
	Elf *elf = NULL;
	size_t i;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (coreunwind_open(cf, exe, &dwfl, &elf, errp) < 0)
		goto done;
	dwfl_getmodules(dwfl, module_cb, out, 0);
	if (dwfl_core_file_attach(dwfl, elf) < 0) {
		set_error(errp, "%s: libdwfl cannot attach to its threads: %s",
		    cf->path, dwfl_errmsg(-1));
		goto done;
	}

	out->threads = xcalloc(cf->nthreads ? cf->nthreads : 1,
	    sizeof *out->threads);
	for (i = 0; i < cf->nthreads; i++)
		out->threads[i].tid = cf->threads[i].tid;
	out->count = cf->nthreads;
	{
		struct unwind_arg a = {
			.dwfl = dwfl,
			.out = out,
			.max = max_frames,
		};

		if (dwfl_getthreads(dwfl, thread_cb, &a) < 0 &&
		    dwfl_errno() != 0) {
			set_error(errp, "%s: libdwfl: %s", cf->path,
			    dwfl_errmsg(-1));
			goto done;
		}
	}
	ret = 0;

done:
	if (dwfl != NULL)
		dwfl_end(dwfl);
	if (elf != NULL)
		elf_end(elf);
	if (ret < 0)
		coreunwind_free(out);
	return ret;
}

/*
 * One thread of the core, in note order. dwfl_getthreads rather than
 * dwfl_getthread_frames per tid: with elfutils 0.188 valgrind finds 16
 * bytes lost per dwfl_getthread_frames call, and it walks the notes
 * again for every thread.
 */
static int
thread_cb(Dwfl_Thread *thread, void *arg)
{
	struct unwind_arg *a = arg;
	pid_t tid = dwfl_thread_tid(thread);
	size_t i;
	int r;

	a->t = NULL;
	for (i = 0; i < a->out->count; i++)
		if (a->out->threads[i].tid == tid &&
		    a->out->threads[i].count == 0)
			a->t = &a->out->threads[i];
	if (a->t == NULL)
		return DWARF_CB_OK;
	r = dwfl_thread_getframes(thread, frame_cb, a);
	if (r < 0 && a->t->count < a->max)
		a->t->error = xstrdup(dwfl_errmsg(-1));
	else if (r > 0)
		a->t->error = xstrfmt("stopped after %zu frames", a->t->count);
	return DWARF_CB_OK;
}

/* Records one frame; stops (1) at max_frames. */
static int
frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct unwind_arg *a = arg;
	struct coreunwind_frame *f;
	Dwfl_Module *mod;
	Dwfl_Line *line;
	Dwarf_Addr pc, at;
	Dwarf_Word sp, val;
	GElf_Off off;
	GElf_Sym sym;
	const char *name;
	bool act;
	int lineno;
	unsigned r;

	if (a->t->count >= a->max)
		return DWARF_CB_ABORT;
	if (!dwfl_frame_pc(frame, &pc, &act))
		return DWARF_CB_ABORT;
	a->t->frames = xreallocarray(a->t->frames, a->t->count + 1,
	    sizeof *a->t->frames);
	f = &a->t->frames[a->t->count++];
	memset(f, 0, sizeof *f);
	f->pc = pc;
	f->sp = dwfl_frame_reg(frame, 7, &sp) == 0 ? sp : 0;
	f->activation = act;
	for (r = 0; r < 17; r++) {
		if (dwfl_frame_reg(frame, r, &val) == 0) {
			f->regs[r] = val;
			f->regs_known |= 1u << r;
		}
	}
	/*
	 * libdwfl leaves a register unknown when the callee's CFI does not
	 * restore it and elfutils' x86-64 ABI rules do not say "same value"
	 * (0.188 says it for the callee-saved ones but rbx, register 0 being
	 * written where 3 is meant). gdb takes every such register as the
	 * callee's; so do we, but for rsp and rip.
	 */
	for (r = 0; r < 16 && !act && a->t->count > 1; r++) {
		if (r != 7 && (f->regs_known & 1u << r) == 0 &&
		    (f[-1].regs_known & 1u << r) != 0) {
			f->regs[r] = f[-1].regs[r];
			f->regs_known |= 1u << r;
		}
	}
	at = act || pc == 0 ? pc : pc - 1;
	mod = dwfl_addrmodule(a->dwfl, at);
	if (mod == NULL)
		return DWARF_CB_OK;
	f->cfa = frame_cfa(mod, at, f);
	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	if (name != NULL)
		f->module = xstrdup(name);
	name = dwfl_module_addrinfo(mod, at, &off, &sym, NULL, NULL, NULL);
	if (name != NULL) {
		/* "__libc_start_main@@GLIBC_2.34": the name, as gdb has it. */
		f->function = xstrndup(name, strcspn(name, "@"));
		f->offset = off + (pc - at);
	}
	line = dwfl_module_getsrc(mod, at);
	if (line != NULL &&
	    (name = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL))) {
		f->file = xstrdup(name);
		f->line = lineno;
	}
	return DWARF_CB_OK;
}

/*
 * The canonical frame address of frame f (looked up at at) by its
 * module's CFI (.eh_frame, else .debug_frame): the rule's register plus
 * offset, with f's registers. 0 when there is no rule or it is an
 * expression (gcc writes those only for realigned stacks).
 */
static uint64_t
frame_cfa(Dwfl_Module *mod, Dwarf_Addr at, const struct coreunwind_frame *f)
{
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr = NULL;
	Dwarf_Addr bias;
	Dwarf_Op *ops;
	size_t nops;
	uint64_t cfa = 0, reg;

	if (((cfi = dwfl_module_eh_cfi(mod, &bias)) == NULL ||
	    dwarf_cfi_addrframe(cfi, at - bias, &fr) != 0) &&
	    ((cfi = dwfl_module_dwarf_cfi(mod, &bias)) == NULL ||
	    dwarf_cfi_addrframe(cfi, at - bias, &fr) != 0))
		return 0;
	if (dwarf_frame_cfa(fr, &ops, &nops) == 0 && nops == 1) {
		reg = ops[0].atom == DW_OP_bregx ? ops[0].number :
		    ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31 ?
		    (uint64_t)(ops[0].atom - DW_OP_breg0) : 17;
		if (reg < 17 && (f->regs_known & 1u << reg) != 0)
			cfa = f->regs[reg] + (ops[0].atom == DW_OP_bregx ?
			    ops[0].number2 : ops[0].number);
	}
	free(fr);
	return cfa;
}

/* Loads each module's ELF now, so the ones that cannot be found are known. */
static int
module_cb(Dwfl_Module *mod, void **userdata, const char *name,
    Dwarf_Addr start, void *arg)
{
	struct coreunwind *out = arg;
	GElf_Addr bias;

	(void)userdata;
	(void)start;
	if (dwfl_module_getelf(mod, &bias) != NULL)
		return DWARF_CB_OK;
	out->missing = xreallocarray(out->missing, out->nmissing + 1,
	    sizeof *out->missing);
	out->missing[out->nmissing++] = xstrfmt("%s: %s", name,
	    dwfl_errmsg(-1));
	return DWARF_CB_OK;
}

void
coreunwind_free(struct coreunwind *bt)
{
	size_t i, j;

	for (i = 0; i < bt->count; i++) {
		struct coreunwind_thread *t = &bt->threads[i];

		for (j = 0; j < t->count; j++) {
			free(t->frames[j].function);
			free(t->frames[j].module);
			free(t->frames[j].file);
		}
		free(t->frames);
		free(t->error);
	}
	free(bt->threads);
	for (i = 0; i < bt->nmissing; i++)
		free(bt->missing[i]);
	free(bt->missing);
	memset(bt, 0, sizeof *bt);
}
