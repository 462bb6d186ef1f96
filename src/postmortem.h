/*
 * postmortem.h: a core file opened as a held process (see postmortem.c).
 */
#ifndef PTI_POSTMORTEM_H
#define PTI_POSTMORTEM_H

struct proc;

/*
 * Opens core_path (exe: the program's executable, for symbols when the
 * core's own path to it is gone; may be NULL) as a process whose threads
 * are held with the core's registers. NULL with *errp on bad input.
 */
struct proc *postmortem_open(const char *core_path, const char *exe,
    char **errp);
void postmortem_close(struct proc *p);

#endif
