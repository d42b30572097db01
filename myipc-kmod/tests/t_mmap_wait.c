// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap_wait.c - mmap suite, waiting and waking: MYIPC_IOC_WAIT/WAKE of
 * the role ends (timeouts, wakes, index checks against copies and resizes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "mmap_util.h"

void t_mmap_wait_timeout_self_wake_peer_gone(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	uint32_t self = MYIPC_WAKE_SELF;
	struct myipc_wait w = { .need = 1, .timeout_ns = 200000000 };
	int p = SYS(topen(O_RDWR)), c = SYS(topen(O_RDWR));
	double t0;
	long r;

	SYS(ioctl(c, MYIPC_IOC_SET_ROLE, &cons));
	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	/* empty ring: times out after about the timeout */
	t0 = tnow();
	SYS_ERR(ioctl(c, MYIPC_IOC_WAIT, &w), ETIMEDOUT);
	CHECK(tnow() - t0 >= 0.15, "returned after %.3f s", tnow() - t0);
	/* a self wake makes the next wait return WOKEN, once */
	SYS(ioctl(c, MYIPC_IOC_WAKE, &self));
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_WOKEN);
	SYS_ERR(ioctl(c, MYIPC_IOC_WAIT, &w), ETIMEDOUT);
	/* data makes it READY; the producer has room */
	CHECK_EQ(write(p, "x", 1), 1);
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_READY);
	w.need = 4096;
	CHECK_EQ(ioctl(p, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_READY);
	/* the peer's wake_seq moving ends the wait at once */
	w.need = 2;
	w.flags = MYIPC_WAIT_SEQ;
	w.seq = 12345;
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_WOKEN);
	/* bad arguments */
	w.flags = 0x80;
	SYS_ERR(ioctl(c, MYIPC_IOC_WAIT, &w), EINVAL);
	w.flags = 0;
	w.reserved = 1;
	SYS_ERR(ioctl(c, MYIPC_IOC_WAIT, &w), EINVAL);
	w.reserved = 0;
	/* the producer going wakes a consumer blocked forever */
	if (fork() == 0) {
		msleep(300);
		_exit(0);
	}
	close(p);
	w.timeout_ns = -1;
	w.need = 2;
	r = ioctl(c, MYIPC_IOC_WAIT, &w);
	CHECK_EQ(r, MYIPC_WAIT_PEER_GONE);
	close(c);
}

/*
 * MYIPC_IOC_WAIT checks that the index user space writes only moves
 * forward: a head (tail) stepping back, even to a value whose distance
 * to the other index is plausible, marks the channel broken (EIO), and
 * the copy end of the same channel sees EIO too.
 */
static void wait_backwards_case(uint32_t role)
{
	struct myipc_wait w = { .need = 1, .timeout_ns = 1000000 };
	bool cons = role == MYIPC_ROLE_CONSUMER;
	uint8_t buf[512];
	struct myipc_ring u;
	long r;
	int fd;

	/* the copy end of the other kind (a writer needs the reader first) */
	if (cons) {
		uring_open(&u, T.path, role);
		fd = SYS(topen(O_WRONLY | O_NONBLOCK));
	} else {
		fd = SYS(topen(O_RDONLY | O_NONBLOCK));
		uring_open(&u, T.path, role);
	}
	if (cons) {
		memset(buf, 1, sizeof(buf));
		CHECK_EQ(write(fd, buf, 400), 400);
		r = ioctl(u.fd, MYIPC_IOC_WAIT, &w);
		CHECK_EQ(r, MYIPC_WAIT_READY);
		/* forward by 300: fine */
		myipc_store_release(&u.own->index, 300);
		r = ioctl(u.fd, MYIPC_IOC_WAIT, &w);
		CHECK_EQ(r, MYIPC_WAIT_READY);
		/* back to 100: 300 readable would be plausible, but it moved back */
		myipc_store_release(&u.own->index, 100);
	} else {
		memset(u.data, 1, 400);
		myipc_store_release(&u.own->index, 400);
		r = ioctl(u.fd, MYIPC_IOC_WAIT, &w);
		CHECK_EQ(r, MYIPC_WAIT_READY);
		/* back to 200: 200 buffered would be plausible */
		myipc_store_release(&u.own->index, 200);
	}
	SYS_ERR(ioctl(u.fd, MYIPC_IOC_WAIT, &w), EIO);
	/* the channel stays broken for every user, the copy end too */
	SYS_ERR(ioctl(u.fd, MYIPC_IOC_WAIT, &w), EIO);
	if (cons)
		SYS_ERR(write(fd, buf, 1), EIO);
	else
		SYS_ERR(read(fd, buf, 1), EIO);
	uring_close(&u);
	close(fd);
	/* a fresh ring once every end has closed */
	fd = SYS(topen(O_RDWR));
	CHECK_EQ(write(fd, "ok", 2), 2);
	CHECK_EQ(read(fd, buf, 8), 2);
	close(fd);
}

