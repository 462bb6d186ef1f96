/*
 * tui-live: a program that runs until someone edits its memory. It maps an
 * anonymous page at 0x20000000000 (MAP_FIXED_NOREPLACE) holding the marker
 * "LIVEDATA", a u32 counter it bumps every millisecond, a stop byte and
 * the text "edit me", prints the page's address, and loops until the stop
 * byte is nonzero (set from the TUI while it runs). It then prints the text and exits with the stop byte's
 * value; after 60 s without an edit it gives up and exits 99.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define LIVE_ADDR 0x20000000000UL

struct live {
	char magic[8];
	volatile uint32_t counter;
	volatile uint8_t stop;
	char pad[3];
	char text[16];
};

int
main(void)
{
	struct live *l = mmap((void *)LIVE_ADDR, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	time_t start = time(NULL);

	if (l != (struct live *)LIVE_ADDR) {
		perror("mmap at 0x20000000000");
		return 1;
	}
	memcpy(l->magic, "LIVEDATA", 8);
	strcpy(l->text, "edit me");
	printf("live at %p\n", (void *)l);
	fflush(stdout);
	while (l->stop == 0) {
		l->counter++;
		usleep(1000);
		if (time(NULL) - start > 60)
			return 99;
	}
	printf("stopped by an edit: %s\n", l->text);
	return l->stop;
}
