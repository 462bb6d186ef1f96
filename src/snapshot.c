/*
 * snapshot.c: a held process saved into a directory. What goes in, and
 * from where:
 *
 *	maps smaps status environ cmdline limits cgroup mountinfo stat
 *	auxv		copied from /proc/TID (a live thread: the leader's
 *			entries lose the memory and files once it exited),
 *			first: writing the core reads memory, which can
 *			fault pages in and change smaps' and status's sizes
 *	task/TID/comm	each thread's name
 *	task/TID/status	each thread's status (its signal masks)
 *	core		coredump.c (gcore)
 *	cwd exe		the targets of /proc/TID/cwd and exe, one line each
 *			(text, not symbolic links: an artifact upload that
 *			follows links would copy the whole tree)
 *	fds.txt		the `fds` command's text (procinfo.c: type, flags,
 *			position, target, socket peer)
 *	fdinfo/N	/proc/TID/fdinfo/N as it was
 *	bt.txt		the `bt all` command's text
 *	summary.json	ptinspect's version, when and how long, why the
 *			process was paused, argv, cwd, exe, the `status`
 *			command's JSON object, the lifetime and CPU times
 *			when the save began ("times"), the core's figures,
 *			the files written with the bytes of each
 *			("file_bytes": a file cut short after the save is
 *			found when the snapshot is read) and the parts that
 *			failed
 *
 * It sits below the commands (it runs `fds`, `bt all` and `status` through
 * the ctx->run it is given, cmd_run, with ctx->out pointed at a file, so
 * the files say exactly what the commands would have) and below main.c,
 * which calls it for --save.
 * Files are created with openat in the directory, O_NOFOLLOW, 0600 like
 * a kernel core: they hold the program's memory and environment.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "coredump.h"
#include "json.h"
#include "procinfo.h"
#include "snapshot.h"
#include "tracer.h"
#include "util.h"

/* One save under way. */
struct snap {
	struct cmd_ctx *ctx;
	pid_t tid;		/* live thread for /proc paths */
	int dfd;		/* the directory */
	char **files;		/* written, for summary.json */
	uint64_t *bytes;	/* the size of each */
	size_t nfiles;
	struct procinfo_status times;	/* when the save began */
	bool timed;		/* ... if /proc said */
	char **errors;		/* "NAME: what went wrong" */
	size_t nerrors;
};

static const char *const snapshot_proc_files[] = {
	"maps", "smaps", "status", "environ", "cmdline", "limits", "cgroup",
	"mountinfo", "stat", "auxv",
};

static void snap_error(struct snap *s, const char *fmt, ...)
    PTI_PRINTF(2, 3);
static FILE *snap_open(struct snap *s, const char *name);
static void snap_close(struct snap *s, const char *name, FILE *f);
static void snap_written(struct snap *s, const char *name);
static void snap_copy_proc(struct snap *s, const char *name,
    const char *dest);
static void snap_link(struct snap *s, const char *name);
static void snap_fdinfo(struct snap *s);
static void snap_threads(struct snap *s);
static bool snap_mkdir(struct snap *s, const char *name);
static void snap_command(struct snap *s, const char *name,
    const char *line);
static void snap_summary(struct snap *s, const char *dir,
    const struct coredump_stats *core, bool core_ok, uint64_t t0);
static char *snap_comm(const struct proc *p);
static uint64_t snap_now_ms(void);

char *
snapshot_default_name(const struct proc *p)
{
	char *comm = snap_comm(p), *s;

	s = xstrfmt("ptinspect.%d.%s", (int)p->pid, comm);
	free(comm);
	return s;
}

char *
snapshot_proc_name(const struct proc *p)
{
	char *comm = snap_comm(p), *s;

	s = xstrfmt("%d-%s", (int)p->pid, comm);
	free(comm);
	return s;
}

