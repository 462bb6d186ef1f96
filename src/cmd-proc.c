/*
 * cmd-proc.c: the commands that show the process as /proc/PID has it:
 * `fds`, `env [NAME]`, `cmdline`, `cwd`, `exe`, `root`, `limits`,
 * `signals [TID]`, `proc [FILE]`, and the lines `status` adds. Each
 * parses its arguments, asks procinfo.c and prints text or JSON; nothing
 * here reads /proc itself. Once the leader thread has exited its
 * /proc/PID entries lose the process's files and memory: they are read
 * through a live thread's /proc/TID (proc_access_tid). On a core they
 * read the copies of a snapshot (--snapshot, snapshot-read.c), and say
 * so when there is none.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "procinfo.h"
#include "redirect.h"
#include "snapshot-read.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_fds_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_env_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_cmdline_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_link_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_limits_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_signals_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_proc_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_fds_saved(struct cmd_ctx *ctx, char **errp);
static int cmd_proc_strv(struct cmd_ctx *ctx, const char *name,
    struct procinfo_strv *out, char **errp);
static char *cmd_proc_link(struct cmd_ctx *ctx, const char *name,
    char **errp);
static int cmd_proc_file(struct cmd_ctx *ctx, const char *name,
    struct procinfo_file *out, char **errp);
static int cmd_signals_saved(struct cmd_ctx *ctx, const struct thread *t,
    struct procinfo_signals **out, size_t *count, char **errp);
static int cmd_signals_by_tid(const void *a, const void *b);
static int cmd_signals_saved_status(struct cmd_ctx *ctx,
    const struct thread *t, struct procinfo_signals **out, size_t *count,
    char **errp);
static void cmd_proc_fd_text(FILE *f, const struct procinfo_fd *d);
static void cmd_proc_fd_json(struct json *j, const struct procinfo_fd *d);
static const char *cmd_proc_sock_proto(const struct procinfo_sock *s);
static void cmd_proc_strv_json(struct json *j, const char *key,
    const struct procinfo_strv *sv);
static void cmd_proc_sigset_text(FILE *f, uint64_t mask);
static void cmd_proc_sigset_json(struct json *j, const char *key,
    uint64_t mask);
static void cmd_proc_limit_text(FILE *f, bool unlimited, uint64_t v);
static void cmd_proc_usage_text(FILE *f, const struct procinfo_status *st,
    bool timed);
static void cmd_proc_limit_json(struct json *j, const char *key,
    bool unlimited, uint64_t v);

const struct cmd_entry cmd_fds_entry = {
	.name = "fds",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "open descriptors: type, flags, position, target, peer",
	.exec = cmd_fds_exec,
};

const struct cmd_entry cmd_env_entry = {
	.name = "env",
	.args = "[NAME]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "the environment, or one variable's value",
	.exec = cmd_env_exec,
};

const struct cmd_entry cmd_cmdline_entry = {
	.name = "cmdline",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the argument list, one argument a line",
	.exec = cmd_cmdline_exec,
};

const struct cmd_entry cmd_cwd_entry = {
	.name = "cwd",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the working directory",
	.exec = cmd_link_exec,
};

const struct cmd_entry cmd_exe_entry = {
	.name = "exe",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the executable file",
	.exec = cmd_link_exec,
};

const struct cmd_entry cmd_root_entry = {
	.name = "root",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the root directory",
	.exec = cmd_link_exec,
};

const struct cmd_entry cmd_limits_entry = {
	.name = "limits",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "resource limits: NAME SOFT HARD UNITS",
	.exec = cmd_limits_exec,
};

const struct cmd_entry cmd_signals_entry = {
	.name = "signals",
	.args = "[TID]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "pending, blocked, ignored and caught signals per thread",
	.exec = cmd_signals_exec,
};

const struct cmd_entry cmd_proc_entry = {
	.name = "proc",
	.args = "[FILE]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "list /proc/PID, or show one file under it",
	.exec = cmd_proc_exec,
};

static enum cmd_result
cmd_fds_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct proc *p = ctx->proc, *q;
	struct procinfo_fds fds;
	pid_t *peers = NULL;
	size_t npeers = 0, cap = 0, i;
	int own_fd = redirect_reserved_fd();
	FILE *f = ctx->out;
	struct json j;

	if (p->core != NULL)
		return cmd_fds_saved(ctx, errp);
	for (q = ctx->tracer != NULL ? tracer_procs(ctx->tracer) : NULL;
	    q != NULL; q = q->next) {
		if (q == p || q->state == PROC_GONE)
			continue;
		if (npeers == cap) {
			cap = cap ? cap * 2 : 8;
			peers = xreallocarray(peers, cap, sizeof *peers);
		}
		peers[npeers++] = q->pid;
	}
	if (procinfo_fds_read(proc_access_tid(p), peers, npeers, own_fd, &fds,
	    errp) < 0) {
		free(peers);
		return CMD_FAILED;
	}
	free(peers);
	if (ctx->json) {
		json_begin(&j, f, "fds");
		json_open(&j, "fds", '[');
	} else
		fprintf(f, "%3s %-6s %-34s %8s %s\n", "FD", "TYPE", "FLAGS",
		    "POS", "TARGET");
	for (i = 0; i < fds.count; i++) {
		if (ctx->json)
			cmd_proc_fd_json(&j, &fds.fds[i]);
		else
			cmd_proc_fd_text(f, &fds.fds[i]);
	}
	if (ctx->json)
		json_end(&j);
	procinfo_fds_free(&fds);
	return CMD_OK;
}

/* A snapshot's fds: the text `fds` printed when it was saved. */
static enum cmd_result
cmd_fds_saved(struct cmd_ctx *ctx, char **errp)
{
	char *text;
	struct json j;

	if ((text = snapshot_file(ctx->proc, "fds.txt", NULL, errp)) == NULL)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, ctx->out, "fds");
		json_put_str(&j, "saved_text", text);
		json_end(&j);
	} else {
		fputs(text, ctx->out);
	}
	free(text);
	return CMD_OK;
}

