/*
 * procinfo.h: the process as /proc/PID shows it, in plain C structs: open
 * descriptors with their sockets and peers, environment, argv, cwd, exe,
 * root, limits, per-thread signal masks, status figures, and any file
 * under /proc/PID read without leaving it. It knows nothing of commands,
 * terminals or the tracer; every function takes a pid and works on any
 * process the caller may read (tests use their own children).
 */
#ifndef PTI_PROCINFO_H
#define PTI_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum procinfo_fd_type {
	PROCINFO_FD_FILE,
	PROCINFO_FD_DIR,
	PROCINFO_FD_PIPE,
	PROCINFO_FD_SOCKET,
	PROCINFO_FD_ANON,	/* anon_inode:[eventfd], [eventpoll] ... */
	PROCINFO_FD_MEMFD,
	PROCINFO_FD_TTY,
	PROCINFO_FD_DEVICE,
	PROCINFO_FD_OTHER,
};

/* A socket as /proc/PID/net/{tcp,tcp6,udp,udp6,unix} shows it. */
struct procinfo_sock {
	const char *family;	/* "inet", "inet6", "unix" */
	const char *type;	/* "stream", "dgram", "seqpacket" */
	const char *state;	/* TCP: "LISTEN", "ESTABLISHED"...; or NULL */
	char local[112];	/* "127.0.0.1:8080", "[::1]:53", a UNIX path */
	char peer[64];		/* inet only; "" when unconnected */
	uint64_t peer_inode;	/* UNIX: the other end (sock_diag) */
};

struct procinfo_fd {
	int fd;
	enum procinfo_fd_type type;
	char *target;		/* the link, " (deleted)" taken off */
	bool deleted;
	bool ptinspect;		/* ptinspect's own reserved memfd */
	uint64_t inode;
	bool has_fdinfo;
	uint64_t pos;
	unsigned flags;		/* open flags, as fdinfo prints them */
	bool has_sock;
	struct procinfo_sock sock;
	/* The other end, held by one of the pids searched; 0 if none. */
	pid_t peer_pid;
	int peer_fd;
	char peer_comm[32];
};

struct procinfo_fds {
	struct procinfo_fd *fds;
	size_t count;
};

/*
 * Reads /proc/PID/fd and fdinfo, resolving sockets through pid's
 * /proc/PID/net/ files (read once) and UNIX peers through sock_diag. Pipes and
 * sockets whose other end one of the npeers pids holds name it. The
 * descriptor own_fd (-1: none), when it is a memfd called "ptinspect", is
 * marked as ptinspect's. 0, or -1 with *errp.
 */
int procinfo_fds_read(pid_t pid, const pid_t *peers, size_t npeers,
    int own_fd, struct procinfo_fds *out, char **errp);
void procinfo_fds_free(struct procinfo_fds *fds);

/* "file", "dir", "pipe", "socket", "anon", "memfd", "tty", "device"... */
const char *procinfo_fd_type_name(enum procinfo_fd_type type);

/* Open flags as "O_RDWR|O_APPEND|O_CLOEXEC" into buf (always terminated). */
void procinfo_flags_str(unsigned flags, char *buf, size_t size);

/*
 * Parsers, public for the unit tests: one line of fdinfo text ("pos:",
 * "flags:"), one data line of /proc/net/{tcp,tcp6,udp,udp6} (family is
 * "inet" or "inet6", type "stream" or "dgram") or of /proc/net/unix.
 * Each returns 0, or -1 when the line is not one it knows.
 */
int procinfo_parse_fdinfo(const char *text, uint64_t *pos, unsigned *flags);
int procinfo_parse_inet_line(const char *line, const char *family,
    const char *type, uint64_t *inode, struct procinfo_sock *sock);
int procinfo_parse_unix_line(const char *line, uint64_t *inode,
    struct procinfo_sock *sock);

/* A NUL-separated /proc file as a NULL-terminated list of strings. */
struct procinfo_strv {
	char **v;
	size_t count;
};
/* name is "environ" or "cmdline". 0, or -1 with *errp. */
int procinfo_strv_read(pid_t pid, const char *name, struct procinfo_strv *out,
    char **errp);
/* The same from len bytes of such a file's text (a saved copy). */
void procinfo_strv_parse(const char *text, size_t len,
    struct procinfo_strv *out);
void procinfo_strv_free(struct procinfo_strv *sv);

