// SPDX-License-Identifier: GPL-2.0
/*
 * t_rw.c - read(2) and write(2) as on a FIFO (pipe(7)): blocking, partial
 * reads, end of file, EAGAIN, PIPE_BUF atomicity, EPIPE/SIGPIPE, and
 * signals arriving while a call sleeps.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "harness.h"

/* ---- read ---------------------------------------------------------------- */

struct rw {
	int rfd, wfd;
	bool restart;
	int hits;
	long ret;
	int err;
	size_t len;
	uint64_t off;
};

static void child_read_hello(void *arg)
{
	struct rw *s = arg;
	char buf[100] = { 0 };

	close(s->wfd);
	CHECK_EQ(read(s->rfd, buf, sizeof(buf)), 5);
	CHECK(!memcmp(buf, "hello", 5), "read '%.5s'", buf);
}

void t_read_blocks_until_data(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	pid = spawn(child_read_hello, s);
	wait_blocked(pid, SYS_read);
	CHECK_EQ(write(s->wfd, "hello", 5), 5);
	expect_exit0(pid, 5000, "the blocked reader");
}

void t_read_returns_what_is_there(void)
{
	uint8_t buf[8192];
	int r, w;

	open_pair(&r, &w);
	pattern_fill(buf, 0, 10);
	CHECK_EQ(write(w, buf, 10), 10);
	/* A large read returns at once with the 10 bytes that are there. */
	CHECK_EQ(read(r, buf, sizeof(buf)), 10);
	CHECK(pattern_check(buf, 0, 10) < 0, "wrong bytes");
	pattern_fill(buf, 10, 100);
	CHECK_EQ(write(w, buf, 100), 100);
	/* A small read takes only its count; the rest stays, in order. */
	CHECK_EQ(read(r, buf, 30), 30);
	CHECK(pattern_check(buf, 10, 30) < 0, "wrong bytes");
	CHECK_EQ(fionread(r), 70);
	CHECK_EQ(read(r, buf, sizeof(buf)), 70);
	CHECK(pattern_check(buf, 40, 70) < 0, "wrong bytes");
}

void t_read_eof_when_no_writer(void)
{
	char buf[16];
	int r, w;

	open_pair(&r, &w);
	CHECK_EQ(write(w, "1234567", 7), 7);
	close(w);
	/* Buffered data first, then end of file, again and again. */
	CHECK_EQ(read(r, buf, sizeof(buf)), 7);
	CHECK_EQ(read(r, buf, sizeof(buf)), 0);
	CHECK_EQ(read(r, buf, sizeof(buf)), 0);
}

void t_read_nonblock_eagain_when_empty(void)
{
	char c = 'q';
	int r, w;

	open_pair(&r, &w);
	set_nonblock(r, true);
	SYS_ERR(read(r, &c, 1), EAGAIN);
	CHECK_EQ(write(w, &c, 1), 1);
	CHECK_EQ(read(r, &c, 1), 1);
	SYS_ERR(read(r, &c, 1), EAGAIN);
	close(w);
	/* Without a writer an empty channel is at end of file, not EAGAIN. */
	CHECK_EQ(read(r, &c, 1), 0);
}

void t_read_nonblock_eof_without_writer(void)
{
	int r = SYS(topen(O_RDONLY | O_NONBLOCK));
	char c;

	CHECK_EQ(read(r, &c, 1), 0);
	close(r);
}

/* ---- write ------------------------------------------------------------------- */

void t_ring_holds_full_capacity(void)
{
	uint8_t *buf;
	long cap;
	size_t filled;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(w);
	/* Every byte of the capacity is usable (no slot kept free). */
	filled = fill_full(w, NULL);
	CHECK_EQ(filled, cap);
	CHECK_EQ(fionread(r), cap);
	buf = malloc(cap);
	read_exact(r, buf, cap);
	CHECK(pattern_check(buf, 0, cap) < 0, "wrong bytes after a full fill");
	free(buf);
}

