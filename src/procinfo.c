/*
 * procinfo.c: /proc/PID read into the plain structs of procinfo.h.
 *
 * Everything here is a reader of text the kernel formats; nothing keeps
 * state between calls, nothing writes to the process, and the only
 * dependency is util.h. Commands (cmd-proc.c, cmd-status.c) format what
 * this file returns, and the unit tests feed its parsers sample lines.
 *
 * Descriptors. One pass over /proc/PID/fd with the directory's fd at hand:
 * readlinkat for the target, fstatat (following the magic link) for the
 * type of files, directories and devices, openat of fdinfo/N for position
 * and flags: three syscalls per descriptor. Socket descriptors are
 * resolved against /proc/PID/net/{tcp,tcp6,udp,udp6,unix}, each read once
 * per call into a table hashed by inode; /proc does not say which UNIX
 * socket is a socket's peer, so a single sock_diag dump (UDIAG_SHOW_PEER)
 * fills that in. The other end of a pipe (same inode) or socket (UNIX peer
 * inode, or the TCP/UDP socket with local and peer addresses swapped) is
 * looked up in the descriptors of the pids the caller names. The socket
 * tables are procinfo-net.c's.
 *
 * /proc files by name. procinfo_file_read walks a name one component at a
 * time with openat(O_NOFOLLOW) from /proc/PID, refusing "..", absolute
 * names and every symbolic link (cwd, root, exe, fd/N), so no name can
 * reach outside /proc/PID.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "procinfo.h"
#include "procinfo-int.h"
#include "util.h"

static void pi_fd_classify(int fddir, const char *name, struct procinfo_fd *f);
static void pi_fd_peers(pid_t pid, const pid_t *peers, size_t npeers,
    struct procinfo_fds *out, const struct pi_net *net);
static uint64_t pi_fd_other_end(const struct procinfo_fd *f,
    const struct pi_net *net);
static int pi_fd_cmp(const void *a, const void *b);
static uint64_t pi_link_inode(const char *target, const char *prefix);
static char *pi_read_at(int dirfd, const char *name, size_t max, size_t *lenp);
static bool pi_read_fdinfo(int infodir, const char *name, char *buf,
    size_t size);
static char *pi_read_proc(pid_t pid, const char *name, size_t *lenp,
    char **errp);
static const char *pi_field(const char *text, const char *key);
static int pi_list_dir(int dfd, struct procinfo_file *out, char **errp);
static int pi_entry_cmp(const void *a, const void *b);

/* ---------------------------------------------------------------------
 * Descriptors
 */

int
procinfo_fds_read(pid_t pid, const pid_t *peers, size_t npeers, int own_fd,
    struct procinfo_fds *out, char **errp)
{
	struct pi_net net = { 0 };
	bool have_net = false;
	char path[64];
	struct dirent *de;
	size_t cap = 0, i;
	int fddir, infodir;
	DIR *d;

	out->fds = NULL;
	out->count = 0;
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return set_error(errp, "%s: %s", path, strerror(errno));
	fddir = dirfd(d);
	snprintf(path, sizeof path, "/proc/%d/fdinfo", (int)pid);
	infodir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while ((de = readdir(d)) != NULL) {
		struct procinfo_fd *f;
		char info[1024];

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (out->count == cap) {
			cap = cap ? cap * 2 : 64;
			out->fds = xreallocarray(out->fds, cap,
			    sizeof *out->fds);
		}
		f = &out->fds[out->count];
		memset(f, 0, sizeof *f);
		f->fd = atoi(de->d_name);
		f->peer_fd = -1;
		pi_fd_classify(fddir, de->d_name, f);
		if (f->target == NULL)
			continue;	/* closed while we looked */
		out->count++;
		f->ptinspect = f->fd == own_fd &&
		    f->type == PROCINFO_FD_MEMFD &&
		    strncmp(f->target, "/memfd:ptinspect", 16) == 0;
		if (pi_read_fdinfo(infodir, de->d_name, info, sizeof info) &&
		    procinfo_parse_fdinfo(info, &f->pos, &f->flags) == 0)
			f->has_fdinfo = true;
		if (f->type != PROCINFO_FD_SOCKET)
			continue;
		if (!have_net) {
			pi_net_read(pid, &net);
			have_net = true;
		}
		if (pi_hash_get(&net.by_inode, f->inode, &i)) {
			f->has_sock = true;
			f->sock = net.socks[i];
		}
	}
	if (infodir >= 0)
		close(infodir);
	closedir(d);
	qsort(out->fds, out->count, sizeof *out->fds, pi_fd_cmp);
	if (npeers > 0)
		pi_fd_peers(pid, peers, npeers, out, have_net ? &net : NULL);
	if (have_net)
		pi_net_free(&net);
	return 0;
}

