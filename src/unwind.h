/*
 * unwind.h: backtraces of stopped tracee threads (libunwind-ptrace), with
 * function names, source lines and signal frames (symbols.h). Used by the
 * `bt` command and the TUI's threads pane.
 *
 * unwind.c keeps state per process (a libunwind address space with its
 * caches, read-only mappings of the process's code files, the symbol
 * cache), built on the first unwind and kept until unwind_forget().
 */
#ifndef PTI_UNWIND_H
#define PTI_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc;
struct thread;

#define UNWIND_MAX_FRAMES 256

struct frame {
	uint64_t pc;
	/*
	 * The stack pointer in this frame (for frames past #0, as the call
	 * left it: libunwind's unwound rsp) and its canonical frame address
	 * (the caller's sp, 0 for the outermost frame).
	 */
	uint64_t sp;
	uint64_t cfa;
	/*
	 * The frame's registers by DWARF number (symbols.h's struct
	 * sym_frame), bit n of regs_known set when regs[n] is known. In an
	 * outer frame a register the callee did not save is the callee's, as
	 * gdb reads it (so caller-saved ones are the callee's values).
	 */
	uint64_t regs[17];
	uint32_t regs_known;
	const char *function;	/* NULL when unknown */
	uint64_t offset;	/* pc - function start */
	const char *file;	/* source file, or NULL */
	int line;		/* 0 when unknown */
	const char *module;	/* mapped file the pc is in, or NULL */
	bool signal_frame;	/* the signal trampoline (__restore_rt) */
	/*
	 * A call inlined into the next frame, which has the same pc; its
	 * offset is 0 (gdb shows such frames too).
	 */
	bool inlined;
	/*
	 * A function that ended by jumping to the next frame's (DWARF call
	 * sites tell, gdb shows it too): pc is the address after its jump,
	 * sp and cfa those of the frame below, no registers known.
	 */
	bool tailcall;
};

struct backtrace {
	pid_t tid;
	struct frame *frames;	/* innermost first, inlined calls too */
	size_t count;
	/*
	 * The walk stopped before the outermost frame (an unwinding error, a
	 * loop, or more than UNWIND_MAX_FRAMES frames); error says why.
	 */
	bool truncated;
	char *error;
	char *strings;		/* holds the frames' strings */
};

/*
 * Unwinds thread t of p, which must be stopped under ptrace by us. Fills
 * *out (free it with backtrace_free). Returns 0, also for a truncated
 * stack; -1 with *errp when not even frame #0 can be read ("thread 123 is
 * not stopped"), *out then being empty but for its tid.
 */
int unwind_thread(struct proc *p, struct thread *t, struct backtrace *out,
    char **errp);

void backtrace_free(struct backtrace *bt);

/*
 * The function holding code address addr in p, as "name+0xoff" in buf.
 * false (buf untouched) when no symbol covers it or p cannot be read.
 * The first call for a process loads its symbols (tens of ms).
 */
bool unwind_symbolize(struct proc *p, uint64_t addr, char *buf, size_t len);

/*
 * What the symbol cache of p knows about addr (symbols.h): function or
 * object + offset, file:line, module. NULL when p's symbols cannot be
 * loaded. The result stays valid until unwind_forget(p).
 */
struct sym_info;
const struct sym_info *unwind_lookup(struct proc *p, uint64_t addr);

/* p's symbol cache itself, for name lookups; NULL as above. */
struct symbols;
struct symbols *unwind_symbols(struct proc *p);

/*
 * The arguments of frame i of bt (a backtrace of p) as gdb's bt shows
 * them ("x=7, s=0x4020 \"hi\""), from DWARF (dwv_frame_args_text). false
 * for an inlined call, or a function without debug information.
 */
bool unwind_frame_args(struct proc *p, const struct backtrace *bt, size_t i,
    char *buf, size_t len);

/*
 * Fills *sf with what DWARF readers need of frame i of bt: pc, whether
 * it is a return address, cfa, memory reads through mem.h, its registers
 * (stored in dregs; all of them for the innermost real frame, those the
 * unwinder recovered for the others) and the way to its caller's frame
 * for entry values (bt must outlive sf). p's symbol cache,
 * or NULL when p's symbols cannot be loaded (sf untouched).
 */
struct sym_frame;
struct symbols *unwind_sym_frame(struct proc *p, const struct backtrace *bt,
    size_t i, struct sym_frame *sf, uint64_t dregs[17]);

/*
 * Forgets everything cached for p. Call it when p's mappings changed
 * (exec, munmap, mremap, MAP_FIXED over code) and when p is gone. Newly
 * mapped code at fresh addresses is noticed without it.
 */
void unwind_forget(struct proc *p);

/* Counters since start, for the benchmark and the tests. */
struct unwind_stats {
	uint64_t unwinds;
	uint64_t frames;
	uint64_t mem_accesses;	/* libunwind's reads of tracee memory */
	uint64_t file_reads;	/* ... from our mappings of code files */
	uint64_t cache_reads;	/* ... from this unwind's copied chunks */
	uint64_t mem_reads;	/* mem_read() calls that filled a page */
	uint64_t regs_fetches;	/* PTRACE_GETREGS calls */
	uint64_t proc_info_lookups;	/* libunwind unwind-table searches */
	uint64_t replays;	/* unwinds that reused an unchanged walk */
};
void unwind_get_stats(struct unwind_stats *out);

/*
 * Whether an unwind of a thread whose registers and stack words are those
 * of its last walk reuses that walk (the default), or walks again (for the
 * benchmark, to time libunwind's warm walk).
 */
void unwind_set_replay(bool on);

#endif
