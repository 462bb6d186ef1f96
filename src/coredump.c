/*
 * coredump.c: the core file of a held process, as the kernel would have
 * written it had the process dumped core at the point where it is held.
 *
 * Layout (fs/binfmt_elf.c, elf_core_dump): the ELF header, the program
 * headers (one PT_NOTE, then one PT_LOAD per region), the notes, then the
 * segments' contents from the next page boundary on, in address order.
 * Notes, in the kernel's order: for the first thread (the one that
 * triggered the pause, as the dumping thread comes first in a kernel
 * core) NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, then its
 * NT_FPREGSET and NT_X86_XSTATE; for every other thread (by tid)
 * NT_PRSTATUS, NT_FPREGSET, NT_X86_XSTATE; last NT_X86_XSAVE_LAYOUT
 * (where each XSAVE feature lies). With 65535 segments or more the
 * real count goes into section header 0's sh_info (PN_XNUM).
 *
 * What a segment holds follows the default coredump_filter (0x33), as the
 * kernel's vma_dump_size decides: private anonymous memory and private
 * file mappings that have copy-on-write pages (smaps "Anonymous:") whole;
 * shared memory whose file is gone (MAP_SHARED|MAP_ANONYMOUS, memfd,
 * SysV) whole; the first page of a file mapping at offset 0 that starts
 * with ELF magic (build ids for eu-stack); [vdso] whole; nothing of other
 * file mappings, of unreadable regions, [vvar], [vsyscall], or what smaps
 * marks "dd" (MADV_DONTDUMP: sanitizer shadows) or "io" (p_filesz 0).
 * The program's redirected memory (a MAP_SHARED memfd mapping in
 * /proc/PID/maps; arena_lookup knows it) is what it is natively: private
 * anonymous memory, not a file, not in NT_FILE. ptinspect's own mmap stub
 * ("[ptinspect]") is left out.
 *
 * Registers are the program's view (thread_program_regs: a thread caught
 * in the mmap stub shows its own syscall), NT_SIGINFO the pausing
 * thread's PTRACE_GETSIGINFO. gdb 13 warns that .reg-xstate is "too
 * small" on CPUs whose XSAVE layout is not Intel's (AMD Zen): it sizes
 * the area by Intel's offsets; the kernel's own cores get the same.
 *
 * Sparseness: within what is dumped, only pages that may hold data are
 * read: for redirected memory the memfd's data runs (SEEK_DATA via
 * arena_next_data), for private anonymous memory the present or swapped
 * pages (PAGEMAP_SCAN, else /proc/PID/pagemap, else all of it), where a
 * page never faulted in is a page of zeros; everything else (the vdso,
 * whose pages most programs never touch, shared memory, file pages) is
 * read whole, as the kernel faults it in for a dump. A page that reads as
 * all zeros is not written either. The file is written with
 * pwrite at its offsets and sized with ftruncate, so what is not written
 * stays a hole and reads back as zeros, as the kernel's own dump_skip
 * leaves it.
 *
 * Reading: redirected runs are read with pread from the arena's memfd
 * (arena_fd at the offset arena_lookup gives): a bulk read through
 * ptinspect's own mapping would fault every page in cold (arena-view.c,
 * "Our own view"), pread streams. Everything else goes
 * through mem_read.
 */
#include "config.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "coredump.h"
#include "pagemap-scan.h"
#include "maps.h"
#include "mem.h"
#include "redirect.h"
#include "tracer.h"
#include "util.h"

#define CD_PAGE 4096ULL
#define CD_CHUNK (1024 * 1024)	/* bytes read and checked at a time */
#define CD_XSTATE_MAX 65536	/* room for NT_X86_XSTATE (AMX: ~11 KiB) */
/*
 * XCR0 in the software-reserved bytes of the XSAVE legacy area, where
 * Linux's NT_X86_XSTATE regset puts it (gdb: I386_LINUX_XSAVE_XCR0_OFFSET).
 */
#define CD_XCR0_OFFSET 464

#ifndef NT_X86_XSAVE_LAYOUT
#define NT_X86_XSAVE_LAYOUT 0x205	/* <elf.h> of glibc 2.41 */
#endif

_Static_assert(sizeof(struct elf_prstatus) == 336, "elf_prstatus layout");
_Static_assert(sizeof(struct elf_prpsinfo) == 136, "elf_prpsinfo layout");
_Static_assert(sizeof(elf_gregset_t) == sizeof(struct user_regs_struct),
    "pr_reg is user_regs_struct");

/* A growable byte buffer for the notes. */
struct cd_buf {
	unsigned char *p;
	size_t len, cap;
};

