/*
 * corefile.c: reading an ELF64 x86-64 core file (the layout coredump.c
 * writes, fs/binfmt_elf.c's elf_core_dump, and gdb's gcore).
 *
 * The file is mapped read-only while corefile_open reads its headers and
 * notes (copied into small structs), then unmapped: memory is read with
 * pread, so a core cut short by someone else while it is open gives an
 * error, not a SIGBUS. Every offset and size read from the file is
 * checked against the file's size before it is used, so a corrupt or
 * truncated file is an error message, never a read past the mapping.
 *
 * Regions: one per PT_LOAD (the kernel writes one per VMA, p_filesz 0 for
 * what it left out), permissions from p_flags. The sharing bit is not in
 * a core, so every region shows 'p'. Names come from NT_FILE (the entry
 * whose range holds the segment; its page offset gives the file offset);
 * [vdso] is the segment at AT_SYSINFO_EHDR, [stack] the one holding
 * AT_EXECFN's string and [vsyscall] the fixed page, as /proc/PID/maps
 * would have named them; [heap] and [vvar] cannot be told from a core. A file
 * NT_FILE names that no longer exists is a warning: the core's memory is
 * still good, only symbols from that file will be missing.
 *
 * What it may call: util (allocation, errors) and maps (the region
 * struct). The unwinder on top of it is coreunwind.c.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corefile.h"
#include "util.h"

struct corefile_segment {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
};

static int check_header(struct corefile *cf, const Elf64_Ehdr **ehp,
    char **errp);
static int read_notes(struct corefile *cf, const Elf64_Phdr *ph,
    char **errp);
static int read_note(struct corefile *cf, uint32_t type,
    const unsigned char *desc, uint32_t size, char **errp);
static int read_nt_file(struct corefile *cf, const unsigned char *desc,
    uint32_t size, char **errp);
static void add_warning(struct corefile *cf, const char *fmt, ...)
    PTI_PRINTF(2, 3);
static void name_special(struct corefile *cf);
static int cmp_region(const void *a, const void *b);
static int pread_full(int fd, unsigned char *buf, size_t n, uint64_t off);
static ssize_t seg_index(const struct corefile *cf, uint64_t addr);

int
corefile_open(const char *path, struct corefile **out, char **errp)
{
	struct corefile *cf;
	const Elf64_Ehdr *eh = NULL;
	const Elf64_Phdr *ph;
	struct stat st;
	size_t i, n;
	void *map;

	cf = xcalloc(1, sizeof *cf);
	cf->path = xstrdup(path);
	cf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (cf->fd < 0) {
		set_error(errp, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(cf->fd, &st) < 0) {
		set_error(errp, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(errp, "%s: not a regular file", path);
		goto fail;
	}
	cf->size = (size_t)st.st_size;
	if (cf->size < EI_NIDENT) {
		set_error(errp, "%s: not an ELF file (%zu bytes)", path,
		    cf->size);
		goto fail;
	}
	map = mmap(NULL, cf->size, PROT_READ, MAP_PRIVATE, cf->fd, 0);
	if (map == MAP_FAILED) {
		set_error(errp, "%s: mmap: %s", path, strerror(errno));
		goto fail;
	}
	cf->map = map;
	if (check_header(cf, &eh, errp) < 0)
		goto fail;

	ph = (const Elf64_Phdr *)(cf->map + eh->e_phoff);
	n = eh->e_phnum;
	if (n == PN_XNUM) {
		/* The real count is in section header 0's sh_info. */
		Elf64_Shdr sh;

		if (eh->e_shoff == 0 || eh->e_shoff > cf->size ||
		    cf->size - eh->e_shoff < sizeof sh) {
			set_error(errp, "%s: truncated: PN_XNUM without its "
			    "section header", path);
			goto fail;
		}
		memcpy(&sh, cf->map + eh->e_shoff, sizeof sh);
		n = sh.sh_info;
		if (n > (cf->size - eh->e_phoff) / sizeof *ph) {
			set_error(errp, "%s: truncated: %zu program headers "
			    "past the end of the file", path, n);
			goto fail;
		}
	}

	/* A cut in the notes is named as such, before any segment's. */
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_NOTE && (ph[i].p_offset > cf->size ||
		    cf->size - ph[i].p_offset < ph[i].p_filesz)) {
			set_error(errp, "%s: truncated: the notes need bytes "
			    "up to %" PRIu64 ", the file has %zu", path,
			    (uint64_t)(ph[i].p_offset + ph[i].p_filesz),
			    cf->size);
			goto fail;
		}
	cf->maps.regions = xcalloc(n ? n : 1, sizeof *cf->maps.regions);
	cf->segs = xcalloc(n ? n : 1, sizeof *cf->segs);
	for (i = 0; i < n; i++) {
		struct region *r;
		struct corefile_segment *s;

		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr) {
			set_error(errp, "%s: segment %zu at 0x%" PRIx64
			    ": bad sizes", path, i, (uint64_t)ph[i].p_vaddr);
			goto fail;
		}
		if (ph[i].p_filesz > 0 && (ph[i].p_offset > cf->size ||
		    cf->size - ph[i].p_offset < ph[i].p_filesz)) {
			set_error(errp, "%s: truncated: segment 0x%" PRIx64
			    "-0x%" PRIx64 " needs bytes up to %" PRIu64
			    ", the file has %zu", path,
			    (uint64_t)ph[i].p_vaddr,
			    (uint64_t)(ph[i].p_vaddr + ph[i].p_memsz),
			    (uint64_t)(ph[i].p_offset + ph[i].p_filesz),
			    cf->size);
			goto fail;
		}
		r = &cf->maps.regions[cf->maps.count];
		s = &cf->segs[cf->maps.count];
		cf->maps.count++;
		r->start = ph[i].p_vaddr;
		r->end = ph[i].p_vaddr + ph[i].p_memsz;
		r->perms[0] = ph[i].p_flags & PF_R ? 'r' : '-';
		r->perms[1] = ph[i].p_flags & PF_W ? 'w' : '-';
		r->perms[2] = ph[i].p_flags & PF_X ? 'x' : '-';
		r->perms[3] = 'p';
		r->perms[4] = '\0';
		/* Borrowed for a moment: the index of its segment. */
		r->inode = cf->maps.count - 1;
		s->vaddr = ph[i].p_vaddr;
		s->memsz = ph[i].p_memsz;
		s->offset = ph[i].p_offset;
		s->filesz = ph[i].p_filesz;
	}
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_NOTE && read_notes(cf, &ph[i], errp) < 0)
			goto fail;
	if (cf->maps.count == 0 && cf->nthreads == 0) {
		set_error(errp, "%s: a core file with neither memory nor "
		    "threads", path);
		goto fail;
	}

	/* Address order, the segments following their regions. */
	qsort(cf->maps.regions, cf->maps.count, sizeof *cf->maps.regions,
	    cmp_region);
	{
		struct corefile_segment *sorted;

		sorted = xcalloc(cf->maps.count ? cf->maps.count : 1,
		    sizeof *sorted);
		for (i = 0; i < cf->maps.count; i++) {
			const struct region *r = &cf->maps.regions[i];

			/* corefile_read's binary search needs them apart. */
			if (i > 0 && r->start < r[-1].end) {
				set_error(errp, "%s: segments 0x%" PRIx64 "-0x%"
				    PRIx64 " and 0x%" PRIx64 "-0x%" PRIx64
				    " overlap", path, r[-1].start, r[-1].end,
				    r->start, r->end);
				free(sorted);
				goto fail;
			}
			sorted[i] = cf->segs[cf->maps.regions[i].inode];
			cf->maps.regions[i].inode = 0;
			if (cf->maps.regions[i].name == NULL)
				cf->maps.regions[i].name = xstrdup("");
		}
		free(cf->segs);
		cf->segs = sorted;
	}
	name_special(cf);
	munmap((void *)cf->map, cf->size);
	cf->map = NULL;
	*out = cf;
	return 0;

