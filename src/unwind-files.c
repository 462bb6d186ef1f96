/*
 * unwind-files.c: the code files of a process for unwind.c. Each file
 * mapped in the process is mapped read-only here too (the vdso copied), and
 * the parts libunwind may read from our mapping instead of the tracee's
 * memory become spans: non-writable PT_LOAD segments, RELRO excluded, and
 * only for mappings without anonymous pages in smaps (never written since
 * they were mapped).
 */
#include "config.h"

#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "maps.h"
#include "mem.h"
#include "unwind-int.h"
#include "util.h"

static uint64_t *unwind_dirty_regions(pid_t tid, size_t *count);
static void unwind_copy_vdso(struct unwind_proc *up, const struct region *r);
static struct unwind_file *unwind_file_get(struct unwind_proc *up,
    const struct region *r, pid_t tid);
static const uint8_t *unwind_file_map(const struct region *r, pid_t tid,
    size_t *sizep);
static bool unwind_load_bias(const struct unwind_file *f,
    const struct region *r, uint64_t *bias);
static void unwind_add_span(struct unwind_proc *up, const struct unwind_file *f,
    const struct region *r, uint64_t bias);
static int unwind_span_cmp(const void *a, const void *b);

/*
 * Maps every ELF file that has a r-x or r-- private mapping, and records
 * the spans we may serve from it.
 */
void
unwind_map_files(struct unwind_proc *up, pid_t tid)
{
	const struct region *r, *first = NULL;
	struct unwind_file *f;
	uint64_t bias = 0, *dirty;
	bool have_bias = false;
	size_t i, ndirty, d = 0;

	dirty = unwind_dirty_regions(tid, &ndirty);
	for (i = 0; i < up->maps.count; i++) {
		r = &up->maps.regions[i];
		if (strcmp(r->name, "[vdso]") == 0)
			unwind_copy_vdso(up, r);
		if (r->name[0] != '/' || r->inode == 0) {
			first = NULL;
			continue;
		}
		f = unwind_file_get(up, r, tid);
		if (f == NULL || f->base == NULL)
			continue;
		/*
		 * An ELF object's mappings are contiguous and start with the
		 * one at file offset 0, which gives the load bias.
		 */
		if (r->offset == 0 || first == NULL ||
		    first->inode != r->inode ||
		    first->dev_major != r->dev_major ||
		    first->dev_minor != r->dev_minor) {
			first = r;
			have_bias = r->offset == 0 &&
			    unwind_load_bias(f, r, &bias);
		}
		if (!have_bias || r->perms[0] != 'r' || r->perms[1] != '-' ||
		    r->perms[3] != 'p')
			continue;
		while (d < ndirty && dirty[d] < r->start)
			d++;
		if (d < ndirty && dirty[d] == r->start)
			continue;	/* written to: not the file's bytes */
		unwind_add_span(up, f, r, bias);
	}
	free(dirty);
	qsort(up->spans, up->nspans, sizeof *up->spans, unwind_span_cmp);
}

/*
 * The start addresses (ascending) of the mappings in /proc/TID/smaps that
 * hold anonymous pages: private file mappings written to since they were
 * mapped (text relocations, code patched by the program or through
 * ptinspect's `write`), whose bytes are no longer the file's.
 */
static uint64_t *
unwind_dirty_regions(pid_t tid, size_t *count)
{
	unsigned long long start, end, kb;
	uint64_t *starts = NULL, cur = 0;
	char path[64], *text, *line, *next;
	size_t n = 0;

	*count = 0;
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)tid);
	text = read_file_str(path, NULL);
	if (text == NULL)
		return NULL;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2)
			cur = start;
		else if (sscanf(line, "Anonymous: %llu kB", &kb) == 1 &&
		    kb > 0) {
			starts = xreallocarray(starts, n + 1, sizeof *starts);
			starts[n++] = cur;
		}
	}
	free(text);
	*count = n;
	return starts;
}

/*
 * The vdso is code without a file, whose unwind tables libunwind's _UPT
 * cannot find: copy the (two-page) image and serve it like a file.
 */
static void
unwind_copy_vdso(struct unwind_proc *up, const struct region *r)
{
	struct unwind_file *f;
	uint64_t bias;
	uint8_t *copy;
	size_t nph;

	if (r->end - r->start > 1 << 20)
		return;
	copy = xmalloc(r->end - r->start);
	if (mem_read(up->proc, r->start, copy, r->end - r->start, NULL) !=
	    (ssize_t)(r->end - r->start)) {
		free(copy);
		return;
	}
	up->files = xreallocarray(up->files, up->nfiles + 1, sizeof *f);
	f = &up->files[up->nfiles++];
	memset(f, 0, sizeof *f);
	f->base = copy;
	f->size = r->end - r->start;
	f->copied = true;
	if (unwind_phdrs(f, &nph) != NULL && unwind_load_bias(f, r, &bias))
		unwind_add_span(up, f, r, bias);
}

