// SPDX-License-Identifier: GPL-2.0
/*
 * bench64k.c - a quick throughput probe: TOTAL MiB in 64 KiB pieces from
 * one process to another, through a Linux pipe, through /dev/myipcN with
 * write(2)/read(2) (copy), or through the mapped ring (mmap). Prints one
 * line: "<mode> <MiB> MiB <seconds> s <MiB/s> MiB/s". Under emulation
 * (TCG) only ratios between modes of one run mean anything; the benchmark
 * proper lives in myipc-bench.
 *
 *   bench64k pipe|copy|mmap [DEV] [MiB]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "myipc.h"

#define CHUNK	65536

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double tnow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void copy_out(int fd, uint64_t total)
{
	static char buf[CHUNK];
	uint64_t done = 0;
	ssize_t n;

	memset(buf, 0x3C, sizeof(buf));
	while (done < total) {
		n = write(fd, buf, CHUNK);
		if (n < 0)
			die("write");
		done += n;
	}
}

static uint64_t copy_in(int fd)
{
	static char buf[CHUNK];
	uint64_t done = 0;
	ssize_t n;

	while ((n = read(fd, buf, CHUNK)) > 0)
		done += n;
	if (n < 0)
		die("read");
	return done;
}

/* ---- the mapped ring, as documented in myipc.h ---- */
struct end {
	int fd;
	uint64_t cap, mask, idx;
	uint8_t *base, *data;
	struct myipc_ring_side *me, *peer;
	uint32_t ann, answered;
};

static void end_open(struct end *e, const char *dev, uint32_t role)
{
	const size_t P = MYIPC_RING_PAGE, D = MYIPC_RING_DATA_OFFSET;
	int prod = role == MYIPC_ROLE_PRODUCER, rw = PROT_READ | PROT_WRITE;

	memset(e, 0, sizeof(*e));
	e->fd = open(dev, O_RDWR);
	if (e->fd < 0)
		die(dev);
	if (ioctl(e->fd, MYIPC_IOC_SET_ROLE, &role) ||
	    ioctl(e->fd, MYIPC_IOC_GET_SIZE, &e->cap))
		die("ioctl");
	e->mask = e->cap - 1;
	e->base = mmap(NULL, MYIPC_RING_MAP_SIZE(e->cap), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mmap(e->base, P, PROT_READ, MAP_SHARED | MAP_FIXED, e->fd, 0) == MAP_FAILED ||
	    mmap(e->base + P, P, prod ? rw : PROT_READ, MAP_SHARED | MAP_FIXED, e->fd, P) == MAP_FAILED ||
	    mmap(e->base + 2 * P, P, prod ? PROT_READ : rw, MAP_SHARED | MAP_FIXED, e->fd, 2 * P) == MAP_FAILED ||
	    mmap(e->base + D, 2 * e->cap, prod ? rw : PROT_READ, MAP_SHARED | MAP_FIXED, e->fd, D) == MAP_FAILED)
		die("mmap");
	e->data = e->base + D;
	e->me = (void *)(e->base + (prod ? MYIPC_RING_PRODUCER_OFFSET : MYIPC_RING_CONSUMER_OFFSET));
	e->peer = (void *)(e->base + (prod ? MYIPC_RING_CONSUMER_OFFSET : MYIPC_RING_PRODUCER_OFFSET));
}

static uint64_t avail(struct end *e, int prod)
{
	uint64_t o = __atomic_load_n(&e->peer->index, __ATOMIC_ACQUIRE);

	return prod ? e->cap - (e->idx - o) : o - e->idx;
}