void
procinfo_fds_free(struct procinfo_fds *fds)
{
	size_t i;

	for (i = 0; i < fds->count; i++)
		free(fds->fds[i].target);
	free(fds->fds);
	fds->fds = NULL;
	fds->count = 0;
}

static int
pi_fd_cmp(const void *a, const void *b)
{
	const struct procinfo_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* "pipe:[123]" with prefix "pipe:[" gives 123; else 0. */
static uint64_t
pi_link_inode(const char *target, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(target, prefix, n) != 0)
		return 0;
	return strtoull(target + n, NULL, 10);
}

/* Target, type and inode of one descriptor; f->target NULL if it is gone. */
static void
pi_fd_classify(int fddir, const char *name, struct procinfo_fd *f)
{
	static const char deleted[] = " (deleted)";
	char buf[4096 + sizeof deleted];
	struct stat st;
	ssize_t n;
	size_t len;

	n = readlinkat(fddir, name, buf, sizeof buf - 1);
	if (n < 0)
		return;
	buf[n] = '\0';
	len = (size_t)n;
	if (buf[0] == '/' && len > sizeof deleted - 1 &&
	    strcmp(buf + len - (sizeof deleted - 1), deleted) == 0) {
		f->deleted = true;
		buf[len - (sizeof deleted - 1)] = '\0';
	}
	f->target = xstrdup(buf);
	if ((f->inode = pi_link_inode(buf, "pipe:[")) != 0) {
		f->type = PROCINFO_FD_PIPE;
		return;
	}
	if ((f->inode = pi_link_inode(buf, "socket:[")) != 0) {
		f->type = PROCINFO_FD_SOCKET;
		return;
	}
	if (strncmp(buf, "anon_inode:", 11) == 0) {
		f->type = PROCINFO_FD_ANON;
		return;
	}
	f->type = PROCINFO_FD_OTHER;
	if (fstatat(fddir, name, &st, 0) < 0)
		return;
	f->inode = st.st_ino;
	if (strncmp(buf, "/memfd:", 7) == 0 && S_ISREG(st.st_mode))
		f->type = PROCINFO_FD_MEMFD;
	else if (S_ISREG(st.st_mode))
		f->type = PROCINFO_FD_FILE;
	else if (S_ISDIR(st.st_mode))
		f->type = PROCINFO_FD_DIR;
	else if (S_ISFIFO(st.st_mode))
		f->type = PROCINFO_FD_PIPE;
	else if (S_ISSOCK(st.st_mode))
		f->type = PROCINFO_FD_SOCKET;
	else if (S_ISCHR(st.st_mode) && (major(st.st_rdev) == 4 ||
	    major(st.st_rdev) == 5 || (major(st.st_rdev) >= 136 &&
	    major(st.st_rdev) <= 143)))
		f->type = PROCINFO_FD_TTY;	/* tty, console, ptmx, pts */
	else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		f->type = PROCINFO_FD_DEVICE;
}

/*
 * The inode the other end of f holds: the pipe's own, a UNIX socket's
 * peer, or the inet socket whose addresses are f's swapped. 0 if none.
 */
static uint64_t
pi_fd_other_end(const struct procinfo_fd *f, const struct pi_net *net)
{
	size_t i;

	if (f->type == PROCINFO_FD_PIPE && strncmp(f->target, "pipe:[", 6) == 0)
		return f->inode;
	if (!f->has_sock || net == NULL)
		return 0;
	if (f->sock.peer_inode != 0)
		return f->sock.peer_inode;
	if (f->sock.peer[0] == '\0')
		return 0;
	for (i = 0; i < net->count; i++) {
		const struct procinfo_sock *s = &net->socks[i];

		if (s->family == f->sock.family && s->type == f->sock.type &&
		    strcmp(s->local, f->sock.peer) == 0 &&
		    strcmp(s->peer, f->sock.local) == 0)
			return net->inodes[i];
	}
	return 0;
}