/* environ or cmdline: the live process's, or a snapshot's copy. */
static int
cmd_proc_strv(struct cmd_ctx *ctx, const char *name,
    struct procinfo_strv *out, char **errp)
{
	size_t len;
	char *text;

	if (ctx->proc->core == NULL)
		return procinfo_strv_read(proc_access_tid(ctx->proc), name,
		    out, errp);
	if ((text = snapshot_file(ctx->proc, name, &len, errp)) == NULL)
		return -1;
	procinfo_strv_parse(text, len, out);
	free(text);
	return 0;
}

/* cwd, exe, root: the link's target, or a snapshot's line. */
static char *
cmd_proc_link(struct cmd_ctx *ctx, const char *name, char **errp)
{
	char *text;

	if (ctx->proc->core == NULL)
		return procinfo_link(proc_access_tid(ctx->proc), name, errp);
	if ((text = snapshot_file(ctx->proc, name, NULL, errp)) != NULL)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

/* `proc [FILE]`: under /proc/PID, or in a snapshot's directory. */
static int
cmd_proc_file(struct cmd_ctx *ctx, const char *name,
    struct procinfo_file *out, char **errp)
{
	char **names;
	size_t n, i;

	if (ctx->proc->core == NULL)
		return procinfo_file_read(proc_access_tid(ctx->proc), name,
		    out, errp);
	memset(out, 0, sizeof *out);
	names = snapshot_list(ctx->proc, name, &n, NULL);
	if (names == NULL) {
		out->data = snapshot_file(ctx->proc, name, &out->len, errp);
		if (out->data == NULL)
			return -1;
		if (out->len > PROCINFO_FILE_MAX) {
			out->len = PROCINFO_FILE_MAX;
			out->data[out->len] = '\0';
			out->truncated = true;
		}
		return 0;
	}
	out->is_dir = true;
	out->entries = xcalloc(n ? n : 1, sizeof *out->entries);
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		out->entries[i].kind = names[i][len - 1] == '/' ? 'd' : 'f';
		if (out->entries[i].kind == 'd')
			names[i][len - 1] = '\0';
		out->entries[i].name = names[i];
	}
	out->count = n;
	free(names);
	return 0;
}