/* The file entry of region r's file, mapping the file on first sight. */
static struct unwind_file *
unwind_file_get(struct unwind_proc *up, const struct region *r, pid_t tid)
{
	struct unwind_file *f;
	size_t i, nph;

	for (i = 0; i < up->nfiles; i++) {
		f = &up->files[i];
		if (f->inode == r->inode && f->dev_major == r->dev_major &&
		    f->dev_minor == r->dev_minor)
			return f;
	}
	up->files = xreallocarray(up->files, up->nfiles + 1, sizeof *f);
	f = &up->files[up->nfiles++];
	memset(f, 0, sizeof *f);
	f->dev_major = r->dev_major;
	f->dev_minor = r->dev_minor;
	f->inode = r->inode;
	f->base = unwind_file_map(r, tid, &f->size);
	if (f->base != NULL && unwind_phdrs(f, &nph) == NULL) {
		munmap((void *)f->base, f->size);
		f->base = NULL;
	}
	return f;
}

/*
 * Maps region r's file read-only: by its path when that is still the same
 * file (device and inode), else through /proc/TID/map_files (replaced or
 * deleted files; needs privileges). NULL when neither works.
 */
static const uint8_t *
unwind_file_map(const struct region *r, pid_t tid, size_t *sizep)
{
	struct stat st;
	void *base;
	char *path;
	int fd, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (attempt == 0)
			path = xstrdup(r->name);
		else
			path = xstrfmt("/proc/%d/map_files/%llx-%llx",
			    (int)tid, (unsigned long long)r->start,
			    (unsigned long long)r->end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_ino == r->inode && major(st.st_dev) == r->dev_major &&
		    minor(st.st_dev) == r->dev_minor && st.st_size > 0) {
			base = mmap(NULL, (size_t)st.st_size, PROT_READ,
			    MAP_PRIVATE, fd, 0);
			close(fd);
			if (base == MAP_FAILED)
				return NULL;
			*sizep = (size_t)st.st_size;
			return base;
		}
		close(fd);
	}
	return NULL;
}

/*
 * The load bias of the object whose offset-0 mapping is r: the address of
 * the first PT_LOAD segment minus its p_vaddr (page-aligned both).
 */
static bool
unwind_load_bias(const struct unwind_file *f, const struct region *r,
    uint64_t *bias)
{
	const Elf64_Phdr *ph;
	size_t n, i;

	ph = unwind_phdrs(f, &n);
	for (i = 0; i < n; i++) {
		if (ph[i].p_type == PT_LOAD &&
		    (ph[i].p_offset & ~(uint64_t)(PTI_PAGE_SIZE - 1)) == 0) {
			*bias = r->start -
			    (ph[i].p_vaddr & ~(uint64_t)(PTI_PAGE_SIZE - 1));
			return true;
		}
	}
	return false;
}

/*
 * Adds the part of region r that lies in a non-writable PT_LOAD segment's
 * file image: bytes there are the file's bytes.
 */
static void
unwind_add_span(struct unwind_proc *up, const struct unwind_file *f,
    const struct region *r, uint64_t bias)
{
	const uint64_t mask = ~(uint64_t)(PTI_PAGE_SIZE - 1);
	const Elf64_Phdr *ph;
	uint64_t rel = r->start - bias, seg_start, seg_end, end;
	struct unwind_span *s;
	size_t n, i;

	ph = unwind_phdrs(f, &n);
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || (ph[i].p_flags & PF_W) != 0)
			continue;
		seg_start = ph[i].p_vaddr & mask;
		seg_end = ph[i].p_vaddr + ph[i].p_filesz;
		if (rel < seg_start || rel >= seg_end ||
		    (ph[i].p_offset & mask) + (rel - seg_start) != r->offset)
			continue;
		end = r->end < bias + seg_end ? r->end : bias + seg_end;
		if (r->offset >= f->size)
			return;
		if (end - r->start > f->size - r->offset)
			end = r->start + (f->size - r->offset);
		up->spans = xreallocarray(up->spans, up->nspans + 1,
		    sizeof *s);
		s = &up->spans[up->nspans++];
		s->start = r->start;
		s->end = end;
		s->data = f->base + r->offset;
		s->file = (size_t)(f - up->files);
		s->bias = bias;
		return;
	}
}

/* The program headers of a mapped ELF file, or NULL if it is not one. */
const Elf64_Phdr *
unwind_phdrs(const struct unwind_file *f, size_t *count)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->base;

	if (f->size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > f->size ||
	    (f->size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return NULL;
	*count = eh->e_phnum;
	return (const Elf64_Phdr *)(f->base + eh->e_phoff);
}

static int
unwind_span_cmp(const void *a, const void *b)
{
	const struct unwind_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}