fail:
	corefile_close(cf);
	return -1;
}

void
corefile_close(struct corefile *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	if (cf->map != NULL)
		munmap((void *)cf->map, cf->size);
	if (cf->fd >= 0)
		close(cf->fd);
	for (i = 0; i < cf->maps.count; i++)
		free(cf->maps.regions[i].name);
	free(cf->maps.regions);
	free(cf->segs);
	free(cf->threads);
	free(cf->auxv);
	for (i = 0; i < cf->nwarnings; i++)
		free(cf->warnings[i]);
	free(cf->warnings);
	free(cf->path);
	free(cf);
}

/* The ELF header: an ELF64 LSB x86-64 core, program headers in the file. */
static int
check_header(struct corefile *cf, const Elf64_Ehdr **ehp, char **errp)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)cf->map;
	const char *p = cf->path;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return set_error(errp, "%s: not an ELF file", p);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return set_error(errp, "%s: a %s ELF file; only 64-bit x86-64 "
		    "cores are read", p,
		    eh->e_ident[EI_CLASS] == ELFCLASS32 ? "32-bit" :
		    "unknown-class");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return set_error(errp, "%s: a big-endian ELF file; only x86-64 "
		    "cores are read", p);
	if (cf->size < sizeof *eh)
		return set_error(errp, "%s: truncated: %zu bytes, shorter "
		    "than an ELF header", p, cf->size);
	if (eh->e_type != ET_CORE)
		return set_error(errp, "%s: not a core file (%s)", p,
		    eh->e_type == ET_EXEC ? "ET_EXEC, an executable" :
		    eh->e_type == ET_DYN ? "ET_DYN, a shared object or PIE" :
		    eh->e_type == ET_REL ? "ET_REL, an object file" :
		    "unknown e_type");
	if (eh->e_machine != EM_X86_64)
		return set_error(errp, "%s: a core of another architecture "
		    "(e_machine %u); only x86-64 cores are read", p,
		    eh->e_machine);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return set_error(errp, "%s: bad e_phentsize %u", p,
		    eh->e_phentsize);
	/* With PN_XNUM, corefile_open checks the real count. */
	if (eh->e_phoff > cf->size || (eh->e_phnum != PN_XNUM &&
	    (cf->size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum))
		return set_error(errp, "%s: truncated: the program headers "
		    "lie past the end of the file (%zu bytes)", p, cf->size);
	if (eh->e_phoff % 8 != 0)
		return set_error(errp, "%s: misaligned program headers", p);
	*ehp = eh;
	return 0;
}

