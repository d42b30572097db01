// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap_kwait.c - mmap suite, waiting and waking: copy ends asleep in
 * poll(2), read(2) or write(2), woken by an mmap peer.
 *
 * The mmap end below follows the protocol strictly: after each publish it
 * wakes the peer only when the peer's sleeping word holds a number it has
 * not answered yet (uring_publish()). A kernel end must therefore store a
 * fresh number every time it goes to sleep, in poll(2) too, or it is never
 * woken. Waits are bounded, so a regression fails instead of hanging.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "mmap_util.h"

#define KWAIT_MS	15000	/* a copy end's poll(2) that nobody wakes */

/*
 * poll(2) as ppoll(2), so that wait_blocked() knows the call to look for.
 * Returns 0 also when the poll ran into its timeout: Linux polls the file
 * once more then, so a poller that nobody woke may still report ready.
 */
static int kpoll(struct pollfd *pfd, int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };
	double t0 = tnow();
	int r = ppoll(pfd, 1, &ts, NULL);

	if (r > 0 && tnow() - t0 >= ms / 1000.0)
		return 0;
	return r;
}

struct kwait {
	uint64_t total;		/* bytes the copy end moves */
	uint64_t done;		/* bytes it moved so far (shared) */
	uint64_t polls;		/* polls that had to sleep */
	uint64_t once;		/* a reader that reads once: bytes it got */
};

/* Copy reader: poll(POLLIN) on an empty ring, then read what is there. */
static void poll_reader(void *arg)
{
	struct kwait *k = arg;
	int fd = SYS(topen(O_RDONLY | O_NONBLOCK));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[4096];
	ssize_t n;
	int r;

	while (k->done < k->total) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (scheck(buf, k->done, n) >= 0)
				fail("the reader got wrong bytes at %llu",
				     (unsigned long long)k->done);
			__atomic_add_fetch(&k->done, n, __ATOMIC_SEQ_CST);
			continue;
		}
		if (n == 0)
			fail("end of file after %llu bytes",
			     (unsigned long long)k->done);
		if (errno != EAGAIN)
			fail("read: %s", strerror(errno));
		k->polls++;
		r = kpoll(&pfd, KWAIT_MS);
		if (r < 0)
			fail("poll: %s", strerror(errno));
		if (r == 0)
			fail("poll(POLLIN) was not woken within %d ms although the mmap producer published (%llu of %llu bytes read): the poller never announced itself in the consumer's sleeping word",
			     KWAIT_MS, (unsigned long long)k->done,
			     (unsigned long long)k->total);
	}
	close(fd);
}

void t_mmap_poll_reader_woken_by_mmap_producer(void)
{
	struct kwait *k = shared_alloc(sizeof(*k));
	struct myipc_ring p;
	uint64_t off = 0, n;
	double end;
	pid_t c;
	int round;

	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	k->total = 20 * 100;
	c = spawn(poll_reader, k);
	for (round = 0; round < 20; round++) {
		/* the reader drained everything and sleeps in poll(2) */
		wait_blocked(c, SYS_ppoll);
		n = 100;
		sfill(p.data + (p.idx & p.mask), off, n);
		uring_publish(&p, n);
		off += n;
		end = tnow() + KWAIT_MS / 1000.0 + 5;
		while (__atomic_load_n(&k->done, __ATOMIC_SEQ_CST) < off) {
			if (has_exited(c, NULL) || tnow() > end)
				break;
			msleep(2);
		}
	}
	expect_exit0(c, KWAIT_MS + 10000, "the polling reader");
	CHECK_EQ(k->done, k->total);
	diag("reader polls that slept: %llu, producer wakes: %llu",
	     (unsigned long long)k->polls, (unsigned long long)p.wakes);
	uring_close(&p);
}

