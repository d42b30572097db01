// SPDX-License-Identifier: GPL-2.0
/*
 * The transports: one channel carries bytes from a writer process to a
 * reader process. A ping-pong uses two channels, one per direction.
 *
 * Adding a transport: a line in ../transports.tsv. Its family names the
 * ops the table line points at (<family>_ops: t_pipe.c, t_dev.c, t_ring.c,
 * t_limit.c, or a new family: transport.h). The transport_* and chan_*
 * calls below are what run.c and measure.c see; they dispatch to the family.
 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct transport TRANSPORTS[] = {
#include "transports.inc"
};
const int NTRANSPORTS = (int)(sizeof(TRANSPORTS) / sizeof(TRANSPORTS[0]));

int transport_known(const char *name, size_t len)
{
	for (int i = 0; i < NTRANSPORTS; i++)
		if (strlen(TRANSPORTS[i].name) == len && !strncmp(TRANSPORTS[i].name, name, len))
			return 1;
	return 0;
}

/* a reader that never looks at the bytes cannot echo them: no ping-pong */
unsigned int transport_metrics(const struct transport *t)
{
	unsigned int m = t->ops->metrics ? t->ops->metrics : M_CORRECTNESS | M_RTT | M_THROUGHPUT | M_RATE;

	return transport_reads(t) ? m : m & ~(M_RTT | M_RATE);
}

int transport_has_wait(const struct transport *t, int wait)
{
	if (t->ops->waits)
		return !!(t->ops->waits & (1u << wait));
	return wait != WAIT_HYBRID || t->ring;
}

int transport_reads(const struct transport *t)
{
	return !t->null_reader;
}

const struct transport *transport_checked(const struct transport *t, struct transport *copy)
{
	*copy = *t;
	copy->null_reader = 0;
	return copy;
}

size_t transport_ping_bytes(const struct transport *t)
{
	return t->ops->ping_bytes ? t->ops->ping_bytes : 1;
}

const char *transport_note(const struct transport *t, int wait, char *buf, size_t len)
{
	buf[0] = 0;
	if (t->ops->note)
		t->ops->note(t, wait, buf, len);
	return buf;
}

/*
 * Whether the transport can run here; the driver's rows also check their
 * devices and switch them to the sync mode wanted.
 */
int transport_available(const struct transport *t, char *why, size_t len)
{
	return t->ops->available ? t->ops->available(t, why, len) : 1;
}

/*
 * Set up a channel before fork(). maxmsg: the largest message a writer
 * will send (sizes the vmsplice buffer ring and the ceiling's slots).
 * NULL with err set if it cannot be made.
 */
struct chan *chan_create(const struct transport *t, size_t maxmsg, const char *path, char *err, size_t elen)
{
	struct chan *c;

	/* transport_available checked the first device: only a ping-pong's second channel can lack one */
	if (t->ops->ndevs && !path) {
		snprintf(err, elen, "ping-pong over the driver needs two devices: --dev /dev/myipc0,/dev/myipc1");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->t = t;
	c->path = path;
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
	c->wbuf_len = page_up(maxmsg ? maxmsg : 1);
	if (t->ops->create(c, maxmsg, err, elen)) {
		chan_close(c);
		return NULL;
	}
	return c;
}

/* after fork(): this process takes one end, waiting as @wait says (WAIT_*) */
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen)
{
	c->wait = wait;
	c->yield = wait == WAIT_SPIN && opt->same_core;
	return c->t->ops->end ? c->t->ops->end(c, end, err, elen) : 0;
}

long chan_capacity(const struct chan *c)
{
	return c->capacity;
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

int chan_send(struct chan *c, const uint8_t *p, size_t n)
{
	return c->t->ops->send(c, p, n);
}

static ssize_t chan_recv(struct chan *c, uint8_t *p, size_t max)
{
	return c->t->ops->recv(c, p, max);
}

/* a family with a view hands out its own memory (no copy); the others read into buf */
ssize_t chan_view(struct chan *c, uint8_t *buf, size_t max, const uint8_t **v)
{
	if (c->t->ops->view)
		return c->t->ops->view(c, v, max);
	*v = buf;
	return chan_recv(c, buf, max);
}

int chan_release(struct chan *c, size_t n)
{
	return c->t->ops->release ? c->t->ops->release(c, n) : 0;
}

int chan_ping(struct chan *a, struct chan *b, uint8_t v)
{
	uint8_t *p, r;
	ssize_t k;
	int e;

	if (a->t->ops->ping)
		return a->t->ops->ping(a, v);
	p = chan_wbuf(a, 1);
	if (!p)
		return -errno;
	*p = v;
	e = chan_send(a, p, 1);
	if (e)
		return e;
	k = chan_recv(b, &r, 1);
	return k == 1 ? r : k ? (int)k : -EPIPE;
}

int chan_pong(struct chan *a, struct chan *b)
{
	uint8_t v, *p;
	ssize_t k;
	int e;

	if (a->t->ops->pong)
		return a->t->ops->pong(a);
	k = chan_recv(a, &v, 1);
	if (k != 1)
		return k ? (int)k : -EPIPE;
	p = chan_wbuf(b, 1);
	if (!p)
		return -errno;
	*p = v;
	e = chan_send(b, p, 1);
	return e ? e : v;
}

void chan_close(struct chan *c)
{
	if (!c)
		return;
	c->t->ops->close(c);
	free(c);
}
