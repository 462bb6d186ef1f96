/*
 * unit-corefile: the core file reader on cores built here by hand, whose
 * every byte is known: two threads, NT_PRPSINFO, NT_SIGINFO, NT_AUXV and
 * an NT_FILE naming one file that exists and one that does not, PT_LOADs
 * with p_filesz < p_memsz and two adjacent ones. Then bad input: text,
 * an empty file, an executable, a 32-bit core, another architecture,
 * every truncation of the good core, corrupt notes, and bytes flipped at
 * random in the headers: each must be an error naming what was wrong (or,
 * for flips that happen to stay valid, a clean open), never a crash.
 * Cores from ptinspect, gdb and the kernel are tests/corefile.t's.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corefile.h"
#include "tap.h"
#include "util.h"

/* The hand-made core's memory. */
#define TEXT_AT 0x400000ULL	/* 0x2000 long, 0x1000 in the file */
#define DATA_AT 0x402000ULL	/* adjacent, 0x1000, all in the file */
#define GONE_AT 0x500000ULL	/* the moved library, nothing in the file */
#define STACK_AT 0x7000000ULL	/* [stack]: AT_EXECFN's string at +0x10 */
#define MISSING "/nonexistent/dir/libmoved.so"

struct buf {
	unsigned char *p;
	size_t len;
};

static void put(struct buf *b, const void *p, size_t n);
static void put_note(struct buf *b, uint32_t type, const void *desc,
    size_t n);
static struct buf make_core(void);
static char *write_file(const char *name, const void *p, size_t n);
static bool open_fails(const char *path, const char *want, const char *what);
static void test_good(const char *path);
static void test_bad(const struct buf *core);
static void test_xnum(const struct buf *core);

static char *dir;

int
main(void)
{
	struct buf core;
	char tmpl[] = "/tmp/unit-corefile.XXXXXX";
	char *path;

	if (mkdtemp(tmpl) == NULL)
		tap_bail("mkdtemp: %s", strerror(errno));
	dir = tmpl;
	core = make_core();
	path = write_file("good.core", core.p, core.len);
	test_good(path);
	free(path);
	test_bad(&core);
	test_xnum(&core);
	free(core.p);
	path = xstrfmt("rm -rf '%s'", dir);
	if (system(path) != 0)
		tap_diag("could not remove %s", dir);
	free(path);
	return tap_exit();
}