/* Walks a PT_NOTE segment's notes. */
static int
read_notes(struct corefile *cf, const Elf64_Phdr *ph, char **errp)
{
	const unsigned char *p, *end;

	if (ph->p_offset > cf->size || cf->size - ph->p_offset < ph->p_filesz)
		return set_error(errp, "%s: truncated: the notes need bytes "
		    "up to %" PRIu64 ", the file has %zu", cf->path,
		    (uint64_t)(ph->p_offset + ph->p_filesz), cf->size);
	p = cf->map + ph->p_offset;
	end = p + ph->p_filesz;
	while ((size_t)(end - p) >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t namesz, descsz;
		const char *name;

		memcpy(&nh, p, sizeof nh);
		p += sizeof nh;
		namesz = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		descsz = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		if ((size_t)(end - p) < namesz ||
		    (size_t)(end - p) - namesz < nh.n_descsz)
			return set_error(errp, "%s: a note runs past the end "
			    "of its segment", cf->path);
		name = (const char *)p;
		p += namesz;
		/* The process notes are "CORE"'s; LINUX ones are xstate. */
		if (nh.n_namesz == 5 && memcmp(name, "CORE", 5) == 0 &&
		    read_note(cf, nh.n_type, p, nh.n_descsz, errp) < 0)
			return -1;
		if ((size_t)(end - p) < descsz)
			break;
		p += descsz;
	}
	return 0;
}