/* One PT_LOAD. */
struct cd_seg {
	uint64_t start, end;
	uint32_t flags;		/* PF_R | PF_W | PF_X */
	uint64_t dump_len;	/* p_filesz: 0, one page, or end - start */
	/*
	 * Read every page: not anonymous private memory, where a page
	 * pagemap does not show present or swapped is a page of zeros
	 * (a vdso page never touched, a file page not faulted in are not).
	 */
	bool every_page;
	uint64_t offset;	/* p_offset */
};

/* One core being written. */
struct cd_state {
	struct proc *p;
	pid_t tid;		/* a live thread for /proc paths */
	int fd;			/* the core file */
	int pagemap_fd;		/* -1: not opened yet; -2: cannot be */
	bool pagemap_scan;	/* PAGEMAP_SCAN works */
	unsigned char *buf;	/* CD_CHUNK bytes */
	uint64_t data_bytes;
	char **errp;
};

/* What smaps says of one region. */
struct cd_smaps {
	uint64_t anon_kb;	/* "Anonymous:": copy-on-write pages */
	bool dontdump;		/* VmFlags "dd" (MADV_DONTDUMP) or "io" */
};

/* Fields of /proc/PID/stat (or task/TID/stat) after the comm. */
struct cd_stat {
	char state;
	int ppid, pgrp, sid;
	unsigned long flags;
	unsigned long long utime, stime, cutime, cstime;	/* ticks */
	long nice;
};

static void cd_put(struct cd_buf *b, const void *data, size_t len);
static void cd_note(struct cd_buf *b, const char *name, uint32_t type,
    const void *desc, size_t len);
static int cd_read_stat(const char *path, struct cd_stat *st);
static uint64_t cd_status_hex(const char *status, const char *key);
static unsigned cd_status_id(const char *status, const char *key);
static void cd_timeval(struct timeval *tv, unsigned long long ticks);
static struct thread **cd_threads(struct proc *p, size_t *n);
static bool cd_prstatus(struct cd_state *cs, struct thread *t,
    struct elf_prstatus *pr);
static void cd_prpsinfo(struct cd_state *cs, struct elf_prpsinfo *ps);
static void cd_siginfo(struct cd_state *cs, siginfo_t *si);
static uint64_t cd_thread_regsets(struct cd_buf *b, struct thread *t);
static void cd_xsave_layout(struct cd_buf *b, uint64_t xfeatures);
static bool cd_is_redirected(struct proc *p, const struct region *r);
static bool cd_is_file(struct proc *p, const struct region *r);
static void cd_file_note(struct cd_buf *b, struct proc *p,
    const struct maps *maps);
static struct cd_smaps *cd_smaps_read(pid_t tid, const struct maps *maps);
static void cd_classify(struct cd_state *cs, const struct region *r,
    const struct cd_smaps *sm, struct cd_seg *seg);
static int cd_write_segment(struct cd_state *cs, const struct cd_seg *seg);
static int cd_write_private(struct cd_state *cs, const struct cd_seg *seg,
    uint64_t start, uint64_t end);
static int cd_present_runs(struct cd_state *cs, const struct cd_seg *seg,
    uint64_t start, uint64_t end);
static int cd_copy(struct cd_state *cs, const struct cd_seg *seg,
    uint64_t start, uint64_t end, int from_fd, uint64_t from_off);
static int cd_pwrite(struct cd_state *cs, const void *data, size_t len,
    uint64_t off);
static bool cd_zero_page(const unsigned char *page);