int
snapshot_save(struct cmd_ctx *ctx, const char *dir,
    struct snapshot_stats *st, char **errp)
{
	struct snap s = { .ctx = ctx, .dfd = -1 };
	struct coredump_stats core = { 0 };
	uint64_t t0 = snap_now_ms();
	char *core_path, *err = NULL;
	bool core_ok;
	size_t i;

	if (ctx->proc->state != PROC_PAUSED)
		return set_error(errp, "process %d is not paused",
		    (int)ctx->proc->pid);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return set_error(errp, "%s: %s", dir, strerror(errno));
	s.dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.dfd < 0)
		return set_error(errp, "%s: %s", dir, strerror(errno));
	s.tid = proc_access_tid(ctx->proc);
	s.timed = procinfo_status_read(ctx->proc->pid, s.tid, &s.times,
	    NULL) == 0;

	for (i = 0; i < ARRAY_SIZE(snapshot_proc_files); i++)
		snap_copy_proc(&s, snapshot_proc_files[i],
		    snapshot_proc_files[i]);
	snap_threads(&s);
	core_path = xstrfmt("%s/core", dir);
	core_ok = coredump_write(ctx->proc, core_path, &core, &err) == 0;
	if (core_ok)
		snap_written(&s, "core");
	else
		snap_error(&s, "core: %s", err);
	free(err);
	free(core_path);
	snap_link(&s, "cwd");
	snap_link(&s, "exe");
	snap_command(&s, "fds.txt", "fds");
	snap_fdinfo(&s);
	snap_command(&s, "bt.txt", "bt all");
	snap_summary(&s, dir, &core, core_ok, t0);

	if (st != NULL) {
		st->files = (unsigned)s.nfiles;
		st->errors = (unsigned)s.nerrors;
		st->core_size = core_ok ? core.size : 0;
		st->ms = snap_now_ms() - t0;
	}
	for (i = 0; i < s.nfiles; i++)
		free(s.files[i]);
	for (i = 0; i < s.nerrors; i++)
		free(s.errors[i]);
	free(s.files);
	free(s.bytes);
	free(s.errors);
	close(s.dfd);
	return 0;
}

char *
snapshot_save_under(struct tracer *tr, struct proc *p, const char *base,
    enum cmd_result (*run)(struct cmd_ctx *ctx, const char *line),
    struct snapshot_stats *st, char **errp)
{
	struct cmd_ctx ctx = {
		.tracer = tr,
		.proc = p,
		.thread = proc_main_thread(p),
		.out = stderr,
		.err = stderr,
		.run = run,
	};
	char *name, *dir;