static void publish(struct end *e, uint64_t n)
{
	uint32_t s, how = MYIPC_WAKE_PEER;

	e->idx += n;
	__atomic_store_n(&e->me->index, e->idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	s = __atomic_load_n(&e->peer->sleeping, __ATOMIC_RELAXED);
	if (s && s != e->answered) {
		e->answered = s;
		__atomic_store_n(&e->me->wake_seq, e->me->wake_seq + 1, __ATOMIC_RELEASE);
		ioctl(e->fd, MYIPC_IOC_WAKE, &how);
	}
}

/* Returns 1 when the peer has gone. */
static int wait_for(struct end *e, int prod, uint64_t need)
{
	struct myipc_wait w = { .need = need, .timeout_ns = -1, .flags = MYIPC_WAIT_SEQ };
	int i, r;

	for (i = 0; i < 200; i++)
		if (avail(e, prod) >= need)
			return 0;
	w.seq = __atomic_load_n(&e->peer->wake_seq, __ATOMIC_ACQUIRE);
	if (!++e->ann)
		e->ann = 1;
	__atomic_store_n(&e->me->sleeping, e->ann, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (avail(e, prod) >= need) {
		__atomic_store_n(&e->me->sleeping, 0, __ATOMIC_RELAXED);
		return 0;
	}
	r = ioctl(e->fd, MYIPC_IOC_WAIT, &w);
	__atomic_store_n(&e->me->sleeping, 0, __ATOMIC_RELAXED);
	if (r < 0 && errno != EINTR)
		die("MYIPC_IOC_WAIT");
	return r > 0 && (r & MYIPC_WAIT_PEER_GONE) && avail(e, prod) < need;
}

static void mmap_out(const char *dev, uint64_t total)
{
	static char buf[CHUNK];
	struct end e;
	uint64_t done = 0;

	end_open(&e, dev, MYIPC_ROLE_PRODUCER);
	memset(buf, 0x3C, sizeof(buf));
	while (done < total) {
		if (avail(&e, 1) < CHUNK) {
			if (wait_for(&e, 1, CHUNK))
				exit(1);
			continue;
		}
		/* the same work as write(): the bytes come from a buffer */
		memcpy(e.data + (e.idx & e.mask), buf, CHUNK);
		publish(&e, CHUNK);
		done += CHUNK;
	}
	close(e.fd);
}

static uint64_t mmap_in(const char *dev)
{
	static char buf[CHUNK];
	struct end e;
	uint64_t done = 0, n;

	end_open(&e, dev, MYIPC_ROLE_CONSUMER);
	for (;;) {
		n = avail(&e, 0);
		if (!n) {
			if (wait_for(&e, 0, 1))
				return done;
			continue;
		}
		if (n > CHUNK)
			n = CHUNK;
		/* the same work as read(): the bytes end up in a buffer */
		memcpy(buf, e.data + (e.idx & e.mask), n);
		publish(&e, n);
		done += n;
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pipe";
	const char *dev = argc > 2 ? argv[2] : "/dev/myipc3";
	uint64_t total = (argc > 3 ? strtoull(argv[3], NULL, 0) : 256) << 20;
	uint64_t got = 0;
	int p[2], st;
	double t0, t;
	pid_t pid;

	if (!strcmp(mode, "pipe") && pipe(p))
		die("pipe");
	t0 = tnow();
	pid = fork();
	if (pid == 0) {
		if (!strcmp(mode, "pipe")) {
			close(p[0]);
			copy_out(p[1], total);
		} else if (!strcmp(mode, "copy")) {
			int fd = open(dev, O_WRONLY);

			if (fd < 0)
				die(dev);
			copy_out(fd, total);
		} else {
			usleep(100000);
			mmap_out(dev, total);
		}
		_exit(0);
	}
	if (!strcmp(mode, "pipe")) {
		close(p[1]);
		got = copy_in(p[0]);
	} else if (!strcmp(mode, "copy")) {
		int fd = open(dev, O_RDONLY);

		if (fd < 0)
			die(dev);
		got = copy_in(fd);
	} else {
		got = mmap_in(dev);
	}
	t = tnow() - t0;
	waitpid(pid, &st, 0);
	if (got != total) {
		fprintf(stderr, "%s: moved %llu of %llu bytes\n", mode,
			(unsigned long long)got, (unsigned long long)total);
		return 1;
	}
	printf("%s %llu MiB %.2f s %.1f MiB/s\n", mode,
	       (unsigned long long)(total >> 20), t, (total >> 20) / t);
	return 0;
}
