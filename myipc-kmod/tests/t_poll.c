// SPDX-License-Identifier: GPL-2.0
/*
 * t_poll.c - readiness through poll(2), select(2) and epoll(7), as for a
 * FIFO: readable while data is buffered, writable while at least PIPE_BUF
 * bytes are free, POLLHUP on the read side once every writer is gone,
 * POLLERR on the write side once every reader is gone.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

static short revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	SYS(poll(&p, 1, 0));
	return p.revents;
}

static const char *mask_str(short m)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s", m & POLLIN ? "POLLIN " : "",
		 m & POLLOUT ? "POLLOUT " : "", m & POLLHUP ? "POLLHUP " : "",
		 m & POLLERR ? "POLLERR " : "", m ? "" : "none");
	return buf;
}

#define CHECK_REVENTS(fd, events, want) do {				\
	short __got = revents(fd, events);				\
	CHECK(__got == (want), "poll(" #fd ", " #events ") gave %s, expected " #want, \
	      mask_str(__got));						\
} while (0)

void t_poll_read_side(void)
{
	char buf[16];
	int r, w;

	open_pair(&r, &w);
	CHECK_REVENTS(r, POLLIN, 0);
	CHECK_EQ(write(w, "abc", 3), 3);
	CHECK_REVENTS(r, POLLIN, POLLIN);
	CHECK_EQ(read(r, buf, 2), 2);
	CHECK_REVENTS(r, POLLIN, POLLIN);
	CHECK_EQ(read(r, buf, 2), 1);
	CHECK_REVENTS(r, POLLIN, 0);
}

void t_poll_write_side_needs_pipe_buf(void)
{
	uint8_t buf[PIPE_BUF];
	int r, w;

	open_pair(&r, &w);
	CHECK_REVENTS(w, POLLOUT, POLLOUT);
	fill_full(w, NULL);
	CHECK_REVENTS(w, POLLOUT, 0);
	/* Less than PIPE_BUF free: not writable yet. */
	read_exact(r, buf, 100);
	CHECK_REVENTS(w, POLLOUT, 0);
	read_exact(r, buf, PIPE_BUF - 101);
	CHECK_REVENTS(w, POLLOUT, 0);		/* PIPE_BUF - 1 free */
	/* PIPE_BUF free: writable. */
	read_exact(r, buf, 1);
	CHECK_REVENTS(w, POLLOUT, POLLOUT);
}

void t_poll_hup_after_writers_gone(void)
{
	int r = SYS(topen(O_RDONLY | O_NONBLOCK));
	int w1 = SYS(topen(O_WRONLY)), w2 = SYS(topen(O_WRONLY));
	char buf[8];

	CHECK_EQ(write(w1, "abc", 3), 3);
	close(w1);
	/* One writer is left: no hang-up. */
	CHECK_REVENTS(r, POLLIN, POLLIN);
	close(w2);
	/* Data and hang-up together, then hang-up alone once drained. */
	CHECK_REVENTS(r, POLLIN, POLLIN | POLLHUP);
	CHECK_EQ(read(r, buf, sizeof(buf)), 3);
	CHECK_REVENTS(r, POLLIN, POLLHUP);
	/* POLLHUP is reported even when not asked for. */
	CHECK_REVENTS(r, 0, POLLHUP);
}

void t_poll_no_hup_before_first_writer(void)
{
	int r = SYS(topen(O_RDONLY | O_NONBLOCK));

	/*
	 * As on a FIFO: a reader that opened before any writer is not told
	 * "hang-up" (a poll loop waiting for the first writer must not spin).
	 */
	CHECK_REVENTS(r, POLLIN, 0);
	close(r);
}

void t_poll_err_after_readers_gone(void)
{
	int r1 = SYS(topen(O_RDONLY | O_NONBLOCK));
	int r2 = SYS(topen(O_RDONLY | O_NONBLOCK));
	int w = SYS(topen(O_WRONLY));

	CHECK_EQ(write(w, "abc", 3), 3);
	close(r1);
	CHECK_REVENTS(w, POLLOUT, POLLOUT);
	close(r2);
	CHECK(revents(w, POLLOUT) & POLLERR, "no POLLERR on the writer once readers are gone (got %s)",
	      mask_str(revents(w, POLLOUT)));
	CHECK(revents(w, 0) & POLLERR, "POLLERR is not reported when not asked for (got %s)",
	      mask_str(revents(w, 0)));
}

struct poller {
	int fd;
	int close_fd;	/* the child's copy of the peer end, closed first (-1: none) */
	short events;
	short got;
	int ret;
};

static void child_poll(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = p->events };
	struct timespec ts = { 20, 0 };

	if (p->close_fd >= 0)
		close(p->close_fd);
	p->ret = ppoll(&pfd, 1, &ts, NULL);
	p->got = pfd.revents;
}