static void
put(struct buf *b, const void *p, size_t n)
{
	b->p = xrealloc(b->p, b->len + n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_note(struct buf *b, uint32_t type, const void *desc, size_t n)
{
	Elf64_Nhdr nh = { .n_namesz = 5, .n_descsz = n, .n_type = type };
	static const char zeros[8];

	put(b, &nh, sizeof nh);
	put(b, "CORE\0\0\0", 8);
	put(b, desc, n);
	put(b, zeros, (4 - n % 4) % 4);
}

/* The ELF header, PT_NOTE and four PT_LOADs, the notes, the contents. */
static struct buf
make_core(void)
{
	struct buf notes = { 0 }, core = { 0 };
	struct elf_prstatus prs;
	struct elf_prpsinfo psi;
	siginfo_t si;
	uint64_t auxv[] = { AT_ENTRY, TEXT_AT + 0x10, AT_EXECFN,
	    STACK_AT + 0x10, AT_NULL, 0 };
	unsigned char page[0x1000];
	Elf64_Ehdr eh;
	Elf64_Phdr ph[5];
	size_t off, i;
	struct buf f = { 0 };
	uint64_t v;

	memset(&prs, 0, sizeof prs);
	prs.pr_pid = 4242;
	prs.pr_cursig = SIGSEGV;
	prs.pr_reg[16] = 0x400123;	/* rip */
	prs.pr_reg[19] = STACK_AT + 0x800;	/* rsp */
	put_note(&notes, NT_PRSTATUS, &prs, sizeof prs);
	memset(&psi, 0, sizeof psi);
	psi.pr_pid = 4242;
	psi.pr_ppid = 1;
	psi.pr_uid = 1000;
	psi.pr_gid = 100;
	psi.pr_sname = 'R';
	memcpy(psi.pr_fname, "hand-made-core16", 16);	/* no NUL */
	strcpy(psi.pr_psargs, "prog --flag");
	put_note(&notes, NT_PRPSINFO, &psi, sizeof psi);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGSEGV;
	si.si_code = SEGV_MAPERR;
	si.si_addr = (void *)0x28;
	put_note(&notes, NT_SIGINFO, &si, sizeof si);
	put_note(&notes, NT_AUXV, auxv, sizeof auxv);
	/* NT_FILE: the text from /dev/null at page 2, the moved library. */
	v = 2; put(&f, &v, 8);
	v = 0x1000; put(&f, &v, 8);
	v = TEXT_AT; put(&f, &v, 8);
	v = TEXT_AT + 0x2000; put(&f, &v, 8);
	v = 2; put(&f, &v, 8);
	v = GONE_AT; put(&f, &v, 8);
	v = GONE_AT + 0x1000; put(&f, &v, 8);
	v = 0; put(&f, &v, 8);
	put(&f, "/dev/null", 10);
	put(&f, MISSING, sizeof MISSING);
	put_note(&notes, NT_FILE, f.p, f.len);
	free(f.p);
	memset(&prs, 0, sizeof prs);
	prs.pr_pid = 4243;
	prs.pr_reg[16] = 0x400456;
	put_note(&notes, NT_PRSTATUS, &prs, sizeof prs);

	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 5;
	memset(ph, 0, sizeof ph);
	off = sizeof eh + sizeof ph;
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = off,
	    .p_filesz = notes.len };
	off = (off + notes.len + 0xfff) & ~0xfffUL;
	/* Out of address order, as nothing promises it. */
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
	    .p_vaddr = STACK_AT, .p_offset = off, .p_filesz = 0x1000,
	    .p_memsz = 0x1000 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
	    .p_vaddr = TEXT_AT, .p_offset = off + 0x1000, .p_filesz = 0x1000,
	    .p_memsz = 0x2000 };
	ph[3] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
	    .p_vaddr = DATA_AT, .p_offset = off + 0x2000, .p_filesz = 0x1000,
	    .p_memsz = 0x1000 };
	ph[4] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R,
	    .p_vaddr = GONE_AT, .p_offset = off + 0x3000, .p_filesz = 0,
	    .p_memsz = 0x1000 };
	put(&core, &eh, sizeof eh);
	put(&core, ph, sizeof ph);
	put(&core, notes.p, notes.len);
	free(notes.p);
	memset(page, 0, sizeof page);
	put(&core, page, off - core.len);
	strcpy((char *)page + 0x10, "/hand/prog");
	put(&core, page, sizeof page);
	for (i = 0; i < sizeof page; i++)
		page[i] = (unsigned char)(i * 7 + 1);
	put(&core, page, sizeof page);
	memset(page, 0xd4, sizeof page);
	put(&core, page, sizeof page);
	return core;
}

