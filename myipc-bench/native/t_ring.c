// SPDX-License-Identifier: GPL-2.0
/*
 * The ring transports: shm (shm-1m), the ring of myipc.h in a memfd both
 * processes map, and kmod-mmap (kmod-mmap-1m), the driver's ring mapped
 * by both ends. One client of the mapped ring serves both, myipc_ring.h;
 * only the waiter differs (futex, or MYIPC_IOC_WAIT/WAKE).
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "myipc_ring.h"

/* ---- ring transports (shm, dev-mmap): myipc_ring.h ------------------ */

/*
 * One end of a ring transport in this process: the ring of myipc.h in
 * shared memory (shm, futex waiter) or the driver's pages (dev-mmap,
 * MYIPC_IOC_WAIT/WAKE), and the wait policy chosen for the row.
 */
struct ring_end {
	struct myipc_ring r;
	struct myipc_ring_policy pol;
	int fd;			/* dev-mmap: the file holding the role */
};

/* the peer process died without closing its end: stop waiting */
static int ring_check_peer(void *arg)
{
	(void)arg;
	return peer_gone() ? -EPIPE : 0;
}

/*
 * WAIT_SPIN polls only (yielding when both sides share a core, else the
 * spinner starves its peer); WAIT_SLEEP announces and sleeps at once
 * (after --spin-before-sleep polls, 0 by default); WAIT_HYBRID is the
 * Java library's default: HYBRID_SPINS polls, HYBRID_YIELDS yields, sleep.
 */
static void ring_policy(struct myipc_ring_policy *p, int wait)
{
	memset(p, 0, sizeof(*p));
	p->slice_ns = 100 * 1000 * 1000;
	p->check = ring_check_peer;
	switch (wait) {
	case WAIT_SPIN:
		p->yields = opt->same_core;
		break;
	case WAIT_HYBRID:
		p->spins = HYBRID_SPINS;
		p->yields = HYBRID_YIELDS;
		p->sleep = 1;
		break;
	default:
		p->spins = opt->spin_before_sleep > UINT32_MAX ? UINT32_MAX : (uint32_t)opt->spin_before_sleep;
		p->sleep = 1;
		break;
	}
}

static int ring_end_open(struct chan *c, int end, char *err, size_t elen)
{
	uint32_t role = end == END_W ? MYIPC_ROLE_PRODUCER : MYIPC_ROLE_CONSUMER;
	const char *rname = end == END_W ? "producer" : "consumer";
	struct ring_end *e = calloc(1, sizeof(*e));
	int ret;

	if (!e)
		die("out of memory");
	e->fd = -1;
	c->ring = e;
	ring_policy(&e->pol, c->wait);
	if (c->shm) {
		ret = myipc_ring_attach(&e->r, c->shm, role);
		if (ret) {
			snprintf(err, elen, "ring attach as %s: %s", rname, strerror(-ret));
			return -1;
		}
		return 0;
	}
	e->fd = open(c->path, O_RDWR | O_CLOEXEC);
	if (e->fd < 0) {
		snprintf(err, elen, "open %s O_RDWR: %s", c->path, strerror(errno));
		return -1;
	}
	if (ioctl(e->fd, MYIPC_IOC_SET_ROLE, &role)) {
		snprintf(err, elen, "MYIPC_IOC_SET_ROLE %s on %s: %s", rname, c->path, strerror(errno));
		return -1;
	}
	ret = myipc_ring_map_driver(&e->r, e->fd, role);
	if (ret) {
		snprintf(err, elen, "mmap of the ring of %s as %s: %s", c->path, rname, strerror(-ret));
		return -1;
	}
	c->capacity = (long)e->r.cap;
	/* our end holds the ring now: the sizing file is no longer needed (in this process) */
	close(c->holder);
	c->holder = -1;
	return 0;
}

static void ring_end_close(struct chan *c)
{
	myipc_ring_close(&c->ring->r);
	if (c->ring->fd >= 0)
		close(c->ring->fd);
	free(c->ring);
	c->ring = NULL;
}

/* producer: n (<= capacity) bytes of ring space, waiting for them; NULL with -errno in *err */
static uint8_t *ring_claim(struct ring_end *e, uint64_t n, int *err)
{
	void *p;

	while (!(p = myipc_ring_claim(&e->r, n))) {
		*err = myipc_ring_wait(&e->r, n, &e->pol);
		if (*err)
			return NULL;
	}
	return p;
}

static size_t ring_max_claim(const struct chan *c)
{
	return (size_t)c->ring->r.cap;
}

