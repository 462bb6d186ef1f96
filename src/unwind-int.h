/*
 * unwind-int.h: what unwind.c (the walk) and unwind-files.c (the code
 * files of a process, mapped by us, and the spans of them libunwind reads
 * from) share. Private to them; unwind.h is the interface.
 */
#ifndef PTI_UNWIND_INT_H
#define PTI_UNWIND_INT_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include <libunwind.h>

#include "maps.h"
#include "unwind.h"

#define UNWIND_CHUNK 16384u	/* bytes copied per chunk */
#define UNWIND_NCHUNKS 4
#define UNWIND_NENDS 8		/* outermost pcs remembered (_start...) */

/* A code file of the process, mapped read-only by us. */
struct unwind_file {
	unsigned dev_major;
	unsigned dev_minor;
	uint64_t inode;
	const uint8_t *base;	/* NULL: could not be mapped */
	size_t size;
	bool copied;		/* base is a heap copy (the vdso) */
};

/* Tracee addresses [start, end) whose bytes are data[0 .. end - start). */
struct unwind_span {
	uint64_t start;
	uint64_t end;
	const uint8_t *data;
	size_t file;		/* in up->files */
	uint64_t bias;		/* the object's load bias */
};

/* A copy of tracee memory, valid during one unwind. */
struct unwind_chunk {
	uint64_t start;
	size_t len;		/* bytes valid; 0: unused */
	uint8_t data[UNWIND_CHUNK];
};

/* One word of tracee memory libunwind read during a walk. */
struct unwind_word {
	uint64_t addr;
	uint64_t value;
};

/*
 * The last walk of a thread: its registers, every stack word it read, and
 * the frames it found. The walk is a function of those (code and unwind
 * tables are immutable while the state lives), so an unwind that finds
 * the same registers and the same words gives the same frames.
 */
struct unwind_memo {
	pid_t tid;
	struct user_regs_struct regs;
	struct unwind_word *words;
	size_t nwords;
	struct frame *frames;	/* pc, sp, cfa, regs, signal_frame only */
	size_t count;
	bool truncated;
	char *error;
	struct unwind_memo *next;
};

struct unwind_proc {
	struct proc *proc;
	pid_t pid;
	pid_t upt_tid;		/* the thread id upt was created for */
	void *upt;		/* _UPT_create handle */
	unw_addr_space_t as;
	struct symbols *syms;
	struct maps maps;	/* the snapshot files and spans come from */
	struct unwind_file *files;
	size_t nfiles;
	struct unwind_span *spans;	/* sorted by start */
	size_t nspans;
	const struct unwind_span *last_span;
	struct unwind_chunk *chunks;	/* UNWIND_NCHUNKS of them */
	unsigned next_chunk;		/* round-robin victim */
	struct user_regs_struct regs;	/* of the thread being unwound */
	struct unwind_word *words;	/* read by the walk in progress */
	size_t nwords;
	size_t words_size;
	struct unwind_memo *memos;	/* one per thread unwound */
	uint64_t loaded_at;	/* unwind_stats.unwinds at maps_read */
	bool refreshed;		/* maps re-read once already */
	uint64_t ends[UNWIND_NENDS];	/* last pcs known to have CFI */
	unsigned next_end;
	struct unwind_tc_cache *tailcalls;	/* unwind_tailcalls' answers */
	struct unwind_proc *next;
};

/*
 * Maps the code files of the process (read through tid) and builds
 * up->spans, sorted by address, from their read-only PT_LOAD parts.
 */
void unwind_map_files(struct unwind_proc *up, pid_t tid);
/* The program headers of a mapped file, or NULL. */
const Elf64_Phdr *unwind_phdrs(const struct unwind_file *f, size_t *count);

/*
 * The functions between a caller and the function it called that ended
 * in tail calls (unwind-tailcall.c): ret is the caller's return address,
 * callee the entry of the function of the frame below. Fills pcs with
 * each one's address after its tail call, innermost first, and returns
 * how many; 0 unless the DWARF call sites give one chain. Answers are
 * kept in *cache (made on first use; NULL: none kept), valid as long as
 * syms's modules: free it with unwind_tailcalls_free.
 */
#define UNWIND_TAILCALL_MAX 8
struct symbols;
struct unwind_tc_cache;
size_t unwind_tailcalls(struct symbols *syms, struct unwind_tc_cache **cache,
    uint64_t ret, uint64_t callee, uint64_t pcs[UNWIND_TAILCALL_MAX]);
void unwind_tailcalls_free(struct unwind_tc_cache *cache);

#endif