static void child_write(void *arg)
{
	struct rw *s = arg;
	uint8_t *buf = malloc(s->len);

	close(s->rfd);
	pattern_fill(buf, s->off, s->len);
	if (s->hits >= 0)
		catch_signal(SIGUSR1, s->restart, &s->hits);
	errno = 0;
	s->ret = write(s->wfd, buf, s->len);
	s->err = errno;
	free(buf);
}

/* Read everything up to stream offset end and check it. */
static void drain_check(int r, uint64_t from, uint64_t end)
{
	uint8_t buf[65536];

	while (from < end) {
		size_t n = end - from < sizeof(buf) ? end - from : sizeof(buf);
		long bad;

		read_exact(r, buf, n);
		bad = pattern_check(buf, from, n);
		CHECK(bad < 0, "byte at stream offset %llu is wrong",
		      (unsigned long long)(from + bad));
		from += n;
	}
}

void t_write_blocks_while_full(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	uint8_t buf[PIPE_BUF];
	uint64_t off = 0;
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	fill_full(s->wfd, &off);
	s->off = off;
	s->len = 100;
	s->hits = -1;
	pid = spawn(child_write, s);
	wait_blocked(pid, SYS_write);
	/* Freeing PIPE_BUF bytes lets the 100-byte write through. */
	read_exact(s->rfd, buf, PIPE_BUF);
	CHECK(pattern_check(buf, 0, PIPE_BUF) < 0, "wrong bytes");
	expect_exit0(pid, 5000, "the blocked writer");
	CHECK_EQ(s->ret, 100);
	close(s->wfd);
	drain_check(s->rfd, PIPE_BUF, off + 100);
}

void t_write_blocking_large_completes(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	/* A blocking write of 4x the capacity returns only when all is in. */
	s->len = 4 * tcapacity(s->wfd) + 123;
	s->hits = -1;
	pid = spawn(child_write, s);
	drain_check(s->rfd, 0, s->len);
	expect_exit0(pid, 10000, "the large writer");
	CHECK_EQ(s->ret, s->len);
}

/* A nonblocking write of n <= PIPE_BUF bytes moves n bytes or none. */
static bool small_write(int w, uint64_t *off, size_t n, bool must_fit, bool must_fail)
{
	uint8_t buf[PIPE_BUF];
	ssize_t r;

	pattern_fill(buf, *off, n);
	errno = 0;
	r = write(w, buf, n);
	CHECK(r == (ssize_t)n || (r == -1 && errno == EAGAIN),
	      "nonblocking write of %zu bytes returned %zd (%s): must be all or EAGAIN",
	      n, r, r == -1 ? strerror(errno) : "partial");
	if (must_fit)
		CHECK(r == (ssize_t)n, "write of %zu bytes with room for it: %s", n,
		      strerror(errno));
	if (must_fail)
		CHECK(r == -1, "write of %zu bytes without room for it returned %zd", n, r);
	if (r > 0)
		*off += n;
	return r > 0;
}

void t_write_nonblock_small_all_or_eagain(void)
{
	uint8_t buf[PIPE_BUF];
	uint64_t woff = 0, roff = 0;
	unsigned int seed = 1;
	long cap;
	int r, w, i;

	open_pair(&r, &w);
	set_nonblock(w, true);
	set_nonblock(r, true);
	cap = tcapacity(w);
	small_write(w, &woff, PIPE_BUF, true, false);
	fill_full(w, &woff);
	CHECK_EQ(woff, cap);
	/* Full: nothing fits. */
	small_write(w, &woff, 1, false, true);
	small_write(w, &woff, PIPE_BUF, false, true);
	/* 100 bytes free: a PIPE_BUF or a 200-byte write must not go in part. */
	read_exact(r, buf, 100);
	roff += 100;
	small_write(w, &woff, PIPE_BUF, false, true);
	small_write(w, &woff, 200, false, true);
	/* PIPE_BUF + 4 free: a PIPE_BUF write fits whole. */
	read_exact(r, buf, PIPE_BUF - 100 + 4);
	roff += PIPE_BUF - 100 + 4;
	small_write(w, &woff, PIPE_BUF, true, false);
	small_write(w, &woff, PIPE_BUF, false, true);
	/* Random sizes and fill levels: always all or EAGAIN, stream intact. */
	for (i = 0; i < 3000; i++) {
		size_t n = 1 + rand_r(&seed) % PIPE_BUF;
		ssize_t got;
		long bad;

		small_write(w, &woff, n, false, false);
		n = 1 + rand_r(&seed) % PIPE_BUF;
		got = read(r, buf, n);
		if (got == -1 && errno == EAGAIN)
			continue;
		CHECK(got > 0, "read: %s", strerror(errno));
		bad = pattern_check(buf, roff, got);
		CHECK(bad < 0, "byte at offset %llu wrong: a write was split or lost",
		      (unsigned long long)(roff + bad));
		roff += got;
	}
	set_nonblock(r, false);
	drain_check(r, roff, woff);
}

