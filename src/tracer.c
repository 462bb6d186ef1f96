/* tracer.c: placeholder while the tracer is written; see tracer.h. */
#include "config.h"
#include <stdlib.h>
#include "tracer.h"
#include "util.h"

struct tracer *tracer_spawn(const struct tracer_opts *o, char *const a[], int *e) { *e = 125; return NULL; }
int tracer_poll(struct tracer *tr, int t) { return -1; }
int tracer_event_fd(struct tracer *tr) { return -1; }
struct proc *tracer_next_paused(struct tracer *tr) { return NULL; }
struct proc *tracer_root(struct tracer *tr) { return NULL; }
struct proc *tracer_procs(struct tracer *tr) { return NULL; }
struct proc *tracer_find_proc(struct tracer *tr, pid_t pid) { return NULL; }
struct thread *tracer_find_thread(struct proc *p, pid_t tid) { return NULL; }
struct thread *proc_main_thread(struct proc *p) { return NULL; }
pid_t proc_access_tid(struct proc *p) { return p->pid; }
int thread_get_regs(struct thread *t, struct user_regs_struct *r, char **e) { return set_error(e, "no tracer"); }
int thread_set_regs(struct thread *t, const struct user_regs_struct *r, char **e) { return set_error(e, "no tracer"); }
int tracer_continue(struct tracer *tr, struct proc *p, char **e) { return set_error(e, "no tracer"); }
int tracer_kill(struct tracer *tr, struct proc *p, char **e) { return set_error(e, "no tracer"); }
int tracer_finish(struct tracer *tr) { return 125; }
void tracer_destroy(struct tracer *tr) { }
bool tracer_uses_seccomp(struct tracer *tr) { return false; }
const char *proc_state_name(const struct proc *p) { return "running"; }