int
coredump_write(struct proc *p, const char *path, struct coredump_stats *st,
    char **errp)
{
	struct cd_state cs = { .p = p, .fd = -1, .pagemap_fd = -1,
	    .pagemap_scan = true, .errp = errp };
	struct cd_buf notes = { NULL, 0, 0 };
	struct maps maps = { NULL, 0 };
	struct cd_seg *segs = NULL;
	struct thread **threads = NULL;
	struct elf_prstatus pr;
	struct elf_prpsinfo ps;
	siginfo_t si;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	Elf64_Shdr sh;
	struct cd_smaps *sm = NULL, none = { 0, false };
	uint64_t off, t0 = 0, size, xfeatures = 0;
	size_t nthreads = 0, nsegs = 0, i, phnum, hdr_len;
	unsigned nprstatus = 0;
	struct timespec ts;
	char fpath[64], *auxv;
	size_t auxv_len;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (p->state != PROC_PAUSED) {
		set_error(errp, "process %d is not paused", (int)p->pid);
		return -1;
	}
	cs.tid = proc_access_tid(p);
	if (mem_maps_read(p, &maps, errp) < 0)
		return -1;
	sm = cd_smaps_read(cs.tid, &maps);

	/* The notes, in the kernel's order. */
	threads = cd_threads(p, &nthreads);
	for (i = 0; i < nthreads; i++) {
		if (!cd_prstatus(&cs, threads[i], &pr))
			continue;
		cd_note(&notes, "CORE", NT_PRSTATUS, &pr, sizeof pr);
		if (nprstatus++ == 0) {
			cd_prpsinfo(&cs, &ps);
			cd_note(&notes, "CORE", NT_PRPSINFO, &ps, sizeof ps);
			cd_siginfo(&cs, &si);
			cd_note(&notes, "CORE", NT_SIGINFO, &si, sizeof si);
			snprintf(fpath, sizeof fpath, "/proc/%d/auxv",
			    (int)cs.tid);
			if ((auxv = read_file_str(fpath, &auxv_len)) != NULL) {
				cd_note(&notes, "CORE", NT_AUXV, auxv,
				    auxv_len);
				free(auxv);
			}
			cd_file_note(&notes, p, &maps);
		}
		xfeatures |= cd_thread_regsets(&notes, threads[i]);
	}
	cd_xsave_layout(&notes, xfeatures);
	if (nprstatus == 0) {
		set_error(errp, "no thread's registers could be read");
		goto out;
	}

	/* The segments and where their contents go. */
	segs = xcalloc(maps.count + 1, sizeof *segs);
	for (i = 0; i < maps.count; i++) {
		if (strcmp(maps.regions[i].name, "[ptinspect]") == 0)
			continue;
		cd_classify(&cs, &maps.regions[i], sm != NULL ? &sm[i] :
		    &none, &segs[nsegs++]);
	}
	phnum = nsegs + 1;
	hdr_len = sizeof eh + phnum * sizeof *ph;
	off = (hdr_len + notes.len + CD_PAGE - 1) & ~(CD_PAGE - 1);
	for (i = 0; i < nsegs; i++) {
		segs[i].offset = off;
		off += segs[i].dump_len;
	}
	size = off;

	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof *ph;
	eh.e_phnum = phnum >= PN_XNUM ? PN_XNUM : (Elf64_Half)phnum;
	if (phnum >= PN_XNUM) {
		/* Extended numbering: one section header after the data. */
		eh.e_shoff = size;
		eh.e_shentsize = sizeof sh;
		eh.e_shnum = 1;
		memset(&sh, 0, sizeof sh);
		sh.sh_info = (Elf64_Word)phnum;
		size += sizeof sh;
	}

	ph = xcalloc(phnum, sizeof *ph);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = hdr_len;
	ph[0].p_filesz = notes.len;
	ph[0].p_align = 4;
	for (i = 0; i < nsegs; i++) {
		ph[i + 1].p_type = PT_LOAD;
		ph[i + 1].p_flags = segs[i].flags;
		ph[i + 1].p_offset = segs[i].offset;
		ph[i + 1].p_vaddr = segs[i].start;
		ph[i + 1].p_filesz = segs[i].dump_len;
		ph[i + 1].p_memsz = segs[i].end - segs[i].start;
		ph[i + 1].p_align = CD_PAGE;
	}

	cs.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (cs.fd < 0) {
		set_error(errp, "%s: %s", path, strerror(errno));
		goto out;
	}
	cs.buf = xmalloc(CD_CHUNK);
	if (cd_pwrite(&cs, &eh, sizeof eh, 0) < 0 ||
	    cd_pwrite(&cs, ph, phnum * sizeof *ph, sizeof eh) < 0 ||
	    cd_pwrite(&cs, notes.p, notes.len, hdr_len) < 0)
		goto fail;
	for (i = 0; i < nsegs; i++)
		if (segs[i].dump_len > 0 && cd_write_segment(&cs, &segs[i]) < 0)
			goto fail;
	if (phnum >= PN_XNUM &&
	    cd_pwrite(&cs, &sh, sizeof sh, eh.e_shoff) < 0)
		goto fail;
	if (ftruncate(cs.fd, (off_t)size) < 0) {
		set_error(errp, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (close(cs.fd) < 0) {
		cs.fd = -1;
		set_error(errp, "%s: %s", path, strerror(errno));
		goto fail;
	}
	cs.fd = -1;
	if (st != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		st->threads = nprstatus;
		st->segments = (unsigned)nsegs;
		st->size = size;
		st->data_bytes = cs.data_bytes;
		st->ms = (uint64_t)ts.tv_sec * 1000 +
		    (uint64_t)ts.tv_nsec / 1000000 - t0;
	}
	rc = 0;
	goto out;

fail:
	if (errp != NULL && *errp != NULL &&
	    strncmp(*errp, path, strlen(path)) != 0) {
		char *e = xstrfmt("%s: %s", path, *errp);

		free(*errp);
		*errp = e;
	}
	unlink(path);
out:
	if (cs.fd >= 0)
		close(cs.fd);
	if (cs.pagemap_fd >= 0)
		close(cs.pagemap_fd);
	free(cs.buf);
	free(ph);
	free(segs);
	free(threads);
	free(sm);
	free(notes.p);
	maps_free(&maps);
	return rc;
}

static void
cd_put(struct cd_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	if (data != NULL)
		memcpy(b->p + b->len, data, len);
	else
		memset(b->p + b->len, 0, len);
	b->len += len;
}

/* One note: Elf64_Nhdr, the name and the desc, each padded to 4 bytes. */
static void
cd_note(struct cd_buf *b, const char *name, uint32_t type, const void *desc,
    size_t len)
{
	Elf64_Nhdr nh = {
		.n_namesz = (Elf64_Word)strlen(name) + 1,
		.n_descsz = (Elf64_Word)len,
		.n_type = type,
	};

	cd_put(b, &nh, sizeof nh);
	cd_put(b, name, nh.n_namesz);
	cd_put(b, NULL, (4 - nh.n_namesz % 4) % 4);
	cd_put(b, desc, len);
	cd_put(b, NULL, (4 - len % 4) % 4);
}

/*
 * The fields of a stat file the notes need. The comm may hold spaces and
 * parentheses: the fields start after its last ')'.
 */
static int
cd_read_stat(const char *path, struct cd_stat *st)
{
	char *text = read_file_str(path, NULL), *s;
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (text == NULL)
		return -1;
	if ((s = strrchr(text, ')')) != NULL &&
	    sscanf(s + 1, " %c %d %d %d %*d %*d %lu %*u %*u %*u %*u %llu %llu"
	    " %llu %llu %*d %ld", &st->state, &st->ppid, &st->pgrp, &st->sid,
	    &st->flags, &st->utime, &st->stime, &st->cutime, &st->cstime,
	    &st->nice) == 10)
		rc = 0;
	free(text);
	return rc;
}

/* A hex field of a status file ("SigBlk:\t0000000000000000"); 0 if none. */
static uint64_t
cd_status_hex(const char *status, const char *key)
{
	const char *s = status != NULL ? strstr(status, key) : NULL;

	return s != NULL ? strtoull(s + strlen(key), NULL, 16) : 0;
}

/* The first (real) id of "Uid:" or "Gid:". */
static unsigned
cd_status_id(const char *status, const char *key)
{
	const char *s = status != NULL ? strstr(status, key) : NULL;

	return s != NULL ? (unsigned)strtoul(s + strlen(key), NULL, 10) : 0;
}

static void
cd_timeval(struct timeval *tv, unsigned long long ticks)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (hz <= 0)
		hz = 100;
	tv->tv_sec = (time_t)(ticks / (unsigned long long)hz);
	tv->tv_usec = (suseconds_t)(ticks % (unsigned long long)hz *
	    1000000 / (unsigned long long)hz);
}

static int
cd_tid_cmp(const void *a, const void *b)
{
	pid_t x = (*(struct thread *const *)a)->tid;
	pid_t y = (*(struct thread *const *)b)->tid;

	return x < y ? -1 : x > y;
}

/* The threads: the one that triggered the pause first, then by tid. */
static struct thread **
cd_threads(struct proc *p, size_t *n)
{
	struct thread *t, **v;
	size_t count = 0, i;

	for (t = p->threads; t != NULL; t = t->next)
		count++;
	v = xcalloc(count + 1, sizeof *v);
	*n = 0;
	for (t = p->threads; t != NULL && *n < count; t = t->next)
		v[(*n)++] = t;
	qsort(v, *n, sizeof *v, cd_tid_cmp);
	for (i = 0; i < *n; i++) {
		if (v[i]->tid == p->paused_tid) {
			t = v[i];
			memmove(v + 1, v, i * sizeof *v);
			v[0] = t;
			break;
		}
	}
	return v;
}

/*
 * NT_PRSTATUS of one thread, as fill_prstatus fills it: the fatal signal
 * (every thread carries it), pending and blocked signals, ids, times, and
 * the registers as the program sees them. False when the thread's
 * registers cannot be read (it is gone).
 */
static bool
cd_prstatus(struct cd_state *cs, struct thread *t, struct elf_prstatus *pr)
{
	struct user_regs_struct regs;
	struct user_fpregs_struct fp;
	struct iovec fp_iov = { &fp, sizeof fp };
	struct cd_stat st, pst;
	char path[64], *status, *err = NULL;

	if (thread_program_regs(t, &regs, &err) < 0) {
		free(err);
		return false;
	}
	memset(pr, 0, sizeof *pr);
	memcpy(&pr->pr_reg, &regs, sizeof regs);
	/* Whether NT_FPREGSET follows (cd_thread_regsets). */
	pr->pr_fpvalid = ptrace(PTRACE_GETREGSET, t->tid, (void *)NT_PRFPREG,
	    &fp_iov) == 0;
	if (cs->p->reason == PAUSE_SIGNAL) {
		pr->pr_info.si_signo = cs->p->signal;
		pr->pr_cursig = (short)cs->p->signal;
	}
	snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)cs->p->pid,
	    (int)t->tid);
	status = read_file_str(path, NULL);
	pr->pr_sigpend = cd_status_hex(status, "SigPnd:");
	pr->pr_sighold = cd_status_hex(status, "SigBlk:");
	free(status);
	pr->pr_pid = t->tid;
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)cs->p->pid,
	    (int)t->tid);
	if (cd_read_stat(path, &st) == 0) {
		pr->pr_ppid = st.ppid;
		pr->pr_pgrp = st.pgrp;
		pr->pr_sid = st.sid;
		cd_timeval(&pr->pr_utime, st.utime);
		cd_timeval(&pr->pr_stime, st.stime);
	}
	/* The leader carries the whole group's times and its children's. */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)cs->p->pid);
	if (t->tid == cs->p->pid && cd_read_stat(path, &pst) == 0) {
		cd_timeval(&pr->pr_utime, pst.utime);
		cd_timeval(&pr->pr_stime, pst.stime);
		cd_timeval(&pr->pr_cutime, pst.cutime);
		cd_timeval(&pr->pr_cstime, pst.cstime);
	}
	return true;
}

