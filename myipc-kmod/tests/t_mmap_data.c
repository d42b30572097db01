// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap_data.c - mmap suite, data: checked streams mmap -> mmap,
 * write(2) -> mmap, mmap -> read(2), and 1 GiB through the mapped ring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmap_util.h"

/* Produce @total stream bytes from @off in pieces of at most @chunk. */
static void uring_produce(struct myipc_ring *r, uint64_t off, uint64_t total,
			  uint64_t chunk)
{
	uint64_t done = 0, n;
	int ret;

	while (done < total) {
		n = myipc_ring_avail(r);
		if (n > r->cap)
			fail("corrupt indices seen by the producer");
		if (!n) {
			ret = uring_wait(r, chunk < r->cap ? chunk : r->cap,
					 5000000000LL);
			if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR)
				fail("MYIPC_IOC_WAIT (producer): %s", strerror(-ret));
			if (((ret > 0 && (ret & MYIPC_WAIT_PEER_GONE)) ||
			     myipc_load_acquire(&r->peer->state) == MYIPC_END_CLOSED) &&
			    !myipc_ring_avail(r))
				fail("the consumer went away after %llu bytes",
				     (unsigned long long)done);
			continue;
		}
		if (n > chunk)
			n = chunk;
		if (n > total - done)
			n = total - done;
		/* one contiguous span thanks to the double mapping */
		sfill(r->data + (r->idx & r->mask), off + done, n);
		uring_publish(r, n);
		done += n;
	}
}

/*
 * Consume and verify stream bytes from @off until the producer closes.
 * Returns the bytes consumed.
 */
static uint64_t uring_consume(struct myipc_ring *r, uint64_t off, uint64_t limit)
{
	uint64_t done = 0, n;
	long bad;
	int ret;

	for (;;) {
		n = myipc_ring_avail(r);
		if (n > r->cap)
			fail("corrupt indices seen by the consumer");
		if (!n) {
			if (done >= limit)
				return done;
			if (myipc_load_acquire(&r->peer->state) == MYIPC_END_CLOSED &&
			    !myipc_ring_avail(r))
				return done;
			ret = uring_wait(r, 1, 5000000000LL);
			if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR)
				fail("MYIPC_IOC_WAIT (consumer): %s", strerror(-ret));
			if (ret > 0 && (ret & MYIPC_WAIT_PEER_GONE) && !myipc_ring_avail(r))
				return done;
			continue;
		}
		bad = scheck(r->data + (r->idx & r->mask), off + done, n);
		if (bad >= 0)
			fail("byte %llu of the stream is wrong",
			     (unsigned long long)(off + done + bad));
		uring_publish(r, n);
		done += n;
	}
}

static void mmap_producer(void *arg)
{
	struct xfer *x = arg;
	struct myipc_ring r;

	uring_open(&r, T.path, MYIPC_ROLE_PRODUCER);
	uring_produce(&r, 0, x->total, x->chunk);
	x->wakes = r.wakes;
	uring_close(&r);
}

static void mmap_consumer(void *arg)
{
	struct xfer *x = arg;
	struct myipc_ring r;
	double t0;

	uring_open(&r, T.path, MYIPC_ROLE_CONSUMER);
	t0 = tnow();
	x->got = uring_consume(&r, 0, UINT64_MAX);
	x->secs = tnow() - t0;
	x->waits = r.sleeps;
	uring_close(&r);
}

static void write_producer(void *arg)
{
	struct xfer *x = arg;
	int fd = SYS(topen(O_WRONLY));
	uint8_t *buf = malloc(x->chunk);
	uint64_t off = 0, n;

	while (off < x->total) {
		n = x->total - off < x->chunk ? x->total - off : x->chunk;
		n = 1 + (mix64(off) % n);	/* odd sizes too */
		sfill(buf, off, n);
		write_all(fd, buf, n);
		off += n;
	}
	close(fd);
	free(buf);
}

