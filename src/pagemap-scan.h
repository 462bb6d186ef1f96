/*
 * pagemap-scan.h: the PAGEMAP_SCAN ioctl of /proc/PID/pagemap (Linux 6.7),
 * for mem.c's find and coredump.c's sparse cores, with its definitions
 * for headers older than the kernel.
 */
#ifndef PTI_PAGEMAP_SCAN_H
#define PTI_PAGEMAP_SCAN_H

#include <linux/fs.h>
#include <stdint.h>
#include <sys/ioctl.h>

#ifndef PAGEMAP_SCAN
/* <linux/fs.h> of Linux 6.7, for older headers. */
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_SWAPPED (1 << 4)
struct page_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};
struct pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};
#endif

#endif
