/*
 * unit-procinfo.c: procinfo.c's parsers on sample kernel text (fdinfo,
 * /proc/net lines of each family, status signal masks, open flags), then
 * the readers on this very process: descriptors it made itself, a pipe
 * whose other end a child holds, signal masks it set, /proc names that
 * must be refused, and the resident size of mappings it touched or not.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/procinfo.h"
#include "tap.h"

static void test_parsers(void);
static void test_self_fds(void);
static void test_self_signals(void);
static void test_file_refusals(void);
static void test_self_rss(void);
static const struct procinfo_fd *find_fd(const struct procinfo_fds *fds,
    int fd);

int
main(void)
{
	test_parsers();
	test_self_fds();
	test_self_signals();
	test_file_refusals();
	test_self_rss();
	return tap_exit();
}

static void
test_parsers(void)
{
	struct procinfo_signals sig;
	struct procinfo_sock s;
	char buf[160];
	uint64_t pos, inode;
	unsigned flags;

	tap_ok(procinfo_parse_fdinfo("pos:\t4096\nflags:\t02102002\n"
	    "mnt_id:\t25\nino:\t12\n", &pos, &flags) == 0 && pos == 4096 &&
	    flags == 02102002, "fdinfo: pos and octal flags");
	tap_ok(procinfo_parse_fdinfo("mnt_id:\t25\n", &pos, &flags) < 0,
	    "fdinfo without pos: refused");
	procinfo_flags_str(02102002, buf, sizeof buf);
	tap_ok(strcmp(buf, "O_RDWR|O_APPEND|O_LARGEFILE|O_CLOEXEC") == 0,
	    "flags 02102002: %s", buf);
	procinfo_flags_str(04010001, buf, sizeof buf);
	tap_ok(strcmp(buf, "O_WRONLY|O_SYNC") == 0, "O_SYNC whole: %s", buf);
	procinfo_flags_str(010000000, buf, sizeof buf);
	tap_ok(strcmp(buf, "O_PATH") == 0, "O_PATH has no access mode: %s",
	    buf);
	procinfo_flags_str(0, buf, sizeof buf);
	tap_ok(strcmp(buf, "O_RDONLY") == 0, "flags 0: %s", buf);

	tap_ok(procinfo_parse_inet_line("   0: 0100007F:1F90 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000  1000        0 55123 1 "
	    "0000000000000000 100 0 0 10 0", "inet", "stream", &inode, &s) ==
	    0 && inode == 55123 && strcmp(s.local, "127.0.0.1:8080") == 0 &&
	    s.peer[0] == '\0' && s.state != NULL &&
	    strcmp(s.state, "LISTEN") == 0, "tcp listener 127.0.0.1:8080");
	tap_ok(procinfo_parse_inet_line("   1: 0100007F:A2C4 0100007F:1F90 01 "
	    "00000000:00000000 00:00000000 00000000     0        0 55124 1",
	    "inet", "stream", &inode, &s) == 0 && inode == 55124 &&
	    strcmp(s.peer, "127.0.0.1:8080") == 0 &&
	    strcmp(s.local, "127.0.0.1:41668") == 0 &&
	    strcmp(s.state, "ESTABLISHED") == 0, "tcp connected, its peer");
	tap_ok(procinfo_parse_inet_line("   2: 00000000000000000000000001000000"
	    ":0035 00000000000000000000000000000000:0000 07 00000000:00000000 "
	    "00:00000000 00000000   101        0 777 2", "inet6", "dgram",
	    &inode, &s) == 0 && inode == 777 &&
	    strcmp(s.local, "[::1]:53") == 0 && s.state == NULL,
	    "udp6 [::1]:53, no state");
	tap_ok(procinfo_parse_inet_line("  sl  local_address rem_address   st",
	    "inet", "stream", &inode, &s) < 0, "tcp header line: refused");
	tap_ok(procinfo_parse_unix_line("0000000000000000: 00000002 00000000 "
	    "00010000 0001 01 31337 /run/dbus/system_bus_socket", &inode, &s)
	    == 0 && inode == 31337 && strcmp(s.type, "stream") == 0 &&
	    strcmp(s.local, "/run/dbus/system_bus_socket") == 0,
	    "unix listener with a path");
	tap_ok(procinfo_parse_unix_line("0000000000000000: 00000003 00000000 "
	    "00000000 0002 03 4242", &inode, &s) == 0 && inode == 4242 &&
	    strcmp(s.type, "dgram") == 0 && s.local[0] == '\0',
	    "unix dgram without a path");

	tap_ok(procinfo_parse_sigmasks("Name:\tx\nSigQ:\t0/100\n"
	    "SigPnd:\t0000000000000100\nShdPnd:\t0000000000000000\n"
	    "SigBlk:\t0000000000000200\nSigIgn:\t0000000000001000\n"
	    "SigCgt:\t0000000180000002\n", &sig) == 0 &&
	    sig.mask[PROCINFO_SIGPND] == 0x100 &&
	    sig.mask[PROCINFO_SIGBLK] == 1u << (SIGUSR1 - 1) &&
	    sig.mask[PROCINFO_SIGIGN] == 1u << (SIGPIPE - 1) &&
	    sig.mask[PROCINFO_SIGCGT] == 0x180000002ULL,
	    "status signal masks");
	tap_ok(procinfo_parse_sigmasks("SigPnd:\t0\n", &sig) < 0,
	    "status without SigBlk: refused");
	tap_ok(strcmp(procinfo_signal_name(SIGUSR1, buf, sizeof buf),
	    "SIGUSR1") == 0 && strcmp(procinfo_signal_name(32, buf,
	    sizeof buf), "SIG32") == 0, "signal names, SIG32 for glibc's own");
}

static const struct procinfo_fd *
find_fd(const struct procinfo_fds *fds, int fd)
{
	size_t i;

	for (i = 0; i < fds->count; i++)
		if (fds->fds[i].fd == fd)
			return &fds->fds[i];
	return NULL;
}

static void
test_self_fds(void)
{
	char path[] = "/tmp/unit-procinfo.XXXXXX";
	struct procinfo_fds fds;
	const struct procinfo_fd *f;
	int file, efd, sp[2], pp[2], go[2];
	char *err = NULL;
	pid_t child;

	file = mkstemp(path);
	if (file < 0 || write(file, "0123456789", 10) != 10 ||
	    lseek(file, 7, SEEK_SET) != 7)
		tap_bail("mkstemp/write/lseek failed");
	unlink(path);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 ||
	    pipe(pp) < 0 || pipe(go) < 0)
		tap_bail("eventfd/socketpair/pipe failed");
	child = fork();
	if (child == 0) {
		char c;

		/* Keep the pipe's read end, wait until told to go. */
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(pp[0]);
	if (procinfo_fds_read(getpid(), &child, 1, -1, &fds, &err) < 0)
		tap_bail("procinfo_fds_read: %s", err);
	f = find_fd(&fds, file);
	tap_ok(f != NULL && f->type == PROCINFO_FD_FILE && f->deleted &&
	    strcmp(f->target, path) == 0 && f->has_fdinfo && f->pos == 7 &&
	    (f->flags & 3) == O_RDWR, "deleted file at offset 7");
	f = find_fd(&fds, efd);
	tap_ok(f != NULL && f->type == PROCINFO_FD_ANON &&
	    strcmp(f->target, "anon_inode:[eventfd]") == 0 &&
	    (f->flags & O_CLOEXEC) != 0, "eventfd, O_CLOEXEC");
	f = find_fd(&fds, sp[0]);
	tap_ok(f != NULL && f->type == PROCINFO_FD_SOCKET && f->has_sock &&
	    strcmp(f->sock.family, "unix") == 0 &&
	    strcmp(f->sock.type, "stream") == 0, "socketpair end: unix stream");
	if (f != NULL && f->sock.peer_inode == 0)
		tap_skip("no sock_diag here", "socketpair peer inode");
	else
		tap_ok(f != NULL && f->sock.peer_inode ==
		    find_fd(&fds, sp[1])->inode, "socketpair: peer inode is "
		    "the other end's");
	f = find_fd(&fds, pp[1]);
	tap_ok(f != NULL && f->type == PROCINFO_FD_PIPE &&
	    f->peer_pid == child && f->peer_fd == pp[0],
	    "pipe: the child holds the read end (fd %d)",
	    f != NULL ? f->peer_fd : -1);
	procinfo_fds_free(&fds);
	close(go[1]);
	waitpid(child, NULL, 0);
	close(file);
	close(efd);
	close(sp[0]);
	close(sp[1]);
	close(pp[1]);
}

