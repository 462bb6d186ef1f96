/*
 * sem-memfd: a program that goes looking for the memfd behind its memory
 * (/proc/self/fd, /proc/self/map_files: links to "/memfd:...") and attacks
 * it: ftruncate to 0 and to half, new seals (F_SEAL_GROW, F_SEAL_WRITE,
 * ...), fallocate(PUNCH_HOLE) of the file ranges that back none of its
 * mappings. None of that may crash it (SIGBUS) or change its data, and its
 * memory must keep working afterwards, fork included. Natively there is no
 * such memfd and only the second half runs.
 */
#include "sem.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#define LEN ((size_t)8 << 20)
#define MAXFDS 64

static unsigned char *data;
static unsigned char *heap;

static int find_memfds(int *fds, int max);
static void attack(int fd);
static void punch_unused(int fd, ino_t ino, off_t size);
static void check_data(const char *check);

int main(void)
{
	int fds[MAXFDS], n;
	unsigned char *p;
	pid_t pid;

	sem_watchdog(240);
	data = sem_map(LEN, PROT_READ | PROT_WRITE);
	heap = malloc(LEN / 8);
	sem_check(heap != NULL, "malloc", "failed");
	sem_fill(data, LEN, 1);
	sem_fill(heap, LEN / 8, 2);

	n = find_memfds(fds, MAXFDS);
	for (int i = 0; i < n; i++) {
		attack(fds[i]);
		check_data("data intact after attacking the memfd");
		close(fds[i]);
	}

	/* Memory keeps working. */
	p = sem_map(8 * LEN, PROT_READ | PROT_WRITE);
	sem_expect_zero("fresh memory after the attack reads zeros", p,
			8 * LEN);
	sem_fill(p, 8 * LEN, 3);
	p = mremap(p, 8 * LEN, 16 * LEN, MREMAP_MAYMOVE);
	sem_check(p != MAP_FAILED, "mremap after the attack", "%s",
		  strerror(errno));
	sem_verify("mremap after the attack keeps the bytes", p, 8 * LEN, 3);
	sem_expect_zero("mremap after the attack grows with zeros",
			p + 8 * LEN, 8 * LEN);
	pid = sem_fork();
	if (pid == 0) {
		check_data("child's data after the attack");
		sem_fill(data, LEN, 4);
		_exit(0);
	}
	sem_wait_status(pid, 0, "child after the attack passes");
	check_data("data intact at the end");
	sem_unmap(p, 16 * LEN);
	sem_leave_marker();
	return 0;
}

/* Descriptors for every memfd we can see. */
static int find_memfds(int *fds, int max)
{
	static const char *dirs[] = { "/proc/self/fd", "/proc/self/map_files" };
	int n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		if (!d)
			continue;
		while ((de = readdir(d)) != NULL && n < max) {
			char path[512], target[512];
			ssize_t len;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i],
				 de->d_name);
			len = readlink(path, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			if (!strstr(target, "/memfd:"))
				continue;
			int fd = open(path, O_RDWR);
			if (fd < 0)
				fd = open(path, O_RDONLY);
			if (fd >= 0)
				fds[n++] = fd;
		}
		closedir(d);
	}
	return n;
}

static void attack(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return;
	/* Shrinking would SIGBUS every mapping of it: must be refused. */
	(void)!ftruncate(fd, 0);
	check_data("data intact after ftruncate(memfd, 0)");
	(void)!ftruncate(fd, st.st_size / 2);
	check_data("data intact after ftruncate(memfd, half)");
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_GROW);
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE);
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
	check_data("data intact after adding seals");
	punch_unused(fd, st.st_ino, st.st_size);
}

/* Punches every file range of the memfd that none of our mappings use. */
static void punch_unused(int fd, ino_t ino, off_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	off_t used[256][2];
	int n = 0;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n < 256) {
		unsigned long start, end, off, inode;

		if (sscanf(line, "%lx-%lx %*s %lx %*s %lu", &start, &end, &off,
			   &inode) != 4 || inode != (unsigned long)ino)
			continue;
		used[n][0] = (off_t)off;
		used[n][1] = (off_t)(off + (end - start));
		n++;
	}
	fclose(f);
	/* Walk the file in 64 MiB steps, punching what no mapping uses. */
	off_t step = (off_t)64 << 20, limit = size < ((off_t)1 << 40) ? size :
		((off_t)1 << 40);
	for (off_t a = 0; a < limit; a += step) {
		bool busy = false;

		for (int i = 0; i < n && !busy; i++)
			busy = used[i][0] < a + step && used[i][1] > a;
		if (!busy)
			(void)fallocate(fd, FALLOC_FL_PUNCH_HOLE |
					FALLOC_FL_KEEP_SIZE, a, step);
	}
}

/* Reads every page first through a probe, so a SIGBUS is a clear failure. */
static void check_data(const char *check)
{
	size_t pg = sem_page();

	for (size_t off = 0; off < LEN; off += pg)
		sem_check(sem_can_read(data + off), check, "reading %p faults "
			  "(signal %d)", (void *)(data + off), (int)sem_probe_sig);
	sem_verify(check, data, LEN, 1);
	sem_verify(check, heap, LEN / 8, 2);
}