static int
read_note(struct corefile *cf, uint32_t type, const unsigned char *desc,
    uint32_t size, char **errp)
{
	struct elf_prstatus prs;
	struct elf_prpsinfo psi;
	siginfo_t si;
	struct corefile_thread *t;

	switch (type) {
	case NT_PRSTATUS:
		if (size < sizeof prs)
			return set_error(errp, "%s: NT_PRSTATUS of %u bytes, "
			    "expected %zu", cf->path, size, sizeof prs);
		memcpy(&prs, desc, sizeof prs);
		cf->threads = xreallocarray(cf->threads, cf->nthreads + 1,
		    sizeof *cf->threads);
		t = &cf->threads[cf->nthreads++];
		t->tid = prs.pr_pid;
		t->cursig = prs.pr_cursig;
		_Static_assert(sizeof prs.pr_reg == sizeof t->regs,
		    "elf_gregset_t is user_regs_struct");
		memcpy(&t->regs, &prs.pr_reg, sizeof t->regs);
		break;
	case NT_PRPSINFO:
		if (size < sizeof psi)
			return set_error(errp, "%s: NT_PRPSINFO of %u bytes, "
			    "expected %zu", cf->path, size, sizeof psi);
		memcpy(&psi, desc, sizeof psi);
		cf->psinfo.present = true;
		cf->psinfo.state = psi.pr_sname;
		cf->psinfo.pid = psi.pr_pid;
		cf->psinfo.ppid = psi.pr_ppid;
		cf->psinfo.uid = psi.pr_uid;
		cf->psinfo.gid = psi.pr_gid;
		memcpy(cf->psinfo.fname, psi.pr_fname, sizeof psi.pr_fname);
		cf->psinfo.fname[sizeof psi.pr_fname] = '\0';
		memcpy(cf->psinfo.psargs, psi.pr_psargs,
		    sizeof psi.pr_psargs);
		cf->psinfo.psargs[sizeof psi.pr_psargs] = '\0';
		break;
	case NT_SIGINFO:
		/*
		 * The kernel writes one, for the dumping thread; gdb one per
		 * thread after its NT_PRSTATUS (the others' SIGSTOPs): the
		 * first is the one that killed the process.
		 */
		if (cf->siginfo.present)
			break;
		if (size < sizeof si)
			return set_error(errp, "%s: NT_SIGINFO of %u bytes, "
			    "expected %zu", cf->path, size, sizeof si);
		memcpy(&si, desc, sizeof si);
		cf->siginfo.present = true;
		cf->siginfo.signo = si.si_signo;
		cf->siginfo.code = si.si_code;
		cf->siginfo.errno_ = si.si_errno;
		switch (si.si_signo) {
		case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE:
		case SIGTRAP:
			cf->siginfo.addr = (uint64_t)(uintptr_t)si.si_addr;
			break;
		}
		break;
	case NT_AUXV:
		free(cf->auxv);
		cf->auxv_count = size / (2 * sizeof(uint64_t));
		cf->auxv = xcalloc(cf->auxv_count ? cf->auxv_count : 1,
		    2 * sizeof(uint64_t));
		memcpy(cf->auxv, desc, cf->auxv_count * 2 * sizeof(uint64_t));
		break;
	case NT_FILE:
		return read_nt_file(cf, desc, size, errp);
	}
	return 0;
}

/*
 * NT_FILE: count, page size, count (start, end, page offset) triples,
 * then count NUL-terminated names. The PT_LOADs are all read before the
 * notes, so each entry names the regions it covers here.
 */
static int
read_nt_file(struct corefile *cf, const unsigned char *desc, uint32_t size,
    char **errp)
{
	uint64_t count, page, v[3];
	const char *names, *end;
	struct stat st;
	size_t i;

	if (size < 16)
		return set_error(errp, "%s: NT_FILE too short", cf->path);
	memcpy(&count, desc, 8);
	memcpy(&page, desc + 8, 8);
	if (count > (size - 16) / 24)
		return set_error(errp, "%s: NT_FILE claims %" PRIu64
		    " files in %u bytes", cf->path, count, size);
	names = (const char *)desc + 16 + count * 24;
	end = (const char *)desc + size;
	for (i = 0; i < count; i++) {
		const char *nul = memchr(names, '\0', (size_t)(end - names));
		struct region *r;
		size_t j;

		if (nul == NULL)
			return set_error(errp, "%s: NT_FILE names run past "
			    "the note", cf->path);
		memcpy(v, desc + 16 + i * 24, sizeof v);
		for (j = 0; j < cf->maps.count; j++) {
			r = &cf->maps.regions[j];
			if (r->name == NULL && r->start >= v[0] &&
			    r->start < v[1]) {
				r->name = xstrdup(names);
				r->offset = v[2] * page + (r->start - v[0]);
			}
		}
		if (stat(names, &st) < 0)
			add_warning(cf, "%s: mapped file is gone (%s); no "
			    "symbols from it", names, strerror(errno));
		names = nul + 1;
	}
	return 0;
}

static void
add_warning(struct corefile *cf, const char *fmt, ...)
{
	va_list ap;
	size_t i;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf_str(fmt, ap);
	va_end(ap);
	for (i = 0; i < cf->nwarnings; i++) {
		if (strcmp(cf->warnings[i], msg) == 0) {
			free(msg);
			return;
		}
	}
	cf->warnings = xreallocarray(cf->warnings, cf->nwarnings + 1,
	    sizeof *cf->warnings);
	cf->warnings[cf->nwarnings++] = msg;
}

