// SPDX-License-Identifier: GPL-2.0
/*
 * t_ioctl.c - FIONREAD, MYIPC_IOC_GET_SIZE / MYIPC_IOC_SET_SIZE (on a FIFO:
 * F_GETPIPE_SZ / F_SETPIPE_SZ), MYIPC_IOC_GET_STATS and its sysfs twin,
 * and ENOTTY for anything else.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "harness.h"

void t_fionread_counts_buffered(void)
{
	uint8_t buf[200];
	int r, w;

	open_pair(&r, &w);
	CHECK_EQ(fionread(r), 0);
	pattern_fill(buf, 0, 123);
	CHECK_EQ(write(w, buf, 123), 123);
	CHECK_EQ(fionread(r), 123);
	CHECK_EQ(read(r, buf, 23), 23);
	CHECK_EQ(fionread(r), 100);
	/* Either end answers. */
	CHECK_EQ(fionread(w), 100);
}

static bool pow2(long x)
{
	return x > 0 && !(x & (x - 1));
}

void t_get_size_reports_capacity(void)
{
	long cap, want;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(r);
	CHECK(pow2(cap) && cap >= 4096, "capacity %ld is not a power of two >= 4096", cap);
	CHECK_EQ(tcapacity(w), cap);
	if (T.dev) {
		long long param = read_ll("/sys/module/myipc/parameters/buf_size");

		if (param > 0) {
			want = 4096;
			while (want < param)
				want <<= 1;
			CHECK(cap == want, "capacity %ld but buf_size=%lld rounds to %ld", cap, param, want);
		} else {
			diag("buf_size is not readable in /sys/module/myipc/parameters");
		}
		CHECK_EQ(get_stats(r).capacity, cap);
	}
	CHECK_EQ(fill_full(w, NULL), cap);
}

/* Put the capacity back when a resize case ends. */
static void restore_size(int fd, long cap)
{
	long got = tset_size(fd, cap);

	CHECK(got == cap, "restoring the capacity to %ld gave %ld", cap, got);
}

void t_set_size_keeps_data(void)
{
	uint8_t buf[16384];
	long cap, got;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(w);
	pattern_fill(buf, 0, 10000);
	CHECK_EQ(write(w, buf, 10000), 10000);
	got = tset_size(w, 2 * cap);
	CHECK(got == 2 * cap, "growing to %ld gave %ld (%s)", 2 * cap, got,
	      got < 0 ? strerror(-got) : "");
	CHECK_EQ(tcapacity(r), 2 * cap);
	CHECK_EQ(fionread(r), 10000);
	got = tset_size(r, 16384);
	CHECK(got == 16384, "shrinking to 16384 with 10000 bytes buffered gave %ld (%s)", got,
	      got < 0 ? strerror(-got) : "");
	/* The data survived both moves, and the new room is all usable. */
	pattern_fill(buf, 10000, 6384);
	set_nonblock(w, true);
	CHECK_EQ(write(w, buf, 6384), 6384);
	SYS_ERR(write(w, buf, 1), EAGAIN);
	read_exact(r, buf, 16384);
	CHECK(pattern_check(buf, 0, 16384) < 0, "data changed across a resize");
	/* Requests round up to a power of two. */
	got = tset_size(w, 5000);
	CHECK(got == 8192, "set size 5000 gave %ld, expected 8192", got);
	CHECK_EQ(tcapacity(w), 8192);
	restore_size(w, cap);
}

void t_set_size_ebusy_when_data_does_not_fit(void)
{
	uint8_t buf[8192];
	long cap, got;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(w);
	pattern_fill(buf, 0, sizeof(buf));
	CHECK_EQ(write(w, buf, sizeof(buf)), 8192);
	got = tset_size(w, 4096);
	CHECK(got == -EBUSY, "shrinking below the buffered 8192 bytes gave %ld (%s), expected EBUSY",
	      got, got < 0 ? strerror(-got) : "success");
	CHECK_EQ(tcapacity(w), cap);
	read_exact(r, buf, sizeof(buf));
	CHECK(pattern_check(buf, 0, sizeof(buf)) < 0, "data changed by a refused resize");
	restore_size(w, cap);
}