/* "tcp", "udp6", "unix": what the text column says. */
static const char *
cmd_proc_sock_proto(const struct procinfo_sock *s)
{
	bool v6 = strcmp(s->family, "inet6") == 0;

	if (strcmp(s->family, "unix") == 0)
		return "unix";
	if (strcmp(s->type, "stream") == 0)
		return v6 ? "tcp6" : "tcp";
	return v6 ? "udp6" : "udp";
}

static void
cmd_proc_fd_text(FILE *f, const struct procinfo_fd *d)
{
	char flags[160] = "-", pos[24] = "-";

	if (d->has_fdinfo) {
		procinfo_flags_str(d->flags, flags, sizeof flags);
		snprintf(pos, sizeof pos, "%" PRIu64, d->pos);
	}
	fprintf(f, "%3d %-6s %-34s %8s %s%s", d->fd,
	    procinfo_fd_type_name(d->type), flags, pos, d->target,
	    d->deleted ? " (deleted)" : "");
	if (d->has_sock) {
		const struct procinfo_sock *s = &d->sock;

		fprintf(f, " %s", cmd_proc_sock_proto(s));
		if (strcmp(s->family, "unix") == 0)
			fprintf(f, " %s", s->type);
		if (s->local[0] != '\0')
			fprintf(f, " %s", s->local);
		if (s->peer[0] != '\0')
			fprintf(f, " -> %s", s->peer);
		if (s->state != NULL)
			fprintf(f, " %s", s->state);
		if (s->peer_inode != 0)
			fprintf(f, " peer socket:[%" PRIu64 "]", s->peer_inode);
	}
	if (d->peer_pid != 0)
		fprintf(f, " -> pid %d fd %d (%s)", (int)d->peer_pid,
		    d->peer_fd, d->peer_comm);
	if (d->ptinspect)
		fputs(" [ptinspect's memory arena, not the program's]", f);
	putc('\n', f);
}

static void
cmd_proc_fd_json(struct json *j, const struct procinfo_fd *d)
{
	char flags[160];

	json_open(j, NULL, '{');
	json_put_int(j, "fd", d->fd);
	json_put_str(j, "type", procinfo_fd_type_name(d->type));
	json_put_str(j, "target", d->target);
	json_put_bool(j, "deleted", d->deleted);
	json_put_bool(j, "ptinspect", d->ptinspect);
	json_put_uint(j, "inode", d->inode);
	if (d->has_fdinfo) {
		procinfo_flags_str(d->flags, flags, sizeof flags);
		json_put_uint(j, "pos", d->pos);
		json_put_str(j, "flags", flags);
		json_put_uint(j, "flags_value", d->flags);
	} else {
		json_put_null(j, "pos");
		json_put_null(j, "flags");
		json_put_null(j, "flags_value");
	}
	if (d->has_sock) {
		const struct procinfo_sock *s = &d->sock;

		json_open(j, "socket", '{');
		json_put_str(j, "family", s->family);
		json_put_str(j, "type", s->type);
		json_put_str(j, "local", s->local);
		json_put_str(j, "peer", s->peer[0] != '\0' ? s->peer : NULL);
		json_put_str(j, "state", s->state);
		if (s->peer_inode != 0)
			json_put_uint(j, "peer_inode", s->peer_inode);
		else
			json_put_null(j, "peer_inode");
		json_close(j);
	} else {
		json_put_null(j, "socket");
	}
	if (d->peer_pid != 0) {
		json_open(j, "peer", '{');
		json_put_int(j, "pid", d->peer_pid);
		json_put_int(j, "fd", d->peer_fd);
		json_put_str(j, "comm", d->peer_comm);
		json_close(j);
	} else {
		json_put_null(j, "peer");
	}
	json_close(j);
}

static void
cmd_proc_strv_json(struct json *j, const char *key,
    const struct procinfo_strv *sv)
{
	size_t i;

	json_open(j, key, '[');
	for (i = 0; i < sv->count; i++)
		json_put_str(j, NULL, sv->v[i]);
	json_close(j);
}

