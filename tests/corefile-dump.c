/*
 * corefile-dump: the core file reader and unwinder end to end, for
 * tests/corefile.t to compare with gdb, eu-readelf and eu-stack. Prints
 * one fact a line:
 *
 *	corefile-dump CORE			warnings, psinfo, siginfo,
 *						auxv, threads with registers,
 *						regions (maps format)
 *	corefile-dump -s ADDR CORE		the string at ADDR
 *	corefile-dump -x ADDR -n LEN CORE	LEN bytes at ADDR in hex
 *	corefile-dump -b [-e EXE] CORE		every thread's backtrace
 *
 * An error is "corefile-dump: MESSAGE" on stderr and exit status 1.
 */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corefile.h"
#include "coreunwind.h"
#include "util.h"

static void dump(const struct corefile *cf);
static void dump_bt(const struct corefile *cf, const char *exe);

int
main(int argc, char **argv)
{
	struct corefile *cf;
	const char *exe = NULL;
	uint64_t addr = 0;
	size_t len = 0;
	char *err = NULL;
	int c, mode = 'd', rc = 0;

	while ((c = getopt(argc, argv, "be:n:s:x:")) != -1) {
		switch (c) {
		case 'b': mode = 'b'; break;
		case 'e': exe = optarg; break;
		case 'n': len = strtoul(optarg, NULL, 0); break;
		case 's': case 'x':
			mode = c;
			addr = strtoull(optarg, NULL, 0);
			break;
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: corefile-dump [-b] [-e EXE] "
		    "[-s ADDR | -x ADDR -n LEN] CORE\n");
		return 2;
	}
	if (corefile_open(argv[optind], &cf, &err) < 0) {
		fprintf(stderr, "corefile-dump: %s\n", err);
		free(err);
		return 1;
	}
	if (mode == 'd') {
		dump(cf);
	} else if (mode == 'b') {
		dump_bt(cf, exe);
	} else if (mode == 's' || mode == 'x') {
		char *buf;
		size_t i;

		if (mode == 's')
			len = 4096;
		buf = xcalloc(1, len + 1);
		/* A string may end before its page: shrink to what is mapped. */
		while (corefile_read(cf, addr, buf, len, &err) < 0) {
			if (mode == 'x' || len <= 1) {
				fprintf(stderr, "corefile-dump: %s\n", err);
				rc = 1;
				break;
			}
			free(err);
			err = NULL;
			len /= 2;
		}
		if (rc == 0 && mode == 's')
			printf("%s\n", buf);
		else if (rc == 0) {
			for (i = 0; i < len; i++)
				printf("%02x", (unsigned char)buf[i]);
			putchar('\n');
		}
		free(buf);
		free(err);
	}
	corefile_close(cf);
	return rc;
}

static void
dump(const struct corefile *cf)
{
	const struct user_regs_struct *r;
	uint64_t v;
	char *s;
	size_t i;

	for (i = 0; i < cf->nwarnings; i++)
		printf("warning %s\n", cf->warnings[i]);
	if (cf->psinfo.present)
		printf("psinfo pid=%d ppid=%d uid=%u gid=%u state=%c "
		    "fname=%s psargs=%s\n", (int)cf->psinfo.pid,
		    (int)cf->psinfo.ppid, (unsigned)cf->psinfo.uid,
		    (unsigned)cf->psinfo.gid, cf->psinfo.state,
		    cf->psinfo.fname, cf->psinfo.psargs);
	if (cf->siginfo.present)
		printf("siginfo signo=%d code=%d addr=0x%" PRIx64 "\n",
		    cf->siginfo.signo, cf->siginfo.code, cf->siginfo.addr);
	if (corefile_auxv(cf, AT_ENTRY, &v))
		printf("auxv entry=0x%" PRIx64 "\n", v);
	if ((s = corefile_execfn(cf)) != NULL)
		printf("auxv execfn=%s\n", s);
	free(s);
	for (i = 0; i < cf->nthreads; i++) {
		r = &cf->threads[i].regs;
		printf("thread %d cursig=%d rax=%llu rbx=%llu rcx=%llu "
		    "rdx=%llu rsi=%llu rdi=%llu rbp=%llu rsp=%llu r8=%llu "
		    "r9=%llu r10=%llu r11=%llu r12=%llu r13=%llu r14=%llu "
		    "r15=%llu rip=%llu eflags=%llu cs=%llu ss=%llu ds=%llu "
		    "es=%llu fs=%llu gs=%llu fs_base=%llu gs_base=%llu\n",
		    (int)cf->threads[i].tid, cf->threads[i].cursig,
		    r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp,
		    r->rsp, r->r8, r->r9, r->r10, r->r11, r->r12, r->r13,
		    r->r14, r->r15, r->rip, r->eflags, r->cs, r->ss, r->ds,
		    r->es, r->fs, r->gs, r->fs_base, r->gs_base);
	}
	for (i = 0; i < cf->maps.count; i++) {
		const struct region *g = &cf->maps.regions[i];

		printf("region %" PRIx64 "-%" PRIx64 " %s %08" PRIx64
		    " 00:00 0 %s\n", g->start, g->end, g->perms, g->offset,
		    g->name);
	}
}

static void
dump_bt(const struct corefile *cf, const char *exe)
{
	struct coreunwind bt;
	char *err = NULL;
	size_t i, j;

	if (coreunwind(cf, exe, 256, &bt, &err) < 0) {
		fprintf(stderr, "corefile-dump: %s\n", err);
		free(err);
		exit(1);
	}
	for (i = 0; i < bt.nmissing; i++)
		printf("missing %s\n", bt.missing[i]);
	for (i = 0; i < bt.count; i++) {
		const struct coreunwind_thread *t = &bt.threads[i];

		printf("TID %d:\n", (int)t->tid);
		for (j = 0; j < t->count; j++) {
			const struct coreunwind_frame *f = &t->frames[j];

			printf("#%-2zu 0x%016" PRIx64 " %s+0x%" PRIx64
			    " %s %s:%d\n", j, f->pc,
			    f->function ? f->function : "??", f->offset,
			    f->module ? f->module : "??",
			    f->file ? f->file : "??", f->line);
		}
		if (t->error != NULL)
			printf("# stopped: %s\n", t->error);
	}
	coreunwind_free(&bt);
}
