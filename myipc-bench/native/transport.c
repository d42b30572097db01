// SPDX-License-Identifier: GPL-2.0
/*
 * The transports: one channel carries bytes from a writer process to a
 * reader process. A ping-pong uses two channels, one per direction.
 *
 * Adding a transport: a table line here with the ops of its family
 * (t_pipe.c, t_dev.c, t_ring.c, or a new one: transport.h). The chan_*
 * calls below are what measure.c sees; they dispatch to the family.
 */
#include "transport.h"

#include <errno.h>
#include <string.h>

#define KiB 1024u
#define MiB (1024u * 1024u)

const struct transport TRANSPORTS[] = {
	{ .name = "pipe", .ops = &pipe_ops,
	  .what = "pipe(2), default capacity (64 KiB); write(2) -> read(2): two copies" },
	{ .name = "pipe-1m", .ops = &pipe_ops, .size = MiB,
	  .what = "pipe(2) enlarged with F_SETPIPE_SZ to 1 MiB; write(2) -> read(2)" },
	{ .name = "vmsplice", .ops = &vmsplice_ops,
	  .what = "64 KiB pipe; writer vmsplice(2)s its own pages (no copy), reader read(2)s (one copy)" },
	{ .name = "vmsplice-null", .ops = &vmsplice_ops, .null_reader = 1,
	  .what = "64 KiB pipe; writer vmsplice(2)s its pages, reader splice(2)s them to /dev/null: no copy, "
		  "no payload touched (throughput rows labelled indices only)" },
	{ .name = "unix", .ops = &unix_ops,
	  .what = "socketpair(AF_UNIX, SOCK_STREAM), default buffers; write(2) -> read(2)" },
	{ .name = "shm", .ops = &shm_ops, .size = 64 * KiB, .ring = 1,
	  .what = "the mapped ring of myipc.h (64 KiB) in a memfd shared by both processes, as Java shm: lays it "
		  "out: the writer fills claimed ring space and commits, the reader reads the bytes in place and releases "
		  "them; futex on wake_seq when a side sleeps" },
	{ .name = "shm-1m", .ops = &shm_ops, .size = MiB, .ring = 1,
	  .what = "the same ring with 1 MiB" },
	{ .name = "kmod-spsc", .ops = &dev_ops, .size = 64 * KiB, .ndevs = 1, .sync = "spsc",
	  .what = "/dev/myipcN, driver sync=spsc (lock-free copy path), ring set to 64 KiB with MYIPC_IOC_SET_SIZE; "
		  "write(2) -> read(2)" },
	{ .name = "kmod-mutex", .ops = &dev_ops, .size = 64 * KiB, .ndevs = 1, .sync = "mutex",
	  .what = "/dev/myipcN, driver sync=mutex (one lock), ring set to 64 KiB; write(2) -> read(2)" },
	{ .name = "kmod-1m", .ops = &dev_ops, .size = MiB, .ndevs = 1, .sync = "spsc",
	  .what = "/dev/myipcN, driver sync=spsc, ring set to 1 MiB (as pipe-1m); write(2) -> read(2)" },
	{ .name = "kmod-mmap", .ops = &devmmap_ops, .size = 64 * KiB, .ndevs = 1, .ring = 1,
	  .what = "/dev/myipcN, ring (64 KiB) mapped by both ends (MYIPC_IOC_SET_ROLE + mmap): the writer fills "
		  "claimed ring space and commits, the reader reads the bytes in place and releases them; no copy, "
		  "no system call while data flows, MYIPC_IOC_WAIT/WAKE only when a side sleeps" },
	{ .name = "kmod-mmap-1m", .ops = &devmmap_ops, .size = MiB, .ndevs = 1, .ring = 1,
	  .what = "the same with the ring set to 1 MiB (as pipe-1m)" },
	{ .name = "ceiling", .limit = L_CEILING,
	  .what = "the cross-core throughput ceiling: two processes on the measured CPUs, chunk-sized slots "
		  "(>= 1 MiB, >= 2) in shared memory, one flag per slot; the writer fills a slot and sets its flag, "
		  "the reader waits (spin, then futex), reads every byte and clears the flag" },
	{ .name = "cacheline", .limit = L_FLOOR,
	  .what = "two processes bounce one shared cache line (spin): the floor of spinning RTT" },
};
const int NTRANSPORTS = (int)(sizeof(TRANSPORTS) / sizeof(TRANSPORTS[0]));


int transport_known(const char *name, size_t len)
{
	for (int i = 0; i < NTRANSPORTS; i++)
		if (strlen(TRANSPORTS[i].name) == len && !strncmp(TRANSPORTS[i].name, name, len))
			return 1;
	return 0;
}

const char *transport_note(const struct transport *t)
{
	return t->ops && t->ops->note ? t->ops->note(t) : "";
}

/*
 * Whether the transport can run here; the driver's rows also check their
 * devices and switch them to the sync mode wanted.
 */
int transport_available(const struct transport *t, char *why, size_t len)
{
	return t->ops && t->ops->available ? t->ops->available(t, why, len) : 1;
}

/*
 * Set up a channel before fork(). maxmsg: the largest message a writer
 * will send (sizes the vmsplice buffer ring).
 */
int chan_create(struct chan *c, const struct transport *t, size_t maxmsg, const char *path, char *err, size_t elen)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->path = path;
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
	c->wbuf_len = page_up(maxmsg ? maxmsg : 1);
	if (!t->ops) {
		snprintf(err, elen, "%s is not a channel transport", t->name);
		return -1;
	}
	return t->ops->create(c, maxmsg, err, elen);
}

/* after fork(): this process takes one end, waiting as @wait says (WAIT_*) */
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen)
{
	c->wait = wait;
	c->yield = wait == WAIT_SPIN && opt->same_core;
	return c->t->ops->end(c, end, err, elen);
}

/* the buffer the writer fills with its next message of n bytes */
uint8_t *chan_wbuf(struct chan *c, size_t n)
{
	return c->t->ops->wbuf(c, n);
}

size_t chan_max_claim(const struct chan *c)
{
	return c->t->ops->max_claim ? c->t->ops->max_claim(c) : SIZE_MAX;
}

ssize_t chan_view(struct chan *c, const uint8_t **p, size_t max)
{
	return c->t->ops->view ? c->t->ops->view(c, p, max) : -EINVAL;
}

int chan_release(struct chan *c, size_t n)
{
	return c->t->ops->release ? c->t->ops->release(c, n) : -EINVAL;
}

int chan_send(struct chan *c, const uint8_t *p, size_t n)
{
	return c->t->ops->send(c, p, n);
}

ssize_t chan_recv(struct chan *c, uint8_t *p, size_t max)
{
	return c->t->ops->recv(c, p, max);
}

void chan_close(struct chan *c)
{
	if (c->t && c->t->ops)
		c->t->ops->close(c);
	memset(c, 0, sizeof(*c));
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
}
