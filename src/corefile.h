/*
 * corefile.h: an ELF64 x86-64 core file opened read-only (ptinspect's own
 * gcore, gdb's gcore or the kernel's): its regions in the shape of
 * /proc/PID/maps, its memory, threads and registers, and the process facts
 * its notes hold. The read side of post-mortem browsing; knows nothing of
 * live processes, the tracer or the terminal.
 */
#ifndef PTI_COREFILE_H
#define PTI_COREFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "maps.h"

/* One NT_PRSTATUS. */
struct corefile_thread {
	pid_t tid;
	/* pr_cursig: 0 unless it had a signal */
	int cursig;
	struct user_regs_struct regs;
};

/* NT_PRPSINFO (present false when the core has none). */
struct corefile_psinfo {
	bool present;
	char state;			/* pr_sname: 'R', 'S', 'T', ... */
	pid_t pid, ppid;
	uid_t uid;
	gid_t gid;
	char fname[17];			/* comm, NUL-terminated */
	char psargs[81];		/* the first 80 bytes of argv, joined */
};

/* The first NT_SIGINFO, the fatal one (present false when none). */
struct corefile_siginfo {
	bool present;
	int signo, code, errno_;
	/* si_addr for SIGSEGV/BUS/ILL/FPE/TRAP */
	uint64_t addr;
};

struct corefile_segment;

struct corefile {
	char *path;
	/* open read-only; libdwfl reads it too */
	int fd;
	/* the file, during corefile_open only */
	const unsigned char *map;
	size_t size;			/* its size when opened */
	/* One region per PT_LOAD, in address order; named from NT_FILE. */
	struct maps maps;
	struct corefile_segment *segs;	/* parallel to maps.regions */
	struct corefile_thread *threads;	/* in note order: the
						   signalled one first */
	size_t nthreads;
	struct corefile_psinfo psinfo;
	struct corefile_siginfo siginfo;
	uint64_t *auxv;			/* (type, value) pairs, AT_NULL last */
	size_t auxv_count;		/* pairs */
	/* What is wrong but not fatal ("/lib/x.so: mapped file is gone"). */
	char **warnings;
	size_t nwarnings;
};

/*
 * Opens and checks PATH: an ELF64 little-endian x86-64 ET_CORE whose
 * program headers, notes and segment contents lie inside the file. 0 and
 * *out, or -1 with *errp naming the file and what was wrong ("not an ELF
 * file", "not a core file (ET_DYN)", "truncated: ...").
 */
int corefile_open(const char *path, struct corefile **out, char **errp);
void corefile_close(struct corefile *cf);

/*
 * Copies len bytes at addr from the core: the segment's bytes in the file,
 * zeros for what lies past p_filesz within p_memsz (memory the dumper
 * left out). A read may span adjacent segments. 0, or -1 with errno
 * EFAULT (and *errp, "0x10: address not mapped in the core") when any
 * byte is outside every segment, or EIO when the file shrank since it
 * was opened.
 */
int corefile_read(const struct corefile *cf, uint64_t addr, void *buf,
    size_t len, char **errp);

/* How many bytes at addr the core actually holds (p_filesz part), 0 if none. */
size_t corefile_dumped(const struct corefile *cf, uint64_t addr);

/* The auxv value of type (AT_ENTRY, ...), or false when absent. */
bool corefile_auxv(const struct corefile *cf, uint64_t type, uint64_t *val);

/* The string AT_EXECFN points at (the path the program was run as), or NULL. */
char *corefile_execfn(const struct corefile *cf);

/* The thread with this tid, or NULL. */
const struct corefile_thread *corefile_thread(const struct corefile *cf,
    pid_t tid);

#endif
