/*
 * sem-data-limit: where RLIMIT_DATA stops each way of growing private
 * writable memory, to the page. Under a 32 MiB limit it grows, 1 MiB at
 * a time then a page at a time, until refused, and prints how many pages
 * it got: by mmap, by sbrk, by mremap (MREMAP_MAYMOVE), by mprotect
 * adding PROT_WRITE to a PROT_READ and to a PROT_NONE mapping (writable
 * private memory is data), and by private writable mappings of a file
 * (without MAP_FIXED) while it holds 16 MiB of anonymous memory; then
 * by mmap again with the soft limit 0 (the hard one then applies). The
 * PROT_NONE mapping is grown by a thread started before the limit was
 * set. With --limit-from-parent, the limit is set by its parent
 * (prlimit(2) on it, while it waits) rather than by itself; with
 * --drop-privileges (root only, else it skips), it becomes nobody
 * (setresuid(2), every thread) before it sets the limit.
 * tests/datalimit.t requires the same numbers under ptinspect as
 * natively; the program itself checks that each stop was ENOMEM (sbrk:
 * the break did not move) and came at the limit, give or take what the
 * program had before (and what it holds). On stderr, how much writable memfd
 * memory it had at each limit (ptinspect's redirected memory).
 */
#include "sem.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>

#define MIB ((size_t)1 << 20)
#define LIMIT (32 * MIB)
#define ROOM (2 * LIMIT)

static size_t pg;

/* Grows by steps of `step` while grow(len + step) works; returns len. */
static size_t grow_by(size_t len, size_t step, bool (*grow)(size_t))
{
	while (len + step <= ROOM && grow(len + step))
		len += step;
	return len;
}

/*
 * Writable memfd mappings in /proc/self/maps, in KiB: under ptinspect,
 * the redirected memory (natively 0). Printed to stderr for the test.
 */
static size_t shared_kb(void)
{
	static char buf[1 << 16];
	char *line, *save, perms[8];
	unsigned long start, end;
	size_t kb = 0, len = 0;
	ssize_t n;
	int fd = open("/proc/self/maps", O_RDONLY);

	/* No stdio here: at the limit it cannot allocate its buffer. */
	if (fd < 0)
		sem_fail("maps", "/proc/self/maps: %s", strerror(errno));
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    strcmp(perms, "rw-s") == 0 && strstr(line, "memfd:"))
			kb += (end - start) / 1024;
	return kb;
}

/* Stops growing by `grow` at the limit, less what it holds (`held`). */
static size_t measure(const char *what, bool (*grow)(size_t), size_t held)
{
	size_t len = grow_by(grow_by(0, MIB, grow), pg, grow);
	int err = errno;

	dprintf(2, "redirected at the %s limit: %zu kB\n", what, shared_kb());
	errno = err;

	if (errno != ENOMEM)
		sem_fail(what, "refused with %s, expected ENOMEM",
			 strerror(errno));
	if (len > LIMIT - held || len < LIMIT - held - 8 * MIB)
		sem_fail(what, "stopped at %zu pages of %zu", len / pg,
			 LIMIT / pg);
	printf("%s: %zu pages\n", what, len / pg);
	return len;
}

/* mmap: pieces mapped so far make up `mapped` bytes. */
static size_t mapped;
static unsigned char *pieces[ROOM / 4096];
static size_t piece_len[ROOM / 4096], npieces;

