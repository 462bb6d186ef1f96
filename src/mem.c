/*
 * mem.c: the memory access layer. Every read, write and search of tracee
 * memory goes through here, so the path taken can be chosen per address
 * without callers knowing.
 *
 * Paths, fastest first:
 *  - the shared memfd mapping (plain loads and stores), for addresses
 *    redirect.c put in the process's arena (redirect_arena; mem_shared_copy,
 *    mem_is_shared).
 *  - process_vm_readv/writev: one syscall per access, but it honours page
 *    protections, so it cannot write text or read PROT_NONE pages.
 *  - pread/pwrite on /proc/PID/mem: the kernel accesses the pages with
 *    FOLL_FORCE, like a debugger, so read-only pages (text, mprotect'd
 *    data) can be written. Opened lazily (p->mem, this file's) through a live
 *    thread (proc_access_tid), re-opened once when it stops working (the
 *    thread it was opened through exited, or the process ran exec).
 *
 * The syscall paths stop at the first page they cannot reach, so a read
 * that runs off the end of a mapping returns the bytes before it.
 *
 * A process that made itself non-dumpable (PR_SET_DUMPABLE 0) refuses a
 * non-root ptinspect /proc/PID/maps, /proc/PID/mem, process_vm_* and even
 * PTRACE_PEEKDATA: only its redirected memory can be read, through the
 * memfd. Its maps are then the regions ptinspect redirected (said once
 * per process: mem_maps_redirected), and a read elsewhere says why.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "maps.h"
#include "corefile.h"
#include "mem.h"
#include "pagemap-scan.h"
#include "redirect.h"
#include "task.h"
#include "util.h"

/*
 * mem_find reads regions in chunks of this size, after the last
 * needle_len - 1 bytes of the chunk before (mem_find_range), or searches
 * as much in place.
 */
#define MEM_FIND_CHUNK (256 * 1024)

/* /proc/PID/mem takes the address as a file offset: at most 2^63 - 1. */
#define MEM_MAX_OFFSET ((uint64_t)INT64_MAX)

/* One mem_find call. */
struct mem_search {
	struct proc *p;
	const void *needle;
	size_t needle_len;
	int (*found)(uint64_t addr, void *arg);
	void *arg;
	unsigned char *buf;	/* needle_len - 1 bytes kept, and a chunk */
	size_t cap;
	struct arena *arena;	/* searched in place where it lends its view */
	long matches;
	bool stopped;		/* found() asked to stop */
	int pagemap_fd;		/* /proc/PID/pagemap, opened on first use */
};

/* What mem.c keeps per process, behind p->mem. */
struct mem_state {
	int fd;			/* /proc/PID/mem, or -1 */
	bool maps_partial;	/* mem_maps_read's last maps: redirected only */
	bool said_no_maps;	/* ... which was said */
};

static struct mem_stats mem_stats;

static bool mem_is_shared(struct proc *p, uint64_t addr);
static size_t mem_copy(struct proc *p, uint64_t addr, void *buf, size_t len,
    bool write, int *errnop);
static size_t mem_shared_copy(struct proc *p, uint64_t addr, void *buf,
    size_t len, bool write);
static size_t mem_vm_copy(struct proc *p, uint64_t addr, void *buf,
    size_t len, bool write, int *errnop);
static size_t mem_file_copy(struct proc *p, uint64_t addr, void *buf,
    size_t len, bool write, int *errnop);
static int mem_open(struct proc *p, int *errnop);
static struct mem_state *mem_state(struct proc *p);
static int mem_maps_redirected(struct proc *p, struct maps *out,
    char **errp);
static int mem_fail(struct proc *p, char **errp, uint64_t addr, int err);
static bool mem_skip_region(const struct region *r);
static void mem_find_range(struct mem_search *s, uint64_t start,
    uint64_t end);
static void mem_find_in(struct mem_search *s, const unsigned char *buf,
    size_t len, uint64_t base, size_t before);
static int mem_find_populated(struct mem_search *s, const struct region *r);
static int mem_find_in_arena(struct mem_search *s, const struct region *r);

ssize_t
mem_read(struct proc *p, uint64_t addr, void *buf, size_t len, char **errp)
{
	size_t done;
	int err = 0;

	if (len == 0)
		return 0;
	done = mem_copy(p, addr, buf, len, false, &err);
	if (done == 0)
		return mem_fail(p, errp, addr, err);
	return (ssize_t)done;
}

