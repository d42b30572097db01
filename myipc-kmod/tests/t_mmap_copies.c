// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap_copies.c - mmap suite, roles against copies in progress: a role
 * taken while a copy reader or writer sleeps or is in the middle of a copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "mmap_util.h"

/* A child's blocking read(2) or write(2); the outcome lands in shared memory. */
struct copy_call {
	int fd;
	bool write;
	size_t len;
	long ret;
	int err;
};

static void copy_call_run(void *arg)
{
	struct copy_call *cc = arg;
	static uint8_t buf[8192];

	memset(buf, 'w', sizeof(buf));
	errno = 0;
	cc->ret = cc->write ? write(cc->fd, buf, cc->len) : read(cc->fd, buf, cc->len);
	cc->err = errno;
}

/*
 * A copy reader asleep in read(2) on an empty ring; then another file
 * takes the consumer role and maps the ring; then 10 bytes come. The
 * sleeper must not take them: it wakes to EBUSY, the mapped consumer's
 * head stays 0 and the consumer finds all 10 bytes.
 */
void t_mmap_role_taken_while_copy_reader_sleeps(void)
{
	struct copy_call *cc = shared_alloc(sizeof(*cc));
	int r = SYS(topen(O_RDONLY | O_NONBLOCK)), w = SYS(topen(O_WRONLY));
	uint8_t ten[10];
	struct myipc_ring c;
	pid_t pid;

	set_nonblock(r, false);
	*cc = (struct copy_call){ .fd = r, .len = 64, .ret = -2 };
	pid = spawn(copy_call_run, cc);
	wait_blocked(pid, SYS_read);
	uring_open(&c, T.path, MYIPC_ROLE_CONSUMER);
	sfill(ten, 0, sizeof(ten));
	CHECK_EQ(write(w, ten, sizeof(ten)), 10);
	expect_exit0(pid, 10000, "the sleeping copy reader");
	CHECK(cc->ret == -1 && cc->err == EBUSY,
	      "the sleeping reader got %ld (%s), expected EBUSY", cc->ret, strerror(cc->err));
	CHECK_EQ(myipc_load_acquire(&c.own->index), 0);
	CHECK_EQ(myipc_ring_avail(&c), 10);
	CHECK(scheck(c.data, 0, 10) < 0, "the consumer's 10 bytes are wrong");
	uring_close(&c);
	close(r);
	close(w);
}

/*
 * The writer twin: a copy writer asleep in write(2) on a full ring, then
 * another file takes the producer role and maps it, then a reader frees
 * room. The sleeper must not write: EBUSY, the tail stays where the
 * producer found it, and the reader gets exactly the bytes from before.
 */
void t_mmap_role_taken_while_copy_writer_sleeps(void)
{
	struct copy_call *cc = shared_alloc(sizeof(*cc));
	int r = SYS(topen(O_RDONLY | O_NONBLOCK)), w = SYS(topen(O_WRONLY));
	uint64_t off = 0, got = 0;
	uint8_t buf[4096];
	size_t full, n;
	struct myipc_ring p;
	pid_t pid;

	set_nonblock(w, true);
	full = fill_full(w, &off);
	set_nonblock(w, false);
	*cc = (struct copy_call){ .fd = w, .write = true, .len = 100, .ret = -2 };
	pid = spawn(copy_call_run, cc);
	wait_blocked(pid, SYS_write);
	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	CHECK_EQ(p.idx, full);
	n = read(r, buf, sizeof(buf));	/* frees MYIPC_PIPE_BUF: wakes the writer */
	CHECK_EQ(n, sizeof(buf));
	got += n;
	expect_exit0(pid, 10000, "the sleeping copy writer");
	CHECK(cc->ret == -1 && cc->err == EBUSY,
	      "the sleeping writer got %ld (%s), expected EBUSY", cc->ret, strerror(cc->err));
	CHECK_EQ(myipc_load_acquire(&p.own->index), full);
	while ((n = read(r, buf, sizeof(buf))) > 0 && n != (size_t)-1)
		got += n;
	CHECK_EQ(got, full);
	uring_close(&p);
	close(r);
	close(w);
}

static void take_consumer_role(void *arg)
{
	uint32_t cons = MYIPC_ROLE_CONSUMER;
	int fd = SYS(topen(O_RDWR));

	(void)arg;
	SYS(ioctl(fd, MYIPC_IOC_SET_ROLE, &cons));
	/* the copy that was in progress has finished: its 10 bytes are gone */
	CHECK_EQ(fionread(fd), 0);
	close(fd);
}

/*
 * A copy reader in the middle of its copy (its user buffer faults and
 * stalls) holds the reader lock with the role check behind it. SET_ROLE
 * must wait until that copy is over, so no byte moves under a new
 * mapping.
 */
void t_mmap_role_waits_for_copy_in_progress(void)
{
	int r = SYS(topen(O_RDONLY | O_NONBLOCK)), w = SYS(topen(O_WRONLY));
	struct stalled_copy sr;
	struct stall st;
	bool early;
	pid_t pid;
	int status;

	stall_page(&st);
	CHECK_EQ(write(w, "0123456789", 10), 10);
	sr = (struct stalled_copy){ .fd = r, .len = 10, .stall = &st };
	start_stalled_copy(&sr);
	pid = spawn(take_consumer_role, NULL);
	msleep(500);
	early = has_exited(pid, &status);
	stall_release(&st);
	status = early ? status : wait_status(pid, 10000);
	CHECK(!early, "SET_ROLE returned while a copy reader was still copying");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the role taker failed (status %#x)", status);
	/* the copy is over; its thread may not have stored the result yet */
	CHECK_EQ(stalled_copy_wait(&sr), 10);
	CHECK(!memcmp(st.page, "0123456789", 10), "the reader got other bytes");
	close(r);
	close(w);
}
