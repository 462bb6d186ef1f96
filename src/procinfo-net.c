/*
 * procinfo-net.c: the sockets of a process's network namespace for
 * procinfo.c's `fds`: /proc/PID/net/{tcp,tcp6,udp,udp6,unix}, each read
 * once into a table hashed by inode, and the UNIX sockets' peer inodes
 * from one sock_diag dump (UDIAG_SHOW_PEER), which /proc does not give.
 * The line parsers are public (procinfo.h) so the unit tests feed them
 * sample lines.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procinfo.h"
#include "procinfo-int.h"
#include "util.h"

static void pi_net_read_file(pid_t pid, const char *name, const char *family,
    const char *type, struct pi_net *net);
static void pi_net_unix_peers(struct pi_net *net);

void
pi_hash_init(struct pi_hash *h, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	h->keys = xcalloc(cap, sizeof *h->keys);
	h->vals = xcalloc(cap, sizeof *h->vals);
	h->mask = cap - 1;
}

/* The first value put for a key stays. */
void
pi_hash_put(struct pi_hash *h, uint64_t key, size_t val)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & h->mask;

	while (h->keys[i] != 0) {
		if (h->keys[i] == key)
			return;
		i = (i + 1) & h->mask;
	}
	h->keys[i] = key;
	h->vals[i] = val;
}

bool
pi_hash_get(const struct pi_hash *h, uint64_t key, size_t *val)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & h->mask;

	if (h->keys == NULL || key == 0)
		return false;
	while (h->keys[i] != 0) {
		if (h->keys[i] == key) {
			*val = h->vals[i];
			return true;
		}
		i = (i + 1) & h->mask;
	}
	return false;
}

void
pi_hash_free(struct pi_hash *h)
{
	free(h->keys);
	free(h->vals);
	h->keys = NULL;
	h->vals = NULL;
}

void
pi_net_read(pid_t pid, struct pi_net *net)
{
	size_t i;

	memset(net, 0, sizeof *net);
	pi_net_read_file(pid, "tcp", "inet", "stream", net);
	pi_net_read_file(pid, "tcp6", "inet6", "stream", net);
	pi_net_read_file(pid, "udp", "inet", "dgram", net);
	pi_net_read_file(pid, "udp6", "inet6", "dgram", net);
	pi_net_read_file(pid, "unix", NULL, NULL, net);
	pi_hash_init(&net->by_inode, net->count);
	for (i = 0; i < net->count; i++)
		pi_hash_put(&net->by_inode, net->inodes[i], i);
	pi_net_unix_peers(net);
}

/* One /proc/PID/net file; family NULL is the unix one. */
static void
pi_net_read_file(pid_t pid, const char *name, const char *family,
    const char *type, struct pi_net *net)
{
	char *path = xstrfmt("/proc/%d/net/%s", (int)pid, name);
	char *text = read_file_str(path, NULL), *line, *next;

	free(path);
	if (text == NULL)
		return;
	/* The first line is the column header. */
	line = strchr(text, '\n');
	for (; line != NULL; line = next) {
		struct procinfo_sock s;
		uint64_t inode;
		int rc;

		line++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next = '\0';
		rc = family == NULL ? procinfo_parse_unix_line(line, &inode,
		    &s) : procinfo_parse_inet_line(line, family, type, &inode,
		    &s);
		if (rc < 0 || inode == 0)
			continue;
		if (net->count == net->cap) {
			net->cap = net->cap ? net->cap * 2 : 64;
			net->inodes = xreallocarray(net->inodes, net->cap,
			    sizeof *net->inodes);
			net->socks = xreallocarray(net->socks, net->cap,
			    sizeof *net->socks);
		}
		net->inodes[net->count] = inode;
		net->socks[net->count++] = s;
	}
	free(text);
}

/*
 * Fills in peer_inode of the UNIX sockets with one sock_diag dump. It
 * sees ptinspect's network namespace; a process in another one simply
 * gets no peers.
 */
