// SPDX-License-Identifier: GPL-2.0
/*
 * t_stress.c - the FIFO scenarios under load: PIPE_BUF records from four
 * writers, a 64 MiB checksum-verified transfer with random sizes, peers
 * woken by a close, permission denied for an unprivileged user, and data
 * through dd/cat/sha256sum.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- 4 writers x PIPE_BUF records, 1 reader -------------------------------- */

#define W4		4
#define W4_RECS		256

static int w4_idx;	/* private to each writer after fork */

static void w4_record(uint8_t *rec, uint32_t writer, uint32_t seq)
{
	memcpy(rec, &writer, 4);
	memcpy(rec + 4, &seq, 4);
	pattern_fill(rec + 8, (uint64_t)writer << 40 | (uint64_t)seq << 12, PIPE_BUF - 8);
}

static void child_w4(void *arg)
{
	int *fds = arg;
	uint8_t rec[PIPE_BUF];
	uint32_t seq;

	close(fds[0]);
	for (seq = 0; seq < W4_RECS; seq++) {
		w4_record(rec, w4_idx, seq);
		CHECK_EQ(write(fds[1], rec, PIPE_BUF), PIPE_BUF);
	}
}

void t_writers4_pipe_buf_records_one_reader(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	static uint8_t acc[4 * PIPE_BUF], want[PIPE_BUF];
	uint32_t next[W4] = { 0 }, writer, seq;
	unsigned int rnd = 42;
	size_t have = 0, records = 0;
	pid_t pids[W4];
	ssize_t n;
	int i;

	open_pair(&fds[0], &fds[1]);
	for (i = 0; i < W4; i++) {
		w4_idx = i;
		pids[i] = spawn(child_w4, fds);
	}
	close(fds[1]);
	/* Random read sizes; records must still sit whole at PIPE_BUF offsets. */
	for (;;) {
		size_t want_n = 1 + rand_r(&rnd) % (sizeof(acc) - have);

		n = read(fds[0], acc + have, want_n);
		CHECK(n >= 0, "read: %s", strerror(errno));
		if (n == 0)
			break;
		have += n;
		while (have >= PIPE_BUF) {
			memcpy(&writer, acc, 4);
			memcpy(&seq, acc + 4, 4);
			CHECK(writer < W4, "record %zu has a garbage header: split or interleaved", records);
			CHECK(seq == next[writer], "writer %u: record %u arrived where %u was due",
			      writer, seq, next[writer]);
			w4_record(want, writer, seq);
			CHECK(!memcmp(acc, want, PIPE_BUF),
			      "record %u of writer %u is not whole: another writer's bytes inside",
			      seq, writer);
			next[writer]++;
			records++;
			memmove(acc, acc + PIPE_BUF, have - PIPE_BUF);
			have -= PIPE_BUF;
		}
	}
	CHECK(have == 0, "%zu stray bytes at the end", have);
	for (i = 0; i < W4; i++) {
		expect_exit0(pids[i], 10000, "a record writer");
		CHECK(next[i] == W4_RECS, "writer %d: %u of %d records arrived", i, next[i], W4_RECS);
	}
}

/* ---- 64 MiB, random sizes, checksum -------------------------------------------- */

#define BIG_TOTAL	(64ULL << 20)

static uint64_t splitmix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* The stream: byte off is byte (off % 8) of splitmix(off / 8). */
static void stream_fill(uint8_t *buf, uint64_t off, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t word = splitmix((off + i) / 8);
		unsigned int b = (off + i) % 8;

		for (; b < 8 && i < n; b++, i++)
			buf[i] = (uint8_t)(word >> (8 * b));
	}
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

struct big {
	int rfd, wfd;
	size_t max_chunk;
	uint64_t sum;
};

static void child_big_writer(void *arg)
{
	struct big *s = arg;
	uint8_t *buf = malloc(s->max_chunk);
	unsigned int rnd = 7;
	uint64_t off = 0, h = 0xcbf29ce484222325ull;

	close(s->rfd);
	while (off < BIG_TOTAL) {
		size_t n = 1 + rand_r(&rnd) % s->max_chunk;

		if (n > BIG_TOTAL - off)
			n = BIG_TOTAL - off;
		stream_fill(buf, off, n);
		h = fnv(h, buf, n);
		write_all(s->wfd, buf, n);
		off += n;
	}
	s->sum = h;
	free(buf);
}