static bool grow_mmap(size_t len)
{
	void *p = mmap(NULL, len - mapped, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return false;
	memset(p, 1, len - mapped);
	pieces[npieces] = p;
	piece_len[npieces++] = len - mapped;
	mapped = len;
	return true;
}

static unsigned char *brk0;

static bool grow_sbrk(size_t len)
{
	unsigned char *cur = sbrk(0);

	errno = 0;
	if (sbrk((intptr_t)(brk0 + len - cur)) == (void *)-1) {
		if (sbrk(0) != cur)
			sem_fail("sbrk", "a refused sbrk moved the break");
		return false;
	}
	memset(cur, 1, (size_t)(brk0 + len - cur));
	return true;
}

static unsigned char *remapped;
static size_t remapped_len;

static bool grow_mremap(size_t len)
{
	void *p = mremap(remapped, remapped_len, len, MREMAP_MAYMOVE);

	if (p == MAP_FAILED)
		return false;
	remapped = p;
	memset(remapped + remapped_len, 1, len - remapped_len);
	remapped_len = len;
	return true;
}

static unsigned char *reserved;

/* Private writable mappings of a file: data as much as anonymous ones. */
static int file_fd;

static bool grow_file(size_t len)
{
	unsigned char *p = mmap(NULL, len - mapped, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, file_fd, (off_t)mapped);

	if (p == MAP_FAILED)
		return false;
	p[0] = 1;
	pieces[npieces] = p;
	piece_len[npieces++] = len - mapped;
	mapped = len;
	return true;
}

static void unmap_pieces(void)
{
	while (npieces > 0) {
		npieces--;
		sem_unmap(pieces[npieces], piece_len[npieces]);
	}
	mapped = 0;
}

static bool grow_mprotect(size_t len)
{
	if (mprotect(reserved, len, PROT_READ | PROT_WRITE) != 0)
		return false;
	memset(reserved, 1, len);
	return true;
}

/* The other thread: measures "mprotect none" when told, on `go`. */
static int go[2], done[2];

static void *helper(void *arg)
{
	(void)arg;
	sem_recv(go[0]);
	measure("mprotect none", grow_mprotect, 0);
	sem_send(done[1]);
	return NULL;
}

/*
 * --limit-from-parent: the limit comes from the parent, which then waits
 * for this process (the child) and exits as it did.
 */
static void limit_from_parent(const struct rlimit *rl)
{
	int ready[2], status;
	pid_t pid;

	sem_syscall_ok(pipe(ready), "pipe", "ready");
	pid = sem_fork();
	if (pid == 0) {
		sem_recv(ready[0]);
		return;
	}
	sem_syscall_ok(prlimit(pid, RLIMIT_DATA, rl, NULL), "prlimit",
		       "the child's DATA");
	sem_send(ready[1]);
	if (waitpid(pid, &status, 0) != pid)
		sem_fail("waitpid", "%s", strerror(errno));
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { LIMIT, LIMIT };
	bool from_parent = argc > 1 &&
	    strcmp(argv[1], "--limit-from-parent") == 0;
	bool drop = argc > 1 && strcmp(argv[1], "--drop-privileges") == 0;
	pthread_attr_t attr;
	pthread_t thread;

	sem_watchdog(60);
	setvbuf(stdout, NULL, _IONBF, 0);
	pg = sem_page();
	if (from_parent)
		limit_from_parent(&rl);
	sem_syscall_ok(pipe(go), "pipe", "go");
	sem_syscall_ok(pipe(done), "pipe", "done");
	/* A small stack: data as well, it counts against the limit. */
	sem_check(pthread_attr_init(&attr) == 0 &&
		  pthread_attr_setstacksize(&attr, 256 * 1024) == 0 &&
		  pthread_create(&thread, &attr, helper, NULL) == 0,
		  "pthread_create", "the helper thread");
	/* After the thread's malloc: the heap is the program's from here. */
	brk0 = sbrk(0);
	if (drop && getuid() != 0)
		sem_skip("--drop-privileges: not root");
	if (drop)
		sem_syscall_ok(setresuid(65534, 65534, 65534), "setresuid",
			       "nobody");
	if (!from_parent)
		sem_syscall_ok(setrlimit(RLIMIT_DATA, &rl), "setrlimit",
			       "DATA");

	measure("mmap", grow_mmap, 0);
	unmap_pieces();

	measure("sbrk", grow_sbrk, 0);
	if (brk(brk0) != 0)
		sem_fail("brk", "back to the start: %s", strerror(errno));

	remapped = sem_map(pg, PROT_READ | PROT_WRITE);
	remapped_len = pg;
	measure("mremap", grow_mremap, 0);
	sem_unmap(remapped, remapped_len);

	reserved = sem_map(ROOM, PROT_READ);
	measure("mprotect read-only", grow_mprotect, 0);
	sem_unmap(reserved, ROOM);

	reserved = sem_map(ROOM, PROT_NONE);
	sem_send(go[1]);
	sem_recv(done[0]);
	pthread_join(thread, NULL);
	sem_unmap(reserved, ROOM);

	/* 16 MiB held (redirected under ptinspect), then a file's pages. */
	reserved = sem_map(LIMIT / 2, PROT_READ | PROT_WRITE);
	memset(reserved, 1, LIMIT / 2);
	file_fd = memfd_create("sem-data-limit", MFD_CLOEXEC);
	sem_syscall_ok(file_fd, "memfd_create", "file");
	sem_syscall_ok(ftruncate(file_fd, ROOM), "ftruncate", "file");
	measure("file mmap", grow_file, LIMIT / 2);
	unmap_pieces();
	close(file_fd);
	sem_unmap(reserved, LIMIT / 2);

	/* A soft limit of 0: the hard one applies (the kernel's Valgrind
	 * workaround in may_expand_vm). */
	rl.rlim_cur = 0;
	sem_syscall_ok(setrlimit(RLIMIT_DATA, &rl), "setrlimit", "DATA 0");
	measure("mmap, soft limit 0", grow_mmap, 0);
	unmap_pieces();
	return 0;
}