void t_set_size_einval(void)
{
	long cap, got;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(w);
	if (T.dev) {
		__u64 sizes[] = { MYIPC_MAX_SIZE + 1ULL, 1ULL << 32, 1ULL << 40, ~0ULL };
		size_t i;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			__u64 arg = sizes[i];
			long rc = ioctl(w, MYIPC_IOC_SET_SIZE, &arg);

			CHECK(rc == -1 && errno == EINVAL, "MYIPC_IOC_SET_SIZE(%llu) gave %ld (%s), expected EINVAL",
			      (unsigned long long)sizes[i], rc, rc ? strerror(errno) : "success");
		}
		/* The largest valid size works. */
		got = tset_size(w, MYIPC_MAX_SIZE);
		CHECK(got == MYIPC_MAX_SIZE, "set size %u gave %ld", MYIPC_MAX_SIZE, got);
	} else {
		/* The FIFO analog: sizes beyond what F_SETPIPE_SZ accepts. */
		long rc = fcntl(w, F_SETPIPE_SZ, -1);

		CHECK(rc == -1 && errno == EINVAL, "F_SETPIPE_SZ(-1) gave %ld (%s)", rc,
		      rc == -1 ? strerror(errno) : "success");
	}
	CHECK_EQ(tcapacity(w), T.dev ? MYIPC_MAX_SIZE : cap);
	restore_size(w, cap);
}

/* Like F_SETPIPE_SZ: any size below a page, 0 included, gives one page. */
void t_set_size_below_a_page_gives_one_page(void)
{
	long page = sysconf(_SC_PAGESIZE), cap;
	int r, w;

	open_pair(&r, &w);
	cap = tcapacity(w);
	CHECK_EQ(tset_size(w, 0), page);
	CHECK_EQ(tcapacity(w), page);
	CHECK_EQ(tset_size(w, 1), page);
	CHECK_EQ(tset_size(w, page - 1), page);
	restore_size(w, cap);
}

#define STAT_FIELDS(X) X(bytes_written) X(bytes_read) X(write_calls) X(read_calls) \
	X(writer_sleeps) X(reader_sleeps) X(writer_wakeups) X(reader_wakeups) \
	X(high_water) X(capacity) X(buffered)

void t_get_stats_counts_io(void)
{
	struct myipc_stats a, b, c;
	uint8_t buf[1000];
	size_t i;
	int r, w;

	open_pair(&r, &w);
	a = get_stats(r);
	CHECK_EQ(a.buffered, 0);
	CHECK_EQ(a.capacity, tcapacity(r));
	pattern_fill(buf, 0, sizeof(buf));
	CHECK_EQ(write(w, buf, 100), 100);
	CHECK_EQ(write(w, buf + 100, 400), 400);
	CHECK_EQ(write(w, buf + 500, 500), 500);
	CHECK_EQ(write(w, buf, 0), 0);		/* not counted: count 0 */
	b = get_stats(w);
	CHECK_EQ(b.bytes_written - a.bytes_written, 1000);
	CHECK_EQ(b.write_calls - a.write_calls, 3);
	CHECK_EQ(b.bytes_read - a.bytes_read, 0);
	CHECK_EQ(b.buffered, 1000);
	CHECK(b.high_water >= 1000, "high_water %llu after buffering 1000 bytes",
	      (unsigned long long)b.high_water);
	read_exact(r, buf, 600);
	read_exact(r, buf, 400);
	c = get_stats(r);
	CHECK_EQ(c.bytes_read - a.bytes_read, 1000);
	CHECK_EQ(c.read_calls - a.read_calls, 2);
	CHECK_EQ(c.buffered, 0);
	CHECK(c.high_water >= b.high_water, "high_water went down");
	CHECK_EQ(c.reader_sleeps, a.reader_sleeps);	/* never had to wait */
	CHECK_EQ(c.writer_sleeps, a.writer_sleeps);
	for (i = 0; i < sizeof(c.reserved) / sizeof(c.reserved[0]); i++)
		CHECK(c.reserved[i] == 0, "reserved[%zu] = %llu", i, (unsigned long long)c.reserved[i]);
	/* A bad pointer is EFAULT, not a crash. */
	SYS_ERR(ioctl(r, MYIPC_IOC_GET_STATS, NULL), EFAULT);
}

static void child_read_one(void *arg)
{
	int *fds = arg;
	char c;

	close(fds[1]);
	CHECK_EQ(read(fds[0], &c, 1), 1);
}

static void child_write_page(void *arg)
{
	int *fds = arg;
	uint8_t buf[PIPE_BUF] = { 0 };

	close(fds[0]);
	CHECK_EQ(write(fds[1], buf, PIPE_BUF), PIPE_BUF);
}