static void
pi_net_unix_peers(struct pi_net *net)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof msg,
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.req = {
			.sdiag_family = AF_UNIX,
			.udiag_states = (uint32_t)-1,
			.udiag_show = UDIAG_SHOW_PEER,
		},
	};
	static long buf[8192 / sizeof(long)];
	bool done = false;
	int sk;

	sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (sk < 0)
		return;
	if (send(sk, &msg, sizeof msg, 0) < 0)
		done = true;
	while (!done) {
		ssize_t n = recv(sk, buf, sizeof buf, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n <= 0)
			break;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct unix_diag_msg *m = NLMSG_DATA(h);
			struct rtattr *a = (struct rtattr *)(m + 1);
			int alen = (int)(h->nlmsg_len -
			    NLMSG_LENGTH(sizeof *m));
			size_t idx;

			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (!pi_hash_get(&net->by_inode, m->udiag_ino, &idx))
				continue;
			for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
				if (a->rta_type == UNIX_DIAG_PEER)
					memcpy(&net->socks[idx].peer_inode,
					    RTA_DATA(a), sizeof(uint32_t));
		}
	}
	close(sk);
}

void
pi_net_free(struct pi_net *net)
{
	free(net->inodes);
	free(net->socks);
	pi_hash_free(&net->by_inode);
}

static const char *const pi_tcp_states[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",
	[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
	[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
	[10] = "LISTEN", [11] = "CLOSING",
};

/* "0100007F:1F90" (v4) or 32 hex digits and a port (v6) as text. */
static int
pi_inet_addr(const char *hex, bool v6, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	uint32_t w[4];
	unsigned port;

	if (v6) {
		if (sscanf(hex, "%8" SCNx32 "%8" SCNx32 "%8" SCNx32 "%8"
		    SCNx32 ":%x", &w[0], &w[1], &w[2], &w[3], &port) != 5)
			return -1;
		/* Four words, each in host byte order. */
		inet_ntop(AF_INET6, w, ip, sizeof ip);
		snprintf(out, size, "[%s]:%u", ip, port);
	} else {
		if (sscanf(hex, "%8" SCNx32 ":%x", &w[0], &port) != 2)
			return -1;
		inet_ntop(AF_INET, w, ip, sizeof ip);
		snprintf(out, size, "%s:%u", ip, port);
	}
	return 0;
}

int
procinfo_parse_inet_line(const char *line, const char *family,
    const char *type, uint64_t *inode, struct procinfo_sock *sock)
{
	char local[64], peer[64];
	unsigned st;
	bool v6 = strcmp(family, "inet6") == 0;
	bool tcp = strcmp(type, "stream") == 0;

	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	if (sscanf(line, " %*u: %63s %63s %x %*x:%*x %*x:%*x %*x %*u %*u %"
	    SCNu64, local, peer, &st, inode) != 4)
		return -1;
	memset(sock, 0, sizeof *sock);
	sock->family = family;
	sock->type = type;
	if (pi_inet_addr(local, v6, sock->local, sizeof sock->local) < 0 ||
	    pi_inet_addr(peer, v6, sock->peer, sizeof sock->peer) < 0)
		return -1;
	/* An unconnected socket's peer is the any address, port 0. */
	if (strcmp(sock->peer + strlen(sock->peer) - 2, ":0") == 0)
		sock->peer[0] = '\0';
	if (tcp && st < ARRAY_SIZE(pi_tcp_states))
		sock->state = pi_tcp_states[st];
	return 0;
}

int
procinfo_parse_unix_line(const char *line, uint64_t *inode,
    struct procinfo_sock *sock)
{
	unsigned type;
	int path_at = 0;

	/* Num RefCount Protocol Flags Type St Inode [Path] */
	if (sscanf(line, " %*x: %*x %*x %*x %x %*x %" SCNu64 "%n", &type,
	    inode, &path_at) != 2)
		return -1;
	memset(sock, 0, sizeof *sock);
	sock->family = "unix";
	sock->type = type == 1 ? "stream" : type == 2 ? "dgram" :
	    type == 5 ? "seqpacket" : "unknown";
	line += path_at;
	while (*line == ' ')
		line++;
	snprintf(sock->local, sizeof sock->local, "%s", line);
	return 0;
}