static void read_consumer(void *arg)
{
	struct xfer *x = arg;
	int fd = SYS(topen(O_RDONLY));
	uint8_t *buf = malloc(x->chunk);
	ssize_t n;
	long bad;

	for (;;) {
		n = read(fd, buf, 1 + (mix64(x->got) % x->chunk));
		if (n < 0)
			fail("read: %s", strerror(errno));
		if (!n)
			break;
		bad = scheck(buf, x->got, n);
		if (bad >= 0)
			fail("byte %llu of the stream is wrong",
			     (unsigned long long)(x->got + bad));
		x->got += n;
	}
	close(fd);
	free(buf);
}

/* @total bytes from @prod to @cons in @chunk-sized steps, every byte checked; @x gets the figures */
static void transfer(struct xfer *x, void (*prod)(void *), void (*cons)(void *),
		     uint64_t total, uint64_t chunk)
{
	pid_t c, p;

	memset(x, 0, sizeof(*x));
	x->total = total;
	x->chunk = chunk;
	c = spawn(cons, x);
	msleep(50);
	p = spawn(prod, x);
	expect_exit0(p, 250000, "producer");
	expect_exit0(c, 250000, "consumer");
	CHECK_EQ(x->got, total);
}

static void run_pair(void (*prod)(void *), void (*cons)(void *),
		     uint64_t total, uint64_t chunk, const char *what)
{
	struct xfer *x = shared_alloc(sizeof(*x));

	transfer(x, prod, cons, total, chunk);
	diag("%s: %llu MiB verified in %.2f s (%.1f MiB/s), consumer waits %llu, producer wakes %llu",
	     what, (unsigned long long)(total >> 20), x->secs,
	     x->secs > 0 ? (total >> 20) / x->secs : 0.0,
	     (unsigned long long)x->waits, (unsigned long long)x->wakes);
}

void t_mmap_zero_copy_roundtrip(void)
{
	run_pair(mmap_producer, mmap_consumer, 64ULL << 20, 65536,
		 "mmap -> mmap");
}

void t_mmap_write_to_mmap_consumer(void)
{
	run_pair(write_producer, mmap_consumer, 16ULL << 20, 65536,
		 "write() -> mmap");
}

void t_mmap_producer_to_read(void)
{
	struct xfer *x = shared_alloc(sizeof(*x));
	pid_t c, p;

	x->total = 16ULL << 20;
	x->chunk = 65536;
	/* the reader first (it blocks in open until a writer comes) */
	c = spawn(read_consumer, x);
	msleep(50);
	p = spawn(mmap_producer, x);
	expect_exit0(p, 250000, "producer");
	expect_exit0(c, 250000, "consumer");
	CHECK_EQ(x->got, x->total);
}

/*
 * 1 GiB through the mapped ring, every byte verified. Under emulation
 * (TCG) a 64 MiB probe decides: when 1 GiB would take over 60 s, the
 * transfer is scaled down to about 60 s worth, and the output says so.
 */
void t_mmap_transfer_1gib_checksum(void)
{
	struct xfer *x = shared_alloc(sizeof(*x));
	uint64_t total = 1ULL << 30, probe = 64ULL << 20;
	double rate;

	transfer(x, mmap_producer, mmap_consumer, probe, 1 << 20);
	rate = probe / (x->secs > 0.001 ? x->secs : 0.001);
	if (total / rate > 60) {
		total = ((uint64_t)(rate * 60) >> 20) << 20;
		if (total < probe)
			total = probe;
		diag("SCALED: 1 GiB would take %.0f s here (emulation?), transferring %llu MiB instead",
		     (double)(1ULL << 30) / rate, (unsigned long long)(total >> 20));
	}
	transfer(x, mmap_producer, mmap_consumer, total, 1 << 20);
	diag("%llu MiB through mmap, checksum (stream pattern) verified, %.1f s, %.0f MiB/s",
	     (unsigned long long)(total >> 20), x->secs, (total >> 20) / x->secs);
}
