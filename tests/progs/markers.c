/*
 * markers: writes a distinctive marker into each kind of memory a user
 * inspects, prints where, and exits (exit_group) with all of them intact:
 *
 *	PTI-ANON-MARKER   anonymous private mmap, 0x100 into a 64 KiB mapping
 *	PTI-HEAP-MARKER   a malloc'd block (on the brk heap)
 *	PTI-STACK-MARKER  a buffer in main's frame
 *	PTI-DATA-MARKER   an initialised global (.data)
 *
 * Output: one line per marker, "anon 0x...", "heap 0x...", "stack 0x...",
 * "data 0x...". The markers exist nowhere else in memory: the program holds
 * them XOR-encoded and decodes them straight into place (the key is
 * volatile so the compiler cannot fold the plain text into the binary).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MARKER_KEY_INIT 0x5a
#define ANON_SIZE (64 * 1024)
#define ANON_OFFSET 0x100

static volatile unsigned char marker_key = MARKER_KEY_INIT;

/* In .data, not .bss: the initialiser is not all zeros. */
static char data_marker[32] = { 1 };

static __attribute__((noinline)) void marker_put(char *dst, const char *enc,
						 size_t len);
static void marker_encode(char *buf, const char *plain);

/* Decodes an encoded marker of len bytes into dst, NUL-terminated. */
static __attribute__((noinline)) void marker_put(char *dst, const char *enc,
						 size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = (char)(enc[i] ^ marker_key);
	dst[len] = '\0';
}

/*
 * The encoded forms are computed at run time from pieces, so no complete
 * marker is ever a string constant.
 */
static void marker_encode(char *buf, const char *plain)
{
	size_t i, n = strlen(plain);

	for (i = 0; i < n; i++)
		buf[i] = (char)(plain[i] ^ marker_key);
	buf[n] = '\0';
}

int main(void)
{
	static const char *const kinds[] = { "ANON", "HEAP", "STACK", "DATA" };
	char enc[4][32];
	char stack_marker[32];
	char *anon, *heap;
	size_t len[4];
	int i;

	for (i = 0; i < 4; i++) {
		char piece[32];

		/* "PTI-" KIND "-MARKER", encoded in halves then joined. */
		marker_encode(enc[i], "PTI-");
		marker_encode(piece, kinds[i]);
		strcat(enc[i], piece);
		marker_encode(piece, "-MARKER");
		strcat(enc[i], piece);
		len[i] = strlen(enc[i]);
	}

	anon = mmap(NULL, ANON_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	heap = malloc(64);
	if (heap == NULL) {
		perror("malloc");
		return 1;
	}
	marker_put(anon + ANON_OFFSET, enc[0], len[0]);
	marker_put(heap, enc[1], len[1]);
	marker_put(stack_marker, enc[2], len[2]);
	marker_put(data_marker, enc[3], len[3]);
	/* The encoded copies would not match, but leave nothing behind. */
	memset(enc, 0, sizeof(enc));

	printf("anon %p\nheap %p\nstack %p\ndata %p\n",
	       (void *)(anon + ANON_OFFSET), (void *)heap,
	       (void *)stack_marker, (void *)data_marker);
	/* exit, not return: main's frame (and stack_marker) stays intact. */
	exit(0);
}