void t_write_nonblock_large_partial_or_eagain(void)
{
	uint64_t woff = 0;
	long cap;
	uint8_t *buf;
	ssize_t n;
	int r, w;

	open_pair(&r, &w);
	set_nonblock(w, true);
	cap = tcapacity(w);
	buf = malloc(2 * cap);
	/* Empty: a write of twice the capacity moves part of it. */
	pattern_fill(buf, 0, 2 * cap);
	n = write(w, buf, 2 * cap);
	CHECK(n > 0 && n <= cap, "nonblocking write of %ld bytes into an empty channel of %ld returned %zd (%s)",
	      2 * cap, cap, n, n == -1 ? strerror(errno) : "");
	woff = n;
	CHECK_EQ(fionread(r), n);
	fill_full(w, &woff);
	/* Full: EAGAIN, nothing moved. */
	pattern_fill(buf, woff, 2 * cap);
	SYS_ERR(write(w, buf, 2 * cap), EAGAIN);
	/* Some room: part of a large write, or EAGAIN. */
	read_exact(r, buf, 5000);
	CHECK(pattern_check(buf, 0, 5000) < 0, "wrong bytes");
	pattern_fill(buf, woff, 2 * PIPE_BUF);
	n = write(w, buf, 2 * PIPE_BUF);
	CHECK((n > 0 && n < 2 * PIPE_BUF) || (n == -1 && errno == EAGAIN),
	      "write of %d bytes with 5000 free returned %zd", 2 * PIPE_BUF, n);
	if (n > 0)
		woff += n;
	close(w);
	drain_check(r, 5000, woff);
	free(buf);
}

void t_write_epipe_and_sigpipe_without_reader(void)
{
	struct iovec iov = { .iov_base = "xy", .iov_len = 2 };
	sigset_t block, pending;
	int r, w, sig;

	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	SYS(sigprocmask(SIG_BLOCK, &block, NULL));
	open_pair(&r, &w);
	close(r);
	SYS_ERR(write(w, "x", 1), EPIPE);
	SYS(sigpending(&pending));
	CHECK(sigismember(&pending, SIGPIPE), "no SIGPIPE is pending after EPIPE");
	SYS(sigwait(&block, &sig));
	SYS_ERR(writev(w, &iov, 1), EPIPE);
	SYS(sigwait(&block, &sig));
	set_nonblock(w, true);
	SYS_ERR(write(w, "x", 1), EPIPE);
	SYS(sigpending(&pending));
	CHECK(sigismember(&pending, SIGPIPE), "no SIGPIPE after a nonblocking EPIPE");
}

static void child_write_no_reader(void *arg)
{
	int *fds = arg;

	close(fds[0]);
	signal(SIGPIPE, SIG_DFL);
	(void)!write(fds[1], "x", 1);
	fail("write without a reader returned instead of raising SIGPIPE");
}

