// SPDX-License-Identifier: GPL-2.0
/*
 * t_open.c - open(2) rendezvous, as for a FIFO (fifo(7), fs/pipe.c fifo_open):
 * O_RDONLY waits for a writer, O_WRONLY for a reader, O_RDONLY|O_NONBLOCK
 * succeeds alone, O_WRONLY|O_NONBLOCK without a reader fails with ENXIO,
 * O_RDWR never waits, and a waiting open is interrupted by signals.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

static void child_open(void *arg)
{
	int flags = *(int *)arg;
	int fd = topen(flags);

	if (fd < 0)
		fail("blocking open(%s) failed: %s",
		     flags == O_RDONLY ? "O_RDONLY" : "O_WRONLY", strerror(errno));
}

/* A blocking open of one end waits until the other end is opened. */
static void blocks_until_peer(int flags, int peer_flags)
{
	pid_t pid = spawn(child_open, &flags);
	int fd;

	wait_blocked(pid, SYS_openat);
	/* The peer's own blocking open must not wait: one side is waiting. */
	fd = SYS(topen(peer_flags));
	expect_exit0(pid, 5000, "the waiting open");
	close(fd);
}

void t_open_rdonly_blocks_until_writer(void)
{
	blocks_until_peer(O_RDONLY, O_WRONLY);
}

void t_open_wronly_blocks_until_reader(void)
{
	blocks_until_peer(O_WRONLY, O_RDONLY);
}

void t_open_rdonly_nonblock_succeeds_alone(void)
{
	int fd = SYS(topen(O_RDONLY | O_NONBLOCK));
	char c;

	/* No writer has ever opened: the read side sees end of file. */
	CHECK_EQ(read(fd, &c, 1), 0);
	close(fd);
}

void t_open_wronly_nonblock_enxio_without_reader(void)
{
	int w;

	SYS_ERR(topen(O_WRONLY | O_NONBLOCK), ENXIO);
	/* The failed attempt left nothing behind: still no reader. */
	SYS_ERR(topen(O_WRONLY | O_NONBLOCK), ENXIO);
	/* A reader that came and went does not count: ENXIO again. */
	w = SYS(topen(O_RDONLY | O_NONBLOCK));
	close(w);
	SYS_ERR(topen(O_WRONLY | O_NONBLOCK), ENXIO);
}

void t_open_wronly_nonblock_succeeds_with_reader(void)
{
	int r = SYS(topen(O_RDONLY | O_NONBLOCK));
	int w = SYS(topen(O_WRONLY | O_NONBLOCK));
	char c = 'x', d = 0;

	CHECK_EQ(write(w, &c, 1), 1);
	CHECK_EQ(read(r, &d, 1), 1);
	CHECK(d == 'x', "read back %#x", d);
	close(w);
	close(r);
}

static void child_rdwr(void *arg)
{
	int *fds = arg;
	int fd = topen(O_RDWR);
	char buf[8] = { 0 };

	if (fd < 0)
		fail("open(O_RDWR) failed: %s", strerror(errno));
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 3);
	CHECK(!memcmp(buf, "abc", 3), "read back '%.3s'", buf);
	/* With an O_RDWR opener present, blocking opens of either end pass. */
	fds[0] = topen(O_RDONLY);
	fds[1] = topen(O_WRONLY);
	CHECK(fds[0] >= 0 && fds[1] >= 0, "open after O_RDWR: %s", strerror(errno));
}

void t_open_rdwr_never_blocks(void)
{
	int *fds = shared_alloc(2 * sizeof(int));

	/* In a child, so that a wrongly blocking open fails in 5 s. */
	expect_exit0(spawn(child_rdwr, fds), 5000, "open(O_RDWR) with no peer");
}

struct sigopen {
	int flags;
	bool restart;
	int hits;
};

static void child_open_sig(void *arg)
{
	struct sigopen *s = arg;
	int fd;

	catch_signal(SIGUSR1, s->restart, &s->hits);
	fd = topen(s->flags);
	if (!s->restart) {
		CHECK(fd == -1 && errno == EINTR, "open returned %d (%s), expected EINTR",
		      fd, fd == -1 ? strerror(errno) : "no error");
	} else {
		CHECK(fd >= 0, "open with SA_RESTART failed: %s", strerror(errno));
	}
	CHECK_EQ(__atomic_load_n(&s->hits, __ATOMIC_SEQ_CST), 1);
}

void t_open_blocked_eintr_on_signal(void)
{
	struct sigopen *s = shared_alloc(sizeof(*s));
	int flags[2] = { O_RDONLY, O_WRONLY };
	int i;

	for (i = 0; i < 2; i++) {
		pid_t pid;

		s->flags = flags[i];
		s->restart = false;
		s->hits = 0;
		pid = spawn(child_open_sig, s);
		wait_blocked(pid, SYS_openat);
		SYS(kill(pid, SIGUSR1));
		expect_exit0(pid, 5000, i ? "open(O_WRONLY) hit by a signal"
					  : "open(O_RDONLY) hit by a signal");
	}
	/* The interrupted opens left no phantom peer behind. */
	SYS_ERR(topen(O_WRONLY | O_NONBLOCK), ENXIO);
}

void t_open_blocked_restarts_with_sa_restart(void)
{
	struct sigopen *s = shared_alloc(sizeof(*s));
	pid_t pid;
	int i, w;

	s->flags = O_RDONLY;
	s->restart = true;
	pid = spawn(child_open_sig, s);
	wait_blocked(pid, SYS_openat);
	SYS(kill(pid, SIGUSR1));
	for (i = 0; i < 5000 && !__atomic_load_n(&s->hits, __ATOMIC_SEQ_CST); i++)
		msleep(1);
	CHECK_EQ(s->hits, 1);
	/* The handler ran and the open went back to waiting for a writer. */
	wait_blocked(pid, SYS_openat);
	w = SYS(topen(O_WRONLY));
	expect_exit0(pid, 5000, "restarted open(O_RDONLY)");
	close(w);
}
