/*
 * unit-mem.c: the memory access layer against a real, stopped child
 * process (no ptrace needed: we are root, or its parent under Yama's
 * default scope). The child writes markers after fork(), so whatever we
 * read came from its address space, not ours.
 *
 * Covers: reads and writes, writes to a read-only page (only
 * /proc/PID/mem can), short reads at the end of a mapping, unmapped
 * addresses, a stale /proc/PID/mem descriptor being re-opened, and
 * mem_find with matches on every likely chunk border.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maps.h"
#include "mem.h"
#include "tap.h"
#include "tracer.h"
#include "util.h"

#define PAGE 4096
#define BIG (1024 * 1024)	/* the searched region */
#define SPARSE (64 * 1024 * 1024)
#define NEEDLE_LEN 11

/* Mapped before fork(), so parent and child agree on the addresses. */
static char *rw_page;		/* markers */
static char *ro_page;		/* made read-only by the child */
static char *edge;		/* one page, the next one unmapped */
static unsigned char *big;	/* BIG bytes with needles */
static unsigned char *sparse;	/* SPARSE bytes, one page touched */
static unsigned char needle[NEEDLE_LEN];

struct found {
	uint64_t addrs[64];
	long n;
	long stop_after;	/* 0: never */
};

static pid_t start_child(void);
static void child_main(void);
static uint64_t a(const void *p);
static int on_found(uint64_t addr, void *arg);
static bool found_has(const struct found *f, uint64_t addr);
static bool have_pagemap_scan(void);
static void test_rw(struct proc *p);
static void test_edges(struct proc *p);
static void test_reopen(struct proc *p);
static void test_find(struct proc *p);

int
main(void)
{
	struct thread t = { 0 };
	struct proc p = { 0 };
	struct iovec probe_local, probe_remote;
	char c;
	pid_t pid;

	rw_page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big = mmap(NULL, BIG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sparse = mmap(NULL, SPARSE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rw_page == MAP_FAILED || big == MAP_FAILED || sparse == MAP_FAILED)
		tap_bail("mmap: %s", strerror(errno));
	ro_page = rw_page + PAGE;
	/* The page after `edge` must be unmapped for the short read test. */
	edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (edge == MAP_FAILED || munmap(edge + PAGE, PAGE) < 0)
		tap_bail("mmap edge: %s", strerror(errno));
	/* Built at run time so it is nowhere in the program's image. */
	for (c = 0; c < NEEDLE_LEN; c++)
		needle[(int)c] = (unsigned char)(0xa0 + 7 * c);

	pid = start_child();
	probe_local = (struct iovec){ .iov_base = &c, .iov_len = 1 };
	probe_remote = (struct iovec){ .iov_base = rw_page, .iov_len = 1 };
	if (process_vm_readv(pid, &probe_local, 1, &probe_remote, 1, 0) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		tap_skip_all("cannot read a child's memory (ptrace policy)");
	}

	p.pid = pid;
	p.nthreads = 1;
	p.threads = &t;
	t.tid = pid;
	t.proc = &p;
	t.stopped = true;

	test_rw(&p);
	test_edges(&p);
	test_reopen(&p);
	test_find(&p);

	mem_forget(&p);
	tap_ok(mem_proc_fd(&p) == -1, "mem_forget closes the descriptor");
	/* Reading a process makes no redirection state for it. */
	tap_ok(p.redirect == NULL, "reads leave the redirection state unmade");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return tap_exit();
}

/* Forks the child and waits until it has stopped itself. */
static pid_t
start_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0)
		child_main();
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		tap_bail("child did not stop");
	return pid;
}

static void
child_main(void)
{
	size_t i;

	strcpy(rw_page, "child marker");
	strcpy(ro_page, "read-only text");
	memset(edge, 'E', PAGE);
	memset(big, 1, BIG);
	memcpy(sparse + SPARSE / 2 + 100, needle, NEEDLE_LEN);
	/*
	 * Needles just before, across and after every 64 KiB boundary: one
	 * of them straddles any power-of-two chunk size from 64 KiB up.
	 */
	for (i = 1; i < BIG / 65536; i++)
		memcpy(big + i * 65536 - 5, needle, NEEDLE_LEN);
	memcpy(big + BIG - NEEDLE_LEN, needle, NEEDLE_LEN);
	if (mprotect(ro_page, PAGE, PROT_READ) < 0)
		_exit(2);
	raise(SIGSTOP);
	_exit(0);
}