/* [vdso], [vsyscall], [stack], as the kernel names them in /proc/PID/maps. */
static void
name_special(struct corefile *cf)
{
	uint64_t v;
	struct region *r;

	if (corefile_auxv(cf, AT_SYSINFO_EHDR, &v) &&
	    (r = (struct region *)maps_find(&cf->maps, v)) != NULL &&
	    r->name[0] == '\0') {
		free(r->name);
		r->name = xstrdup("[vdso]");
	}
	/* The legacy vsyscall page is at a fixed address (x86-64 ABI). */
	if ((r = (struct region *)maps_find(&cf->maps,
	    0xffffffffff600000ULL)) != NULL && r->name[0] == '\0') {
		free(r->name);
		r->name = xstrdup("[vsyscall]");
	}
	if (corefile_auxv(cf, AT_EXECFN, &v) &&
	    (r = (struct region *)maps_find(&cf->maps, v)) != NULL &&
	    r->name[0] == '\0') {
		free(r->name);
		r->name = xstrdup("[stack]");
	}
}

static int
cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* pread until n bytes; -1 with errno (0 at an early end of file). */
static int
pread_full(int fd, unsigned char *buf, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		buf += r;
		off += (uint64_t)r;
		n -= (size_t)r;
	}
	return 0;
}

/* The index of the segment holding addr, or -1. */
static ssize_t
seg_index(const struct corefile *cf, uint64_t addr)
{
	size_t lo = 0, hi = cf->maps.count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < cf->segs[mid].vaddr)
			hi = mid;
		else if (addr - cf->segs[mid].vaddr >= cf->segs[mid].memsz)
			lo = mid + 1;
		else
			return (ssize_t)mid;
	}
	return -1;
}

int
corefile_read(const struct corefile *cf, uint64_t addr, void *buf,
    size_t len, char **errp)
{
	unsigned char *out = buf;

	while (len > 0) {
		ssize_t i = seg_index(cf, addr);
		const struct corefile_segment *s;
		uint64_t in, n, file;

		if (i < 0) {
			errno = EFAULT;
			return set_error(errp, "0x%" PRIx64 ": address not "
			    "mapped in the core", addr);
		}
		s = &cf->segs[i];
		in = addr - s->vaddr;
		n = s->memsz - in;
		if (n > len)
			n = len;
		file = in < s->filesz ? s->filesz - in : 0;
		if (file > n)
			file = n;
		if (file > 0 && pread_full(cf->fd, out, file,
		    s->offset + in) < 0) {
			int e = errno;

			set_error(errp, "%s: reading 0x%" PRIx64 ": %s",
			    cf->path, addr, e ? strerror(e) :
			    "the file shrank while open");
			errno = e ? e : EIO;
			return -1;
		}
		memset(out + file, 0, n - file);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

size_t
corefile_dumped(const struct corefile *cf, uint64_t addr)
{
	ssize_t i = seg_index(cf, addr);
	uint64_t in;

	if (i < 0)
		return 0;
	in = addr - cf->segs[i].vaddr;
	return in < cf->segs[i].filesz ? cf->segs[i].filesz - in : 0;
}

bool
corefile_auxv(const struct corefile *cf, uint64_t type, uint64_t *val)
{
	size_t i;

	for (i = 0; i < cf->auxv_count; i++) {
		if (cf->auxv[2 * i] == AT_NULL)
			break;
		if (cf->auxv[2 * i] == type) {
			*val = cf->auxv[2 * i + 1];
			return true;
		}
	}
	return false;
}

char *
corefile_execfn(const struct corefile *cf)
{
	uint64_t addr;
	char buf[4096];
	size_t n;

	if (!corefile_auxv(cf, AT_EXECFN, &addr))
		return NULL;
	n = corefile_dumped(cf, addr);
	if (n == 0)
		return NULL;
	if (n > sizeof buf)
		n = sizeof buf;
	if (corefile_read(cf, addr, buf, n, NULL) < 0 ||
	    memchr(buf, '\0', n) == NULL)
		return NULL;
	return xstrdup(buf);
}

const struct corefile_thread *
corefile_thread(const struct corefile *cf, pid_t tid)
{
	size_t i;

	for (i = 0; i < cf->nthreads; i++)
		if (cf->threads[i].tid == tid)
			return &cf->threads[i];
	return NULL;
}