/* NT_PRPSINFO: state, ids, command name and the start of argv. */
static void
cd_prpsinfo(struct cd_state *cs, struct elf_prpsinfo *ps)
{
	static const char states[] = "RSDTZW";
	struct cd_stat st;
	char path[64], *status, *cmdline, *s;
	size_t len = 0, i;

	memset(ps, 0, sizeof *ps);
	snprintf(path, sizeof path, "/proc/%d/stat", (int)cs->p->pid);
	if (cd_read_stat(path, &st) == 0) {
		s = strchr(states, st.state);
		ps->pr_state = s != NULL && *s != '\0' ?
		    (char)(s - states) : 0;
		ps->pr_sname = st.state;
		ps->pr_zomb = st.state == 'Z';
		ps->pr_nice = (char)st.nice;
		ps->pr_flag = st.flags;
		ps->pr_ppid = st.ppid;
		ps->pr_pgrp = st.pgrp;
		ps->pr_sid = st.sid;
	}
	ps->pr_pid = cs->p->pid;
	snprintf(path, sizeof path, "/proc/%d/status", (int)cs->tid);
	status = read_file_str(path, NULL);
	ps->pr_uid = cd_status_id(status, "Uid:");
	ps->pr_gid = cd_status_id(status, "Gid:");
	free(status);
	memcpy(ps->pr_fname, cs->p->comm, strnlen(cs->p->comm,
	    sizeof ps->pr_fname - 1));
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)cs->tid);
	if ((cmdline = read_file_str(path, &len)) != NULL) {
		if (len > sizeof ps->pr_psargs - 1)
			len = sizeof ps->pr_psargs - 1;
		for (i = 0; i < len; i++)
			ps->pr_psargs[i] = cmdline[i] ? cmdline[i] : ' ';
		while (len > 0 && ps->pr_psargs[len - 1] == ' ')
			ps->pr_psargs[--len] = '\0';
		free(cmdline);
	}
}

