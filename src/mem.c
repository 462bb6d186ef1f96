/*
 * mem.c: the memory access layer. Every read, write and search of tracee
 * memory goes through here, so the path taken can be chosen per address
 * without callers knowing.
 *
 * Paths, fastest first:
 *  - the shared memfd mapping (plain loads and stores): issue 3, once
 *    p->arena exists. mem_is_shared() is the one place that decides it.
 *  - process_vm_readv/writev: one syscall per access, but it honours page
 *    protections, so it cannot write text or read PROT_NONE pages.
 *  - pread/pwrite on /proc/PID/mem: the kernel accesses the pages with
 *    FOLL_FORCE, like a debugger, so read-only pages (text, mprotect'd
 *    data) can be written. Opened lazily into p->mem_fd through a live
 *    thread (proc_access_tid), re-opened once when it stops working (the
 *    thread it was opened through exited, or the process ran exec).
 *
 * Both syscall paths stop at the first page they cannot reach, so a read
 * that runs off the end of a mapping returns the bytes before it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "maps.h"
#include "mem.h"
#include "tracer.h"
#include "util.h"

/*
 * mem_find reads regions in chunks of this size, each extended by
 * needle_len - 1 bytes so a match across the border is seen once.
 */
#define MEM_FIND_CHUNK (256 * 1024)

/* /proc/PID/mem takes the address as a file offset: at most 2^63 - 1. */
#define MEM_MAX_OFFSET ((uint64_t)INT64_MAX)

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
static int mem_fail(char **errp, uint64_t addr, int err);
static bool mem_skip_region(const struct region *r);

ssize_t
mem_read(struct proc *p, uint64_t addr, void *buf, size_t len, char **errp)
{
	size_t done;
	int err = 0;

	if (len == 0)
		return 0;
	done = mem_copy(p, addr, buf, len, false, &err);
	if (done == 0)
		return mem_fail(errp, addr, err);
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
		return mem_fail(errp, addr + done, err);
	return (ssize_t)done;
}

long
mem_find(struct proc *p, const struct maps *maps,
    const struct region *only, const void *needle, size_t needle_len,
    int (*found)(uint64_t addr, void *arg), void *arg, char **errp)
{
	const struct region *regions = only != NULL ? only : maps->regions;
	size_t nregions = only != NULL ? 1 : maps->count;
	size_t cap = MEM_FIND_CHUNK + needle_len - 1, i;
	unsigned char *buf;
	long matches = 0;

	if (needle_len == 0)
		return set_error(errp, "empty pattern");
	buf = xmalloc(cap);
	for (i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];
		uint64_t at;

		if (mem_skip_region(r))
			continue;
		for (at = r->start; at < r->end; at += MEM_FIND_CHUNK) {
			size_t want = cap, got, off = 0;
			int err = 0;

			if (r->end - at < want)
				want = (size_t)(r->end - at);
			if (want < needle_len)
				break;
			got = mem_copy(p, at, buf, want, false, &err);
			/* Matches must start inside this chunk. */
			while (off < MEM_FIND_CHUNK &&
			    off + needle_len <= got) {
				unsigned char *hit = memmem(buf + off,
				    got - off, needle, needle_len);

				if (hit == NULL ||
				    hit - buf >= MEM_FIND_CHUNK)
					break;
				off = (size_t)(hit - buf);
				matches++;
				if (found(at + off, arg) != 0)
					goto out;
				off++;
			}
			/* A region that fails to read: skip the rest. */
			if (got < want)
				break;
		}
	}
out:
	free(buf);
	return matches;
}

const char *
mem_region_access(struct proc *p, const struct region *r)
{
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
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	p->mem_fd = -1;
}

/*
 * The one place that decides whether addr is served from the shared memfd
 * mapping: it is when redirect.c put it in the process's arena.
 */
static bool
mem_is_shared(struct proc *p, uint64_t addr)
{
	uint64_t off, avail;

	return p->arena != NULL && arena_lookup(p->arena, addr, &off, &avail);
}

/*
 * Serves the redirected run at the start of [addr, addr + len) with plain
 * loads and stores; returns how many bytes that was (0: not redirected).
 */
static size_t
mem_shared_copy(struct proc *p, uint64_t addr, void *buf, size_t len,
    bool write)
{
	size_t done = 0, n;

	if (p->arena == NULL)
		return 0;
	while (done < len) {
		n = write ? arena_write(p->arena, addr + done,
		    (const char *)buf + done, len - done) :
		    arena_read(p->arena, addr + done, (char *)buf + done,
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

	if (p->mem_fd < 0 && mem_open(p, errnop) < 0)
		return 0;
	while (done < len) {
		ssize_t n;

		mem_stats.slow_accesses++;
		if (write)
			n = pwrite(p->mem_fd, (const char *)buf + done,
			    len - done, (off_t)(addr + done));
		else
			n = pread(p->mem_fd, (char *)buf + done, len - done,
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

static int
mem_open(struct proc *p, int *errnop)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/mem", (int)proc_access_tid(p));
	p->mem_fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->mem_fd < 0) {
		*errnop = errno == ENOENT ? ESRCH : errno;
		return -1;
	}
	return 0;
}

/* Sets the message for a failure at addr; returns -1. */
static int
mem_fail(char **errp, uint64_t addr, int err)
{
	switch (err) {
	case EFAULT:
	case EIO:
	case ENOMEM:
	case EINVAL:
		return set_error(errp, "0x%" PRIx64 ": address not mapped",
		    addr);
	case ESRCH:
		return set_error(errp, "0x%" PRIx64 ": process is gone", addr);
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
