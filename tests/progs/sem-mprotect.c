/*
 * sem-mprotect: mprotect in every direction between PROT_NONE, PROT_READ,
 * PROT_READ|PROT_WRITE, PROT_READ|PROT_EXEC and all three. After each
 * change the page faults exactly when it should (reads, writes, and a call
 * into a tiny function for PROT_EXEC), and the contents survive every
 * round trip. Also memory mapped PROT_NONE or executable from the start.
 */
#include "sem.h"

struct prot {
	int prot;
	const char *name;
	bool r, w, x;
};

static const struct prot prots[] = {
	{ PROT_NONE, "PROT_NONE", false, false, false },
	{ PROT_READ, "PROT_READ", true, false, false },
	{ PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE", true, true, false },
	{ PROT_READ | PROT_EXEC, "PROT_READ|PROT_EXEC", true, false, true },
	{ PROT_READ | PROT_WRITE | PROT_EXEC, "PROT_READ|PROT_WRITE|PROT_EXEC",
	  true, true, true },
	{ PROT_WRITE, "PROT_WRITE", true, true, false },	/* x86: W => R */
	{ PROT_EXEC, "PROT_EXEC", true, false, true },		/* X => R */
};
#define NPROTS (sizeof(prots) / sizeof(prots[0]))

/* mov eax, 0x5eed1234; ret */
static const unsigned char code[] = { 0xb8, 0x34, 0x12, 0xed, 0x5e, 0xc3 };
#define CODE_RESULT 0x5eed1234

static bool can_call(void *p);
static void expect_prot(const char *check, unsigned char *p,
    const struct prot *pr);
static void xmprotect(void *p, size_t len, const struct prot *pr);

int main(void)
{
	size_t pg = sem_page(), len = 4 * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);
	char check[160];

	for (size_t i = 0; i < NPROTS; i++) {
		for (size_t j = 0; j < NPROTS; j++) {
			xmprotect(p, len, &prots[2]);
			sem_fill(p, len, i * NPROTS + j + 1);
			memcpy(p, code, sizeof(code));
			xmprotect(p, len, &prots[i]);
			snprintf(check, sizeof(check), "access after "
				 "mprotect(%s)", prots[i].name);
			expect_prot(check, p, &prots[i]);
			xmprotect(p, len, &prots[j]);
			snprintf(check, sizeof(check), "access after "
				 "mprotect(%s) then mprotect(%s)",
				 prots[i].name, prots[j].name);
			expect_prot(check, p, &prots[j]);
			sem_expect_access(check, p + len - pg, prots[j].r,
					  prots[j].w);
			xmprotect(p, len, &prots[2]);
			snprintf(check, sizeof(check), "contents kept through "
				 "%s -> %s", prots[i].name, prots[j].name);
			sem_check(memcmp(p, code, sizeof(code)) == 0, check,
				  "the code bytes changed");
			sem_verify_at(check, p + sizeof(code),
				      len - sizeof(code), i * NPROTS + j + 1,
				      sizeof(code));
		}
	}
	sem_unmap(p, len);

	/* Born PROT_NONE: faults, then zeros once opened. */
	p = sem_map(len, PROT_NONE);
	expect_prot("mapped PROT_NONE", p, &prots[0]);
	xmprotect(p, len, &prots[2]);
	sem_expect_zero("PROT_NONE mapping opened reads zeros", p, len);
	sem_unmap(p, len);

	/* Born executable and writable, as a JIT would. */
	p = sem_map(len, PROT_READ | PROT_WRITE | PROT_EXEC);
	sem_expect_zero("RWX mapping reads zeros", p, len);
	memcpy(p + pg, code, sizeof(code));
	expect_prot("mapped PROT_READ|PROT_WRITE|PROT_EXEC", p + pg,
		    &prots[4]);
	xmprotect(p, len, &prots[3]);
	expect_prot("RWX mapping made PROT_READ|PROT_EXEC", p + pg,
		    &prots[3]);
	sem_unmap(p, len);
	return 0;
}

static sigjmp_buf call_env;

static void call_fault(int sig)
{
	siglongjmp(call_env, 1);
}

/* True when the code at p runs and returns its constant. */
static bool can_call(void *p)
{
	struct sigaction sa, osegv, obus;
	int (*fn)(void);
	volatile bool ok = false;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = call_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, &osegv);
	sigaction(SIGBUS, &sa, &obus);
	if (sigsetjmp(call_env, 1) == 0) {
		memcpy(&fn, &p, sizeof(fn));
		if (fn() != CODE_RESULT)
			sem_fail("executable page runs its code", "%p: "
				 "returned the wrong value", p);
		ok = true;
	}
	sigaction(SIGSEGV, &osegv, NULL);
	sigaction(SIGBUS, &obus, NULL);
	return ok;
}

static void expect_prot(const char *check, unsigned char *p,
    const struct prot *pr)
{
	sem_expect_access(check, p, pr->r, pr->w);
	if (pr->x)
		sem_check(can_call(p) == pr->x, check, "%p: %s", (void *)p,
			  pr->x ? "does not execute" : "executes");
	else if (pr->r && !pr->w)
		/* Without exec, a readable page must not run code. */
		sem_check(!can_call(p), check, "%p: executes without "
			  "PROT_EXEC", (void *)p);
}

static void xmprotect(void *p, size_t len, const struct prot *pr)
{
	if (mprotect(p, len, pr->prot) != 0)
		sem_fail("mprotect succeeds", "mprotect(%p, %zu, %s): %s", p,
			 len, pr->name, strerror(errno));
}
