/*
 * tui-data: known data at a known address for the TUI's golden screens.
 * Maps one anonymous page at 0x10000000000 (MAP_FIXED_NOREPLACE) and fills
 * it: the magic "TUIDATA0" (built at run time, so the program's own
 * .rodata does not hold it), a pointer at +0x40 to +0x200, the u64
 * 0x1122334455667788 at +0x48, the double 3.25 at +0x50, bytes 0..255 at
 * +0x100 (with "NEEDLE-TWO" over +0x180), "NEEDLE-ONE" at +0x200, and
 * the address of data_marker_function at +0x300 (a code pointer).
 * Then it exits 3, where ptinspect -p holds it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define DATA_ADDR 0x10000000000UL

/* Not static and never inlined: the inspector should name it. */
__attribute__((noinline)) void data_marker_function(void);

void
data_marker_function(void)
{
	puts("unused");
}

int
main(void)
{
	static const char shifted[] = "UVJEBUB1";	/* "TUIDATA0" + 1 */
	uint8_t *p = mmap((void *)DATA_ADDR, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	uint64_t ptr = DATA_ADDR + 0x200, big = 0x1122334455667788ULL, code;
	double d = 3.25;

	if (p != (uint8_t *)DATA_ADDR) {
		perror("mmap at 0x10000000000");
		return 1;
	}
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(shifted[i] - 1);
	memcpy(p + 0x40, &ptr, 8);
	memcpy(p + 0x48, &big, 8);
	memcpy(p + 0x50, &d, 8);
	for (int i = 0; i < 256; i++)
		p[0x100 + i] = (uint8_t)i;
	memcpy(p + 0x180, "NEEDLE-TWO", 10);
	memcpy(p + 0x200, "NEEDLE-ONE", 10);
	code = (uint64_t)(uintptr_t)data_marker_function;
	memcpy(p + 0x300, &code, 8);
	printf("data at %p\n", (void *)p);
	return 3;
}