void t_mmap_wait_index_backwards_eio(void)
{
	wait_backwards_case(MYIPC_ROLE_CONSUMER);
	wait_backwards_case(MYIPC_ROLE_PRODUCER);
}

/*
 * A role file shared by processes: one copies through it with
 * read(2)/write(2) while another sleeps on it in MYIPC_IOC_WAIT. The own
 * index then moves under WAIT's look; that must never be taken for a
 * corrupt ring (EIO, channel broken).
 */
struct copy_race {
	int p, c;
	double until;
	uint64_t moved;		/* bytes the copy loops moved */
	uint64_t waits[2];	/* WAIT calls by the consumer and producer loop */
	uint64_t eio[2];
};

static void copy_race_writer(void *arg)
{
	struct copy_race *r = arg;
	char b[4096];

	memset(b, 'w', sizeof(b));
	while (tnow() < r->until)
		if (write(r->p, b, sizeof(b)) < 0 && errno != EAGAIN)
			_exit(2);
}

static void copy_race_reader(void *arg)
{
	struct copy_race *r = arg;
	char b[4096];
	ssize_t n;

	while (tnow() < r->until) {
		n = read(r->c, b, sizeof(b));
		if (n > 0)
			__atomic_add_fetch(&r->moved, (uint64_t)n, __ATOMIC_RELAXED);
		else if (n < 0 && errno != EAGAIN)
			_exit(2);
	}
}

static void copy_race_waiter(struct copy_race *r, int fd, int i)
{
	struct myipc_wait w = { .need = 1, .timeout_ns = 1000000 };

	while (tnow() < r->until) {
		r->waits[i]++;
		if (ioctl(fd, MYIPC_IOC_WAIT, &w) < 0 && errno == EIO)
			r->eio[i]++;
	}
}

static void copy_race_cons_waiter(void *arg)
{
	struct copy_race *r = arg;

	copy_race_waiter(r, r->c, 0);
}

static void copy_race_prod_waiter(void *arg)
{
	struct copy_race *r = arg;

	copy_race_waiter(r, r->p, 1);
}

void t_mmap_wait_while_same_file_copies_no_eio(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	struct copy_race *r = shared_alloc(sizeof(*r));
	pid_t pid[4];
	ssize_t n;
	char b[1];
	int i;

	r->p = SYS(topen(O_RDWR | O_NONBLOCK));
	r->c = SYS(topen(O_RDWR | O_NONBLOCK));
	SYS(ioctl(r->c, MYIPC_IOC_SET_ROLE, &cons));
	SYS(ioctl(r->p, MYIPC_IOC_SET_ROLE, &prod));
	r->until = tnow() + 5.0;
	pid[0] = spawn(copy_race_writer, r);
	pid[1] = spawn(copy_race_reader, r);
	pid[2] = spawn(copy_race_cons_waiter, r);
	pid[3] = spawn(copy_race_prod_waiter, r);
	for (i = 0; i < 4; i++)
		expect_exit0(pid[i], 60000, "copy or wait loop");
	diag("moved %llu KiB; WAITs %llu consumer, %llu producer",
	     (unsigned long long)(r->moved >> 10), (unsigned long long)r->waits[0],
	     (unsigned long long)r->waits[1]);
	CHECK(r->moved > 0, "nothing was copied");
	CHECK(r->waits[0] > 0 && r->waits[1] > 0, "a WAIT loop did not run");
	CHECK_EQ(r->eio[0], 0);
	CHECK_EQ(r->eio[1], 0);
	/* and the channel is not broken: a byte or EAGAIN, not EIO */
	n = read(r->c, b, 1);
	CHECK(n == 1 || (n < 0 && errno == EAGAIN), "read after the race: %zd (%s)", n,
	      n < 0 ? strerror(errno) : "");
	close(r->p);
	close(r->c);
}

struct wait_outcome {
	long ret;
	double end;
};