ssize_t
mem_write(struct proc *p, uint64_t addr, const void *buf, size_t len,
    char **errp)
{
	size_t done;
	int err = 0;

	if (len == 0)
		return 0;
	done = mem_copy(p, addr, (void *)buf, len, true, &err);
	if (done < len)
		return mem_fail(p, errp, addr + done, err);
	return (ssize_t)done;
}

long
mem_find(struct proc *p, const struct maps *maps,
    const struct region *only, const void *needle, size_t needle_len,
    int (*found)(uint64_t addr, void *arg), void *arg, char **errp)
{
	const struct region *regions = only != NULL ? only : maps->regions;
	size_t nregions = only != NULL ? 1 : maps->count, i;
	struct mem_search s = {
		.p = p,
		.needle = needle,
		.needle_len = needle_len,
		.found = found,
		.arg = arg,
		.cap = MEM_FIND_CHUNK + needle_len - 1,
		.pagemap_fd = -1,
	};

	if (needle_len == 0)
		return set_error(errp, "empty pattern");
	s.buf = xmalloc(s.cap);
	/*
	 * The arena as the program's calls so far left it, once: no stop is
	 * handled until the search is done, and in-place reads do not sync.
	 */
	if (p->core == NULL)
		redirect_sync(p);
	for (i = 0; i < nregions && !s.stopped; i++) {
		const struct region *r = &regions[i];

		if (mem_skip_region(r))
			continue;
		/*
		 * Redirected memory (which maps shows as the private memory it
		 * is to the program): only the pages that hold data.
		 */
		if (p->core == NULL && mem_find_in_arena(&s, r) == 0)
			continue;
		/* Private anonymous memory: only the pages ever touched. */
		if (p->core == NULL && r->inode == 0 && r->perms[3] == 'p' &&
		    mem_find_populated(&s, r) == 0)
			continue;
		mem_find_range(&s, r->start, r->end);
	}
	if (s.pagemap_fd >= 0)
		close(s.pagemap_fd);
	free(s.buf);
	return s.matches;
}

int
mem_maps_read(struct proc *p, struct maps *out, char **errp)
{
	if (p->core != NULL)
		return maps_copy(&p->core->maps, out, errp);
	redirect_sync(p);
	if (p->mem != NULL)
		p->mem->maps_partial = false;
	if (maps_read(proc_access_tid(p), out, NULL) < 0 &&
	    mem_maps_redirected(p, out, errp) < 0)
		return -1;
	redirect_name_regions(p, out);
	return 0;
}

int
mem_unlisted(struct proc *p, uint64_t addr, char **errp)
{
	if (p->mem == NULL || !p->mem->maps_partial)
		return 0;
	return mem_fail(p, errp, addr, EACCES);
}

/*
 * /proc/PID/maps refused (not dumpable): the regions ptinspect redirected,
 * from the arena, as its shared mappings, which redirect_name_regions
 * then shows as the program made them (private, [heap]); said once per
 * process. Fails with maps_read's own error otherwise.
 */
static int
mem_maps_redirected(struct proc *p, struct maps *out, char **errp)
{
	struct arena *a = redirect_arena(p);
	uint64_t at = 0, start, end;
	pid_t tid = proc_access_tid(p);
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	int rc;

	if (!proc_not_dumpable(p))
		return maps_read(tid, out, errp);
	if ((f = open_memstream(&text, &size)) == NULL)
		fatal("open_memstream");
	while (a != NULL && arena_next(a, at, &start, &end)) {
		fprintf(f, "%" PRIx64 "-%" PRIx64 " rw-s 00000000 00:00 0\n",
		    start, end);
		at = end;
	}
	if (fclose(f) != 0)
		fatal("open_memstream");
	rc = maps_parse_text(text, "redirected memory", out, errp);
	free(text);
	if (rc == 0)
		mem_state(p)->maps_partial = true;
	if (rc == 0 && !mem_state(p)->said_no_maps) {
		mem_state(p)->said_no_maps = true;
		warnx_msg("pid %d is not dumpable: /proc/%d/maps refused; only "
		    "the memory ptinspect redirected is listed", (int)p->pid,
		    (int)tid);
	}
	return rc;
}

const char *
mem_region_access(struct proc *p, const struct region *r)
{
	if (p->core != NULL)
		return "core";
	return mem_is_shared(p, r->start) ? "shared" : "copy";
}

void
mem_get_stats(struct mem_stats *out)
{
	*out = mem_stats;
}

void
mem_forget(struct proc *p)
{
	if (p->mem == NULL)
		return;
	if (p->mem->fd >= 0)
		close(p->mem->fd);
	free(p->mem);
	p->mem = NULL;
}

