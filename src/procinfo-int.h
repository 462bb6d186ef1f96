/*
 * procinfo-int.h: what procinfo.c and procinfo-net.c share: an
 * inode-keyed hash table and the sockets of a network namespace. Not for
 * other files; procinfo.h is the interface.
 */
#ifndef PTI_PROCINFO_INT_H
#define PTI_PROCINFO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procinfo.h"

/* An inode-keyed open-addressing table; key 0 marks a free slot. */
struct pi_hash {
	uint64_t *keys;
	size_t *vals;
	size_t mask;
};

/* The sockets of one network namespace, from /proc/PID/net/. */
struct pi_net {
	uint64_t *inodes;
	struct procinfo_sock *socks;
	size_t count, cap;
	struct pi_hash by_inode;
};

void pi_hash_init(struct pi_hash *h, size_t n);
void pi_hash_put(struct pi_hash *h, uint64_t key, size_t val);
bool pi_hash_get(const struct pi_hash *h, uint64_t key, size_t *val);
void pi_hash_free(struct pi_hash *h);

/*
 * Reads /proc/PID/net/{tcp,tcp6,udp,udp6,unix} into net, and the UNIX
 * sockets' peers with one sock_diag dump.
 */
void pi_net_read(pid_t pid, struct pi_net *net);
void pi_net_free(struct pi_net *net);

#endif