void t_poll_wakes_sleeping_poller(void)
{
	struct poller *p = shared_alloc(sizeof(*p));
	uint8_t buf[PIPE_BUF];
	pid_t pid;
	int r, w;

	open_pair(&r, &w);
	/* A reader asleep in poll wakes when data arrives. */
	p->fd = r;
	p->close_fd = -1;
	p->events = POLLIN;
	pid = spawn(child_poll, p);
	wait_blocked(pid, SYS_ppoll);
	CHECK_EQ(write(w, "x", 1), 1);
	expect_exit0(pid, 5000, "the polling reader");
	CHECK(p->ret == 1 && p->got == POLLIN, "poll returned %d with %s", p->ret, mask_str(p->got));
	CHECK_EQ(read(r, buf, 1), 1);
	/* A writer asleep in poll wakes when PIPE_BUF bytes become free. */
	fill_full(w, NULL);
	p->fd = w;
	p->events = POLLOUT;
	pid = spawn(child_poll, p);
	wait_blocked(pid, SYS_ppoll);
	read_exact(r, buf, PIPE_BUF);
	expect_exit0(pid, 5000, "the polling writer");
	CHECK(p->ret == 1 && p->got == POLLOUT, "poll returned %d with %s", p->ret, mask_str(p->got));
	/* A reader asleep in poll wakes with POLLHUP when the last writer goes. */
	while (fionread(r) > 0)
		read_exact(r, buf, fionread(r) < PIPE_BUF ? fionread(r) : PIPE_BUF);
	p->fd = r;
	p->close_fd = w;
	p->events = POLLIN;
	pid = spawn(child_poll, p);
	wait_blocked(pid, SYS_ppoll);
	close(w);
	expect_exit0(pid, 5000, "the polling reader at hang-up");
	CHECK(p->ret == 1 && (p->got & POLLHUP), "poll returned %d with %s", p->ret, mask_str(p->got));
}

void t_select_readiness(void)
{
	struct timeval tv = { 0, 0 };
	fd_set rs, ws;
	char buf[8];
	int r, w;

	open_pair(&r, &w);
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(r, &rs);
	FD_SET(w, &ws);
	CHECK_EQ(select((r > w ? r : w) + 1, &rs, &ws, NULL, &tv), 1);
	CHECK(!FD_ISSET(r, &rs) && FD_ISSET(w, &ws), "empty: reader must not be readable, writer writable");
	CHECK_EQ(write(w, "ab", 2), 2);
	FD_ZERO(&rs);
	FD_SET(r, &rs);
	tv.tv_sec = 0;
	CHECK_EQ(select(r + 1, &rs, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(r, &rs), "data buffered: reader must be readable");
	fill_full(w, NULL);
	FD_ZERO(&ws);
	FD_SET(w, &ws);
	tv.tv_sec = 0;
	CHECK_EQ(select(w + 1, NULL, &ws, NULL, &tv), 0);
	CHECK_EQ(read(r, buf, 2), 2);
	/* Hang-up makes the reader readable for select (read gives EOF). */
	close(w);
	FD_ZERO(&rs);
	FD_SET(r, &rs);
	tv.tv_sec = 0;
	CHECK_EQ(select(r + 1, &rs, NULL, NULL, &tv), 1);
}

static uint32_t epoll_events_now(int ep)
{
	struct epoll_event ev;
	int n = SYS(epoll_wait(ep, &ev, 1, 0));

	return n ? ev.events : 0;
}

void t_epoll_readiness_hup_err(void)
{
	struct epoll_event ev = { 0 };
	uint32_t got;
	int ep, r, w;
	char buf[8];

	open_pair(&r, &w);
	ep = SYS(epoll_create1(EPOLL_CLOEXEC));
	ev.events = EPOLLIN;
	ev.data.fd = r;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev));
	CHECK_EQ(epoll_events_now(ep), 0);
	CHECK_EQ(write(w, "ab", 2), 2);
	CHECK_EQ(epoll_events_now(ep), EPOLLIN);
	close(w);
	got = epoll_events_now(ep);
	CHECK(got == (EPOLLIN | EPOLLHUP), "epoll events %#x, expected EPOLLIN|EPOLLHUP", got);
	CHECK_EQ(read(r, buf, sizeof(buf)), 2);
	got = epoll_events_now(ep);
	CHECK(got == EPOLLHUP, "epoll events %#x, expected EPOLLHUP", got);
	close(r);
	close(ep);

	/* The write side: EPOLLOUT, then EPOLLERR once the reader is gone. */
	open_pair(&r, &w);
	ep = SYS(epoll_create1(EPOLL_CLOEXEC));
	ev.events = EPOLLOUT;
	ev.data.fd = w;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, w, &ev));
	CHECK_EQ(epoll_events_now(ep), EPOLLOUT);
	fill_full(w, NULL);
	CHECK_EQ(epoll_events_now(ep), 0);
	close(r);
	got = epoll_events_now(ep);
	CHECK(got & EPOLLERR, "epoll events %#x, expected EPOLLERR", got);
	close(w);
	close(ep);
}

void t_epoll_et_event_per_write(void)
{
	struct epoll_event ev = { 0 };
	int ep, r, w;

	/*
	 * As on a FIFO: an edge-triggered waiter gets an event for every
	 * write, even when data was already buffered (applications rely on it).
	 */
	open_pair(&r, &w);
	ep = SYS(epoll_create1(EPOLL_CLOEXEC));
	ev.events = EPOLLIN | EPOLLET;
	ev.data.fd = r;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev));
	CHECK_EQ(write(w, "a", 1), 1);
	CHECK_EQ(epoll_events_now(ep), EPOLLIN);
	CHECK_EQ(epoll_events_now(ep), 0);
	CHECK_EQ(write(w, "b", 1), 1);
	CHECK_EQ(epoll_events_now(ep), EPOLLIN);
}
