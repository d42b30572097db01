// SPDX-License-Identifier: GPL-2.0
/*
 * t_io.c - readv/writev, splice(2) with a real pipe, ESPIPE, exclusive
 * wake-ups, several readers and writers, buffered data over closes,
 * independent channels, bad pointers and zero counts.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

void t_readv_writev(void)
{
	uint8_t src[5010], a[7], b[6000], c[3];
	struct iovec wv[3] = {
		{ src, 10 }, { src + 10, 0 }, { src + 10, 5000 },
	};
	struct iovec rv[3] = { { a, sizeof(a) }, { c, 0 }, { b, sizeof(b) } };
	int r, w;

	open_pair(&r, &w);
	pattern_fill(src, 0, sizeof(src));
	CHECK_EQ(writev(w, wv, 3), 5010);
	CHECK_EQ(readv(r, rv, 3), 5010);
	CHECK(pattern_check(a, 0, sizeof(a)) < 0, "first iovec holds wrong bytes");
	CHECK(pattern_check(b, sizeof(a), 5010 - sizeof(a)) < 0, "last iovec holds wrong bytes");
	/* A readv larger than what is buffered returns what is there. */
	CHECK_EQ(writev(w, wv, 1), 10);
	CHECK_EQ(readv(r, rv, 3), 10);
}

static void child_drain_n(void *arg)
{
	int *fds = arg;		/* rfd, wfd, n */
	uint8_t *buf = malloc(fds[2]);

	close(fds[1]);
	read_exact(fds[0], buf, fds[2]);
	CHECK(pattern_check(buf, 0, fds[2]) < 0, "bytes spliced into the channel are wrong");
	free(buf);
}

void t_splice_pipe_to_channel(void)
{
	int *fds = shared_alloc(3 * sizeof(int));
	int p[2], n = 40000, done = 0;
	uint8_t *buf = malloc(n);
	pid_t pid;

	open_pair(&fds[0], &fds[1]);
	fds[2] = n;
	SYS(pipe(p));
	pattern_fill(buf, 0, n);
	write_all(p[1], buf, n);
	pid = spawn(child_drain_n, fds);
	while (done < n) {
		ssize_t s = splice(p[0], NULL, fds[1], NULL, n - done, 0);

		CHECK(s > 0, "splice(pipe -> channel) returned %zd (%s) after %d bytes", s,
		      s < 0 ? strerror(errno) : "", done);
		done += s;
	}
	expect_exit0(pid, 10000, "the reader of the spliced data");
	free(buf);
}

void t_splice_channel_to_pipe(void)
{
	uint8_t buf[20000];
	int p[2], r, w, done = 0;

	open_pair(&r, &w);
	SYS(pipe(p));
	/*
	 * Empty channel opened O_NONBLOCK: EAGAIN. (SPLICE_F_NONBLOCK alone
	 * only covers the pipe side when the other file is not a pipe.)
	 */
	set_nonblock(r, true);
	SYS_ERR(splice(r, NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK), EAGAIN);
	set_nonblock(r, false);
	pattern_fill(buf, 0, sizeof(buf));
	write_all(w, buf, sizeof(buf));
	while (done < (int)sizeof(buf)) {
		ssize_t s = splice(r, NULL, p[1], NULL, sizeof(buf) - done, 0);

		CHECK(s > 0, "splice(channel -> pipe) returned %zd (%s) after %d bytes", s,
		      s < 0 ? strerror(errno) : "", done);
		done += s;
	}
	memset(buf, 0, sizeof(buf));
	read_exact(p[0], buf, sizeof(buf));
	CHECK(pattern_check(buf, 0, sizeof(buf)) < 0, "bytes spliced out of the channel are wrong");
	CHECK_EQ(fionread(r), 0);
	/* Writer gone and channel empty: splice sees end of file. */
	close(w);
	CHECK_EQ(splice(r, NULL, p[1], NULL, 100, 0), 0);
}

void t_lseek_pread_pwrite_espipe(void)
{
	struct iovec iov;
	char buf[8] = "abc";
	int r, w;

	open_pair(&r, &w);
	iov.iov_base = buf;
	iov.iov_len = 3;
	SYS_ERR(lseek(r, 0, SEEK_SET), ESPIPE);
	SYS_ERR(lseek(w, 0, SEEK_CUR), ESPIPE);
	SYS_ERR(lseek(r, 10, SEEK_END), ESPIPE);
	SYS_ERR(pwrite(w, buf, 3, 0), ESPIPE);
	SYS_ERR(pwritev(w, &iov, 1, 0), ESPIPE);
	CHECK_EQ(write(w, buf, 3), 3);
	SYS_ERR(pread(r, buf, 3, 0), ESPIPE);
	SYS_ERR(preadv(r, &iov, 1, 0), ESPIPE);
	CHECK_EQ(fionread(r), 3);
}

