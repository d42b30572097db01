/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between transport.c (the table, the transport_* and chan_* calls) and the
 * transport families (t_pipe.c, t_dev.c, t_ring.c, t_limit.c): what a
 * family implements, and the channel they share.
 */
#ifndef MYIPC_BENCH_TRANSPORT_H
#define MYIPC_BENCH_TRANSPORT_H

#include "bench.h"

/*
 * One family of channels. create runs before fork(), end after it in each
 * process. Zero members: metrics (all of them), waits (sleep, spin, and
 * hybrid for rings), ndevs (none), ping_bytes (1), available (always),
 * note (none), end (nothing to do), view and release (the reader reads a
 * copy), max_claim (SIZE_MAX), ping and pong (a byte sent on one channel,
 * its echo read on the other).
 */
struct transport_ops {
	unsigned int metrics;	/* M_*: the measurements it takes */
	unsigned int waits;	/* 1 << WAIT_*: the wait policies it has */
	int ndevs;		/* driver devices one channel needs (ping-pong needs one per direction) */
	size_t ping_bytes;	/* what one ping-pong message moves */
	int (*available)(const struct transport *t, char *why, size_t len);
	/* appends what qualifies every record of t measured with this wait (note_cat) */
	void (*note)(const struct transport *t, int wait, char *buf, size_t len);
	int (*create)(struct chan *c, size_t maxmsg, char *err, size_t elen);
	int (*end)(struct chan *c, int end, char *err, size_t elen);
	uint8_t *(*wbuf)(struct chan *c, size_t n);
	int (*send)(struct chan *c, const uint8_t *p, size_t n);
	ssize_t (*recv)(struct chan *c, uint8_t *p, size_t max);
	ssize_t (*view)(struct chan *c, const uint8_t **p, size_t max);
	int (*release)(struct chan *c, size_t n);
	size_t (*max_claim)(const struct chan *c);
	/* one channel carrying both directions (the cacheline): the byte echoed, or -errno */
	int (*ping)(struct chan *c, uint8_t v);
	int (*pong)(struct chan *c);
	void (*close)(struct chan *c);
};

struct ring_end;
struct ceil;
struct chan {
	const struct transport *t;
	int fd[2];		/* pipe / socketpair / dev: [0] read end, [1] write end */
	int nullfd;
	const char *path;	/* dev */
	int holder;		/* dev-mmap: a role-less O_RDWR fd keeping the sized ring until both ends mapped */
	struct ring_end *ring;	/* ring transports (shm, dev-mmap): this process's end, NULL before chan_end */
	void *shm;		/* shm: the ring's memory, mapped before fork; cacheline: the line */
	size_t shm_len;
	uint8_t *vbuf;		/* vmsplice writer: buffer ring of pages */
	size_t vstride, vslots, vnext;
	uint8_t *wbuf;		/* writer's message buffer (non-vmsplice) */
	size_t wbuf_len;
	struct ceil *ceil;	/* ceiling: the slots, and this process's next one */
	uint32_t seq;		/* cacheline: this process's round trips */
	int wait, yield;	/* wait: WAIT_*; yield: spin, but sched_yield() between polls */
	long capacity;		/* in effect, bytes; -1: none */
};

/* t_pipe.c */
extern const struct transport_ops pipe_ops, vmsplice_ops, unix_ops;
/* t_dev.c */
extern const struct transport_ops dev_ops;
int dev_available(const struct transport *t, char *why, size_t len);
/* t_ring.c */
extern const struct transport_ops shm_ops, devmmap_ops;
/* t_limit.c */
extern const struct transport_ops ceiling_ops, cacheline_ops;

/* t_pipe.c: a channel over file descriptors, also the driver's copy transport */
int fd_writer_buf(struct chan *c, char *err, size_t elen);
int fd_reader_setup(struct chan *c, char *err, size_t elen);
uint8_t *fd_wbuf(struct chan *c, size_t n);
int fd_send(struct chan *c, const uint8_t *p, size_t n);
ssize_t fd_recv(struct chan *c, uint8_t *p, size_t max);
void fd_close(struct chan *c);

static inline size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

/* the note of a spinning side that shares its peer's core: it yields between polls (chan_end) */
static inline void note_spin_yield(char *buf, size_t len, int wait)
{
	if (wait == WAIT_SPIN && opt->same_core)
		note_cat(buf, len, "both sides on one core: the spinning side calls sched_yield() between polls");
}

#endif