/* Names, for each pipe and socket, the first peer pid holding its end. */
static void
pi_fd_peers(pid_t pid, const pid_t *peers, size_t npeers,
    struct procinfo_fds *out, const struct pi_net *net)
{
	uint64_t *ends = xcalloc(out->count + 1, sizeof *ends);
	struct pi_hash want;
	size_t i, j, idx;

	pi_hash_init(&want, out->count);
	for (i = 0; i < out->count; i++) {
		ends[i] = pi_fd_other_end(&out->fds[i], net);
		if (ends[i] != 0)
			pi_hash_put(&want, ends[i], i);
	}
	for (j = 0; j < npeers; j++) {
		char path[64], target[64], *comm;
		struct dirent *de;
		DIR *d;

		if (peers[j] == pid)
			continue;
		snprintf(path, sizeof path, "/proc/%d/fd", (int)peers[j]);
		if ((d = opendir(path)) == NULL)
			continue;
		snprintf(path, sizeof path, "/proc/%d/comm", (int)peers[j]);
		comm = read_file_str(path, NULL);
		while ((de = readdir(d)) != NULL) {
			ssize_t n = readlinkat(dirfd(d), de->d_name, target,
			    sizeof target - 1);
			uint64_t ino;

			if (n <= 0)
				continue;
			target[n] = '\0';
			ino = pi_link_inode(target, target[0] == 'p' ?
			    "pipe:[" : "socket:[");
			if (!pi_hash_get(&want, ino, &idx))
				continue;
			/* Every descriptor of ours on that end (dups too). */
			for (i = idx; i < out->count; i++) {
				struct procinfo_fd *f = &out->fds[i];

				if (ends[i] != ino || f->peer_pid != 0)
					continue;
				f->peer_pid = peers[j];
				f->peer_fd = atoi(de->d_name);
				snprintf(f->peer_comm, sizeof f->peer_comm,
				    "%.*s", (int)strcspn(comm ? comm : "",
				    "\n"), comm ? comm : "");
			}
		}
		free(comm);
		closedir(d);
	}
	pi_hash_free(&want);
	free(ends);
}

const char *
procinfo_fd_type_name(enum procinfo_fd_type type)
{
	static const char *const names[] = {
		[PROCINFO_FD_FILE] = "file", [PROCINFO_FD_DIR] = "dir",
		[PROCINFO_FD_PIPE] = "pipe", [PROCINFO_FD_SOCKET] = "socket",
		[PROCINFO_FD_ANON] = "anon", [PROCINFO_FD_MEMFD] = "memfd",
		[PROCINFO_FD_TTY] = "tty", [PROCINFO_FD_DEVICE] = "device",
		[PROCINFO_FD_OTHER] = "other",
	};

	return (size_t)type < ARRAY_SIZE(names) ? names[type] : "other";
}

int
procinfo_parse_fdinfo(const char *text, uint64_t *pos, unsigned *flags)
{
	const char *p = pi_field(text, "pos:"), *fl = pi_field(text, "flags:");

	if (p == NULL || fl == NULL)
		return -1;
	*pos = strtoull(p, NULL, 10);
	*flags = (unsigned)strtoul(fl, NULL, 8);
	return 0;
}

/*
 * The kernel's x86-64 values: glibc defines O_LARGEFILE as 0 there, yet
 * the kernel sets it on every open and fdinfo shows it.
 */
