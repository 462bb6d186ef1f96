/*
 * mem.h: the one way every other layer reads, writes and searches tracee
 * memory by address. mem.c picks the fastest path per region: the shared
 * memfd mapping (plain loads and stores, see arena.h) when the region is
 * redirected, else process_vm_readv/writev, else /proc/PID/mem (which can
 * also write read-only pages such as text). Callers never know which.
 *
 * Tracee memory is untrusted and changes under our feet: copy out, never
 * keep pointers into it.
 */
#ifndef PTI_MEM_H
#define PTI_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc;
struct maps;
struct region;

/*
 * Reads up to len bytes at addr. Returns the number of bytes read, which is
 * short when the range runs into unmapped memory, or -1 with *errp
 * ("0x10: address not mapped") when not even the first byte is readable.
 * A read of 64 KiB or more is a bulk read: redirected pages ptinspect has
 * never read are read by pread of the memfd or through ptinspect's own
 * view of it, whichever it has timed the cheaper; pages read before go
 * through the view (arena-view.c, "The first read").
 */
ssize_t mem_read(struct proc *p, uint64_t addr, void *buf, size_t len,
    char **errp);

/* Writes all len bytes at addr, or fails with -1 and *errp. */
ssize_t mem_write(struct proc *p, uint64_t addr, const void *buf, size_t len,
    char **errp);

/*
 * Calls found(addr, arg) for every occurrence of needle in readable memory:
 * in `only` if it is not NULL, else in every readable region of maps.
 * Stops early when found returns nonzero. Returns the number of matches
 * reported, or -1 with *errp. Redirected memory is searched in place in
 * ptinspect's view where the arena lends it (arena_peek), so found must
 * not read or write the process's memory itself: that could unmap the
 * window being searched.
 */
long mem_find(struct proc *p, const struct maps *maps,
    const struct region *only, const void *needle, size_t needle_len,
    int (*found)(uint64_t addr, void *arg), void *arg, char **errp);

/*
 * The process's regions as the program made them: /proc/PID/maps read
 * through a live thread, where redirected memory (a MAP_SHARED mapping of
 * the memfd to the kernel) is shown as the private anonymous memory it is
 * to the program ("rw-p", offset 0, no name, "[heap]" for an emulated brk
 * heap) and the mmap stub as "[ptinspect]". 0, or -1 with *errp.
 */
int mem_maps_read(struct proc *p, struct maps *out, char **errp);
/*
 * For addr, outside the maps mem_maps_read last gave for p: when those
 * were only the redirected memory (p is not dumpable), sets *errp to say
 * so and returns -1; else 0, and the caller says "not mapped".
 */
int mem_unlisted(struct proc *p, uint64_t addr, char **errp);

/* "shared" when served from the memfd mapping, else "copy". */
const char *mem_region_access(struct proc *p, const struct region *r);

/* Access counters, for `stats`. */
struct mem_stats {
	uint64_t fast_accesses;	/* served by plain loads/stores */
	uint64_t slow_accesses;	/* served by a syscall */
	uint64_t searched_in_place;	/* bytes mem_find read in place, */
					/* in ptinspect's view (arena_peek) */
};
void mem_get_stats(struct mem_stats *out);

/*
 * Drops cached descriptors for p (after exec, or when it is gone): a
 * forget and release hook of the task model (task.h).
 */
void mem_forget(struct proc *p);

/* The /proc/PID/mem descriptor held for p, or -1 (for tests). */
int mem_proc_fd(const struct proc *p);

#endif