void t_get_stats_counts_sleeps_and_wakeups(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	struct myipc_stats a, b;
	uint8_t buf[PIPE_BUF];
	pid_t pid;

	open_pair(&fds[0], &fds[1]);
	a = get_stats(fds[0]);
	pid = spawn(child_read_one, fds);
	wait_blocked(pid, SYS_read);
	CHECK_EQ(write(fds[1], "x", 1), 1);
	expect_exit0(pid, 5000, "the sleeping reader");
	b = get_stats(fds[0]);
	CHECK_EQ(b.reader_sleeps - a.reader_sleeps, 1);
	CHECK(b.reader_wakeups > a.reader_wakeups, "reader_wakeups did not move (%llu)",
	      (unsigned long long)b.reader_wakeups);

	fill_full(fds[1], NULL);
	a = get_stats(fds[0]);
	CHECK_EQ(a.high_water, a.capacity);
	pid = spawn(child_write_page, fds);
	wait_blocked(pid, SYS_write);
	read_exact(fds[0], buf, PIPE_BUF);
	expect_exit0(pid, 5000, "the sleeping writer");
	b = get_stats(fds[0]);
	CHECK_EQ(b.writer_sleeps - a.writer_sleeps, 1);
	CHECK(b.writer_wakeups > a.writer_wakeups, "writer_wakeups did not move (%llu)",
	      (unsigned long long)b.writer_wakeups);
}

void t_stats_sysfs_match_ioctl(void)
{
	struct myipc_stats s;
	uint8_t buf[3000];
	long long v;
	int r, w;

	open_pair(&r, &w);
	pattern_fill(buf, 0, sizeof(buf));
	CHECK_EQ(write(w, buf, sizeof(buf)), 3000);
	CHECK_EQ(read(r, buf, 1000), 1000);
	/* Quiet now: both views must agree field by field. */
	s = get_stats(r);
#define CMP(f) do {							\
	v = sysfs_counter(#f);						\
	CHECK(v >= 0, "%s/" #f " is missing or unreadable", T.stats_dir); \
	CHECK(v == (long long)s.f, "sysfs " #f " = %lld, ioctl says %llu", v, \
	      (unsigned long long)s.f);					\
} while (0);
	STAT_FIELDS(CMP)
#undef CMP
	CHECK_EQ(s.buffered, 2000);
}

void t_unknown_ioctl_enotty(void)
{
	struct termios tio;
	int r, w, n = 0;

	open_pair(&r, &w);
	SYS_ERR(ioctl(r, _IO(MYIPC_IOC_MAGIC, 0x7f)), ENOTTY);
	SYS_ERR(ioctl(w, _IOR(MYIPC_IOC_MAGIC, 0x01, __u32), &n), ENOTTY);
	SYS_ERR(ioctl(r, _IOW('x', 0x42, int), &n), ENOTTY);
	SYS_ERR(ioctl(r, TCGETS, &tio), ENOTTY);
	SYS_ERR(ioctl(w, TIOCGWINSZ, &tio), ENOTTY);
}

/* ---- statistics never wait for a copy ---- */

/* Read every counter through sysfs and MYIPC_IOC_GET_STATS, then exit 0. */
static void read_all_stats(void *arg)
{
	int fd = *(int *)arg;

	(void)get_stats(fd);
	CHECK(sysfs_counter("bytes_written") >= 0, "no sysfs bytes_written");
	CHECK(sysfs_counter("buffered") >= 0, "no sysfs buffered");
}

/*
 * A writer whose user buffer faults and stalls (a page backed by a FUSE
 * daemon that never answers; here a userfaultfd page nobody fills) holds
 * the channel's data lock. Any local user may read the statistics in
 * sysfs: that must not sleep behind the stalled copy.
 */
void t_stats_never_wait_for_a_stalled_copy(void)
{
	struct stall st;
	struct stalled_copy sw;
	int r, w, status;
	bool done = false;
	double end;
	pid_t pid;

	open_pair(&r, &w);
	stall_page(&st);
	sw = (struct stalled_copy){ .fd = w, .write = true, .len = 100, .stall = &st };
	start_stalled_copy(&sw);
	pid = spawn(read_all_stats, &r);
	for (end = now() + 3; now() < end && !done;) {
		done = has_exited(pid, &status);
		if (!done)
			msleep(20);
	}
	stall_release(&st);
	if (!done)
		status = wait_status(pid, 10000);
	CHECK(done, "reading the statistics slept behind the stalled write for 3 s");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the statistics reader failed (status %#x)", status);
	CHECK_EQ(stalled_copy_wait(&sw), 100);
}