/*
 * NT_SIGINFO: the fatal signal as the paused thread is about to receive
 * it (PTRACE_GETSIGINFO of its signal-delivery-stop); all zeros for an
 * exit, where no signal is involved.
 */
static void
cd_siginfo(struct cd_state *cs, siginfo_t *si)
{
	memset(si, 0, sizeof *si);
	if (cs->p->reason != PAUSE_SIGNAL)
		return;
	if (cs->p->paused_tid > 0 &&
	    ptrace(PTRACE_GETSIGINFO, cs->p->paused_tid, NULL, si) == 0 &&
	    si->si_signo == cs->p->signal)
		return;
	/* Not in its signal-delivery-stop any more: what we know of it. */
	memset(si, 0, sizeof *si);
	si->si_signo = cs->p->signal;
	si->si_code = SI_KERNEL;
	if (cs->p->has_fault_addr)
		si->si_addr = (void *)(uintptr_t)cs->p->fault_addr;
}

/*
 * NT_FPREGSET and NT_X86_XSTATE of one held thread, when ptrace has them.
 * Returns the XSAVE features the area holds (XCR0 as the regset gives
 * it), or 0.
 */
static uint64_t
cd_thread_regsets(struct cd_buf *b, struct thread *t)
{
	struct user_fpregs_struct fp;
	struct iovec iov = { &fp, sizeof fp };
	uint64_t xfeatures = 0;
	unsigned char *xs;

	if (ptrace(PTRACE_GETREGSET, t->tid, (void *)NT_PRFPREG, &iov) == 0)
		cd_note(b, "CORE", NT_FPREGSET, &fp, iov.iov_len);
	xs = xcalloc(1, CD_XSTATE_MAX);
	iov.iov_base = xs;
	iov.iov_len = CD_XSTATE_MAX;
	if (ptrace(PTRACE_GETREGSET, t->tid, (void *)NT_X86_XSTATE,
	    &iov) == 0) {
		cd_note(b, "LINUX", NT_X86_XSTATE, xs, iov.iov_len);
		if (iov.iov_len >= CD_XCR0_OFFSET + sizeof xfeatures)
			memcpy(&xfeatures, xs + CD_XCR0_OFFSET,
			    sizeof xfeatures);
	}
	free(xs);
	return xfeatures;
}