static enum cmd_result
cmd_env_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct procinfo_strv env;
	const char *value = NULL;
	FILE *f = ctx->out;
	struct json j;
	size_t i, n;

	if (cmd_proc_strv(ctx, "environ", &env, errp) < 0)
		return CMD_FAILED;
	if (argc == 2) {
		n = strlen(argv[1]);
		for (i = 0; i < env.count && value == NULL; i++)
			if (strncmp(env.v[i], argv[1], n) == 0 &&
			    env.v[i][n] == '=')
				value = env.v[i] + n + 1;
		if (value == NULL) {
			set_error(errp, "%s: not in the environment", argv[1]);
			procinfo_strv_free(&env);
			return CMD_FAILED;
		}
		if (ctx->json) {
			json_begin(&j, f, "env");
			json_put_str(&j, "name", argv[1]);
			json_put_str(&j, "value", value);
			json_end(&j);
		} else {
			fprintf(f, "%s\n", value);
		}
	} else if (ctx->json) {
		json_begin(&j, f, "env");
		cmd_proc_strv_json(&j, "env", &env);
		json_end(&j);
	} else {
		for (i = 0; i < env.count; i++)
			fprintf(f, "%s\n", env.v[i]);
	}
	procinfo_strv_free(&env);
	return CMD_OK;
}

static enum cmd_result
cmd_cmdline_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	struct procinfo_strv args;
	struct json j;
	size_t i;

	if (cmd_proc_strv(ctx, "cmdline", &args, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, ctx->out, "cmdline");
		cmd_proc_strv_json(&j, "argv", &args);
		json_end(&j);
	} else {
		for (i = 0; i < args.count; i++)
			fprintf(ctx->out, "%s\n", args.v[i]);
	}
	procinfo_strv_free(&args);
	return CMD_OK;
}

/* cwd, exe and root: the command's name is the /proc/PID link's. */
static enum cmd_result
cmd_link_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	char *path;

	if ((path = cmd_proc_link(ctx, argv[0], errp)) == NULL)
		return CMD_FAILED;
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, argv[0]);
		json_put_str(&j, "path", path);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s\n", path);
	}
	free(path);
	return CMD_OK;
}

static void
cmd_proc_limit_text(FILE *f, bool unlimited, uint64_t v)
{
	if (unlimited)
		fprintf(f, " %-20s", "unlimited");
	else
		fprintf(f, " %-20" PRIu64, v);
}

static void
cmd_proc_limit_json(struct json *j, const char *key, bool unlimited,
    uint64_t v)
{
	if (unlimited)
		json_put_str(j, key, "unlimited");
	else
		json_put_uint(j, key, v);
}

static enum cmd_result
cmd_limits_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	struct procinfo_limits lim;
	FILE *f = ctx->out;
	struct json j;
	size_t i;

	char *text;

	if (ctx->proc->core != NULL) {
		if ((text = snapshot_file(ctx->proc, "limits", NULL,
		    errp)) == NULL)
			return CMD_FAILED;
		procinfo_limits_parse(text, &lim);
		free(text);
	} else if (procinfo_limits_read(proc_access_tid(ctx->proc), &lim,
	    errp) < 0) {
		return CMD_FAILED;
	}
	if (ctx->json) {
		json_begin(&j, f, "limits");
		json_open(&j, "limits", '[');
	} else
		fprintf(f, "%-10s %-20s %-20s %s\n", "NAME", "SOFT", "HARD",
		    "UNITS");
	for (i = 0; i < lim.count; i++) {
		const struct procinfo_limit *l = &lim.v[i];

		if (ctx->json) {
			json_open(&j, NULL, '{');
			json_put_str(&j, "name", l->name);
			json_put_str(&j, "description", l->desc);
			cmd_proc_limit_json(&j, "soft", l->soft_unlimited,
			    l->soft);
			cmd_proc_limit_json(&j, "hard", l->hard_unlimited,
			    l->hard);
			json_put_str(&j, "units", l->units);
			json_close(&j);
			continue;
		}
		fprintf(f, "%-10s", l->name);
		cmd_proc_limit_text(f, l->soft_unlimited, l->soft);
		cmd_proc_limit_text(f, l->hard_unlimited, l->hard);
		fprintf(f, " %s\n", l->units);
	}
	if (ctx->json)
		json_end(&j);
	procinfo_limits_free(&lim);
	return CMD_OK;
}