/* ---- exclusive wake-ups ------------------------------------------------------ */

#define SLEEPERS 4

struct sleepers {
	int rfd, wfd;
	int done[SLEEPERS];
	long ret[SLEEPERS];
};

static int sleeper_idx;	/* private to each process after fork */

static void child_sleeping_reader(void *arg)
{
	struct sleepers *s = arg;
	int me = sleeper_idx;
	char buf[PIPE_BUF];

	close(s->wfd);
	s->ret[me] = read(s->rfd, buf, sizeof(buf));
	__atomic_store_n(&s->done[me], 1, __ATOMIC_SEQ_CST);
}

static void child_sleeping_writer(void *arg)
{
	struct sleepers *s = arg;
	int me = sleeper_idx;
	uint8_t buf[PIPE_BUF];

	close(s->rfd);
	memset(buf, 'A' + me, sizeof(buf));
	s->ret[me] = write(s->wfd, buf, sizeof(buf));
	__atomic_store_n(&s->done[me], 1, __ATOMIC_SEQ_CST);
}

static int count_done(struct sleepers *s)
{
	int i, n = 0;

	for (i = 0; i < SLEEPERS; i++)
		n += __atomic_load_n(&s->done[i], __ATOMIC_SEQ_CST);
	return n;
}

/*
 * SLEEPERS processes sleep in one call; kick() makes room for exactly one.
 * Exactly one must return, and the others must not even have been woken:
 * a woken-and-resleeping process shows up in its voluntary context switches.
 */
static void one_of_many(struct sleepers *s, void (*child)(void *), long nr,
			void (*kick)(struct sleepers *), const char *what)
{
	pid_t pids[SLEEPERS];
	long sw[SLEEPERS];
	int i, n = 0;

	for (i = 0; i < SLEEPERS; i++) {
		sleeper_idx = i;
		pids[i] = spawn(child, s);
		wait_blocked(pids[i], nr);
	}
	for (i = 0; i < SLEEPERS; i++)
		sw[i] = voluntary_switches(pids[i]);
	kick(s);
	for (i = 0; i < 5000 && count_done(s) == 0; i++)
		msleep(1);
	CHECK(count_done(s) >= 1, "no %s woke up", what);
	msleep(300);
	CHECK(count_done(s) == 1, "%d %ss returned for room/data enough for one", count_done(s), what);
	for (i = 0; i < SLEEPERS; i++) {
		long now;

		if (s->done[i])
			continue;
		now = voluntary_switches(pids[i]);
		CHECK(is_blocked(pids[i], nr), "%s %d is no longer asleep", what, i);
		if (now != sw[i])
			n++;
	}
	CHECK(n == 0, "%d %ss were woken for nothing (thundering herd): exclusive waits expected",
	      n, what);
}

static void kick_one_byte(struct sleepers *s)
{
	CHECK_EQ(write(s->wfd, "x", 1), 1);
}

void t_wakeup_one_reader_per_write(void)
{
	struct sleepers *s = shared_alloc(sizeof(*s));
	int i;

	open_pair(&s->rfd, &s->wfd);
	one_of_many(s, child_sleeping_reader, SYS_read, kick_one_byte, "reader");
	for (i = 0; i < SLEEPERS; i++)
		if (s->done[i])
			CHECK_EQ(s->ret[i], 1);
	/* The others leave with end of file when the writer goes. */
	close(s->wfd);
	for (i = 0; i < 5000 && count_done(s) < SLEEPERS; i++)
		msleep(1);
	CHECK_EQ(count_done(s), SLEEPERS);
}

static void kick_one_page(struct sleepers *s)
{
	uint8_t buf[PIPE_BUF];

	read_exact(s->rfd, buf, PIPE_BUF);
}

void t_wakeup_one_writer_per_space(void)
{
	struct sleepers *s = shared_alloc(sizeof(*s));
	uint8_t buf[PIPE_BUF];
	long total;
	int i;

	open_pair(&s->rfd, &s->wfd);
	total = fill_full(s->wfd, NULL);
	one_of_many(s, child_sleeping_writer, SYS_write, kick_one_page, "writer");
	/* Drain: every writer finishes, each record whole. */
	total += (SLEEPERS - 1) * PIPE_BUF;
	while (total > 0) {
		read_exact(s->rfd, buf, PIPE_BUF);
		total -= PIPE_BUF;
	}
	for (i = 0; i < 5000 && count_done(s) < SLEEPERS; i++)
		msleep(1);
	CHECK_EQ(count_done(s), SLEEPERS);
	for (i = 0; i < SLEEPERS; i++)
		CHECK_EQ(s->ret[i], PIPE_BUF);
}

