/*
 * sem-stub-jit: code the program places at 0x70000000, where ptinspect's
 * mmap stub goes where there is no room above the stack
 * (src/stub-layout.h), makes its own mmap calls. ptinspect's filter once
 * let mmap made from those addresses through untraced; it knows its own
 * calls by a tag now, wherever they are made. The call: a MAP_FIXED
 * mapping over redirected memory (filled with 'A'), which must then read
 * zeros, keep the 'B' written to it, and keep both through an mremap that
 * grows it far (past any room its memfd slot had) and through a fork.
 */
#include "sem.h"

#define STUB_ADDR ((void *)0x70000000)
#define LEN ((size_t)64 * 1024)
#define GROWN ((size_t)64 << 20)

typedef long (*mmap_fn)(long, long, long, long, long, long);

/* mov %rcx,%r10; mov $SYS_mmap,%eax; syscall; ret */
static const unsigned char mmap_code[] = {
	0x49, 0x89, 0xca, 0xb8, 0x09, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3,
};

static void expect_b_then_zeros(const char *check, const unsigned char *p,
				size_t len)
{
	sem_check(p[0] == 'B', check, "byte 0 is 0x%02x, expected 'B'", p[0]);
	sem_expect_zero(check, p + 1, len - 1);
}

int main(void)
{
	unsigned char *code, *r, *grown;
	char *heap = malloc(100);
	mmap_fn jit_mmap;
	pid_t pid;
	long got;

	sem_watchdog(60);
	if (heap == NULL)
		sem_fail("malloc", "no heap");
	r = sem_map(LEN, PROT_READ | PROT_WRITE);
	memset(r, 'A', LEN);
	code = mmap(STUB_ADDR, sem_page(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(code == STUB_ADDR, "code at 0x70000000", "got %p",
		  (void *)code);
	memcpy(code, mmap_code, sizeof(mmap_code));
	sem_syscall_ok(mprotect(code, sem_page(), PROT_READ | PROT_EXEC),
		       "mprotect", "code executable");
	jit_mmap = (mmap_fn)(void *)code;
	got = jit_mmap((long)r, (long)LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(got == (long)r, "mmap from 0x70000000 lands", "got %ld",
		  got);
	sem_expect_zero("MAP_FIXED from 0x70000000 gives zeros", r, LEN);
	r[0] = 'B';
	expect_b_then_zeros("the new mapping keeps what is written", r, LEN);
	grown = mremap(r, LEN, GROWN, MREMAP_MAYMOVE);
	sem_check(grown != MAP_FAILED, "mremap grows it", "%s",
		  strerror(errno));
	expect_b_then_zeros("grown by mremap, it still holds 'B'", grown,
			    GROWN);
	pid = sem_fork();
	if (pid == 0) {
		expect_b_then_zeros("the fork child sees 'B'", grown, GROWN);
		grown[0] = 'C';
		_exit(3);
	}
	sem_wait_status(pid, 3, "fork child");
	expect_b_then_zeros("the parent keeps 'B'", grown, GROWN);
	sem_unmap(grown, GROWN);
	free(heap);
	return 0;
}
