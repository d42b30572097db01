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

#include "myipc_ring.h"

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

/* ---- the mapped ring (myipc_ring.h) ---- */

/* spin 200 polls, then sleep in MYIPC_IOC_WAIT until woken */
static const struct myipc_ring_policy policy = {
	.spins = 200,
	.sleep = 1,
	.slice_ns = -1,
};

static void end_open(struct myipc_ring *r, const char *dev, uint32_t role)
{
	int fd = open(dev, O_RDWR), ret;

	if (fd < 0)
		die(dev);
	if (ioctl(fd, MYIPC_IOC_SET_ROLE, &role))
		die("MYIPC_IOC_SET_ROLE");
	ret = myipc_ring_map_driver(r, fd, role);
	if (ret) {
		errno = -ret;
		die("mmap");
	}
}

static void end_close(struct myipc_ring *r)
{
	int fd = r->fd;

	myipc_ring_close(r);
	close(fd);
}

static void mmap_out(const char *dev, uint64_t total)
{
	static char buf[CHUNK];
	struct myipc_ring r;
	uint64_t done = 0;
	void *p;
	int ret;

	end_open(&r, dev, MYIPC_ROLE_PRODUCER);
	memset(buf, 0x3C, sizeof(buf));
	while (done < total) {
		p = myipc_ring_claim(&r, CHUNK);
		if (!p) {
			ret = myipc_ring_wait(&r, CHUNK, &policy);
			if (ret == -EPIPE)
				exit(1);
			if (ret) {
				errno = -ret;
				die("MYIPC_IOC_WAIT");
			}
			continue;
		}
		/* the same work as write(): the bytes come from a buffer */
		memcpy(p, buf, CHUNK);
		myipc_ring_commit(&r, CHUNK);
		done += CHUNK;
	}
	end_close(&r);
}

static uint64_t mmap_in(const char *dev)
{
	static char buf[CHUNK];
	struct myipc_ring r;
	uint64_t done = 0, n;
	const void *p;
	int ret;

	end_open(&r, dev, MYIPC_ROLE_CONSUMER);
	for (;;) {
		n = myipc_ring_view(&r, &p);
		if (!n) {
			ret = myipc_ring_wait(&r, 1, &policy);
			if (ret == -EPIPE)
				break;
			if (ret) {
				errno = -ret;
				die("MYIPC_IOC_WAIT");
			}
			continue;
		}
		if (n > CHUNK)
			n = CHUNK;
		/* the same work as read(): the bytes end up in a buffer */
		memcpy(buf, p, n);
		myipc_ring_release(&r, n);
		done += n;
	}
	end_close(&r);
	return done;
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