/* ---- several readers and writers ------------------------------------------------ */

#define RW_N		3
#define REC		512
#define RECS		1500

/* Index of the next child, private to each process after fork. */
static int rec_idx;

struct records {
	int rfd, wfd;
	uint8_t seen[RW_N][RECS];
	int bad;
};

static void rec_fill(uint8_t *rec, uint32_t writer, uint32_t seq)
{
	memcpy(rec, &writer, 4);
	memcpy(rec + 4, &seq, 4);
	pattern_fill(rec + 8, (uint64_t)writer << 40 | (uint64_t)seq << 12, REC - 8);
}

static void child_rec_writer(void *arg)
{
	struct records *s = arg;
	uint8_t rec[REC];
	uint32_t seq;

	close(s->rfd);
	for (seq = 0; seq < RECS; seq++) {
		rec_fill(rec, rec_idx, seq);
		CHECK_EQ(write(s->wfd, rec, REC), REC);
	}
}

static void child_rec_reader(void *arg)
{
	struct records *s = arg;
	int64_t last[RW_N];
	uint8_t rec[REC], want[REC];
	uint32_t writer, seq;
	ssize_t n;
	int i;

	close(s->wfd);
	for (i = 0; i < RW_N; i++)
		last[i] = -1;
	while ((n = read(s->rfd, rec, REC)) != 0) {
		CHECK(n == REC, "a read of one %d-byte record returned %zd (%s)", REC, n,
		      n < 0 ? strerror(errno) : "a part");
		memcpy(&writer, rec, 4);
		memcpy(&seq, rec + 4, 4);
		CHECK(writer < RW_N && seq < RECS, "garbage record header %u/%u", writer, seq);
		rec_fill(want, writer, seq);
		CHECK(!memcmp(rec, want, REC), "record %u of writer %u is corrupt", seq, writer);
		CHECK(seq > last[writer], "writer %u: record %u after %lld (order lost)", writer,
		      seq, (long long)last[writer]);
		last[writer] = seq;
		__atomic_add_fetch(&s->seen[writer][seq], 1, __ATOMIC_SEQ_CST);
	}
}

void t_several_readers_writers_records_intact(void)
{
	struct records *s = shared_alloc(sizeof(*s));
	pid_t writers[RW_N], readers[RW_N];
	int i, j;

	open_pair(&s->rfd, &s->wfd);
	for (i = 0; i < RW_N; i++) {
		rec_idx = i;
		readers[i] = spawn(child_rec_reader, s);
		writers[i] = spawn(child_rec_writer, s);
	}
	close(s->rfd);
	close(s->wfd);
	for (i = 0; i < RW_N; i++)
		expect_exit0(writers[i], 150000, "a record writer");
	for (i = 0; i < RW_N; i++)
		expect_exit0(readers[i], 10000, "a record reader");
	for (i = 0; i < RW_N; i++)
		for (j = 0; j < RECS; j++)
			CHECK(s->seen[i][j] == 1, "record %d of writer %d arrived %d times", j, i,
			      s->seen[i][j]);
}

/* ---- buffered data over closes ------------------------------------------------- */

void t_data_kept_while_any_end_open(void)
{
	uint8_t buf[100];
	int r, w;

	open_pair(&r, &w);
	pattern_fill(buf, 0, 100);
	CHECK_EQ(write(w, buf, 100), 100);
	/* The reader goes, the writer stays: data stays for the next reader. */
	close(r);
	r = SYS(topen(O_RDONLY | O_NONBLOCK));
	CHECK_EQ(fionread(r), 100);
	read_exact(r, buf, 100);
	CHECK(pattern_check(buf, 0, 100) < 0, "data changed while a writer held it");
	/* The writer goes, the reader stays: data stays too. */
	CHECK_EQ(write(w, buf, 50), 50);
	close(w);
	w = SYS(topen(O_WRONLY));
	CHECK_EQ(fionread(r), 50);
}

void t_data_discarded_after_last_close(void)
{
	char c;
	int r, w;

	open_pair(&r, &w);
	CHECK_EQ(write(w, "leftover", 8), 8);
	close(w);
	close(r);
	r = SYS(topen(O_RDONLY | O_NONBLOCK));
	w = SYS(topen(O_WRONLY));
	CHECK_EQ(fionread(r), 0);
	SYS_ERR(read(r, &c, 1), EAGAIN);
	/* Same with an O_RDWR opener as the last one out. */
	close(r);
	close(w);
	r = SYS(topen(O_RDWR));
	CHECK_EQ(write(r, "again", 5), 5);
	close(r);
	r = SYS(topen(O_RDWR | O_NONBLOCK));
	CHECK_EQ(fionread(r), 0);
	SYS_ERR(read(r, &c, 1), EAGAIN);
}