void
procinfo_flags_str(unsigned flags, char *buf, size_t size)
{
	static const struct {
		unsigned bits;
		const char *name;
	} names[] = {
		{ 04010000, "O_SYNC" }, { 010000, "O_DSYNC" },
		{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
		{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" },
		{ 04000, "O_NONBLOCK" }, { 020000, "O_ASYNC" },
		{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
		{ 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" },
		{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
		{ 010000000, "O_PATH" }, { 020000000, "O_TMPFILE" },
	};
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY",
		"O_RDWR", "O_ACCMODE" };
	size_t i, len = 0;

	buf[0] = '\0';
	if ((flags & 010000000) == 0)
		len = (size_t)snprintf(buf, size, "%s", modes[flags & 3]);
	flags &= ~3u;
	for (i = 0; i < ARRAY_SIZE(names) && len < size; i++) {
		if ((flags & names[i].bits) != names[i].bits)
			continue;
		flags &= ~names[i].bits;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len > 0 ? "|" : "", names[i].name);
	}
	if (flags != 0 && len < size)
		snprintf(buf + len, size - len, "%s0%o", len > 0 ? "|" : "",
		    flags);
}

/* ---------------------------------------------------------------------
 * Small files
 */

/* Reads up to max bytes of dirfd/name; NULL on failure. */
static char *
pi_read_at(int dirfd, const char *name, size_t max, size_t *lenp)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? NULL : read_fd_str(fd, max, lenp);
}

/*
 * The start of fdinfo/N in one read: pos and flags come first, and one
 * read of a seq_file gives whole lines. A syscall saved per descriptor
 * is a tenth of `fds` on 10,000 of them.
 */
static bool
pi_read_fdinfo(int infodir, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if (infodir < 0 ||
	    (fd = openat(infodir, name, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

static char *
pi_read_proc(pid_t pid, const char *name, size_t *lenp, char **errp)
{
	char path[64], *s;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	s = read_file_str(path, lenp);
	if (s == NULL)
		set_error(errp, "%s: %s", path, strerror(errno));
	return s;
}

/* The value after "key" at the start of a line of text, blanks skipped. */
static const char *
pi_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p != NULL) {
		if (strncmp(p, key, n) == 0) {
			p += n;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

int
procinfo_strv_read(pid_t pid, const char *name, struct procinfo_strv *out,
    char **errp)
{
	size_t len;
	char *text = pi_read_proc(pid, name, &len, errp);

	out->v = NULL;
	out->count = 0;
	if (text == NULL)
		return -1;
	procinfo_strv_parse(text, len, out);
	free(text);
	return 0;
}

void
procinfo_strv_parse(const char *text, size_t len, struct procinfo_strv *out)
{
	size_t i, cap = 16;
	const char *p;

	out->v = xreallocarray(NULL, cap, sizeof *out->v);
	for (p = text, i = 0; p < text + len; p += strlen(p) + 1, i++) {
		if (i + 1 >= cap) {
			cap *= 2;
			out->v = xreallocarray(out->v, cap, sizeof *out->v);
		}
		out->v[i] = xstrdup(p);
	}
	out->v[i] = NULL;
	out->count = i;
}

void
procinfo_strv_free(struct procinfo_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->count; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->count = 0;
}

char *
procinfo_link(pid_t pid, const char *name, char **errp)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	n = readlink(path, buf, sizeof buf - 1);
	if (n < 0) {
		set_error(errp, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	return xstrdup(buf);
}

/* ---------------------------------------------------------------------
 * Limits, signals, status
 */

int
procinfo_limits_read(pid_t pid, struct procinfo_limits *out, char **errp)
{
	char *text = pi_read_proc(pid, "limits", NULL, errp);

	out->v = NULL;
	out->count = 0;
	if (text == NULL)
		return -1;
	procinfo_limits_parse(text, out);
	free(text);
	return 0;
}

void
procinfo_limits_parse(char *text, struct procinfo_limits *out)
{
	/* /proc/PID/limits's descriptions and prlimit(1)'s names. */
	static const char *const names[][2] = {
		{ "Max cpu time", "CPU" }, { "Max file size", "FSIZE" },
		{ "Max data size", "DATA" }, { "Max stack size", "STACK" },
		{ "Max core file size", "CORE" },
		{ "Max resident set", "RSS" }, { "Max processes", "NPROC" },
		{ "Max open files", "NOFILE" },
		{ "Max locked memory", "MEMLOCK" },
		{ "Max address space", "AS" }, { "Max file locks", "LOCKS" },
		{ "Max pending signals", "SIGPENDING" },
		{ "Max msgqueue size", "MSGQUEUE" },
		{ "Max nice priority", "NICE" },
		{ "Max realtime priority", "RTPRIO" },
		{ "Max realtime timeout", "RTTIME" },
	};
	char *line, *next;

	out->count = 0;
	out->v = xcalloc(ARRAY_SIZE(names) + 8, sizeof *out->v);
	/* "%-25s %-20s %-20s %-10s": the description may hold spaces. */
	for (line = strchr(text, '\n'); line != NULL &&
	    out->count < ARRAY_SIZE(names) + 8; line = next) {
		struct procinfo_limit *l = &out->v[out->count];
		char soft[32], hard[32], units[32] = "";
		size_t dlen, i;

		line++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next = '\0';
		if (strlen(line) < 26 || sscanf(line + 26, "%31s %31s %31s",
		    soft, hard, units) < 2)
			continue;
		for (dlen = 25; dlen > 0 && line[dlen - 1] == ' '; dlen--)
			;
		l->desc = xstrndup(line, dlen);
		l->name = l->desc;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strcmp(names[i][0], l->desc) == 0)
				l->name = names[i][1];
		l->soft_unlimited = strcmp(soft, "unlimited") == 0;
		l->hard_unlimited = strcmp(hard, "unlimited") == 0;
		l->soft = strtoull(soft, NULL, 10);
		l->hard = strtoull(hard, NULL, 10);
		l->units = xstrdup(units);
		out->count++;
	}
}

void
procinfo_limits_free(struct procinfo_limits *lim)
{
	size_t i;

	for (i = 0; i < lim->count; i++) {
		free(lim->v[i].desc);
		free(lim->v[i].units);
	}
	free(lim->v);
	lim->v = NULL;
	lim->count = 0;
}

const char *
procinfo_sigset_field(enum procinfo_sigset s)
{
	static const char *const f[] = { "SigPnd", "ShdPnd", "SigBlk",
		"SigIgn", "SigCgt" };

	return f[s];
}

const char *
procinfo_sigset_key(enum procinfo_sigset s)
{
	static const char *const k[] = { "pending", "shared_pending",
		"blocked", "ignored", "caught" };

	return k[s];
}

int
procinfo_parse_sigmasks(const char *status, struct procinfo_signals *out)
{
	int i;

	for (i = 0; i < PROCINFO_NSIGSETS; i++) {
		char key[16];
		const char *v;

		snprintf(key, sizeof key, "%s:", procinfo_sigset_field(i));
		if ((v = pi_field(status, key)) == NULL)
			return -1;
		out->mask[i] = strtoull(v, NULL, 16);
	}
	return 0;
}

int
procinfo_signals_read(pid_t pid, pid_t tid, struct procinfo_signals **out,
    size_t *count, char **errp)
{
	char path[64];
	struct dirent *de;
	size_t cap = 8;
	DIR *d = NULL;

	*out = xcalloc(cap, sizeof **out);
	*count = 0;
	if (tid == 0) {
		snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
		if ((d = opendir(path)) == NULL) {
			free(*out);
			*out = NULL;
			return set_error(errp, "%s: %s", path,
			    strerror(errno));
		}
	}
	for (;;) {
		char *status;
		pid_t t = tid;

		if (d != NULL) {
			if ((de = readdir(d)) == NULL)
				break;
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			t = (pid_t)atoi(de->d_name);
		}
		snprintf(path, sizeof path, "task/%d/status", (int)t);
		status = pi_read_proc(pid, path, NULL, d == NULL ? errp : NULL);
		if (status == NULL && d == NULL) {
			free(*out);
			*out = NULL;
			return -1;
		}
		if (*count == cap) {
			cap *= 2;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[*count].tid = t;
		if (status != NULL &&
		    procinfo_parse_sigmasks(status, &(*out)[*count]) == 0)
			(*count)++;
		free(status);
		if (d == NULL)
			break;
	}
	if (d != NULL)
		closedir(d);
	return 0;
}

const char *
procinfo_signal_name(int sig, char *buf, size_t size)
{
	const char *name = sig < 32 || sig >= SIGRTMIN ? signal_name(sig) :
	    NULL;

	if (name != NULL)
		return name;
	snprintf(buf, size, "SIG%d", sig);
	return buf;
}

/*
 * Lifetime: starttime counts clock ticks since boot, as CLOCK_BOOTTIME
 * does; boot time plus starttime (what btime offers, to the second) is
 * the same instant, and CLOCK_BOOTTIME keeps tick precision.
 */
int
procinfo_status_read(pid_t pid, pid_t tid, struct procinfo_status *out,
    char **errp)
{
	char *stat, *status, *comm, *p;
	unsigned long utime, stime;
	unsigned long long start;
	long hz = sysconf(_SC_CLK_TCK);
	struct timespec now;
	uint64_t now_ms, start_ms;
	int ppid;

	memset(out, 0, sizeof *out);
	out->pid = pid;
	if ((stat = pi_read_proc(pid, "stat", NULL, errp)) == NULL)
		return -1;
	p = strrchr(stat, ')');
	if (p == NULL || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u "
	    "%*u %*u %lu %lu %*d %*d %*d %*d %*d %*d %llu", &ppid, &utime,
	    &stime, &start) != 4) {
		free(stat);
		return set_error(errp, "/proc/%d/stat: unexpected format",
		    (int)pid);
	}
	free(stat);
	if (hz <= 0)
		hz = 100;
	out->ppid = ppid;
	out->utime_ms = (uint64_t)utime * 1000 / (uint64_t)hz;
	out->stime_ms = (uint64_t)stime * 1000 / (uint64_t)hz;
	clock_gettime(CLOCK_BOOTTIME, &now);
	now_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	start_ms = (uint64_t)start * 1000 / (uint64_t)hz;
	out->lifetime_ms = now_ms > start_ms ? now_ms - start_ms : 0;
	if ((comm = pi_read_proc(pid, "comm", NULL, errp)) == NULL)
		return -1;
	snprintf(out->comm, sizeof out->comm, "%.*s",
	    (int)strcspn(comm, "\n"), comm);
	free(comm);
	if ((status = pi_read_proc(tid, "status", NULL, errp)) == NULL)
		return -1;
	procinfo_status_parse(status, out);
	free(status);
	return 0;
}

void
procinfo_status_parse(const char *status, struct procinfo_status *out)
{
	const char *v;

	if ((v = pi_field(status, "Uid:")) != NULL)
		sscanf(v, "%u %u %u %u", &out->uid[0], &out->uid[1],
		    &out->uid[2], &out->uid[3]);
	if ((v = pi_field(status, "Gid:")) != NULL)
		sscanf(v, "%u %u %u %u", &out->gid[0], &out->gid[1],
		    &out->gid[2], &out->gid[3]);
	if ((v = pi_field(status, "VmHWM:")) != NULL)
		out->peak_rss_kb = strtoull(v, NULL, 10);
	if ((v = pi_field(status, "voluntary_ctxt_switches:")) != NULL)
		out->vol_ctxt = strtoull(v, NULL, 10);
	if ((v = pi_field(status, "nonvoluntary_ctxt_switches:")) != NULL)
		out->nonvol_ctxt = strtoull(v, NULL, 10);
}

/*
 * smaps: a mapping's header line starts with its hex range, its "Rss:"
 * line follows; one pass, ranges in the kernel's (ascending) order.
 */
int
procinfo_rss_read(pid_t pid, struct procinfo_rss **out, size_t *count,
    char **errp)
{
	char *text;

	*out = NULL;
	*count = 0;
	if ((text = pi_read_proc(pid, "smaps", NULL, errp)) == NULL)
		return -1;
	procinfo_rss_parse(text, out, count);
	free(text);
	return 0;
}

void
procinfo_rss_parse(char *text, struct procinfo_rss **out, size_t *count)
{
	char *line, *next;
	struct procinfo_rss *v = NULL;
	size_t n = 0;

	for (line = text; line != NULL && *line != '\0'; line = next) {
		unsigned long long start, end, kb;
		int len = 0;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%llx-%llx %n", &start, &end, &len) == 2 &&
		    len > 0) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = (struct procinfo_rss){ start, end, 0 };
		} else if (n > 0 && strncmp(line, "Rss:", 4) == 0 &&
		    sscanf(line + 4, "%llu", &kb) == 1) {
			v[n - 1].rss_kb = kb;
		}
	}
	*out = v;
	*count = n;
}

/* ---------------------------------------------------------------------
 * Any file under /proc/PID
 */

int
procinfo_file_read(pid_t pid, const char *name, struct procinfo_file *out,
    char **errp)
{
	char path[64], *copy, *comp, *save = NULL, *next;
	int dfd, rc = -1;
	struct stat st;

	memset(out, 0, sizeof *out);
	if (name != NULL && name[0] == '/')
		return set_error(errp, "%s: an absolute name; give one under "
		    "/proc/%d", name, (int)pid);
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return set_error(errp, "%s: %s", path, strerror(errno));
	copy = xstrdup(name != NULL ? name : "");
	for (comp = strtok_r(copy, "/", &save); comp != NULL; comp = next) {
		int nfd;

		next = strtok_r(NULL, "/", &save);
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			set_error(errp, "%s: \"..\" would leave /proc/%d",
			    name, (int)pid);
			goto out;
		}
		if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			set_error(errp, "%s: %s", name, strerror(errno));
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dfd, comp, target,
			    sizeof target - 1);

			target[n > 0 ? n : 0] = '\0';
			set_error(errp, "%s: %s is a symbolic link (to %s); "
			    "links are not followed out of /proc/%d", name,
			    comp, n > 0 ? target : "?", (int)pid);
			goto out;
		}
		if (next == NULL && !S_ISDIR(st.st_mode)) {
			size_t len;
			char *data = pi_read_at(dfd, comp,
			    PROCINFO_FILE_MAX + 1, &len);

			if (data == NULL) {
				set_error(errp, "%s: %s", name,
				    strerror(errno));
				goto out;
			}
			out->truncated = len > PROCINFO_FILE_MAX;
			out->len = out->truncated ? PROCINFO_FILE_MAX : len;
			data[out->len] = '\0';
			out->data = data;
			rc = 0;
			goto out;
		}
		nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd < 0) {
			set_error(errp, "%s: %s: %s", name, comp,
			    strerror(errno));
			goto out;
		}
		close(dfd);
		dfd = nfd;
	}
	rc = pi_list_dir(dfd, out, errp);
out:
	free(copy);
	close(dfd);
	return rc;
}

/* The entries of an open directory, links shown but not followed. */
static int
pi_list_dir(int dfd, struct procinfo_file *out, char **errp)
{
	int fd = dup(dfd);
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return set_error(errp, "opendir: %s", strerror(errno));
	}
	out->is_dir = true;
	while ((de = readdir(d)) != NULL) {
		struct procinfo_entry *e;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (out->count == cap) {
			cap = cap ? cap * 2 : 64;
			out->entries = xreallocarray(out->entries, cap,
			    sizeof *out->entries);
		}
		e = &out->entries[out->count++];
		e->name = xstrdup(de->d_name);
		e->link = NULL;
		e->kind = 'f';
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			e->kind = 'd';
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dfd, de->d_name, target,
			    sizeof target - 1);

			e->kind = 'l';
			if (n >= 0)
				e->link = xstrndup(target, (size_t)n);
		}
	}
	closedir(d);
	qsort(out->entries, out->count, sizeof *out->entries, pi_entry_cmp);
	return 0;
}

/* Numbers in numeric order (fd/, task/), before names in byte order. */
static int
pi_entry_cmp(const void *a, const void *b)
{
	const struct procinfo_entry *x = a, *y = b;
	char *ex, *ey;
	unsigned long nx = strtoul(x->name, &ex, 10);
	unsigned long ny = strtoul(y->name, &ey, 10);
	bool dx = *ex == '\0' && ex != x->name, dy = *ey == '\0' &&
	    ey != y->name;

	if (dx && dy)
		return (nx > ny) - (nx < ny);
	if (dx != dy)
		return dx ? -1 : 1;
	return strcmp(x->name, y->name);
}

void
procinfo_file_free(struct procinfo_file *f)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		free(f->entries[i].name);
		free(f->entries[i].link);
	}
	free(f->entries);
	free(f->data);
	memset(f, 0, sizeof *f);
}

bool
procinfo_is_text(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return false;
	}
	return true;
}