	if (mkdir(base, 0755) < 0 && errno != EEXIST) {
		set_error(errp, "%s: %s", base, strerror(errno));
		return NULL;
	}
	name = snapshot_proc_name(p);
	dir = xstrfmt("%s/%s", base, name);
	free(name);
	if (snapshot_save(&ctx, dir, st, errp) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void
snap_error(struct snap *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s->errors = xreallocarray(s->errors, s->nerrors + 1, sizeof *s->errors);
	s->errors[s->nerrors++] = xvasprintf_str(fmt, ap);
	va_end(ap);
}

/* A new file in the directory, or NULL (the error recorded). */
static FILE *
snap_open(struct snap *s, const char *name)
{
	int fd = openat(s->dfd, name, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		snap_error(s, "%s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

static void
snap_close(struct snap *s, const char *name, FILE *f)
{
	bool bad = ferror(f) != 0;

	if (fclose(f) != 0 || bad) {
		snap_error(s, "%s: %s", name, strerror(errno ? errno : EIO));
		return;
	}
	snap_written(s, name);
}

/* name is written: listed in summary.json with its size. */
static void
snap_written(struct snap *s, const char *name)
{
	struct stat st;

	if (fstatat(s->dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		snap_error(s, "%s: %s", name, strerror(errno));
		return;
	}
	s->files = xreallocarray(s->files, s->nfiles + 1, sizeof *s->files);
	s->bytes = xreallocarray(s->bytes, s->nfiles + 1, sizeof *s->bytes);
	s->bytes[s->nfiles] = (uint64_t)st.st_size;
	s->files[s->nfiles++] = xstrdup(name);
}

/* A subdirectory of the snapshot (made if missing), or false, recorded. */
static bool
snap_mkdir(struct snap *s, const char *name)
{
	if (mkdirat(s->dfd, name, 0700) < 0 && errno != EEXIST) {
		snap_error(s, "%s: %s", name, strerror(errno));
		return false;
	}
	return true;
}

static void
snap_copy_proc(struct snap *s, const char *name, const char *dest)
{
	char path[64], *data;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)s->tid, name);
	if ((data = read_file_str(path, &len)) == NULL) {
		snap_error(s, "%s: %s", path, strerror(errno));
		return;
	}
	if ((f = snap_open(s, dest)) != NULL) {
		fwrite(data, 1, len, f);
		snap_close(s, dest, f);
	}
	free(data);
}

static void
snap_link(struct snap *s, const char *name)
{
	char *target, *err = NULL;
	FILE *f;

	if ((target = procinfo_link(s->tid, name, &err)) == NULL) {
		snap_error(s, "%s: %s", name, err != NULL ? err : "unreadable");
		free(err);
		return;
	}
	if ((f = snap_open(s, name)) != NULL) {
		fprintf(f, "%s\n", target);
		snap_close(s, name, f);
	}
	free(target);
}

/* fdinfo/N for every open descriptor. */
static void
snap_fdinfo(struct snap *s)
{
	char path[64], name[300];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%d/fdinfo", (int)s->tid);
	if ((d = opendir(path)) == NULL) {
		snap_error(s, "%s: %s", path, strerror(errno));
		return;
	}
	if (!snap_mkdir(s, "fdinfo")) {
		closedir(d);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(name, sizeof name, "fdinfo/%s", de->d_name);
		snap_copy_proc(s, name, name);
	}
	closedir(d);
}

/*
 * task/TID/comm and task/TID/status of every thread ptinspect knows, as
 * /proc has them: the names `threads` shows (a core has none but the
 * process's) and the signal masks `signals` shows per thread.
 */
static void
snap_threads(struct snap *s)
{
	struct thread *t;
	char name[64];

	if (!snap_mkdir(s, "task"))
		return;
	for (t = s->ctx->proc->threads; t != NULL; t = t->next) {
		snprintf(name, sizeof name, "task/%d", (int)t->tid);
		if (!snap_mkdir(s, name))
			continue;
		snprintf(name, sizeof name, "task/%d/comm", (int)t->tid);
		snap_copy_proc(s, name, name);
		snprintf(name, sizeof name, "task/%d/status", (int)t->tid);
		snap_copy_proc(s, name, name);
	}
}

/* A command's text output into a file, its errors included. */
static void
snap_command(struct snap *s, const char *name, const char *line)
{
	struct cmd_ctx c = *s->ctx;
	FILE *f;

	if ((f = snap_open(s, name)) == NULL)
		return;
	c.json = false;
	c.out = f;
	c.err = f;
	c.where = NULL;
	c.out_error = 0;
	if (c.run(&c, line) == CMD_FAILED)
		snap_error(s, "%s: `%s` failed (see the file)", name, line);
	snap_close(s, name, f);
}

static void
snap_summary(struct snap *s, const char *dir,
    const struct coredump_stats *core, bool core_ok, uint64_t t0)
{
	struct cmd_ctx c = *s->ctx;
	struct proc *p = s->ctx->proc;
	char *status = NULL, *cwd, *exe, when[64];
	size_t status_len = 0, i;
	time_t now = time(NULL);
	struct tm tm;
	FILE *f, *mf;

	/* The status command's one JSON object, newline dropped. */
	if ((mf = open_memstream(&status, &status_len)) != NULL) {
		c.json = true;
		c.out = mf;
		c.err = mf;
		c.where = NULL;
		c.out_error = 0;
		c.run(&c, "status");
		fclose(mf);
		while (status_len > 0 && status[status_len - 1] == '\n')
			status[--status_len] = '\0';
	}
	cwd = procinfo_link(s->tid, "cwd", NULL);
	exe = procinfo_link(s->tid, "exe", NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((f = snap_open(s, "summary.json")) == NULL)
		goto out;
	fprintf(f, "{\"ptinspect_version\":");
	json_str(f, PACKAGE_VERSION);
	fprintf(f, ",\"dir\":");
	json_str(f, dir);
	fprintf(f, ",\"saved_at\":\"%s\",\"saved_at_unix\":%lld,"
	    "\"save_ms\":%" PRIu64 ",\"pid\":%d,\"comm\":", when,
	    (long long)now, snap_now_ms() - t0, (int)p->pid);
	json_str(f, p->comm);
	fputs(",\"paused_by\":", f);
	switch (p->reason) {
	case PAUSE_SIGNAL:
		fputs("\"signal\",\"signal\":", f);
		json_str(f, signal_name(p->signal));
		fprintf(f, ",\"signal_number\":%d", p->signal);
		break;
	case PAUSE_EXIT:
		fprintf(f, "\"exit\",\"exit_code\":%d,\"exit_via\":\"%s\"",
		    p->exit_code, p->last_thread_exit ? "exit" :
		    "exit_group");
		break;
	case PAUSE_EXEC:
		fputs("\"exec\"", f);
		break;
	case PAUSE_TIMEOUT:
		fputs("\"timeout\"", f);
		break;
	case PAUSE_REQUEST:
		fputs("\"request\"", f);
		break;
	default:
		fputs("null", f);
		break;
	}
	fprintf(f, ",\"paused_tid\":%d,\"cwd\":", (int)p->paused_tid);
	json_str(f, cwd);
	fputs(",\"exe\":", f);
	json_str(f, exe);
	fprintf(f, ",\"status\":%s", status_len > 0 && status[0] == '{' ?
	    status : "null");
	if (s->timed)
		fprintf(f, ",\"times\":{\"lifetime_ms\":%" PRIu64
		    ",\"cpu_user_ms\":%" PRIu64 ",\"cpu_system_ms\":%"
		    PRIu64 "}", s->times.lifetime_ms, s->times.utime_ms,
		    s->times.stime_ms);
	else
		fputs(",\"times\":null", f);
	if (core_ok)
		fprintf(f, ",\"core\":{\"file\":\"core\",\"threads\":%u,"
		    "\"segments\":%u,\"size\":%" PRIu64 ",\"data_bytes\":%"
		    PRIu64 ",\"ms\":%" PRIu64 "}", core->threads,
		    core->segments, core->size, core->data_bytes, core->ms);
	else
		fputs(",\"core\":null", f);
	fputs(",\"files\":[", f);
	for (i = 0; i < s->nfiles; i++) {
		if (i > 0)
			putc(',', f);
		json_str(f, s->files[i]);
	}
	fputs(",\"summary.json\"],\"file_bytes\":{", f);
	for (i = 0; i < s->nfiles; i++) {
		if (i > 0)
			putc(',', f);
		json_str(f, s->files[i]);
		fprintf(f, ":%" PRIu64, s->bytes[i]);
	}
	fputs("},\"errors\":[", f);
	for (i = 0; i < s->nerrors; i++) {
		if (i > 0)
			putc(',', f);
		json_str(f, s->errors[i]);
	}
	fputs("]}\n", f);
	snap_close(s, "summary.json", f);
out:
	free(status);
	free(cwd);
	free(exe);
}

/* The comm, safe as part of a file name. */
static char *
snap_comm(const struct proc *p)
{
	char *c = xstrdup(p->comm[0] != '\0' ? p->comm : "unknown"), *s;

	for (s = c; *s != '\0'; s++)
		if (*s == '/' || *s <= ' ' || *s == 0x7f)
			*s = '_';
	if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
		c[0] = '_';
	return c;
}

static uint64_t
snap_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