/* Copy writer: fill the ring, poll(POLLOUT) while it is full, go on. */
static void poll_writer(void *arg)
{
	struct kwait *k = arg;
	int fd = SYS(topen(O_WRONLY | O_NONBLOCK));
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	uint8_t buf[4096];
	ssize_t n;
	size_t want;
	int r;

	while (k->done < k->total) {
		want = k->total - k->done < sizeof(buf) ?
		       k->total - k->done : sizeof(buf);
		sfill(buf, k->done, want);
		n = write(fd, buf, want);
		if (n > 0) {
			__atomic_add_fetch(&k->done, n, __ATOMIC_SEQ_CST);
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			fail("write: %s", strerror(errno));
		k->polls++;
		r = kpoll(&pfd, KWAIT_MS);
		if (r < 0)
			fail("poll: %s", strerror(errno));
		if (r == 0)
			fail("poll(POLLOUT) was not woken within %d ms although the mmap consumer made room (%llu of %llu bytes written): the poller never announced itself in the producer's sleeping word",
			     KWAIT_MS, (unsigned long long)k->done,
			     (unsigned long long)k->total);
	}
	close(fd);
}

/*
 * Drain as an mmap consumer in steps of @step bytes with a pause after
 * each, verifying the stream, until @total bytes came. Waits (protocol
 * wait, bounded) while the ring is empty; fails after @limit seconds.
 */
static void slow_drain(struct myipc_ring *c, uint64_t total, uint64_t step,
		       int pause_ms, double limit, pid_t peer)
{
	double end = tnow() + limit;
	uint64_t got = 0, n;
	long bad;
	int ret;

	while (got < total) {
		if (tnow() > end)
			fail("only %llu of %llu bytes arrived within %.0f s: the copy writer was not woken (%s)",
			     (unsigned long long)got, (unsigned long long)total,
			     limit, proc_where(peer));
		n = myipc_ring_avail(c);
		if (n > c->cap)
			fail("corrupt indices seen by the consumer");
		if (!n) {
			ret = uring_wait(c, 1, 1000000000LL);
			if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR)
				fail("MYIPC_IOC_WAIT: %s", strerror(-ret));
			continue;
		}
		if (n > step)
			n = step;
		bad = scheck(c->data + (c->idx & c->mask), got, n);
		if (bad >= 0)
			fail("byte %llu of the stream is wrong",
			     (unsigned long long)(got + bad));
		uring_publish(c, n);
		got += n;
		msleep(pause_ms);
	}
}

void t_mmap_poll_writer_woken_by_mmap_consumer(void)
{
	struct kwait *k = shared_alloc(sizeof(*k));
	struct myipc_ring c;
	pid_t w;

	uring_open(&c, T.path, MYIPC_ROLE_CONSUMER);
	k->total = 4 * c.cap;
	w = spawn(poll_writer, k);
	/* the writer filled the ring and sleeps in poll(2) */
	wait_blocked(w, SYS_ppoll);
	/* room comes in pieces smaller than the PIPE_BUF poll waits for */
	slow_drain(&c, k->total, 1024, 5, 4 * KWAIT_MS / 1000.0, w);
	expect_exit0(w, KWAIT_MS + 10000, "the polling writer");
	CHECK_EQ(k->done, k->total);
	diag("writer polls that slept: %llu, consumer wakes: %llu",
	     (unsigned long long)k->polls, (unsigned long long)c.wakes);
	uring_close(&c);
}

/* One blocking write(2) of k->total bytes. */
static void big_writer(void *arg)
{
	struct kwait *k = arg;
	int fd = SYS(topen(O_WRONLY));
	uint8_t *buf = malloc(k->total);
	ssize_t n;

	sfill(buf, 0, k->total);
	n = write(fd, buf, k->total);
	if (n < 0)
		fail("write: %s", strerror(errno));
	k->done = n;
	close(fd);
	free(buf);
}

/*
 * A blocking write(2) of four times the capacity into an mmap consumer
 * that frees room 1 KiB at a time: the writer (which waits for PIPE_BUF
 * of room) goes back to sleep many times, and each sleep must carry a
 * number the consumer has not answered yet.
 */
