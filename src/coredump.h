/*
 * coredump.h: an ELF64 core file of a held (paused) process, laid out as
 * the kernel writes one (fs/binfmt_elf.c), so that gdb, eu-stack --core
 * and eu-readelf read it like any other core. No terminal, no commands:
 * the tracer's struct proc is only read.
 */
#ifndef PTI_COREDUMP_H
#define PTI_COREDUMP_H

#include <stdint.h>

struct proc;

struct coredump_stats {
	unsigned threads;	/* NT_PRSTATUS notes written */
	unsigned segments;	/* PT_LOAD headers */
	uint64_t size;		/* the file's apparent size */
	uint64_t data_bytes;	/* memory bytes written (holes not counted) */
	uint64_t ms;		/* how long it took */
};

/*
 * Writes the core of p, which must be paused, to path (created 0600,
 * replaced if it exists). Pages that hold nothing (never written, or all
 * zero) are holes of a sparse file. 0, or -1 with *errp; a failed core is
 * removed. st may be NULL.
 */
int coredump_write(struct proc *p, const char *path,
    struct coredump_stats *st, char **errp);

#endif
