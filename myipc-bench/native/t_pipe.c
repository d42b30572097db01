// SPDX-License-Identifier: GPL-2.0
/*
 * The file-descriptor transports: pipe (pipe-1m), vmsplice
 * (vmsplice-null) and unix. Their writer and reader helpers (fd_*) serve
 * the driver's copy transport too (t_dev.c): it is read(2)/write(2) on a
 * device instead of a pipe.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "myipc_ring.h"

static int pipe_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	const struct transport *t = c->t;

	(void)maxmsg;
	if (pipe(c->fd)) {
		snprintf(err, elen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (t->size && fcntl(c->fd[1], F_SETPIPE_SZ, (int)t->size) < 0) {
		snprintf(err, elen, "F_SETPIPE_SZ %zu: %s (see /proc/sys/fs/pipe-max-size)",
			 t->size, strerror(errno));
		return -1;
	}
	c->capacity = fcntl(c->fd[1], F_GETPIPE_SZ);
	return 0;
}

static int unix_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	int v = 0;
	socklen_t sl = sizeof(v);

	(void)maxmsg;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, c->fd)) {
		snprintf(err, elen, "socketpair: %s", strerror(errno));
		return -1;
	}
	getsockopt(c->fd[1], SOL_SOCKET, SO_SNDBUF, &v, &sl);
	c->capacity = v;
	return 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* the writer's message buffer, page-backed up front so no fault lands in a timed run */
int fd_writer_buf(struct chan *c, char *err, size_t elen)
{
	c->wbuf = mmap(NULL, c->wbuf_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->wbuf == MAP_FAILED) {
		c->wbuf = NULL;
		snprintf(err, elen, "mmap: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A reader that spins on a file makes its descriptor non-blocking and
 * polls with read(2); files have no hybrid wait, so WAIT_HYBRID blocks as
 * WAIT_SLEEP does.
 */
int fd_reader_setup(struct chan *c, char *err, size_t elen)
{
	if (c->wait == WAIT_SPIN && c->fd[END_R] >= 0 && set_nonblock(c->fd[END_R])) {
		snprintf(err, elen, "O_NONBLOCK: %s", strerror(errno));
		return -1;
	}
	if (c->t->null_reader) {
		c->nullfd = open("/dev/null", O_WRONLY);
		if (c->nullfd < 0) {
			snprintf(err, elen, "/dev/null: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* after fork() each process keeps only its end of the pipe or socket pair */
static int keep_end(struct chan *c, int end)
{
	if (c->fd[!end] >= 0) {
		close(c->fd[!end]);
		c->fd[!end] = -1;
	}
	return end;
}

static int pipe_end(struct chan *c, int end, char *err, size_t elen)
{
	if (keep_end(c, end) == END_W)
		return fd_writer_buf(c, err, elen);
	return fd_reader_setup(c, err, elen);
}

static int vmsplice_end(struct chan *c, int end, char *err, size_t elen)
{
	size_t slots;

	if (keep_end(c, end) == END_R)
		return fd_reader_setup(c, err, elen);
	/*
	 * vmsplice without SPLICE_F_GIFT puts references to our pages into
	 * the pipe: a page may be rewritten only after the reader consumed
	 * it. The pipe holds at most capacity/4096 buffers and each message
	 * takes at least one per page it touches, so a page is reused only
	 * after that many newer buffers were written.
	 */
	slots = (size_t)c->capacity / 4096;
	c->vstride = page_up(c->wbuf_len);
	c->vslots = (slots * 4096 + c->vstride - 1) / c->vstride + 2;
	c->vbuf = mmap(NULL, c->vslots * c->vstride, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->vbuf == MAP_FAILED) {
		c->vbuf = NULL;
		snprintf(err, elen, "mmap vmsplice buffers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

uint8_t *fd_wbuf(struct chan *c, size_t n)
{
	(void)n;
	return c->wbuf;
}

static uint8_t *vmsplice_wbuf(struct chan *c, size_t n)
{
	uint8_t *p = c->vbuf + c->vnext * c->vstride;

	(void)n;
	c->vnext = (c->vnext + 1) % c->vslots;
	return p;
}

int fd_send(struct chan *c, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(c->fd[END_W], p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int vmsplice_send(struct chan *c, const uint8_t *p, size_t n)
{
	while (n) {
		struct iovec iov = { (void *)p, n };
		ssize_t k = vmsplice(c->fd[END_W], &iov, 1, 0);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

ssize_t fd_recv(struct chan *c, uint8_t *p, size_t max)
{
	unsigned long n = 0;

	for (;;) {
		ssize_t k;

		if (c->nullfd >= 0)
			k = splice(c->fd[END_R], NULL, c->nullfd, NULL, max, SPLICE_F_MOVE);
		else
			k = read(c->fd[END_R], p, max);
		if (k >= 0)
			return k;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if (c->yield)
			sched_yield();
		else
			myipc_cpu_relax();
		if ((++n & 0xffff) == 0 && peer_gone())
			return -EPIPE;
	}
}

void fd_close(struct chan *c)
{
	for (int i = 0; i < 2; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	if (c->nullfd >= 0)
		close(c->nullfd);
	if (c->vbuf)
		munmap(c->vbuf, c->vslots * c->vstride);
	if (c->wbuf)
		munmap(c->wbuf, c->wbuf_len);
}

/* a spinning side that yields; a reader splicing into /dev/null makes the figures incomparable */
static void fd_note(const struct transport *t, int wait, char *buf, size_t len)
{
	note_spin_yield(buf, len, wait);
	if (t->null_reader)
		note_cat(buf, len, "the reader splices to /dev/null: the payload is neither written nor read, "
			 "never compare");
}

const struct transport_ops pipe_ops = {
	.note = fd_note,
	.create = pipe_create,
	.end = pipe_end,
	.wbuf = fd_wbuf,
	.send = fd_send,
	.recv = fd_recv,
	.close = fd_close,
};

const struct transport_ops vmsplice_ops = {
	.note = fd_note,
	.create = pipe_create,
	.end = vmsplice_end,
	.wbuf = vmsplice_wbuf,
	.send = vmsplice_send,
	.recv = fd_recv,
	.close = fd_close,
};

const struct transport_ops unix_ops = {
	.note = fd_note,
	.create = unix_create,
	.end = pipe_end,
	.wbuf = fd_wbuf,
	.send = fd_send,
	.recv = fd_recv,
	.close = fd_close,
};