int
mem_proc_fd(const struct proc *p)
{
	return p->mem != NULL ? p->mem->fd : -1;
}

/*
 * The one place that decides whether addr is served from the shared memfd
 * mapping: it is when redirect.c put it in the process's arena.
 */
static bool
mem_is_shared(struct proc *p, uint64_t addr)
{
	uint64_t off, avail;

	struct arena *a = redirect_arena(p);

	return a != NULL && arena_lookup(a, addr, &off, &avail);
}

/*
 * Serves the redirected run at the start of [addr, addr + len) with plain
 * loads and stores; returns how many bytes that was (0: not redirected).
 * No SIGBUS guard: the arena's memfd is sealed against shrinking, so every
 * offset we map stays inside the file whatever the tracee does to it.
 */
static size_t
mem_shared_copy(struct proc *p, uint64_t addr, void *buf, size_t len,
    bool write)
{
	struct arena *a = redirect_arena(p);
	size_t done = 0, n;

	if (a == NULL)
		return 0;
	while (done < len) {
		n = write ? arena_write(a, addr + done,
		    (const char *)buf + done, len - done) :
		    arena_read(a, addr + done, (char *)buf + done,
		    len - done);
		if (n == 0)
			break;
		done += n;
	}
	if (done > 0)
		mem_stats.fast_accesses++;
	return done;
}

/*
 * n bytes at addr of a file mapping the core left out (the default
 * coredump_filter dumps no file-backed pages but ELF headers), read from
 * the file itself as gdb does. 0, or -1 if it cannot be read.
 */