/*
 * NT_X86_XSAVE_LAYOUT, after every thread's notes, as recent kernels
 * write it (Linux 6.18's cores have it): where each extended feature of
 * the XSAVE areas lies (CPUID leaf 0xd), so that a debugger need not
 * assume Intel's offsets, from which AMD's differ.
 */
static void
cd_xsave_layout(struct cd_buf *b, uint64_t xfeatures)
{
	struct cd_buf d = { NULL, 0, 0 };
	unsigned a, bx, c, dx, i;
	uint32_t rec[4];

	if (__get_cpuid_max(0, NULL) < 0xd)
		return;
	for (i = 2; i < 64; i++) {
		if (!(xfeatures >> i & 1))
			continue;
		__cpuid_count(0xd, i, a, bx, c, dx);
		rec[0] = i;		/* type */
		rec[1] = a;		/* size */
		rec[2] = bx;		/* offset */
		rec[3] = 0;		/* flags */
		cd_put(&d, rec, sizeof rec);
	}
	if (d.len > 0)
		cd_note(b, "LINUX", NT_X86_XSAVE_LAYOUT, d.p, d.len);
	free(d.p);
}

/* Memory redirect.c moved into the arena: private anonymous natively. */
static bool
cd_is_redirected(struct proc *p, const struct region *r)
{
	struct arena *a = redirect_arena(p);
	uint64_t off, avail;

	return a != NULL && arena_lookup(a, r->start, &off, &avail);
}

/* A mapping of a file (not anonymous memory, not a kernel region). */
static bool
cd_is_file(struct proc *p, const struct region *r)
{
	return r->name[0] == '/' && !cd_is_redirected(p, r);
}

/*
 * NT_FILE: count, page size, then (start, end, file offset in pages) per
 * file mapping, then their names, NUL-terminated.
 */
static void
cd_file_note(struct cd_buf *b, struct proc *p, const struct maps *maps)
{
	struct cd_buf d = { NULL, 0, 0 };
	uint64_t count = 0, page = CD_PAGE, v[3];
	size_t i;

	for (i = 0; i < maps->count; i++)
		if (cd_is_file(p, &maps->regions[i]))
			count++;
	cd_put(&d, &count, sizeof count);
	cd_put(&d, &page, sizeof page);
	for (i = 0; i < maps->count; i++) {
		const struct region *r = &maps->regions[i];

		if (!cd_is_file(p, r))
			continue;
		v[0] = r->start;
		v[1] = r->end;
		v[2] = r->offset / CD_PAGE;
		cd_put(&d, v, sizeof v);
	}
	for (i = 0; i < maps->count; i++)
		if (cd_is_file(p, &maps->regions[i]))
			cd_put(&d, maps->regions[i].name,
			    strlen(maps->regions[i].name) + 1);
	cd_note(b, "CORE", NT_FILE, d.p, d.len);
	free(d.p);
}

/*
 * /proc/TID/smaps for each region of maps (by start address): "Anonymous:"
 * in kB, whether a private file mapping has copy-on-write pages (the
 * kernel's anon_vma test), and VmFlags "dd" (MADV_DONTDUMP: sanitizer
 * shadows, JIT reservations) or "io", which the kernel never dumps.
 * NULL when smaps cannot be read.
 */
static struct cd_smaps *
cd_smaps_read(pid_t tid, const struct maps *maps)
{
	char path[64], line[512];
	unsigned long long start, end, kb;
	struct cd_smaps *sm;
	size_t i = 0;
	bool have = false;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	sm = xcalloc(maps->count + 1, sizeof *sm);
	while (fgets(line, sizeof line, f) != NULL) {
		/* A region's header line: "start-end perms ...". */
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2 &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			while (i < maps->count &&
			    maps->regions[i].start < start)
				i++;
			have = i < maps->count &&
			    maps->regions[i].start == start;
		} else if (have &&
		    sscanf(line, "Anonymous: %llu kB", &kb) == 1) {
			sm[i].anon_kb = kb;
		} else if (have && strncmp(line, "VmFlags:", 8) == 0) {
			sm[i].dontdump = strstr(line, " dd") != NULL ||
			    strstr(line, " io") != NULL;
		}
	}
	fclose(f);
	return sm;
}