static void
test_self_signals(void)
{
	struct procinfo_signals *sigs;
	sigset_t set;
	size_t count;
	char *err = NULL;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (procinfo_signals_read(getpid(), getpid(), &sigs, &count, &err) < 0)
		tap_bail("procinfo_signals_read: %s", err);
	tap_ok(count == 1 && sigs[0].tid == getpid() &&
	    (sigs[0].mask[PROCINFO_SIGBLK] & (1u << (SIGUSR2 - 1))) != 0,
	    "SIGUSR2 blocked in this thread");
	free(sigs);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void
test_file_refusals(void)
{
	static const char *const refused[] = { "..", "../1/status",
		"/etc/passwd", "cwd/x", "root/etc/passwd", "exe", "fd/0",
		"task/../..", NULL };
	struct procinfo_file pf;
	char *err = NULL, name[64];
	int i;

	for (i = 0; refused[i] != NULL; i++) {
		int rc = procinfo_file_read(getpid(), refused[i], &pf, &err);

		tap_ok(rc < 0 && err != NULL, "refused %s: %s", refused[i],
		    err != NULL ? err : "(no message)");
		free(err);
		err = NULL;
	}
	snprintf(name, sizeof name, "task/%d/status", (int)getpid());
	tap_ok(procinfo_file_read(getpid(), name, &pf, &err) == 0 &&
	    !pf.is_dir && strstr(pf.data, "SigBlk:") != NULL &&
	    procinfo_is_text(pf.data, pf.len), "%s: text", name);
	procinfo_file_free(&pf);
	tap_ok(procinfo_file_read(getpid(), "fd", &pf, &err) == 0 &&
	    pf.is_dir && pf.count > 0 && pf.entries[0].kind == 'l' &&
	    strcmp(pf.entries[0].name, "0") == 0, "fd: a directory listed");
	procinfo_file_free(&pf);
	tap_ok(procinfo_file_read(getpid(), "auxv", &pf, &err) == 0 &&
	    !procinfo_is_text(pf.data, pf.len), "auxv: binary");
	procinfo_file_free(&pf);
}

/*
 * Three pages touched out of eight, eight pages never touched: each
 * between PROT_NONE guard pages, so the kernel merges neither with a
 * neighbour, and smaps' Rss says 12 kB and 0.
 */
static void
test_self_rss(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *ga = mmap(NULL, (size_t)page * 10, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gb = mmap(NULL, (size_t)page * 10, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = ga + page, *b = gb + page;
	struct procinfo_rss *v;
	uint64_t rss_a = UINT64_MAX, rss_b = UINT64_MAX;
	size_t n = 0, i;
	char *err = NULL;
	int rc;

	if (ga == MAP_FAILED || gb == MAP_FAILED ||
	    mprotect(a, (size_t)page * 8, PROT_READ | PROT_WRITE) < 0 ||
	    mprotect(b, (size_t)page * 8, PROT_READ) < 0)
		tap_bail("mmap");
	a[0] = a[page] = a[7 * page] = 1;
	rc = procinfo_rss_read(getpid(), &v, &n, &err);
	tap_ok(rc == 0 && n > 2, "rss: %zu mappings of /proc/self/smaps", n);
	for (i = 0; i < n; i++) {
		if (v[i].start == (uintptr_t)a)
			rss_a = v[i].rss_kb;
		if (v[i].start == (uintptr_t)b)
			rss_b = v[i].rss_kb;
		if (i > 0 && v[i].start < v[i - 1].start)
			break;
	}
	tap_ok(i == n, "rss: in address order");
	tap_ok(rss_a == (uint64_t)page * 3 / 1024, "rss: 3 pages touched: "
	    "%llu kB", (unsigned long long)rss_a);
	tap_ok(rss_b == 0, "rss: none touched: %llu kB",
	    (unsigned long long)rss_b);
	free(v);
	munmap(ga, (size_t)page * 10);
	munmap(gb, (size_t)page * 10);
}