void t_mmap_blocking_write_every_sleep_answered(void)
{
	struct kwait *k = shared_alloc(sizeof(*k));
	struct myipc_stats st;
	struct myipc_ring c;
	pid_t w;

	uring_open(&c, T.path, MYIPC_ROLE_CONSUMER);
	k->total = 4 * c.cap;
	w = spawn(big_writer, k);
	wait_blocked(w, SYS_write);
	slow_drain(&c, k->total, 1024, 2, 60, w);
	expect_exit0(w, 30000, "the blocking writer");
	CHECK_EQ(k->done, k->total);
	st = get_stats(c.fd);
	diag("writer sleeps %llu, consumer wakes %llu",
	     (unsigned long long)st.writer_sleeps, (unsigned long long)c.wakes);
	uring_close(&c);
}

/* The parent's role end, which a forked reader must not keep open. */
static struct myipc_ring *kw_parent;

/* Blocking reads until end of file, counting into k->done. */
static void blocking_reader(void *arg)
{
	struct kwait *k = arg;
	int fd;

	uring_close(kw_parent);	/* else the producer never goes: no EOF */
	fd = SYS(topen(O_RDONLY));
	uint8_t buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		__atomic_add_fetch(&k->done, n, __ATOMIC_SEQ_CST);
	if (n < 0)
		fail("read: %s", strerror(errno));
	close(fd);
}

/* One blocking read(2), then exit. */
static void read_once(void *arg)
{
	struct kwait *k = arg;
	uint8_t buf[4096];
	ssize_t n;
	int fd;

	uring_close(kw_parent);
	fd = SYS(topen(O_RDONLY));
	n = read(fd, buf, sizeof(buf));

	if (n <= 0)
		fail("read: %zd (%s)", n, n < 0 ? strerror(errno) : "EOF");
	k->once = n;
	close(fd);
}

/*
 * The mirror for read(2): two readers sleep in read(2); the mmap
 * producer's first publish wakes one (which reads and leaves), the next
 * publishes must still wake the other. The reader that woke leaves a
 * fresh number behind for the one still asleep.
 */
void t_mmap_blocking_read_every_sleep_answered(void)
{
	struct kwait *a = shared_alloc(sizeof(*a));
	struct kwait *b = shared_alloc(sizeof(*b));
	struct myipc_ring p;
	uint64_t off = 0;
	double end;
	pid_t ra, rb;
	int i;

	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	kw_parent = &p;
	ra = spawn(read_once, a);
	wait_blocked(ra, SYS_read);
	rb = spawn(blocking_reader, b);
	wait_blocked(rb, SYS_read);
	/* wakes the first sleeper (exclusive waits are FIFO), which leaves */
	sfill(p.data + (p.idx & p.mask), off, 100);
	uring_publish(&p, 100);
	off += 100;
	end = tnow() + KWAIT_MS / 1000.0;
	while (a->once + __atomic_load_n(&b->done, __ATOMIC_SEQ_CST) < 100) {
		if (tnow() > end)
			fail("the first publish woke no reader (wakes %llu, sleeping word %u): %s",
			     (unsigned long long)p.wakes, p.peer->sleeping,
			     proc_where(ra));
		msleep(2);
	}
	CHECK(b->done == 0, "the reader that slept second was woken first");
	end = tnow() + KWAIT_MS / 1000.0;
	while (!has_exited(ra, NULL)) {
		if (tnow() > end)
			fail("the reader that read once does not finish: %s",
			     proc_where(ra));
		msleep(2);
	}
	CHECK_EQ(a->once, 100);
	/* now only the second reader sleeps: every publish must reach it */
	for (i = 0; i < 10; i++) {
		wait_blocked(rb, SYS_read);
		sfill(p.data + (p.idx & p.mask), off, 100);
		uring_publish(&p, 100);
		off += 100;
		end = tnow() + KWAIT_MS / 1000.0;
		while (a->once + __atomic_load_n(&b->done, __ATOMIC_SEQ_CST) < off) {
			if (tnow() > end)
				fail("publish %d: the reader asleep in read(2) was not woken within %d ms (it got %llu of %llu bytes): %s",
				     i + 2, KWAIT_MS,
				     (unsigned long long)b->done,
				     (unsigned long long)(off - a->once),
				     proc_where(rb));
			msleep(2);
		}
	}
	uring_close(&p);
	expect_exit0(rb, KWAIT_MS, "the reader that reads to the end");
	CHECK_EQ(a->once + b->done, off);
}