static char *
write_file(const char *name, const void *p, size_t n)
{
	char *path = xstrfmt("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) < 0)
		tap_bail("%s: %s", path, strerror(errno));
	return path;
}

/* corefile_open must fail with a message holding want. */
static bool
open_fails(const char *path, const char *want, const char *what)
{
	struct corefile *cf = NULL;
	char *err = NULL;
	int r = corefile_open(path, &cf, &err);
	bool ok = r < 0 && err != NULL && strstr(err, want) != NULL &&
	    strstr(err, path) != NULL;

	tap_ok(ok, "%s: \"%s\"", what, err ? err : "(opened)");
	if (r == 0)
		corefile_close(cf);
	free(err);
	return ok;
}

static void
test_good(const char *path)
{
	struct corefile *cf;
	char *err = NULL, *s;
	unsigned char b[0x40], want[0x40];
	uint64_t v;
	size_t i;
	const struct region *r;

	if (!tap_ok(corefile_open(path, &cf, &err) == 0,
	    "the hand-made core opens%s%s", err ? ": " : "", err ? err : ""))
		tap_bail("nothing else can be checked");
	tap_ok(cf->nthreads == 2 && cf->threads[0].tid == 4242 &&
	    cf->threads[1].tid == 4243, "two threads, 4242 first, in note "
	    "order");
	tap_ok(cf->threads[0].regs.rip == 0x400123 &&
	    cf->threads[0].regs.rsp == STACK_AT + 0x800 &&
	    cf->threads[1].regs.rip == 0x400456,
	    "their registers are pr_reg as user_regs_struct (rip, rsp)");
	tap_ok(cf->threads[0].cursig == SIGSEGV && cf->threads[1].cursig == 0,
	    "pr_cursig: SIGSEGV for the first, 0 for the other");
	tap_ok(corefile_thread(cf, 4243) == &cf->threads[1] &&
	    corefile_thread(cf, 1) == NULL, "corefile_thread finds by tid");
	tap_ok(cf->psinfo.present && cf->psinfo.pid == 4242 &&
	    cf->psinfo.ppid == 1 && cf->psinfo.uid == 1000 &&
	    cf->psinfo.gid == 100 && cf->psinfo.state == 'R' &&
	    strcmp(cf->psinfo.fname, "hand-made-core16") == 0 &&
	    strcmp(cf->psinfo.psargs, "prog --flag") == 0,
	    "psinfo: pid, ppid, uid, gid, state, a 16-byte fname "
	    "NUL-terminated, psargs");
	tap_ok(cf->siginfo.present && cf->siginfo.signo == SIGSEGV &&
	    cf->siginfo.code == SEGV_MAPERR && cf->siginfo.addr == 0x28,
	    "siginfo: SIGSEGV, SEGV_MAPERR, fault address 0x28");
	tap_ok(corefile_auxv(cf, AT_ENTRY, &v) && v == TEXT_AT + 0x10 &&
	    !corefile_auxv(cf, AT_PHDR, &v), "auxv: AT_ENTRY, no AT_PHDR");
	s = corefile_execfn(cf);
	tap_ok(s != NULL && strcmp(s, "/hand/prog") == 0,
	    "AT_EXECFN's string read from the stack: %s", s ? s : "NULL");
	free(s);

	tap_ok(cf->maps.count == 4 && cf->maps.regions[0].start == TEXT_AT &&
	    cf->maps.regions[1].start == DATA_AT &&
	    cf->maps.regions[2].start == GONE_AT &&
	    cf->maps.regions[3].start == STACK_AT,
	    "four regions in address order");
	r = &cf->maps.regions[0];
	tap_ok(r->end == TEXT_AT + 0x2000 && strcmp(r->perms, "r-xp") == 0 &&
	    strcmp(r->name, "/dev/null") == 0 && r->offset == 0x2000,
	    "text: its p_memsz, r-xp, named from NT_FILE, offset page 2");
	r = &cf->maps.regions[1];
	tap_ok(strcmp(r->perms, "rw-p") == 0 && strcmp(r->name, "") == 0,
	    "data: rw-p, anonymous");
	r = &cf->maps.regions[2];
	tap_ok(strcmp(r->name, MISSING) == 0 && strcmp(r->perms, "r--p") == 0,
	    "the moved library keeps its name");
	tap_ok(strcmp(cf->maps.regions[3].name, "[stack]") == 0,
	    "the region of AT_EXECFN is [stack]");
	tap_ok(maps_find(&cf->maps, DATA_AT + 5) == &cf->maps.regions[1],
	    "maps_find works on the core's regions");
	tap_ok(cf->nwarnings == 1 && strstr(cf->warnings[0], MISSING) &&
	    strstr(cf->warnings[0], "gone"),
	    "one warning, naming the missing file: %s",
	    cf->nwarnings ? cf->warnings[0] : "none");

	for (i = 0; i < 0x20; i++)
		want[i] = (unsigned char)((0xfe0 + i) * 7 + 1);
	memset(want + 0x20, 0, 0x20);
	tap_ok(corefile_read(cf, TEXT_AT + 0xfe0, b, 0x40, NULL) == 0 &&
	    memcmp(b, want, 0x40) == 0,
	    "a read across p_filesz: the file's bytes, then zeros");
	memset(want, 0, 0x20);
	memset(want + 0x20, 0xd4, 0x20);
	tap_ok(corefile_read(cf, DATA_AT - 0x20, b, 0x40, NULL) == 0 &&
	    memcmp(b, want, 0x40) == 0,
	    "a read across two adjacent segments");
	memset(want, 0, 0x40);
	tap_ok(corefile_read(cf, GONE_AT + 0x100, b, 0x40, NULL) == 0 &&
	    memcmp(b, want, 0x40) == 0 &&
	    corefile_dumped(cf, GONE_AT) == 0 &&
	    corefile_dumped(cf, TEXT_AT + 0xff0) == 0x10,
	    "a segment with p_filesz 0 reads as zeros; corefile_dumped");
	errno = 0;
	i = corefile_read(cf, DATA_AT + 0xff0, b, 0x20, &err) < 0 &&
	    errno == EFAULT;
	tap_ok(i && err && strstr(err, "0x403000") &&
	    strstr(err, "not mapped"),
	    "a read running off the end: EFAULT naming 0x403000: %s",
	    err ? err : "");
	free(err);
	err = NULL;
	tap_ok(corefile_read(cf, 0, b, 1, &err) < 0 && errno == EFAULT &&
	    corefile_read(cf, UINT64_MAX, b, 1, NULL) < 0 &&
	    corefile_read(cf, STACK_AT, b, 0, NULL) == 0,
	    "address 0 and the top are unmapped; a zero-length read is fine");
	free(err);
	corefile_close(cf);

	/* Cut short by someone else while open: an error, not a SIGBUS. */
	if (!tap_ok(corefile_open(path, &cf, NULL) == 0 &&
	    truncate(path, 0x1800) == 0, "open, then the file is cut"))
		return;
	err = NULL;
	errno = 0;
	i = corefile_read(cf, DATA_AT, b, 0x10, &err) < 0 && errno == EIO;
	tap_ok(i && err && strstr(err, "shrank"),
	    "a read of what was cut off: EIO: %s", err ? err : "");
	free(err);
	corefile_close(cf);
}

/* e_phnum PN_XNUM: the count in section header 0's sh_info, as with
 * 65535 segments or more. */
static void
test_xnum(const struct buf *core)
{
	struct buf b = { 0 };
	Elf64_Shdr sh;
	Elf64_Ehdr *eh;
	struct corefile *cf;
	char *path, *err = NULL;

	put(&b, core->p, core->len);
	memset(&sh, 0, sizeof sh);
	sh.sh_info = 5;
	eh = (Elf64_Ehdr *)b.p;
	eh->e_phnum = PN_XNUM;
	eh->e_shoff = b.len;
	eh->e_shnum = 1;
	eh->e_shentsize = sizeof sh;
	put(&b, &sh, sizeof sh);
	eh = (Elf64_Ehdr *)b.p;
	path = write_file("xnum", b.p, b.len);
	tap_ok(corefile_open(path, &cf, &err) == 0 && cf->maps.count == 4 &&
	    cf->nthreads == 2, "PN_XNUM: the segment count from sh_info%s%s",
	    err ? ": " : "", err ? err : "");
	if (err == NULL)
		corefile_close(cf);
	free(err);
	free(path);
	eh->e_shoff = b.len - 10;
	path = write_file("xnum-cut", b.p, b.len);
	open_fails(path, "PN_XNUM without its section header",
	    "PN_XNUM with the section header cut off");
	free(path);
	free(b.p);
}

static void
test_bad(const struct buf *core)
{
	unsigned char *copy;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	char *path, exe[4096];
	ssize_t n;
	size_t len, bad = 0, tries = 0, notes_end;
	unsigned i;

	path = write_file("text", "this is not a core\n", 19);
	open_fails(path, "not an ELF file", "a text file");
	free(path);
	path = write_file("empty", "", 0);
	open_fails(path, "not an ELF file", "an empty file");
	free(path);
	path = xstrfmt("%s/nonexistent", dir);
	open_fails(path, "No such file", "a file that does not exist");
	free(path);
	open_fails(dir, "not a regular file", "a directory");
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		open_fails(exe, "not a core file (ET_", "an executable (this "
		    "test)");
	} else {
		tap_skip("no /proc/self/exe", "an executable");
	}

	copy = xmalloc(core->len);
	memcpy(copy, core->p, core->len);
	eh = (Elf64_Ehdr *)copy;
	ph = (Elf64_Phdr *)(copy + eh->e_phoff);
	/* A 32-bit core: the class byte (the rest need not be ELF32). */
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	path = write_file("core32", copy, core->len);
	open_fails(path, "32-bit", "an ELFCLASS32 core");
	free(path);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_machine = EM_AARCH64;
	path = write_file("core-arm64", copy, core->len);
	open_fails(path, "another architecture", "an aarch64 core");
	free(path);
	eh->e_machine = EM_X86_64;
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	path = write_file("core-be", copy, core->len);
	open_fails(path, "big-endian", "a big-endian core");
	free(path);
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	/* A note whose size runs past its segment. */
	((Elf64_Nhdr *)(copy + ph[0].p_offset))->n_descsz = 1u << 30;
	path = write_file("core-badnote", copy, core->len);
	open_fails(path, "past the end of its segment", "a note too long");
	free(path);
	memcpy(copy, core->p, core->len);
	/* Two segments claiming the same addresses. */
	ph[3].p_vaddr = DATA_AT - 0x800;
	path = write_file("core-overlap", copy, core->len);
	open_fails(path, "segments 0x400000-0x402000 and 0x401800-0x402800 "
	    "overlap", "overlapping segments");
	free(path);
	memcpy(copy, core->p, core->len);
	/* An NT_PRSTATUS too short to be one. */
	((Elf64_Nhdr *)(copy + ph[0].p_offset))->n_descsz = 8;
	path = write_file("core-shortnote", copy, core->len);
	open_fails(path, "NT_PRSTATUS of 8 bytes", "a short NT_PRSTATUS");
	free(path);
	memcpy(copy, core->p, core->len);

	/* Truncations as head -c makes them. */
	notes_end = ph[0].p_offset + ph[0].p_filesz;
	path = write_file("cut-phdrs", copy, sizeof *eh + 10);
	open_fails(path, "truncated: the program headers", "cut in the "
	    "program headers");
	free(path);
	path = write_file("cut-notes", copy, notes_end - 100);
	open_fails(path, "truncated: the notes", "cut in the notes");
	free(path);
	path = write_file("cut-segment", copy, core->len - 1);
	open_fails(path, "truncated: segment 0x402000-0x403000",
	    "cut one byte short, in the last segment");
	free(path);
	path = write_file("cut-header", copy, 40);
	open_fails(path, "truncated", "cut in the ELF header");
	free(path);
	/* Every length: an error each time, never a crash or a success. */
	for (len = 0; len < core->len; len += len < 0x800 ? 1 : 0x100) {
		struct corefile *cf;
		char *err = NULL;

		path = write_file("cut", copy, len);
		if (corefile_open(path, &cf, &err) == 0) {
			bad++;
			corefile_close(cf);
		} else if (err == NULL || strstr(err, path) == NULL) {
			bad++;
		}
		free(err);
		free(path);
		tries++;
	}
	tap_ok(bad == 0, "%zu truncations of the core: each an error naming "
	    "the file (%zu not)", tries, bad);

	/* Flipped bytes in the headers and notes: errors or opens, no crash. */
	srand(13);
	tries = bad = 0;
	for (i = 0; i < 2000; i++) {
		struct corefile *cf;
		char *err = NULL;
		size_t at = (size_t)rand() % notes_end;

		memcpy(copy, core->p, core->len);
		copy[at] ^= (unsigned char)(1 + rand() % 255);
		if (i % 2)
			copy[(size_t)rand() % notes_end] = 0xff;
		path = write_file("flip", copy, core->len);
		if (corefile_open(path, &cf, &err) == 0) {
			unsigned char b[64];
			size_t k;

			/* Whatever opened must be readable where it says. */
			for (k = 0; k < cf->maps.count; k++)
				(void)corefile_read(cf,
				    cf->maps.regions[k].start, b, sizeof b,
				    NULL);
			corefile_close(cf);
		} else if (err == NULL) {
			bad++;
		}
		free(err);
		free(path);
		tries++;
	}
	tap_ok(bad == 0, "%zu cores with bytes flipped: no crash, every "
	    "failure has a message", tries);
	free(copy);
}