/* What of region r the core holds (see the comment atop this file). */
static void
cd_classify(struct cd_state *cs, const struct region *r,
    const struct cd_smaps *sm, struct cd_seg *seg)
{
	const char *n = r->name;
	uint64_t len = r->end - r->start;
	unsigned char magic[SELFMAG];
	char *err = NULL;

	memset(seg, 0, sizeof *seg);
	seg->start = r->start;
	seg->end = r->end;
	seg->flags = (r->perms[0] == 'r' ? PF_R : 0) |
	    (r->perms[1] == 'w' ? PF_W : 0) | (r->perms[2] == 'x' ? PF_X : 0);
	if (!region_readable(r) || sm->dontdump || strcmp(n, "[vvar]") == 0 ||
	    strcmp(n, "[vvar_vclock]") == 0 || strcmp(n, "[vsyscall]") == 0)
		return;
	if (strcmp(n, "[vdso]") == 0 || cd_is_redirected(cs->p, r) ||
	    n[0] != '/') {
		/* Anonymous (heap, stacks, [anon:...]) and the vdso: whole. */
		seg->dump_len = len;
		seg->every_page = !cd_is_redirected(cs->p, r) &&
		    (r->perms[3] != 'p' || !(n[0] == '\0' ||
		    strcmp(n, "[heap]") == 0 || strncmp(n, "[stack", 6) == 0 ||
		    strncmp(n, "[anon:", 6) == 0));
		return;
	}
	seg->every_page = true;
	if (r->perms[3] == 's') {
		/* Shared: dumped when its file is gone (anonymous shared). */
		if (strstr(n, " (deleted)") != NULL ||
		    strncmp(n, "/memfd:", 7) == 0 ||
		    strncmp(n, "/SYSV", 5) == 0 ||
		    strncmp(n, "/dev/zero", 9) == 0)
			seg->dump_len = len;
		return;
	}
	if (sm->anon_kb > 0 || strncmp(n, "/anon_hugepage", 14) == 0) {
		seg->dump_len = len;
		return;
	}
	if (r->offset == 0 && mem_read(cs->p, r->start, magic, sizeof magic,
	    &err) == (ssize_t)sizeof magic && memcmp(magic, ELFMAG,
	    SELFMAG) == 0)
		seg->dump_len = CD_PAGE < len ? CD_PAGE : len;
	free(err);
}

/*
 * The contents of one segment: redirected extents from the memfd's data
 * runs, the rest through mem_read.
 */
static int
cd_write_segment(struct cd_state *cs, const struct cd_seg *seg)
{
	uint64_t end = seg->start + seg->dump_len, addr = seg->start;
	uint64_t off, avail, xs, xe, rs, re, next;
	struct arena *a = redirect_arena(cs->p);

	if (a == NULL || seg->every_page)
		return cd_write_private(cs, seg, addr, end);
	while (addr < end) {
		if (arena_lookup(a, addr, &off, &avail)) {
			next = avail < end - addr ? addr + avail : end;
			while (addr < next &&
			    arena_next_data(a, addr, next, &rs, &re)) {
				if (re > next)
					re = next;
				if (!arena_lookup(a, rs, &off, &avail))
					break;
				if (cd_copy(cs, seg, rs, re, arena_fd(a),
				    off) < 0)
					return -1;
				addr = re;
			}
			addr = next;
			continue;
		}
		next = end;
		if (arena_next(a, addr, &xs, &xe) && xs > addr && xs < end)
			next = xs;
		if (cd_write_private(cs, seg, addr, next) < 0)
			return -1;
		addr = next;
	}
	return 0;
}

/*
 * Private memory: only the present or swapped pages of anonymous memory
 * (PAGEMAP_SCAN, else /proc/PID/pagemap), every page of a file mapping.
 */
static int
cd_write_private(struct cd_state *cs, const struct cd_seg *seg,
    uint64_t start, uint64_t end)
{
	char path[64];
	int r;

	if (seg->every_page)
		return cd_copy(cs, seg, start, end, -1, 0);
	if (cs->pagemap_fd == -1) {
		snprintf(path, sizeof path, "/proc/%d/pagemap", (int)cs->tid);
		cs->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (cs->pagemap_fd < 0)
			cs->pagemap_fd = -2;
	}
	if (cs->pagemap_fd >= 0 &&
	    (r = cd_present_runs(cs, seg, start, end)) != 1)
		return r;
	return cd_copy(cs, seg, start, end, -1, 0);
}

/*
 * Copies the present or swapped runs of [start, end). 0, -1 on a write
 * error, 1 when the kernel cannot tell which pages are present (then
 * nothing was copied).
 */