void t_transfer_64mib_random_sizes(void)
{
	struct big *s = shared_alloc(sizeof(*s));
	uint64_t off = 0, h = 0xcbf29ce484222325ull;
	unsigned int rnd = 11;
	uint8_t *buf, *want;
	double t0 = seconds();
	pid_t pid;

	open_pair(&s->rfd, &s->wfd);
	/* Up to three times the capacity: some writes must be split. */
	s->max_chunk = 3 * tcapacity(s->wfd);
	buf = malloc(s->max_chunk);
	want = malloc(s->max_chunk);
	pid = spawn(child_big_writer, s);
	close(s->wfd);
	for (;;) {
		size_t n = 1 + rand_r(&rnd) % s->max_chunk;
		ssize_t got = read(s->rfd, buf, n);
		size_t i;

		CHECK(got >= 0, "read at offset %llu: %s", (unsigned long long)off, strerror(errno));
		if (got == 0)
			break;
		CHECK(off + got <= BIG_TOTAL, "more than 64 MiB arrived");
		stream_fill(want, off, got);
		if (memcmp(buf, want, got)) {
			for (i = 0; buf[i] == want[i]; i++)
				;
			fail("byte at offset %llu is %#x, expected %#x", (unsigned long long)(off + i),
			     buf[i], want[i]);
		}
		h = fnv(h, buf, got);
		off += got;
	}
	expect_exit0(pid, 10000, "the 64 MiB writer");
	CHECK(off == BIG_TOTAL, "%llu of %llu bytes arrived", (unsigned long long)off, BIG_TOTAL);
	CHECK(h == s->sum, "checksum %016llx differs from the writer's %016llx",
	      (unsigned long long)h, (unsigned long long)s->sum);
	diag("64 MiB in %.1f s, checksum %016llx", seconds() - t0, (unsigned long long)h);
	free(buf);
	free(want);
}

/* ---- close wakes the peer ----------------------------------------------------- */

static void child_read_eof(void *arg)
{
	int *fds = arg;
	char c;

	close(fds[1]);
	CHECK_EQ(read(fds[0], &c, 1), 0);
}

void t_close_wakes_blocked_reader(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	pid_t pid;

	open_pair(&fds[0], &fds[1]);
	pid = spawn(child_read_eof, fds);
	wait_blocked(pid, SYS_read);
	close(fds[1]);
	expect_exit0(pid, 5000, "the reader blocked when the last writer closed");
}

static void child_write_epipe(void *arg)
{
	int *fds = arg;
	uint8_t buf[PIPE_BUF] = { 0 };

	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	SYS_ERR(write(fds[1], buf, sizeof(buf)), EPIPE);
}

void t_close_wakes_blocked_writer(void)
{
	int *fds = shared_alloc(2 * sizeof(int));
	pid_t pid;

	open_pair(&fds[0], &fds[1]);
	fill_full(fds[1], NULL);
	pid = spawn(child_write_epipe, fds);
	wait_blocked(pid, SYS_write);
	close(fds[0]);
	expect_exit0(pid, 5000, "the writer blocked when the last reader closed");
}

/* ---- permissions ---------------------------------------------------------------- */

static void child_nobody(void *arg)
{
	(void)arg;
	SYS(setgroups(0, NULL));
	SYS(setgid(65534));
	SYS(setuid(65534));
	CHECK_EQ(geteuid(), 65534);
	SYS_ERR(topen(O_RDONLY | O_NONBLOCK), EACCES);
	SYS_ERR(topen(O_WRONLY | O_NONBLOCK), EACCES);
	SYS_ERR(topen(O_RDWR), EACCES);
}

void t_unprivileged_open_eacces(void)
{
	struct stat st;

	SYS(stat(T.path, &st));
	if (getuid() != 0)
		skip("needs root (to switch to uid 65534)");
	if (st.st_mode & 0006)
		skip("%s has mode %04o: dev_mode lets others in", T.path, st.st_mode & 07777);
	CHECK(st.st_uid != 65534, "%s is owned by uid 65534", T.path);
	expect_exit0(spawn(child_nobody, NULL), 5000, "the unprivileged opener");
}

/* ---- ordinary tools --------------------------------------------------------------- */

void t_tools_dd_cat_sha256(void)
{
	int rc = shell(
		"set -e; d='%s/tools'; f='%s'; mkdir -p \"$d\"\n"
		"head -c 8388608 /dev/urandom >\"$d/in\"\n"
		"cat \"$f\" >\"$d/out1\" & dd if=\"$d/in\" of=\"$f\" bs=65536 status=none; wait $!\n"
		"dd if=\"$f\" of=\"$d/out2\" bs=4096 status=none & cat \"$d/in\" >\"$f\"; wait $!\n"
		"a=$(sha256sum <\"$d/in\"); b=$(sha256sum <\"$d/out1\"); c=$(sha256sum <\"$d/out2\")\n"
		"rm -rf \"$d\"\n"
		"[ \"$a\" = \"$b\" ] || { echo \"#   dd -> cat changed the data: $a vs $b\"; exit 1; }\n"
		"[ \"$a\" = \"$c\" ] || { echo \"#   cat -> dd changed the data: $a vs $c\"; exit 1; }\n",
		T.tmpdir, T.path);

	CHECK(rc == 0, "the dd/cat/sha256sum script failed (status %d)", rc);
}