static int
mem_core_file_read(const struct region *r, uint64_t addr, void *buf,
    size_t n)
{
	int fd = open(r->name, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = pread(fd, buf, n, (off_t)(r->offset + (addr - r->start)));
	close(fd);
	return got == (ssize_t)n ? 0 : -1;
}

/*
 * A post-mortem process: its memory is what the core file holds (and, for
 * file mappings it left out, the file), and a core is never written. Page
 * by page, so a read stops where the core's mappings do, as a live read
 * stops at unmapped memory.
 */
static size_t
mem_core_copy(struct proc *p, uint64_t addr, void *buf, size_t len,
    bool write, int *errnop)
{
	const struct region *r;
	size_t done = 0, n;
	uint64_t at;
	int rc;

	if (write) {
		*errnop = EROFS;
		return 0;
	}
	while (done < len) {
		at = addr + done;
		n = PTI_PAGE_SIZE - (at & (PTI_PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		r = maps_find(&p->core->maps, at);
		if (r != NULL && r->name[0] == '/' &&
		    corefile_dumped(p->core, at) < n)
			rc = mem_core_file_read(r, at, (char *)buf + done, n);
		else
			rc = corefile_read(p->core, at, (char *)buf + done, n,
			    NULL);
		if (r == NULL || rc != 0) {
			*errnop = EFAULT;
			break;
		}
		done += n;
	}
	return done;
}

/*
 * Copies as much of [addr, addr + len) as can be reached, in order, and
 * returns how many bytes that was; *errnop says why it stopped short.
 */
static size_t
mem_copy(struct proc *p, uint64_t addr, void *buf, size_t len, bool write,
    int *errnop)
{
	size_t done;

	if (addr > MEM_MAX_OFFSET || len > MEM_MAX_OFFSET - addr) {
		if (addr > MEM_MAX_OFFSET) {
			*errnop = EFAULT;
			return 0;
		}
		len = (size_t)(MEM_MAX_OFFSET - addr);
	}
	if (p->core != NULL)
		return mem_core_copy(p, addr, buf, len, write, errnop);
	redirect_sync(p);
	done = mem_shared_copy(p, addr, buf, len, write);
	if (done == len)
		return done;
	done += mem_vm_copy(p, addr + done, (char *)buf + done, len - done,
	    write, errnop);
	/*
	 * process_vm_* stopped at a page it may not touch (read-only for a
	 * write, PROT_NONE) or not at all: /proc/PID/mem goes on from there.
	 * It also sees through a zombie thread group leader, which makes
	 * process_vm_* fail with ESRCH while other threads still live.
	 */
	if (done < len)
		done += mem_file_copy(p, addr + done, (char *)buf + done,
		    len - done, write, errnop);
	return done;
}

static size_t
mem_vm_copy(struct proc *p, uint64_t addr, void *buf, size_t len, bool write,
    int *errnop)
{
	pid_t tid = proc_access_tid(p);
	size_t done = 0;

	while (done < len) {
		struct iovec local = {
			.iov_base = (char *)buf + done,
			.iov_len = len - done,
		};
		struct iovec remote = {
			.iov_base = (void *)(uintptr_t)(addr + done),
			.iov_len = len - done,
		};
		ssize_t n;

		mem_stats.slow_accesses++;
		if (write)
			n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
		else
			n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*errnop = n < 0 ? errno : EFAULT;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

static size_t
mem_file_copy(struct proc *p, uint64_t addr, void *buf, size_t len,
    bool write, int *errnop)
{
	size_t done = 0;
	bool reopened = false;

	if (mem_proc_fd(p) < 0 && mem_open(p, errnop) < 0)
		return 0;
	while (done < len) {
		ssize_t n;

		mem_stats.slow_accesses++;
		if (write)
			n = pwrite(p->mem->fd, (const char *)buf + done,
			    len - done, (off_t)(addr + done));
		else
			n = pread(p->mem->fd, (char *)buf + done, len - done,
			    (off_t)(addr + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		/*
		 * 0 means the address space the descriptor was opened on is
		 * gone (exec, or the thread exited with it); ESRCH likewise.
		 * Try once more through a fresh descriptor.
		 */
		if ((n == 0 || errno == ESRCH) && !reopened) {
			reopened = true;
			mem_forget(p);
			if (mem_open(p, errnop) < 0)
				break;
			continue;
		}
		*errnop = n < 0 ? errno : ESRCH;
		break;
	}
	return done;
}

/* p's mem_state, made on first use (without a /proc/PID/mem descriptor). */
static struct mem_state *
mem_state(struct proc *p)
{
	if (p->mem == NULL) {
		p->mem = xcalloc(1, sizeof(*p->mem));
		p->mem->fd = -1;
		/* Closed, and freed, when the address space or p goes. */
		task_add_forget_hook(mem_forget);
		task_add_release_hook(mem_forget);
	}
	return p->mem;
}

static int
mem_open(struct proc *p, int *errnop)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/mem", (int)proc_access_tid(p));
	mem_state(p);
	p->mem->fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->mem->fd < 0) {
		*errnop = errno == ENOENT ? ESRCH : errno;
		return -1;
	}
	return 0;
}

/* Sets the message for a failure at addr; returns -1. */
static int
mem_fail(struct proc *p, char **errp, uint64_t addr, int err)
{
	if ((err == EACCES || err == EPERM) && p->core == NULL &&
	    proc_not_dumpable(p))
		return set_error(errp, "0x%" PRIx64 ": process is not "
		    "dumpable: /proc/%d/mem refused", addr,
		    (int)proc_access_tid(p));
	switch (err) {
	case EFAULT:
	case EIO:
	case ENOMEM:
	case EINVAL:
		return set_error(errp, "0x%" PRIx64 ": address not mapped",
		    addr);
	case ESRCH:
		return set_error(errp, "0x%" PRIx64 ": process is gone", addr);
	case EROFS:
		return set_error(errp, "0x%" PRIx64 ": a core file is "
		    "read-only", addr);
	default:
		return set_error(errp, "0x%" PRIx64 ": %s", addr,
		    strerror(err));
	}
}

/* Regions a search never reads: not readable, or not really memory. */
static bool
mem_skip_region(const struct region *r)
{
	return !region_readable(r) || strncmp(r->name, "[vvar", 5) == 0 ||
	    strcmp(r->name, "[vsyscall]") == 0;
}

/*
 * Searches [start, end) chunk by chunk, each byte read once: the last
 * needle_len - 1 bytes of a chunk are kept in front of the next, so a
 * match across a chunk border is seen, once (no match fits in the kept
 * bytes alone).
 */
static void
mem_find_range(struct mem_search *s, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	size_t keep = 0;

	while (at < end && !s->stopped) {
		size_t want = MEM_FIND_CHUNK, got, have;
		const unsigned char *view = NULL;
		int err = 0;

		if (end - at < want)
			want = (size_t)(end - at);
		got = want;
		if (s->arena != NULL)
			view = arena_peek(s->arena, at, &got);
		if (view != NULL) {
			/* In place; the seam with what was kept, copied. */
			have = keep + (got < s->needle_len - 1 ?
			    got : s->needle_len - 1);
			memcpy(s->buf + keep, view, have - keep);
			mem_find_in(s, s->buf, have, at - keep, keep);
			mem_find_in(s, view, got, at, got);
			mem_stats.searched_in_place += got;
			at += got;
			if (got < s->needle_len - 1) {
				/* The seam holds all of it: keep its tail. */
				keep = have < s->needle_len - 1 ?
				    have : s->needle_len - 1;
				memmove(s->buf, s->buf + have - keep, keep);
			} else {
				keep = s->needle_len - 1;
				memcpy(s->buf, view + got - keep, keep);
			}
			continue;
		}
		got = mem_copy(s->p, at, s->buf + keep, want, false, &err);
		have = keep + got;
		mem_find_in(s, s->buf, have, at - keep, have);
		/* A range that fails to read: skip the rest. */
		if (got < want)
			break;
		at += got;
		keep = have < s->needle_len - 1 ? have : s->needle_len - 1;
		memmove(s->buf, s->buf + have - keep, keep);
	}
}

/*
 * Reports the matches in buf[0, len), which holds the bytes from base,
 * that start before `before` (the rest start in bytes still to come).
 */
static void
mem_find_in(struct mem_search *s, const unsigned char *buf, size_t len,
    uint64_t base, size_t before)
{
	size_t off = 0;

	while (!s->stopped && off < before && off + s->needle_len <= len) {
		const unsigned char *hit = memmem(buf + off, len - off,
		    s->needle, s->needle_len);

		if (hit == NULL || (size_t)(hit - buf) >= before)
			break;
		off = (size_t)(hit - buf);
		s->matches++;
		if (s->found(base + off, s->arg) != 0)
			s->stopped = true;
		off++;
	}
}

/*
 * Searches only the runs of a redirected region that hold data in the
 * arena: holes read as zeros, as untouched private pages do, and a 64 GiB
 * reservation with three pages written takes milliseconds, not seconds.
 * Where the arena lends its view (arena_peek), the search reads the
 * memory there in place, with no copy: on hosts where the view is the
 * cheaper first read, half the time of a search of copies. Returns -1,
 * having searched nothing, unless one extent holds all of r.
 */
static int
mem_find_in_arena(struct mem_search *s, const struct region *r)
{
	struct arena *a = redirect_arena(s->p);
	uint64_t off, avail, at = r->start, rs, re;
	uint64_t run_start = 0, run_end = 0;

	if (a == NULL || !arena_lookup(a, r->start, &off, &avail) ||
	    avail < r->end - r->start)
		return -1;
	s->arena = a;
	while (!s->stopped && arena_next_data(a, at, r->end, &rs, &re)) {
		/* Runs that touch make one range: matches may span them. */
		if (rs != run_end) {
			if (run_end != 0)
				mem_find_range(s, run_start, run_end);
			run_start = rs;
		}
		run_end = re;
		at = re;
	}
	if (run_end != 0 && !s->stopped)
		mem_find_range(s, run_start, run_end);
	s->arena = NULL;
	return 0;
}

/*
 * Searches only the runs of pages of r that are present or swapped, as
 * PAGEMAP_SCAN (Linux 6.7) reports them: untouched anonymous pages read as
 * zeros, and reading them would fault in page tables for nothing; sanitizer
 * shadows and runtime heaps reserve terabytes that way. Returns -1, having
 * searched nothing, when the kernel cannot tell; the caller then reads it
 * all.
 */
static int
mem_find_populated(struct mem_search *s, const struct region *r)
{
	struct page_region vec[64];
	struct pm_scan_arg scan = {
		.size = sizeof scan,
		.start = r->start,
		.end = r->end,
		.vec = (uint64_t)(uintptr_t)vec,
		.vec_len = ARRAY_SIZE(vec),
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};
	uint64_t run_start = 0, run_end = 0;

	if (s->pagemap_fd < 0) {
		char path[64];

		snprintf(path, sizeof path, "/proc/%d/pagemap",
		    (int)proc_access_tid(s->p));
		s->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->pagemap_fd < 0)
			return -1;
	}
	for (;;) {
		int n = ioctl(s->pagemap_fd, PAGEMAP_SCAN, &scan), i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (run_end == 0)
				return -1;
			/* Scanned part of it: read the rest as it is. */
			run_end = r->end;
			break;
		}
		/* Runs differ in categories only when present meets swapped. */
		for (i = 0; i < n && !s->stopped; i++) {
			if (vec[i].start != run_end) {
				if (run_end != 0)
					mem_find_range(s, run_start, run_end);
				run_start = vec[i].start;
			}
			run_end = vec[i].end;
		}
		if (s->stopped || scan.walk_end >= r->end || n == 0)
			break;
		scan.start = scan.walk_end;
	}
	if (run_end != 0 && !s->stopped)
		mem_find_range(s, run_start, run_end);
	return 0;
}