/* The signals of a mask by name, as words ("-" if none). */
static void
cmd_proc_sigset_text(FILE *f, uint64_t mask)
{
	char buf[16];
	int sig;

	if (mask == 0)
		fputs(" -", f);
	for (sig = 1; sig <= 64; sig++)
		if ((mask & (1ULL << (sig - 1))) != 0)
			fprintf(f, " %s", procinfo_signal_name(sig, buf,
			    sizeof buf));
}

/* The signals of a mask by name, as a JSON list. */
static void
cmd_proc_sigset_json(struct json *j, const char *key, uint64_t mask)
{
	char buf[16];
	int sig;

	json_open(j, key, '[');
	for (sig = 1; sig <= 64; sig++)
		if ((mask & (1ULL << (sig - 1))) != 0)
			json_put_str(j, NULL, procinfo_signal_name(sig, buf,
			    sizeof buf));
	json_close(j);
}

static enum cmd_result
cmd_signals_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	struct procinfo_signals *sigs;
	struct thread *t = NULL;
	size_t count, i;
	FILE *f = ctx->out;
	struct json j;
	char mask[24];
	int s;

	if (argc == 2 && (t = cmd_thread_arg(ctx, argv[1], errp)) == NULL)
		return CMD_FAILED;
	if (ctx->proc->core != NULL) {
		if (cmd_signals_saved(ctx, t, &sigs, &count, errp) < 0)
			return CMD_FAILED;
	} else if (procinfo_signals_read(ctx->proc->pid, t != NULL ? t->tid :
	    0, &sigs, &count, errp) < 0) {
		return CMD_FAILED;
	}
	if (ctx->json) {
		json_begin(&j, f, "signals");
		json_open(&j, "threads", '[');
	}
	for (i = 0; i < count; i++) {
		if (ctx->json) {
			json_open(&j, NULL, '{');
			json_put_int(&j, "tid", sigs[i].tid);
		} else {
			fprintf(f, "thread %d\n", (int)sigs[i].tid);
		}
		for (s = 0; s < PROCINFO_NSIGSETS; s++) {
			if (ctx->json) {
				cmd_proc_sigset_json(&j, procinfo_sigset_key(s),
				    sigs[i].mask[s]);
				continue;
			}
			fprintf(f, "  %-6s %016" PRIx64 " ",
			    procinfo_sigset_field(s), sigs[i].mask[s]);
			cmd_proc_sigset_text(f, sigs[i].mask[s]);
			putc('\n', f);
		}
		if (ctx->json) {
			json_open(&j, "masks", '{');
			for (s = 0; s < PROCINFO_NSIGSETS; s++) {
				snprintf(mask, sizeof mask, "%016" PRIx64,
				    sigs[i].mask[s]);
				json_put_str(&j, procinfo_sigset_field(s),
				    mask);
			}
			json_close(&j);
			json_close(&j);
		}
	}
	if (ctx->json)
		json_end(&j);
	free(sigs);
	return CMD_OK;
}

/*
 * A snapshot's signal masks: each thread's from its saved task/TID/status
 * (by tid, as /proc/PID/task lists them); a snapshot saved before those
 * were kept has only the status of the thread it was read through.
 */
static int
cmd_signals_saved(struct cmd_ctx *ctx, const struct thread *t,
    struct procinfo_signals **out, size_t *count, char **errp)
{
	const struct thread *x;
	size_t n = 0;

	for (x = ctx->proc->threads; x != NULL; x = x->next)
		n++;
	*out = xcalloc(n, sizeof **out);
	*count = 0;
	for (x = ctx->proc->threads; x != NULL; x = x->next) {
		char name[64], *text;

		if (t != NULL && x != t)
			continue;
		snprintf(name, sizeof name, "task/%d/status", (int)x->tid);
		if ((text = snapshot_file(ctx->proc, name, NULL, NULL)) ==
		    NULL)
			continue;
		(*out)[*count].tid = x->tid;
		if (procinfo_parse_sigmasks(text, &(*out)[*count]) < 0) {
			set_error(errp, "%s/%s: no signal masks",
			    ctx->proc->snapshot, name);
			free(text);
			free(*out);
			return -1;
		}
		free(text);
		(*count)++;
	}
	if (*count > 0) {
		qsort(*out, *count, sizeof **out, cmd_signals_by_tid);
		return 0;
	}
	free(*out);
	return cmd_signals_saved_status(ctx, t, out, count, errp);
}