/* In a child: the producer's MYIPC_IOC_WAIT for @need bytes of room. */
struct producer_wait {
	struct myipc_ring *p;
	uint64_t need;
	struct wait_outcome *out;
};

static void producer_wait_run(void *arg)
{
	struct producer_wait *pw = arg;
	struct myipc_wait w = { .need = pw->need, .timeout_ns = 10000000000LL };

	pw->out->ret = ioctl(pw->p->fd, MYIPC_IOC_WAIT, &w);
	pw->out->end = tnow();
}

/*
 * A mapped producer that filled the ring waits (MYIPC_IOC_WAIT) for less
 * room than MYIPC_PIPE_BUF; a copy reader then frees that much. The
 * producer must wake at once, not at its 10 s timeout (copy writers wait
 * for MYIPC_PIPE_BUF, the role's WAIT for what it asked).
 */
static void producer_woken_by_copy_reader(uint64_t need, size_t freed)
{
	struct wait_outcome *out = shared_alloc(sizeof(*out));
	struct producer_wait pw;
	uint8_t buf[4096];
	double t0;
	struct myipc_ring p;
	pid_t pid;
	int r;

	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	r = SYS(topen(O_RDONLY | O_NONBLOCK));
	sfill(p.data, 0, p.cap);
	uring_publish(&p, p.cap);
	*out = (struct wait_outcome){ .ret = -2 };
	pw = (struct producer_wait){ .p = &p, .need = need, .out = out };
	pid = spawn(producer_wait_run, &pw);
	wait_blocked(pid, SYS_ioctl);
	t0 = tnow();
	CHECK_EQ(read(r, buf, freed), (long)freed);
	expect_exit0(pid, 15000, "the waiting producer");
	CHECK(out->ret >= 0 && (out->ret & MYIPC_WAIT_READY),
	      "WAIT(need %llu) after %zu bytes freed gave %ld", (unsigned long long)need,
	      freed, out->ret);
	diag("need %llu, %zu bytes freed: woken after %.3f s", (unsigned long long)need,
	     freed, out->end - t0);
	/* under emulation a wake-up takes milliseconds; the bug took the 10 s timeout */
	CHECK(out->end - t0 < 1.0, "woken %.3f s after the read", out->end - t0);
	close(r);
	uring_close(&p);
}

void t_mmap_wait_producer_woken_by_copy_reader(void)
{
	producer_woken_by_copy_reader(1, 100);
	producer_woken_by_copy_reader(1000, 2000);
}

/*
 * MYIPC_IOC_WAIT judges the indices against the size they had: a resize
 * (grow, then fill beyond the old size, then shrink) between its look at
 * the size and at the indices must not read as a corrupt ring. The
 * producer role waits (not mapped, so SET_SIZE may resize) while the
 * same file writes and a copy reader drains.
 */
void t_mmap_wait_during_resize_no_eio(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER;
	int p = SYS(topen(O_RDWR)), r = SYS(topen(O_RDONLY | O_NONBLOCK));
	long *eio = shared_alloc(sizeof(long) * 2);
	long cap = tcapacity(p), rounds = 0;
	static uint8_t buf[3 * 4096];
	double end;
	pid_t pid;

	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	SYS(tset_size(p, 4096));
	pid = fork();
	if (pid == 0) {
		struct myipc_wait w = { .need = 4096, .timeout_ns = 0 };

		for (end = tnow() + 3; tnow() < end;) {
			if (ioctl(p, MYIPC_IOC_WAIT, &w) < 0 && errno == EIO)
				eio[0]++;
			eio[1]++;
		}
		_exit(0);
	}
	for (end = tnow() + 3; tnow() < end; rounds++) {
		CHECK_EQ(tset_size(p, sizeof(buf) + 4096), 16384);
		CHECK(write(p, buf, sizeof(buf)) == (long)sizeof(buf),
		      "write: %s (the channel was marked broken?)", strerror(errno));
		CHECK_EQ(read(r, buf, sizeof(buf)), (long)sizeof(buf));
		CHECK_EQ(tset_size(p, 4096), 4096);
	}
	expect_exit0(pid, 10000, "the waiting producer");
	diag("%ld resize rounds, %ld WAITs", rounds, eio[1]);
	CHECK(eio[0] == 0, "%ld WAITs saw an honest ring as corrupt", eio[0]);
	tset_size(p, cap);
	close(p);
	close(r);
}
