/*
 * sem-vmflags: what a program sets on its memory by madvise and mlock
 * stays when the memory is made executable or sealed. Under ptinspect
 * both turn redirected memory back into private memory (redirect.c,
 * redirect_make_private): a copy moved over the range, which must carry
 * the mapping's VmFlags (smaps) with it, as the kernel keeps them
 * natively: locked ("lo", "lf" with MLOCK_ONFAULT, and VmLck), not dumped
 * ("dd"), huge pages or not ("hg", "nh"), the read-ahead hints ("rr",
 * "sr") and KSM's "mg". The kernel sets "mg" on private memory only,
 * so redirected memory never has it (KSM does not merge it), and only
 * the natively run program checks it is kept.
 * Three mappings: 1 MiB locked, not dumped, huge pages, random access,
 * made executable; 256 KiB locked on fault, no huge pages, sequential,
 * sealed (or made executable where the kernel has no mseal); 512 KiB
 * whose second half only is not dumped, made executable whole, so each
 * half keeps its own. Exits 77 where mlock is refused (RLIMIT_MEMLOCK).
 */
#include "sem.h"

#include <sys/syscall.h>

#define NR_mseal 462

/* The VmFlags that madvise and mlock set, as smaps names them. */
static const char *const advised[] = {
	"lo", "lf", "dd", "hg", "nh", "mg", "rr", "sr",
};
#define NADVISED (sizeof advised / sizeof advised[0])

/*
 * The advised VmFlags of the mapping holding p, in the order of
 * `advised`, space-separated, into out.
 */
static void advice_of(const void *p, char *out, size_t size)
{
	char line[512];
	unsigned long start, end;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	sem_check(f != NULL, "open smaps", "%s", strerror(errno));
	out[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			in = (uintptr_t)p >= start && (uintptr_t)p < end;
			continue;
		}
		if (!in || strncmp(line, "VmFlags:", 8) != 0)
			continue;
		for (size_t i = 0; i < NADVISED; i++) {
			char word[5];

			snprintf(word, sizeof word, " %s ", advised[i]);
			line[strcspn(line, "\n")] = ' ';
			if (strstr(line + 7, word) != NULL) {
				strncat(out, advised[i], size - strlen(out) - 1);
				strncat(out, " ", size - strlen(out) - 1);
			}
		}
	}
	fclose(f);
}

static void advise(void *p, size_t len, int advice, const char *name)
{
	sem_check(madvise(p, len, advice) == 0, name, "madvise: %s",
		  strerror(errno));
}

/* The advice of p before and after `how`, which must keep it. */
static void expect_kept(const char *how, const void *p, const char *before)
{
	char after[64], check[128];

	advice_of(p, after, sizeof after);
	snprintf(check, sizeof check, "VmFlags kept by %s", how);
	sem_check(strcmp(before, after) == 0, check, "\"%s\" became \"%s\"",
		  before, after);
}

int main(void)
{
	size_t big = (size_t)1 << 20, mid = (size_t)256 << 10,
	       split = (size_t)512 << 10;
	unsigned char *a = sem_map(big, PROT_READ | PROT_WRITE);
	unsigned char *b = sem_map(mid, PROT_READ | PROT_WRITE);
	unsigned char *c = sem_map(split, PROT_READ | PROT_WRITE);
	char before_a[64], before_b[64], before_c1[64], before_c2[64];
	long lck;

	sem_fill(a, big, 1);
	sem_fill(b, mid / 2, 2);
	sem_fill(c, split, 3);
	if (mlock(a, big) != 0)
		sem_skip("mlock of 1 MiB: %s", strerror(errno));
	if (syscall(SYS_mlock2, b, mid, MLOCK_ONFAULT) != 0)
		sem_skip("mlock2(MLOCK_ONFAULT): %s", strerror(errno));
	advise(a, big, MADV_DONTDUMP, "MADV_DONTDUMP");
	advise(a, big, MADV_HUGEPAGE, "MADV_HUGEPAGE");
	advise(a, big, MADV_RANDOM, "MADV_RANDOM");
	/* Without KSM in the kernel, or on shared memory: no "mg". */
	(void)madvise(a, big, MADV_MERGEABLE);
	advise(b, mid, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
	advise(b, mid, MADV_SEQUENTIAL, "MADV_SEQUENTIAL");
	advise(c + split / 2, split / 2, MADV_DONTDUMP, "MADV_DONTDUMP half");

	advice_of(a, before_a, sizeof before_a);
	advice_of(b, before_b, sizeof before_b);
	advice_of(c, before_c1, sizeof before_c1);
	advice_of(c + split / 2, before_c2, sizeof before_c2);
	sem_check(strcmp(before_a, "lo dd hg mg rr ") == 0 ||
		  strcmp(before_a, "lo dd hg rr ") == 0, "the advice is set",
		  "\"%s\"", before_a);
	sem_check(strcmp(before_b, "lo lf nh sr ") == 0,
		  "the advice on fault is set", "\"%s\"", before_b);
	lck = sem_status_kb("VmLck");

	sem_syscall_ok(mprotect(a, big, PROT_READ | PROT_EXEC), "mprotect",
		       "PROT_READ|PROT_EXEC of the 1 MiB");
	expect_kept("mprotect(PROT_EXEC)", a, before_a);
	if (syscall(NR_mseal, b, mid, 0) == 0)
		expect_kept("mseal", b, before_b);
	else {
		sem_syscall_ok(mprotect(b, mid, PROT_READ | PROT_EXEC),
			       "mprotect", "PROT_READ|PROT_EXEC of 256 KiB");
		expect_kept("mprotect(PROT_EXEC)", b, before_b);
	}
	sem_syscall_ok(mprotect(c, split, PROT_READ | PROT_EXEC), "mprotect",
		       "PROT_READ|PROT_EXEC of the 512 KiB");
	expect_kept("mprotect(PROT_EXEC), first half", c, before_c1);
	expect_kept("mprotect(PROT_EXEC), second half", c + split / 2,
		    before_c2);
	sem_check(sem_status_kb("VmLck") == lck, "VmLck kept",
		  "%ld kB became %ld kB", lck, sem_status_kb("VmLck"));

	sem_verify("1 MiB kept", a, big, 1);
	sem_verify("256 KiB kept", b, mid / 2, 2);
	sem_expect_zero("256 KiB untouched half", b + mid / 2, mid / 2);
	sem_verify("512 KiB kept", c, split, 3);
	sem_leave_marker();
	return 0;
}