static int
cmd_signals_by_tid(const void *a, const void *b)
{
	const struct procinfo_signals *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* The masks of a snapshot with one status file: the thread it names. */
static int
cmd_signals_saved_status(struct cmd_ctx *ctx, const struct thread *t,
    struct procinfo_signals **out, size_t *count, char **errp)
{
	const char *pid;
	char *text;

	if ((text = snapshot_file(ctx->proc, "status", NULL, errp)) == NULL)
		return -1;
	*out = xcalloc(1, sizeof **out);
	*count = 1;
	pid = strstr(text, "\nPid:");
	(*out)->tid = pid != NULL ? (pid_t)atoi(pid + 5) : 0;
	if (procinfo_parse_sigmasks(text, *out) < 0 ||
	    (t != NULL && t->tid != (*out)->tid)) {
		if (t != NULL && t->tid != (*out)->tid)
			set_error(errp, "thread %d: not in this snapshot (it "
			    "has thread %d's status)", (int)t->tid,
			    (int)(*out)->tid);
		else
			set_error(errp, "%s/status: no signal masks",
			    ctx->proc->snapshot);
		free(*out);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static enum cmd_result
cmd_proc_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	const char *name = argc == 2 ? argv[1] : "";
	struct procinfo_file pf;
	FILE *f = ctx->out;
	struct json j;
	bool text;
	size_t i;

	if (cmd_proc_file(ctx, name, &pf, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, f, "proc");
		json_put_str(&j, "file", name);
	}
	if (pf.is_dir) {
		if (ctx->json)
			json_open(&j, "entries", '[');
		for (i = 0; i < pf.count; i++) {
			const struct procinfo_entry *e = &pf.entries[i];

			if (!ctx->json) {
				fprintf(f, "%s%s%s%s\n", e->name,
				    e->kind == 'd' ? "/" : "",
				    e->link != NULL ? " -> " : "",
				    e->link != NULL ? e->link : "");
				continue;
			}
			json_open(&j, NULL, '{');
			json_put_str(&j, "name", e->name);
			json_put_str(&j, "type", e->kind == 'd' ? "dir" :
			    e->kind == 'l' ? "link" : "file");
			json_put_str(&j, "target", e->link);
			json_close(&j);
		}
		if (ctx->json)
			json_end(&j);
		procinfo_file_free(&pf);
		return CMD_OK;
	}
	text = procinfo_is_text(pf.data, pf.len);
	if (ctx->json) {
		if (text)
			json_put_str(&j, "text", pf.data);
		else
			json_put_hex(&j, "hex", pf.data, pf.len);
		json_put_bool(&j, "truncated", pf.truncated);
		json_end(&j);
	} else if (text) {
		fputs(pf.data, f);
		if (pf.len > 0 && pf.data[pf.len - 1] != '\n')
			putc('\n', f);
	} else {
		hexdump_write(f, pf.data, pf.len);
	}
	if (!ctx->json && pf.truncated)
		fprintf(ctx->err != NULL ? ctx->err : stderr,
		    "proc: %s: only the first %u bytes shown\n", name,
		    PROCINFO_FILE_MAX);
	procinfo_file_free(&pf);
	return CMD_OK;
}

/*
 * status's line of times and usage; a snapshot saved before its times
 * were recorded (timed false) has no lifetime or CPU times.
 */
static void
cmd_proc_usage_text(FILE *f, const struct procinfo_status *st, bool timed)
{
	if (timed)
		fprintf(f, "  lifetime %" PRIu64 " ms; cpu user %" PRIu64
		    " ms, system %" PRIu64 " ms;", st->lifetime_ms,
		    st->utime_ms, st->stime_ms);
	else
		fputc(' ', f);
	fprintf(f, " peak RSS %" PRIu64 " kB; context switches %" PRIu64
	    " voluntary, %" PRIu64 " involuntary\n", st->peak_rss_kb,
	    st->vol_ctxt, st->nonvol_ctxt);
}

/*
 * What `status` adds on a snapshot, after what the core says (ppid, comm,
 * uid, gid): the saved argv, exe, cwd and status file's figures, and the
 * lifetime and CPU times when it was saved.
 */
static void
cmd_proc_status_saved(struct cmd_ctx *ctx, struct json *j)
{
	struct procinfo_status st;
	struct procinfo_strv args = { NULL, 0 };
	bool status, timed;
	char *exe, *cwd;
	FILE *f = ctx->out;
	size_t i;

	status = snapshot_status(ctx->proc, &st, &timed) == 0;
	cmd_proc_strv(ctx, "cmdline", &args, NULL);
	exe = cmd_proc_link(ctx, "exe", NULL);
	cwd = cmd_proc_link(ctx, "cwd", NULL);
	if (j != NULL) {
		json_put_str(j, "snapshot", ctx->proc->snapshot);
		cmd_proc_strv_json(j, "argv", &args);
		json_put_str(j, "exe", exe);
		json_put_str(j, "cwd", cwd);
		if (timed) {
			json_put_uint(j, "lifetime_ms", st.lifetime_ms);
			json_put_uint(j, "cpu_user_ms", st.utime_ms);
			json_put_uint(j, "cpu_system_ms", st.stime_ms);
		}
		if (status) {
			json_put_uint(j, "peak_rss_kb", st.peak_rss_kb);
			json_put_uint(j, "voluntary_ctxt_switches",
			    st.vol_ctxt);
			json_put_uint(j, "involuntary_ctxt_switches",
			    st.nonvol_ctxt);
		}
	} else {
		fprintf(f, "  snapshot %s\n  argv:", ctx->proc->snapshot);
		for (i = 0; i < args.count; i++)
			fprintf(f, " %s", args.v[i]);
		fprintf(f, "\n  exe: %s\n  cwd: %s\n", exe != NULL ? exe :
		    "?", cwd != NULL ? cwd : "?");
		if (status)
			cmd_proc_usage_text(f, &st, timed);
	}
	free(exe);
	free(cwd);
	procinfo_strv_free(&args);
}

/*
 * What `status` adds: members of its JSON object j, or with j NULL text
 * lines after its first line.
 */
void
cmd_proc_status(struct cmd_ctx *ctx, struct json *j)
{
	struct procinfo_status st;
	struct procinfo_strv args = { NULL, 0 };
	pid_t tid = proc_access_tid(ctx->proc);
	char *exe;
	FILE *f = ctx->out;
	size_t i;

	if (ctx->proc->snapshot != NULL) {
		cmd_proc_status_saved(ctx, j);
		return;
	}
	if (procinfo_status_read(ctx->proc->pid, tid, &st, NULL) < 0)
		return;
	procinfo_strv_read(tid, "cmdline", &args, NULL);
	exe = procinfo_link(tid, "exe", NULL);
	if (j != NULL) {
		json_put_int(j, "ppid", st.ppid);
		json_put_str(j, "comm", st.comm);
		cmd_proc_strv_json(j, "argv", &args);
		json_put_str(j, "exe", exe);
		json_put_uint(j, "uid", st.uid[0]);
		json_put_uint(j, "gid", st.gid[0]);
		json_put_uint(j, "lifetime_ms", st.lifetime_ms);
		json_put_uint(j, "cpu_user_ms", st.utime_ms);
		json_put_uint(j, "cpu_system_ms", st.stime_ms);
		json_put_uint(j, "peak_rss_kb", st.peak_rss_kb);
		json_put_uint(j, "voluntary_ctxt_switches", st.vol_ctxt);
		json_put_uint(j, "involuntary_ctxt_switches", st.nonvol_ctxt);
	} else {
		fprintf(f, "  ppid %d, comm %s, uid %u, gid %u\n", (int)st.ppid,
		    st.comm, st.uid[0], st.gid[0]);
		fputs("  argv:", f);
		for (i = 0; i < args.count; i++)
			fprintf(f, " %s", args.v[i]);
		fprintf(f, "\n  exe: %s\n", exe != NULL ? exe : "?");
		cmd_proc_usage_text(f, &st, true);
	}
	free(exe);
	procinfo_strv_free(&args);
}