void t_write_sigpipe_kills_by_default(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	int st;

	open_pair(&fds[0], &fds[1]);
	close(fds[0]);
	st = wait_status(spawn(child_write_no_reader, fds), 5000);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
	      "the writer was not killed by SIGPIPE (%s %d)",
	      WIFSIGNALED(st) ? "signal" : "exit status",
	      WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* ---- signals during blocking calls --------------------------------------- */

static void child_read_sig(void *arg)
{
	struct rw *s = arg;
	char buf[64];

	close(s->wfd);
	catch_signal(SIGUSR1, s->restart, &s->hits);
	errno = 0;
	s->ret = read(s->rfd, buf, sizeof(buf));
	s->err = errno;
}

static void wait_hits(int *hits, int want)
{
	int i;

	for (i = 0; i < 5000 && __atomic_load_n(hits, __ATOMIC_SEQ_CST) < want; i++)
		msleep(1);
	CHECK_EQ(__atomic_load_n(hits, __ATOMIC_SEQ_CST), want);
}

void t_read_signal_eintr(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	char c;
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	pid = spawn(child_read_sig, s);
	wait_blocked(pid, SYS_read);
	SYS(kill(pid, SIGUSR1));
	expect_exit0(pid, 5000, "the interrupted reader");
	CHECK(s->ret == -1 && s->err == EINTR, "read returned %ld (%s), expected EINTR",
	      s->ret, strerror(s->err));
	CHECK_EQ(s->hits, 1);
	/* The channel still works. */
	CHECK_EQ(write(s->wfd, "z", 1), 1);
	CHECK_EQ(read(s->rfd, &c, 1), 1);
}

void t_read_signal_sa_restart(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	s->restart = true;
	pid = spawn(child_read_sig, s);
	wait_blocked(pid, SYS_read);
	SYS(kill(pid, SIGUSR1));
	wait_hits(&s->hits, 1);
	/* Restarted: asleep again in read, not returned. */
	wait_blocked(pid, SYS_read);
	CHECK_EQ(write(s->wfd, "hello", 5), 5);
	expect_exit0(pid, 5000, "the restarted reader");
	CHECK_EQ(s->ret, 5);
}

void t_write_signal_eintr(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	uint64_t off = 0;
	pid_t pid;
	long cap;

	open_pair(&s->rfd, &s->wfd);
	cap = fill_full(s->wfd, &off);
	s->off = off;
	s->len = 100;
	pid = spawn(child_write, s);
	wait_blocked(pid, SYS_write);
	SYS(kill(pid, SIGUSR1));
	expect_exit0(pid, 5000, "the interrupted writer");
	CHECK(s->ret == -1 && s->err == EINTR, "write returned %ld (%s), expected EINTR",
	      s->ret, strerror(s->err));
	CHECK_EQ(s->hits, 1);
	CHECK_EQ(fionread(s->rfd), cap);
	close(s->wfd);
	drain_check(s->rfd, 0, off);
}

void t_write_signal_sa_restart(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	uint64_t off = 0;
	pid_t pid;
	uint8_t buf[PIPE_BUF];

	open_pair(&s->rfd, &s->wfd);
	fill_full(s->wfd, &off);
	s->off = off;
	s->len = 100;
	s->restart = true;
	pid = spawn(child_write, s);
	wait_blocked(pid, SYS_write);
	SYS(kill(pid, SIGUSR1));
	wait_hits(&s->hits, 1);
	wait_blocked(pid, SYS_write);
	read_exact(s->rfd, buf, PIPE_BUF);
	expect_exit0(pid, 5000, "the restarted writer");
	CHECK_EQ(s->ret, 100);
	close(s->wfd);
	drain_check(s->rfd, PIPE_BUF, off + 100);
}

void t_write_signal_after_partial_returns_count(void)
{
	struct rw *s = shared_alloc(sizeof(*s));
	pid_t pid;
	long cap;

	open_pair(&s->rfd, &s->wfd);
	cap = tcapacity(s->wfd);
	/* More than fits: the writer moves part of it, then sleeps. */
	s->len = cap + 3 * PIPE_BUF;
	pid = spawn(child_write, s);
	wait_blocked(pid, SYS_write);
	SYS(kill(pid, SIGUSR1));
	expect_exit0(pid, 5000, "the interrupted writer");
	CHECK(s->ret > 0 && s->ret < (long)s->len,
	      "write interrupted after a partial transfer returned %ld (%s), expected the partial count",
	      s->ret, s->ret == -1 ? strerror(s->err) : "");
	CHECK_EQ(fionread(s->rfd), s->ret);
	close(s->wfd);
	drain_check(s->rfd, 0, s->ret);
}
