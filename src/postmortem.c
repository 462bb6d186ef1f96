/*
 * postmortem.c: a process that is gone, read back from its core file
 * (ptinspect's gcore, gdb's, or the kernel's) as a struct proc that the
 * commands take like a held one: threads with the registers the core
 * holds, p->core for mem.c (memory and regions) and unwind.c (backtraces
 * by libdwfl). Nothing here reads /proc: the pid is the dead process's
 * and may belong to another one now.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corefile.h"
#include "coreunwind.h"
#include "postmortem.h"
#include "symbols.h"
#include "task.h"
#include "util.h"

struct proc *
postmortem_open(const char *core_path, const char *exe, char **errp)
{
	struct corefile *cf;
	struct thread **tail;
	struct proc *p;
	size_t i;

	if (corefile_open(core_path, &cf, errp) < 0)
		return NULL;
	if (cf->nthreads == 0) {
		corefile_close(cf);
		set_error(errp, "%s: no thread in the core (no NT_PRSTATUS)",
		    core_path);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->core = cf;
	p->core_exe = exe != NULL ? xstrdup(exe) : NULL;
	p->pid = cf->psinfo.present ? cf->psinfo.pid : cf->threads[0].tid;
	p->parent_pid = cf->psinfo.present ? cf->psinfo.ppid : 0;
	p->execed = true;
	p->state = PROC_PAUSED;
	snprintf(p->comm, sizeof(p->comm), "%s",
	    cf->psinfo.present ? cf->psinfo.fname : "");
	/* The thread that got the signal comes first in the notes. */
	p->signal = cf->siginfo.present ? cf->siginfo.signo :
	    cf->threads[0].cursig;
	p->reason = p->signal != 0 ? PAUSE_SIGNAL : PAUSE_NONE;
	if (cf->siginfo.present && (p->signal == SIGSEGV ||
	    p->signal == SIGBUS || p->signal == SIGFPE ||
	    p->signal == SIGILL)) {
		p->has_fault_addr = true;
		p->fault_addr = cf->siginfo.addr;
	}
	p->paused_tid = cf->threads[0].tid;
	tail = &p->threads;
	for (i = 0; i < cf->nthreads; i++) {
		struct thread *t = xcalloc(1, sizeof(*t));

		t->tid = cf->threads[i].tid;
		t->proc = p;
		t->stopped = true;
		t->regs_valid = true;
		t->regs = cf->threads[i].regs;
		*tail = t;
		tail = &t->next;
		p->nthreads++;
	}
	for (i = 0; i < cf->nwarnings; i++)
		warnx_msg("%s", cf->warnings[i]);
	return p;
}

void
postmortem_close(struct proc *p)
{
	struct thread *t, *next;

	if (p == NULL)
		return;
	for (t = p->threads; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	symbols_free(p->core_syms);
	if (p->core_bt != NULL)
		coreunwind_free(p->core_bt);
	free(p->core_bt);
	corefile_close(p->core);
	free(p->core_exe);
	free(p->snapshot);
	free(p);
}