static int
cd_present_runs(struct cd_state *cs, const struct cd_seg *seg,
    uint64_t start, uint64_t end)
{
	struct page_region vec[256];
	struct pm_scan_arg scan = {
		.size = sizeof scan,
		.start = start,
		.end = end,
		.vec = (uint64_t)(uintptr_t)vec,
		.vec_len = ARRAY_SIZE(vec),
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};
	uint64_t ent[512], addr, rs = 0, re = 0, a;
	size_t i, n;
	ssize_t got;
	int k;

	while (cs->pagemap_scan) {
		k = ioctl(cs->pagemap_fd, PAGEMAP_SCAN, &scan);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			if (scan.start != start) {
				/* Part scanned: copy the rest as it is. */
				return cd_copy(cs, seg, scan.start, end, -1,
				    0);
			}
			cs->pagemap_scan = false;
			break;
		}
		for (i = 0; i < (size_t)k; i++)
			if (cd_copy(cs, seg, vec[i].start, vec[i].end, -1,
			    0) < 0)
				return -1;
		if (scan.walk_end >= end || k == 0)
			return 0;
		scan.start = scan.walk_end;
	}

	/* Older kernels: 8 bytes a page, bit 63 present, bit 62 swapped. */
	for (addr = start; addr < end; addr += n * CD_PAGE) {
		n = (end - addr) / CD_PAGE;
		if (n > ARRAY_SIZE(ent))
			n = ARRAY_SIZE(ent);
		got = pread(cs->pagemap_fd, ent, n * sizeof *ent,
		    (off_t)(addr / CD_PAGE * sizeof *ent));
		if (got <= 0) {
			if (addr == start)
				return 1;
			return cd_copy(cs, seg, addr, end, -1, 0);
		}
		n = (size_t)got / sizeof *ent;
		for (i = 0; i < n; i++) {
			a = addr + i * CD_PAGE;
			if (!(ent[i] >> 62 & 3))
				continue;
			if (a != re) {
				if (re > rs && cd_copy(cs, seg, rs, re, -1,
				    0) < 0)
					return -1;
				rs = a;
			}
			re = a + CD_PAGE;
		}
	}
	if (re > rs && cd_copy(cs, seg, rs, re, -1, 0) < 0)
		return -1;
	return 0;
}

/*
 * Copies tracee memory [start, end) into the segment's place in the core,
 * a chunk at a time, leaving all-zero pages as holes: from the memfd at
 * from_off when from_fd >= 0, else through mem_read. A range that cannot
 * be read stays a hole (zeros), as the kernel leaves pages it cannot get.
 */
static int
cd_copy(struct cd_state *cs, const struct cd_seg *seg, uint64_t start,
    uint64_t end, int from_fd, uint64_t from_off)
{
	uint64_t addr, len, pg, run;
	ssize_t got;
	char *err = NULL;

	for (addr = start; addr < end; addr += len) {
		len = end - addr < CD_CHUNK ? end - addr : CD_CHUNK;
		if (from_fd >= 0)
			got = pread(from_fd, cs->buf, len,
			    (off_t)(from_off + (addr - start)));
		else
			got = mem_read(cs->p, addr, cs->buf, len, &err);
		free(err);
		err = NULL;
		if (got <= 0)
			continue;
		if ((uint64_t)got < len)
			memset(cs->buf + got, 0, len - (uint64_t)got);
		/* Runs of pages that are not all zeros. */
		for (pg = 0; pg < len; pg += run) {
			run = len - pg < CD_PAGE ? len - pg : CD_PAGE;
			if (run == CD_PAGE && cd_zero_page(cs->buf + pg))
				continue;
			while (pg + run < len && (len - pg - run < CD_PAGE ||
			    !cd_zero_page(cs->buf + pg + run)))
				run += len - pg - run < CD_PAGE ?
				    len - pg - run : CD_PAGE;
			if (cd_pwrite(cs, cs->buf + pg, run,
			    seg->offset + (addr - seg->start) + pg) < 0)
				return -1;
			cs->data_bytes += run;
		}
	}
	return 0;
}

static int
cd_pwrite(struct cd_state *cs, const void *data, size_t len, uint64_t off)
{
	const char *s = data;
	ssize_t n;

	while (len > 0) {
		n = pwrite(cs->fd, s, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_error(cs->errp, "%s", n < 0 ? strerror(errno) :
			    "short write");
			return -1;
		}
		s += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static bool
cd_zero_page(const unsigned char *page)
{
	const uint64_t *w = (const uint64_t *)(const void *)page;
	size_t i;

	for (i = 0; i < CD_PAGE / sizeof *w; i += 8)
		if ((w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] |
		    w[i + 5] | w[i + 6] | w[i + 7]) != 0)
			return false;
	return true;
}