/* zero-copy read: wait for bytes, point *p at up to max of them in the ring */
static ssize_t ring_view(struct chan *c, const uint8_t **p, size_t max)
{
	struct ring_end *e = c->ring;
	const void *v;
	uint64_t a;
	int ret;

	while (!(a = myipc_ring_view(&e->r, &v))) {
		ret = myipc_ring_wait(&e->r, 1, &e->pol);
		if (ret)
			return ret;
	}
	if (a > e->r.cap)
		return -EIO;
	/* contiguous thanks to the double mapping */
	*p = v;
	return (ssize_t)(a < max ? a : max);
}

static int ring_release(struct chan *c, size_t n)
{
	return myipc_ring_release(&c->ring->r, n);
}

static int shm_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	size_t size = c->t->size;
	int ret = myipc_ring_shm_create(size, &c->shm);

	(void)maxmsg;
	if (ret) {
		c->shm = NULL;
		snprintf(err, elen, "shared ring of %zu bytes: %s", size, strerror(-ret));
		return -1;
	}
	c->shm_len = MYIPC_RING_MAP_SIZE(size);
	c->capacity = (long)size;
	return 0;
}

/*
 * The ring must have its size before anyone maps it, and the driver frees
 * it (and forgets the size) at the last close: an O_RDWR file without a
 * role holds it, sized, across fork until both ends have mapped it
 * (ring_end_open closes it).
 */
static int devmmap_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	__u64 sz = c->t->size;

	(void)maxmsg;
	c->holder = open(c->path, O_RDWR | O_CLOEXEC);
	if (c->holder < 0) {
		snprintf(err, elen, "open %s: %s", c->path, strerror(errno));
		return -1;
	}
	if (ioctl(c->holder, MYIPC_IOC_SET_SIZE, &sz)) {
		snprintf(err, elen, "MYIPC_IOC_SET_SIZE %zu on %s: %s%s", c->t->size, c->path, strerror(errno),
			 errno == EBUSY ? " (the device is in use, or still mapped)" : "");
		close(c->holder);
		c->holder = -1;
		return -1;
	}
	c->capacity = (long)sz;
	return 0;
}

/* the writer fills claimed ring space: wait for n bytes of room, hand out the ring itself (no copy) */
static uint8_t *ring_wbuf(struct chan *c, size_t n)
{
	uint8_t *p;
	int e;

	if (n > c->ring->r.cap) {
		errno = EMSGSIZE;
		return NULL;
	}
	p = ring_claim(c->ring, n, &e);
	if (!p)
		errno = -e;
	return p;
}

/* commit: p is what ring_wbuf claimed; bytes from elsewhere are copied in */
static int ring_send(struct chan *c, const uint8_t *p, size_t n)
{
	struct myipc_ring *r = &c->ring->r;

	while (n) {
		uint8_t *at = r->data + (r->idx & r->mask);
		uint64_t k = n < r->cap ? n : r->cap;
		int e = 0;

		if (p != at) {
			at = ring_claim(c->ring, k, &e);
			if (!at)
				return e;
			memcpy(at, p, k);
		}
		e = myipc_ring_commit(r, k);
		if (e)
			return e;
		p += k;
		n -= k;
	}
	return 0;
}

static ssize_t ring_recv(struct chan *c, uint8_t *p, size_t max)
{
	const uint8_t *v;
	ssize_t k = ring_view(c, &v, max);
	int e;

	if (k < 0)
		return k;
	memcpy(p, v, (size_t)k);
	e = ring_release(c, (size_t)k);
	return e ? e : k;
}

static void ring_chan_close(struct chan *c)
{
	if (c->holder >= 0)
		close(c->holder);
	if (c->ring)
		ring_end_close(c);
	if (c->shm)
		munmap(c->shm, c->shm_len);
}

/* a spinning side that yields; a sleeping side that polls first (--spin-before-sleep) */
static void ring_note(const struct transport *t, int wait, char *buf, size_t len)
{
	char b[80];

	(void)t;
	note_spin_yield(buf, len, wait);
	if (wait == WAIT_SLEEP && opt->spin_before_sleep) {
		snprintf(b, sizeof(b), "polls %ld times before announcing a sleep", opt->spin_before_sleep);
		note_cat(buf, len, b);
	}
}

const struct transport_ops shm_ops = {
	.note = ring_note,
	.create = shm_create,
	.end = ring_end_open,
	.wbuf = ring_wbuf,
	.send = ring_send,
	.recv = ring_recv,
	.view = ring_view,
	.release = ring_release,
	.max_claim = ring_max_claim,
	.close = ring_chan_close,
};

const struct transport_ops devmmap_ops = {
	.ndevs = 1,
	.available = dev_available,
	.note = ring_note,
	.create = devmmap_create,
	.end = ring_end_open,
	.wbuf = ring_wbuf,
	.send = ring_send,
	.recv = ring_recv,
	.view = ring_view,
	.release = ring_release,
	.max_claim = ring_max_claim,
	.close = ring_chan_close,
};