static uint64_t
a(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void
test_rw(struct proc *p)
{
	struct mem_stats before, after;
	char buf[64] = "";
	char *err = NULL;
	ssize_t n;

	mem_get_stats(&before);
	n = mem_read(p, a(rw_page), buf, 13, &err);
	tap_ok(n == 13 && strcmp(buf, "child marker") == 0,
	    "read the child's marker: '%s'", buf);
	mem_get_stats(&after);
	tap_ok(after.slow_accesses > before.slow_accesses &&
	    after.fast_accesses == before.fast_accesses,
	    "counted as a slow access");

	n = mem_write(p, a(rw_page), "patched", 8, &err);
	memset(buf, 0, sizeof buf);
	mem_read(p, a(rw_page), buf, 8, &err);
	tap_ok(n == 8 && strcmp(buf, "patched") == 0,
	    "write and read back: '%s'", buf);
	tap_ok(rw_page[0] == '\0', "our own copy of the page is untouched");

	n = mem_write(p, a(ro_page), "PATCHED", 7, &err);
	memset(buf, 0, sizeof buf);
	mem_read(p, a(ro_page), buf, 14, &err);
	tap_ok(n == 7 && strcmp(buf, "PATCHEDly text") == 0,
	    "write to a read-only page: '%s' (%s)", buf, err ? err : "ok");
	tap_ok(mem_proc_fd(p) >= 0, "/proc/PID/mem was opened for it");
	free(err);
}

static void
test_edges(struct proc *p)
{
	char buf[64];
	char *err = NULL;
	ssize_t n;

	n = mem_read(p, a(edge) + PAGE - 16, buf, sizeof buf, &err);
	tap_ok(n == 16 && buf[0] == 'E' && buf[15] == 'E',
	    "read across the end of a mapping is short: %zd", n);

	n = mem_read(p, 0x10, buf, 8, &err);
	tap_ok(n == -1 && err != NULL &&
	    strcmp(err, "0x10: address not mapped") == 0,
	    "read at 0x10: %s", err ? err : "no error");
	free(err);
	err = NULL;

	n = mem_write(p, a(edge) + PAGE - 4, "12345678", 8, &err);
	{
		char *want = xstrfmt("0x%llx: address not mapped",
		    (unsigned long long)a(edge) + PAGE);

		tap_ok(n == -1 && err != NULL && strcmp(err, want) == 0,
		    "write running off a mapping names the first bad byte: "
		    "%s", err ? err : "no error");
		free(want);
	}
	free(err);
	err = NULL;

	n = mem_read(p, 0xffffffffff600000ULL - 0x1000000000ULL, buf, 8,
	    &err);
	tap_ok(n == -1 && err != NULL, "read of a kernel-ish address fails");
	free(err);
	err = NULL;
	n = mem_read(p, UINT64_MAX - 3, buf, 8, &err);
	tap_ok(n == -1 && err != NULL, "read past 2^63 fails cleanly");
	free(err);
	tap_ok(mem_read(p, a(rw_page), buf, 0, NULL) == 0 &&
	    mem_write(p, a(rw_page), buf, 0, NULL) == 0, "zero lengths");
}

/*
 * A descriptor on an address space that has gone away reads as EOF:
 * mem.c must open a fresh one and carry on.
 */
static void
test_reopen(struct proc *p)
{
	char path[64], buf[16] = "";
	char *err = NULL;
	pid_t gone;
	ssize_t n;
	int fd, held;

	gone = fork();
	if (gone == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof path, "/proc/%d/mem", (int)gone);
	fd = open(path, O_RDWR | O_CLOEXEC);
	kill(gone, SIGKILL);
	waitpid(gone, NULL, 0);
	if (fd < 0) {
		tap_skip("cannot open a child's /proc/PID/mem", "re-open");
		return;
	}
	/*
	 * mem.c opens a descriptor of its own (writing what is there), which
	 * then refers to the dead process: the number stays mem.c's.
	 */
	mem_forget(p);
	mem_write(p, a(ro_page), "PATCHED", 7, NULL);
	held = mem_proc_fd(p);
	if (held < 0 || dup2(fd, held) != held) {
		close(fd);
		tap_skip("cannot make mem.c's descriptor stale", "re-open");
		return;
	}
	close(fd);
	/* Only /proc/PID/mem writes a read-only page. */
	n = mem_write(p, a(ro_page), "again", 5, &err);
	tap_ok(n == 5 && mem_proc_fd(p) >= 0,
	    "stale /proc/PID/mem re-opened (%s)", err ? err : "ok");
	mem_read(p, a(ro_page), buf, 5, NULL);
	tap_ok(memcmp(buf, "again", 5) == 0, "... and the write landed");
	free(err);
}

static void
test_find(struct proc *p)
{
	struct region only = {
		.start = a(big), .end = a(big) + BIG, .perms = "rw-p",
		.name = (char *)"",
	};
	struct region none = only, sparse_region = only;
	struct found f = { .n = 0 };
	struct maps maps;
	char *err = NULL;
	long n;
	size_t i;
	bool all = true;

	n = mem_find(p, NULL, &only, needle, NEEDLE_LEN, on_found, &f, &err);
	tap_ok(n == BIG / 65536 && f.n == n, "find: %ld matches in the region",
	    n);
	for (i = 1; i < BIG / 65536; i++)
		all &= found_has(&f, a(big) + i * 65536 - 5);
	all &= found_has(&f, a(big) + BIG - NEEDLE_LEN);
	tap_ok(all, "find: every needle, across chunk borders and at the end");
	for (i = 1; i < (size_t)f.n; i++)
		if (f.addrs[i] <= f.addrs[i - 1])
			all = false;
	tap_ok(all, "find: in address order, no duplicates");

	f = (struct found){ .stop_after = 3 };
	n = mem_find(p, NULL, &only, needle, NEEDLE_LEN, on_found, &f, &err);
	tap_ok(n == 3, "find: stops when the callback says so (%ld)", n);

	f = (struct found){ .stop_after = 64 };
	n = mem_find(p, NULL, &only, "\1\1\1", 3, on_found, &f, &err);
	tap_ok(n == 64 && f.n == 64 && f.addrs[0] == a(big) &&
	    f.addrs[1] == a(big) + 1, "find: overlapping matches (%ld)", n);

	/* Untouched anonymous pages are never read (PAGEMAP_SCAN). */
	sparse_region.start = a(sparse);
	sparse_region.end = a(sparse) + SPARSE;
	f = (struct found){ .n = 0 };
	n = mem_find(p, NULL, &sparse_region, needle, NEEDLE_LEN, on_found, &f,
	    &err);
	tap_ok(n == 1 && f.addrs[0] == a(sparse) + SPARSE / 2 + 100,
	    "find in a sparse region: %ld match", n);
	f = (struct found){ .stop_after = 1 };
	n = mem_find(p, NULL, &sparse_region, "\0\0\0\0", 4, on_found, &f,
	    &err);
	if (have_pagemap_scan())
		tap_ok(n == 1 && f.addrs[0] == a(sparse) + SPARSE / 2,
		    "zeros: the first is in the touched page (+0x%llx)",
		    (unsigned long long)(f.addrs[0] - a(sparse)));
	else
		tap_skip("no PAGEMAP_SCAN (Linux < 6.7)", "untouched pages");

	none.perms[0] = '-';
	f = (struct found){ .n = 0 };
	tap_ok(mem_find(p, NULL, &none, needle, NEEDLE_LEN, on_found, &f,
	    &err) == 0, "find: an unreadable region is skipped");
	n = mem_find(p, NULL, &only, needle, 0, on_found, &f, &err);
	tap_ok(n == -1 && err != NULL, "find: empty pattern refused: %s",
	    err ? err : "accepted");
	free(err);
	err = NULL;

	if (!tap_ok(maps_read(p->pid, &maps, NULL) == 0, "child's maps"))
		return;
	f = (struct found){ .n = 0 };
	n = mem_find(p, &maps, NULL, needle, NEEDLE_LEN, on_found, &f, &err);
	tap_ok(n >= BIG / 65536 && found_has(&f, a(big) + 65536 - 5),
	    "find over every region ([vvar] and the rest) finds them: %ld",
	    n);
	tap_ok(strcmp(mem_region_access(p, maps_find(&maps, a(big))),
	    "copy") == 0, "access is \"copy\" without an arena");
	maps_free(&maps);
	free(err);
}

static int
on_found(uint64_t addr, void *arg)
{
	struct found *f = arg;

	if ((size_t)f->n < ARRAY_SIZE(f->addrs))
		f->addrs[f->n] = addr;
	f->n++;
	return f->stop_after != 0 && f->n >= f->stop_after;
}

static bool
found_has(const struct found *f, uint64_t addr)
{
	long i;

	for (i = 0; i < f->n && (size_t)i < ARRAY_SIZE(f->addrs); i++)
		if (f->addrs[i] == addr)
			return true;
	return false;
}

/* Whether the kernel has the PAGEMAP_SCAN ioctl (Linux 6.7). */
static bool
have_pagemap_scan(void)
{
	/* _IOWR('f', 16, struct pm_scan_arg), 96 bytes. */
	uint64_t arg[12] = { sizeof arg };
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, _IOWR('f', 16, arg), arg) >= 0;
	close(fd);
	return ok;
}
