/*
 * symbols.h: code addresses of one address space to function names, module
 * names and source file:line, through elfutils libdwfl. Each address is
 * resolved once and cached: a backtrace of a warm stack costs one hash
 * lookup per frame. The unwinder (unwind.c) is the only user.
 */
#ifndef PTI_SYMBOLS_H
#define PTI_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct symbols;

/* A function inlined at a code address, and where in it the address is. */
struct sym_inline {
	const char *function;
	const char *file;
	int line;
};

/* What is known about one code address. Strings are owned by the cache. */
struct sym_info {
	const char *function;	/* NULL when no symbol covers the pc */
	uint64_t offset;	/* from the function's start */
	uint64_t size;		/* the function's (ELF st_size); 0 unknown */
	const char *file;	/* source file, absolute if known, or NULL */
	int line;		/* 0 when unknown */
	const char *module;	/* the mapped file's path, or NULL */
	/*
	 * Calls inlined at the address, innermost first; function is the one
	 * they were inlined into, and file:line the call site of the
	 * outermost (gdb shows each as a frame).
	 */
	const struct sym_inline *inlined;
	size_t ninlined;
};

/*
 * Reports the modules mapped in pid (any thread id of the process) from
 * /proc/PID/maps. NULL with *errp when the process cannot be read.
 */
struct symbols *symbols_new(pid_t pid, char **errp);
/*
 * The same for a process that is gone: the modules its core file (open on
 * core_fd, named core_path in errors) maps, exe (may be NULL) for the
 * program when the core's own path to it is gone. NULL with *errp.
 */
struct symbols *symbols_new_core(int core_fd, const char *core_path,
    const char *exe, char **errp);
void symbols_free(struct symbols *s);

/*
 * Re-reads the module list after new code was mapped; what was already
 * resolved stays cached. 0, or -1 with *errp.
 */
int symbols_refresh(struct symbols *s, char **errp);

/*
 * Resolves pc. A return address (every frame but the innermost and those
 * interrupted by a signal) is looked up at pc - 1, inside the call, so a
 * call that ends a function is not named after the next one; the offset is
 * still pc's. Never fails: unknown parts are NULL or 0.
 */
const struct sym_info *symbols_lookup(struct symbols *s, uint64_t pc,
    bool return_address);

/*
 * The address of the function (STT_FUNC symbol) called name in any
 * module, the program's first. false when there is none.
 */
bool symbols_find_function(struct symbols *s, const char *name,
    uint64_t *addr);

/*
 * The address of the function or data object called name, the program's
 * first; "name@MODULE" (a file name such as libc.so.6, or a path) looks
 * only in that module. false when there is none.
 */
bool symbols_find_symbol(struct symbols *s, const char *name,
    uint64_t *addr);

/*
 * One frame of a stopped thread as DWARF readers (dwarf-value.h) need it
 * to locate its variables.
 */
/* All 17 registers by DWARF number, in struct sym_frame's regs_known. */
#define SYM_REGS_ALL 0x1ffffu

struct sym_frame {
	uint64_t pc;
	bool return_address;	/* look pc up at pc - 1, as bt does */
	bool inlined;		/* a call inlined into the next frame */
	uint64_t cfa;		/* 0 when unknown */
	/*
	 * The frame's registers by DWARF number (0 rax, 1 rdx, 2 rcx, 3 rbx,
	 * 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 rip), or NULL; regs[n]
	 * is known when bit n of regs_known is set. In an outer frame, as in
	 * gdb, a register its callee's CFI does not restore is the callee's
	 * (DWARF's "same value"), a caller-saved one too.
	 */
	const uint64_t *regs;
	uint32_t regs_known;
	/*
	 * The frame that called this one (DW_OP_entry_value reads the call
	 * site there): fills *out, its registers in regs. false when unknown;
	 * NULL: never known. walk and index are the caller's own.
	 */
	bool (*caller)(const struct sym_frame *sf, struct sym_frame *out,
	    uint64_t regs[17]);
	const void *walk;
	size_t index;
	/* Tracee memory: bytes read at addr (short or -1 on failure). */
	long (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	void *arg;
};

/*
 * s's libdwfl session, for DWARF readers (dwarf-value.c); its modules open
 * through s's process. Valid until symbols_free(s).
 */
struct Dwfl;
struct Dwfl *symbols_dwfl(struct symbols *s);

/*
 * Where one reader keeps its cache of s's DWARF (dwarf-value.c's name
 * index): free_fn frees it when s is freed or its modules re-read.
 */
void **symbols_cache_slot(struct symbols *s, void (*free_fn)(void *));

/*
 * The full path (made absolute with its CU's DW_AT_comp_dir) of the source
 * file the line tables call name, or end in "/name". NULL when none does;
 * free the result.
 */
char *symbols_find_source(struct symbols *s, const char *name);

#endif