void t_channels_are_independent(void)
{
	char c;
	int r1, w1, r2, w2;

	if (!T.path2[0])
		skip("only one device (nr_devs=1)");
	open_pair(&r1, &w1);
	r2 = SYS(topen_path(T.path2, O_RDONLY | O_NONBLOCK));
	w2 = SYS(topen_path(T.path2, O_WRONLY));
	set_nonblock(r1, true);
	CHECK_EQ(write(w1, "1", 1), 1);
	SYS_ERR(read(r2, &c, 1), EAGAIN);
	CHECK_EQ(write(w2, "2", 1), 1);
	CHECK_EQ(read(r1, &c, 1), 1);
	CHECK(c == '1', "channel 1 read %c", c);
	CHECK_EQ(read(r2, &c, 1), 1);
	CHECK(c == '2', "channel 2 read %c", c);
	/* Closing one channel's writer does not hang up the other. */
	close(w1);
	CHECK_EQ(read(r1, &c, 1), 0);
	SYS_ERR(read(r2, &c, 1), EAGAIN);
}

/* ---- bad input -------------------------------------------------------------------- */

/* An address the compiler cannot see through (it would warn). */
static void *bad_ptr(uintptr_t v)
{
	volatile uintptr_t x = v;

	return (void *)x;
}

void t_bad_user_pointers_efault(void)
{
	void *low = bad_ptr(8), *kern = bad_ptr(0xffffffff81000000UL);
	struct iovec iov = { .iov_base = low, .iov_len = 16 };
	uint8_t buf[16];
	int r, w;

	open_pair(&r, &w);
	SYS_ERR(write(w, low, 16), EFAULT);
	SYS_ERR(write(w, kern, 16), EFAULT);
	SYS_ERR(writev(w, &iov, 1), EFAULT);
	CHECK_EQ(fionread(r), 0);
	pattern_fill(buf, 0, 16);
	CHECK_EQ(write(w, buf, 16), 16);
	SYS_ERR(read(r, low, 16), EFAULT);
	SYS_ERR(read(r, kern, 16), EFAULT);
	SYS_ERR(readv(r, &iov, 1), EFAULT);
	SYS_ERR(ioctl(r, FIONREAD, NULL), EFAULT);
	SYS_ERR(ioctl(r, FIONREAD, kern), EFAULT);
	if (T.dev) {
		SYS_ERR(ioctl(r, MYIPC_IOC_GET_SIZE, NULL), EFAULT);
		SYS_ERR(ioctl(r, MYIPC_IOC_SET_SIZE, NULL), EFAULT);
		SYS_ERR(ioctl(r, MYIPC_IOC_GET_STATS, NULL), EFAULT);
		SYS_ERR(ioctl(r, MYIPC_IOC_GET_STATS, kern), EFAULT);
	}
	/* Still usable afterwards. */
	CHECK(fionread(r) >= 0, "FIONREAD failed");
}

static void child_zero_read(void *arg)
{
	int *fds = arg;

	/* Empty channel, writer present: a zero-count read must not wait. */
	CHECK_EQ(read(fds[0], NULL, 0), 0);
	CHECK_EQ(read(fds[0], bad_ptr(8), 0), 0);
}

void t_count_zero_returns_zero(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	struct myipc_stats a = { 0 }, b = { 0 };
	sigset_t block, pending;

	open_pair(&fds[0], &fds[1]);
	if (T.dev)
		a = get_stats(fds[0]);
	expect_exit0(spawn(child_zero_read, fds), 5000, "a zero-count read");
	CHECK_EQ(write(fds[1], NULL, 0), 0);
	/* Full channel: a zero-count write must not wait either. */
	fill_full(fds[1], NULL);
	CHECK_EQ(write(fds[1], NULL, 0), 0);
	if (T.dev) {
		b = get_stats(fds[0]);
		CHECK_EQ(b.read_calls, a.read_calls);
	}
	/* No reader: a zero-count write is still 0, no EPIPE, no SIGPIPE. */
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	SYS(sigprocmask(SIG_BLOCK, &block, NULL));
	close(fds[0]);
	CHECK_EQ(write(fds[1], NULL, 0), 0);
	SYS(sigpending(&pending));
	CHECK(!sigismember(&pending, SIGPIPE), "SIGPIPE raised by a zero-count write");
}
