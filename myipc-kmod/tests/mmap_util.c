// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_util.c - what the mmap suite's sections (t_mmap_*.c) share: the
 * checked byte stream, a ring end over the driver's pages, proc_where().
 *
 * The user-space side of the ring below follows the protocol documented
 * in uapi/myipc.h: release/acquire index words,
 * announce + full fence + re-check before MYIPC_IOC_WAIT, and a wake only
 * when the peer announced a sleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "mmap_util.h"

double tnow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The stream's byte at offset o: byte (o & 7) of mix64(o >> 3). */
static uint8_t sbyte(uint64_t o)
{
	return (uint8_t)(mix64(o >> 3) >> ((o & 7) * 8));
}

void sfill(uint8_t *p, uint64_t off, size_t n)
{
	while (n && (off & 7)) {
		*p++ = sbyte(off++);
		n--;
	}
	for (; n >= 8; n -= 8, off += 8, p += 8) {
		uint64_t w = mix64(off >> 3);

		memcpy(p, &w, 8);
	}
	while (n--) {
		*p++ = sbyte(off++);
	}
}

/* Index of the first wrong byte, or -1. */
long scheck(const uint8_t *p, uint64_t off, size_t n)
{
	size_t i = 0;

	while (i < n && ((off + i) & 7)) {
		if (p[i] != sbyte(off + i))
			return (long)i;
		i++;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t w = mix64((off + i) >> 3), v;

		memcpy(&v, p + i, 8);
		if (v != w)
			break;
	}
	for (; i < n; i++)
		if (p[i] != sbyte(off + i))
			return (long)i;
	return -1;
}

/* ---- a ring end: myipc_ring.h over the driver's pages ---- */

/* Open @path O_RDWR, take @role and map the ring with the role's protections. */
void uring_open(struct myipc_ring *r, const char *path, uint32_t role)
{
	int fd = SYS(open(path, O_RDWR)), ret;

	SYS(ioctl(fd, MYIPC_IOC_SET_ROLE, &role));
	ret = myipc_ring_map_driver(r, fd, role);
	if (ret)
		fail("mapping the ring of %s: %s", path, strerror(-ret));
}

void uring_close(struct myipc_ring *r)
{
	int fd = r->fd;

	myipc_ring_close(r);
	close(fd);
}

/* Publish @n more bytes (written or read), waking the peer only if it announced a sleep. */
void uring_publish(struct myipc_ring *r, uint64_t n)
{
	int ret;

	r->idx += n;
	ret = myipc_ring_publish(r);
	if (ret)
		fail("MYIPC_IOC_WAKE: %s", strerror(-ret));
}

/*
 * Wait until @need bytes are available (or the peer closed): poll a
 * little, then one round of announce, fence, re-check, MYIPC_IOC_WAIT.
 * Returns the WAIT result mask (0 when the re-check found the ring
 * ready), or -errno.
 */
int uring_wait(struct myipc_ring *r, uint64_t need, int64_t timeout_ns)
{
	int i;

	for (i = 0; i < 100; i++)
		if (myipc_ring_avail(r) >= need)
			return 0;
	return myipc_ring_sleep(r, need, timeout_ns);
}

/* Where a process is: its wchan, system call and kernel stack. */
const char *proc_where(pid_t pid)
{
	static char out[1024];
	char path[64], buf[512];
	size_t len = 0;
	const char *files[] = { "wchan", "syscall", "stack" };
	unsigned int i;

	out[0] = 0;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, files[i]);
		if (read_file(path, buf, sizeof(buf)) < 0)
			continue;
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		len += snprintf(out + len, sizeof(out) - len, "%s: %s; ",
				files[i], buf);
		if (len >= sizeof(out))
			break;
	}
	return out;
}
