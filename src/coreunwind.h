/*
 * coreunwind.h: backtraces of every thread of a core file, with elfutils'
 * libdwfl (the way eu-stack --core does it): function+offset, module and
 * file:line per frame.
 */
#ifndef PTI_COREUNWIND_H
#define PTI_COREUNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct corefile;

struct coreunwind_frame {
	uint64_t pc;
	uint64_t sp;		/* rsp in the frame, 0 when unknown */
	uint64_t cfa;		/* by the module's CFI, 0 when unknown */
	bool activation;	/* frame #0 or a signal frame: pc is exact */
	/*
	 * Registers by DWARF number, bit n of regs_known set when regs[n]
	 * is known: libdwfl's, or the callee's for one it does not restore.
	 */
	uint64_t regs[17];
	uint32_t regs_known;
	char *function;		/* NULL when no symbol covers it */
	uint64_t offset;	/* pc - the function's start */
	char *module;		/* the module's path or name, or NULL */
	char *file;		/* source file, or NULL */
	int line;		/* 0 when unknown */
};

struct coreunwind_thread {
	pid_t tid;
	struct coreunwind_frame *frames;
	size_t count;
	char *error;		/* why the unwind stopped early, or NULL */
};

struct coreunwind {
	struct coreunwind_thread *threads;
	size_t count;
	/* Modules whose ELF file was not found ("/usr/bin/x: No such file"). */
	char **missing;
	size_t nmissing;
};

/*
 * Unwinds every thread of cf, at most max_frames frames each. exe is the
 * program's path when the core's own record of it is wrong or gone (as
 * gdb's and eu-stack's executable argument), or NULL. 0, or -1 with *errp
 * when the core cannot be given to libdwfl at all; a thread that fails
 * part way keeps its frames and says why in its error.
 */
int coreunwind(const struct corefile *cf, const char *exe, size_t max_frames,
    struct coreunwind *out, char **errp);
void coreunwind_free(struct coreunwind *bt);

#endif