/* readlink of /proc/PID/NAME ("cwd", "exe", "root"); NULL with *errp. */
char *procinfo_link(pid_t pid, const char *name, char **errp);

struct procinfo_limit {
	const char *name;	/* "NOFILE", as prlimit(1) calls it */
	char *desc;		/* "Max open files" */
	bool soft_unlimited, hard_unlimited;
	uint64_t soft, hard;
	char *units;		/* "files", "" when none */
};
struct procinfo_limits {
	struct procinfo_limit *v;
	size_t count;
};
int procinfo_limits_read(pid_t pid, struct procinfo_limits *out,
    char **errp);
/* The same from a limits file's text (changed in place: a saved copy). */
void procinfo_limits_parse(char *text, struct procinfo_limits *out);
void procinfo_limits_free(struct procinfo_limits *lim);

/* The masks of /proc/PID/task/TID/status; bit N-1 is signal N. */
enum procinfo_sigset {
	PROCINFO_SIGPND,
	PROCINFO_SHDPND,
	PROCINFO_SIGBLK,
	PROCINFO_SIGIGN,
	PROCINFO_SIGCGT,
	PROCINFO_NSIGSETS,
};
struct procinfo_signals {
	pid_t tid;
	uint64_t mask[PROCINFO_NSIGSETS];
};
/* "SigPnd", "ShdPnd"... and "pending", "shared_pending"... */
const char *procinfo_sigset_field(enum procinfo_sigset s);
const char *procinfo_sigset_key(enum procinfo_sigset s);
/* Parses the five masks out of a status text. 0, or -1 if one lacks. */
int procinfo_parse_sigmasks(const char *status, struct procinfo_signals *out);
/* The threads of pid (tid 0) or one thread. *count entries, malloc'd. */
int procinfo_signals_read(pid_t pid, pid_t tid,
    struct procinfo_signals **out, size_t *count, char **errp);
/* The signal of bit N-1 as "SIGUSR1", "SIGRTMIN+3" or "SIG32". */
const char *procinfo_signal_name(int sig, char *buf, size_t size);

struct procinfo_status {
	pid_t pid, ppid;
	char comm[32];
	unsigned uid[4], gid[4];	/* real, effective, saved, fs */
	uint64_t lifetime_ms;		/* since start, to a clock tick */
	uint64_t utime_ms, stime_ms;
	uint64_t peak_rss_kb;		/* VmHWM */
	uint64_t vol_ctxt, nonvol_ctxt;
};
/*
 * stat and comm from /proc/PID, the status file (ids, VmHWM, context
 * switches) from /proc/TID: a live thread once the leader has exited.
 */
int procinfo_status_read(pid_t pid, pid_t tid, struct procinfo_status *out,
    char **errp);
/* The ids, VmHWM and context switches of a status file's text. */
void procinfo_status_parse(const char *status, struct procinfo_status *out);

/*
 * The resident size of each mapping, from /proc/PID/smaps (its Rss: what
 * the process's page tables map, shared pages counted whole), in address
 * order; *out malloc'd. 0, or -1 with *errp.
 */
struct procinfo_rss {
	uint64_t start, end;
	uint64_t rss_kb;
};
int procinfo_rss_read(pid_t pid, struct procinfo_rss **out, size_t *count,
    char **errp);
/* The same from a smaps file's text (a snapshot's copy); text is cut up. */
void procinfo_rss_parse(char *text, struct procinfo_rss **out, size_t *count);

/*
 * A file or directory under /proc/PID, reached one component at a time
 * without following any symbolic link: "..", absolute names, and links
 * such as cwd, root, exe or fd/3 are refused (*errp says why). A
 * directory gives its entries; a file its bytes (up to a cap).
 */
struct procinfo_entry {
	char *name;
	char kind;		/* 'd' directory, 'l' link, 'f' other */
	char *link;		/* kind 'l': where it points; else NULL */
};
struct procinfo_file {
	bool is_dir;
	struct procinfo_entry *entries;	/* sorted by name */
	size_t count;
	char *data;		/* a file's bytes, NUL-terminated */
	size_t len;
	bool truncated;		/* longer than PROCINFO_FILE_MAX */
};
#define PROCINFO_FILE_MAX (4u << 20)
int procinfo_file_read(pid_t pid, const char *name, struct procinfo_file *out,
    char **errp);
void procinfo_file_free(struct procinfo_file *f);
/* Whether bytes are printable text (tabs and newlines allowed). */
bool procinfo_is_text(const char *data, size_t len);

#endif
