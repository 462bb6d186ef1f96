/*
 * output: writes a fixed, deterministic stream to stdout and stderr, to
 * compare a run under ptinspect with a native one byte for byte: 5000
 * numbered lines through stdio, every byte value 0..255, 1 MiB written
 * with write(2) (partial writes handled), a few stderr lines between, and
 * a last stdout line without a newline. Exits 0, or 1 if a write fails.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BIG_SIZE (1024 * 1024)

static int write_all(int fd, const char *buf, size_t len);

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(void)
{
	static char big[BIG_SIZE];
	char bytes[256];
	size_t i;

	for (i = 0; i < 5000; i++)
		printf("line %zu of stdout: %08zx %s\n", i, i * 2654435761u,
		       i % 7 ? "tick" : "tock");
	fputs("stderr: after the numbered lines\n", stderr);
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)i;
	fwrite(bytes, 1, sizeof(bytes), stdout);
	if (fflush(stdout) != 0)
		return 1;

	for (i = 0; i < BIG_SIZE; i++)
		big[i] = "0123456789abcdef\n"[(i * 7) % 17];
	if (write_all(STDOUT_FILENO, big, BIG_SIZE) != 0)
		return 1;
	if (write_all(STDERR_FILENO, "stderr: raw write\n", 18) != 0)
		return 1;

	fprintf(stderr, "stderr: %s\n", strerror(2));
	fputs("the end, no newline", stdout);
	return fflush(stdout) != 0;
}
