// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap_layout.c - mmap suite, layout and roles: the ring's pages, who may
 * take a role, map, write, resize or copy, and the peer's state word.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "mmap_util.h"

void t_mmap_header_layout(void)
{
	struct myipc_ring p, c;

	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	uring_open(&c, T.path, MYIPC_ROLE_CONSUMER);
	CHECK_EQ(p.hdr->magic, MYIPC_RING_MAGIC);
	CHECK_EQ(p.hdr->version, MYIPC_RING_VERSION);
	CHECK_EQ(p.hdr->capacity, p.cap);
	CHECK_EQ(p.hdr->data_offset, MYIPC_RING_DATA_OFFSET);
	CHECK_EQ(p.hdr->ready, 1);
	CHECK_EQ(p.own->state, MYIPC_END_OPEN);
	CHECK_EQ(c.own->state, MYIPC_END_OPEN);
	/* the two mappings share the pages, and the data is there twice */
	p.data[5] = 0xA5;
	CHECK_EQ(c.data[5], 0xA5);
	CHECK_EQ(c.data[p.cap + 5], 0xA5);
	p.data[2 * p.cap - 1] = 0x5A;
	CHECK_EQ(c.data[p.cap - 1], 0x5A);
	uring_close(&p);
	/* the kernel marks the producer closed when its end goes */
	CHECK_EQ(myipc_load_acquire(&c.peer->state), MYIPC_END_CLOSED);
	uring_close(&c);
}

void t_mmap_role_ebusy_ebadf_einval(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	uint32_t bad = 7;
	int a = SYS(topen(O_RDWR)), b = SYS(topen(O_RDWR));
	int ro = SYS(topen(O_RDONLY | O_NONBLOCK));
	int wo = SYS(topen(O_WRONLY | O_NONBLOCK));

	SYS_ERR(ioctl(a, MYIPC_IOC_SET_ROLE, &bad), EINVAL);
	SYS_ERR(ioctl(ro, MYIPC_IOC_SET_ROLE, &prod), EBADF);
	SYS_ERR(ioctl(wo, MYIPC_IOC_SET_ROLE, &cons), EBADF);
	SYS(ioctl(a, MYIPC_IOC_SET_ROLE, &prod));
	SYS_ERR(ioctl(b, MYIPC_IOC_SET_ROLE, &prod), EBUSY);
	SYS_ERR(ioctl(wo, MYIPC_IOC_SET_ROLE, &prod), EBUSY);
	SYS_ERR(ioctl(a, MYIPC_IOC_SET_ROLE, &cons), EBUSY);	/* has one */
	SYS(ioctl(b, MYIPC_IOC_SET_ROLE, &cons));
	SYS_ERR(ioctl(ro, MYIPC_IOC_SET_ROLE, &cons), EBUSY);
	/* the role is free again once its file is closed */
	close(a);
	SYS(ioctl(wo, MYIPC_IOC_SET_ROLE, &prod));
	close(b);
	close(ro);
	close(wo);
}

void t_mmap_without_role_eacces(void)
{
	int fd = SYS(topen(O_RDWR));
	uint32_t how = MYIPC_WAKE_PEER;
	struct myipc_wait w = { .timeout_ns = 0 };

	CHECK(mmap(NULL, MYIPC_RING_PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EACCES, "mapping without a role: %s", strerror(errno));
	SYS_ERR(ioctl(fd, MYIPC_IOC_WAIT, &w), EACCES);
	SYS_ERR(ioctl(fd, MYIPC_IOC_WAKE, &how), EACCES);
	close(fd);
}

static void expect_map_err(int fd, off_t off, size_t len, int prot, int flags,
			   int err, const char *what)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		fail("%s: mmap(off %#lx, len %#zx) succeeded, expected %s", what,
		     (long)off, len, errno_name(err));
	}
	CHECK(errno == err, "%s: mmap gave %s, expected %s", what,
	      errno_name(errno), errno_name(err));
}

static void expect_map_ok(int fd, off_t off, size_t len, int prot,
			  const char *what)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	CHECK(p != MAP_FAILED, "%s: mmap(off %#lx, len %#zx): %s", what,
	      (long)off, len, strerror(errno));
	munmap(p, len);
}

void t_mmap_wrong_page_writable_eacces(void)
{
	const int RW = PROT_READ | PROT_WRITE, P = MYIPC_RING_PAGE;
	const off_t D = MYIPC_RING_DATA_OFFSET;
	uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	int p = SYS(topen(O_RDWR)), c = SYS(topen(O_RDWR));
	size_t cap = tcapacity(p);

	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	SYS(ioctl(c, MYIPC_IOC_SET_ROLE, &cons));
	/* producer: its page and the data writable, the rest not */
	expect_map_ok(p, P, P, RW, "producer page rw");
	expect_map_ok(p, D, 2 * cap, RW, "producer data rw (twice)");
	expect_map_ok(p, D + cap, cap, RW, "producer second data copy rw");
	expect_map_err(p, 0, P, RW, MAP_SHARED, EACCES, "header rw (producer)");
	expect_map_err(p, 2 * P, P, RW, MAP_SHARED, EACCES, "consumer page rw (producer)");
	expect_map_err(p, 0, D + 2 * cap, RW, MAP_SHARED, EACCES, "all rw (producer)");
	expect_map_ok(p, 0, D + 2 * cap, PROT_READ, "all read-only (producer)");
	/* consumer: only its page writable */
	expect_map_ok(c, 2 * P, P, RW, "consumer page rw");
	expect_map_err(c, 0, P, RW, MAP_SHARED, EACCES, "header rw (consumer)");
	expect_map_err(c, P, P, RW, MAP_SHARED, EACCES, "producer page rw (consumer)");
	expect_map_err(c, D, cap, RW, MAP_SHARED, EACCES, "data rw (consumer)");
	expect_map_ok(c, D, 2 * cap, PROT_READ, "data read-only (consumer)");
	close(p);
	close(c);
}

static volatile sig_atomic_t segv_seen;
static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	(void)sig;
	segv_seen = 1;
	siglongjmp(segv_jmp, 1);
}

void t_mmap_mprotect_cannot_lift(void)
{
	uint32_t cons = MYIPC_ROLE_CONSUMER;
	int c = SYS(topen(O_RDWR));
	size_t cap;
	uint8_t *d, *h;

	SYS(ioctl(c, MYIPC_IOC_SET_ROLE, &cons));
	cap = tcapacity(c);
	d = mmap(NULL, cap, PROT_READ, MAP_SHARED, c, MYIPC_RING_DATA_OFFSET);
	CHECK(d != MAP_FAILED, "mmap data: %s", strerror(errno));
	h = mmap(NULL, MYIPC_RING_PAGE, PROT_READ, MAP_SHARED, c, 0);
	CHECK(h != MAP_FAILED, "mmap header: %s", strerror(errno));
	SYS_ERR(mprotect(d, cap, PROT_READ | PROT_WRITE), EACCES);
	SYS_ERR(mprotect(h, MYIPC_RING_PAGE, PROT_READ | PROT_WRITE), EACCES);
	/* and a store into the read-only mapping faults */
	signal(SIGSEGV, on_segv);
	if (!sigsetjmp(segv_jmp, 1))
		*(volatile uint8_t *)d = 1;
	CHECK(segv_seen, "a store into the consumer's data mapping did not fault");
	munmap(d, cap);
	munmap(h, MYIPC_RING_PAGE);
	close(c);
}

void t_mmap_bad_offset_length_private_einval(void)
{
	const int P = MYIPC_RING_PAGE;
	const off_t D = MYIPC_RING_DATA_OFFSET;
	uint32_t prod = MYIPC_ROLE_PRODUCER;
	int p = SYS(topen(O_RDWR));
	size_t cap;

	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	cap = tcapacity(p);
	expect_map_err(p, 0, P, PROT_READ, MAP_PRIVATE, EINVAL, "MAP_PRIVATE");
	expect_map_err(p, D + P, P, PROT_READ, MAP_SHARED, EINVAL, "offset inside the data");
	expect_map_err(p, D, P, PROT_READ, MAP_SHARED, EINVAL, "length ending inside the data");
	expect_map_err(p, 0, D + 2 * cap + P, PROT_READ, MAP_SHARED, EINVAL,
		       "length beyond the layout");
	expect_map_err(p, D + 2 * cap, P, PROT_READ, MAP_SHARED, EINVAL,
		       "offset at the end of the layout");
	expect_map_err(p, (off_t)1 << 40, P, PROT_READ, MAP_SHARED, EINVAL, "huge offset");
	close(p);
}

void t_mmap_set_size_ebusy_while_mapped(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER;
	int p = SYS(topen(O_RDWR));
	size_t cap;
	void *m;
	pid_t pid;

	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	cap = tcapacity(p);
	m = mmap(NULL, MYIPC_RING_PAGE, PROT_READ, MAP_SHARED, p, 0);
	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_EQ(tset_size(p, cap * 2), -EBUSY);
	CHECK_EQ(tset_size(p, cap), -EBUSY);	/* even to the size it has */
	/* a child's copy of the mapping (fork) counts too */
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	munmap(m, MYIPC_RING_PAGE);
	CHECK_EQ(tset_size(p, cap * 2), -EBUSY);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK_EQ(tset_size(p, cap * 2), (long)cap * 2);
	CHECK_EQ(tset_size(p, cap), (long)cap);
	close(p);
}

void t_mmap_copy_ends_ebusy_while_role_held(void)
{
	uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	int p = SYS(topen(O_RDWR)), c = SYS(topen(O_RDWR));
	int r = SYS(topen(O_RDONLY | O_NONBLOCK)), w = SYS(topen(O_WRONLY | O_NONBLOCK));
	char b[8] = "abcdefg";

	SYS(ioctl(p, MYIPC_IOC_SET_ROLE, &prod));
	SYS_ERR(write(w, b, 8), EBUSY);
	CHECK_EQ(write(p, b, 8), 8);	/* the role holder itself may copy */
	SYS(ioctl(c, MYIPC_IOC_SET_ROLE, &cons));
	SYS_ERR(read(r, b, 8), EBUSY);
	CHECK_EQ(read(c, b, 8), 8);
	CHECK(!memcmp(b, "abcdefg", 8), "wrong bytes");
	close(p);
	close(c);
	close(r);
	close(w);
}

/* The peer's state word, read from a fresh read-only map of the control pages. */
static uint32_t peer_state(int fd, uint32_t role)
{
	size_t off = role == MYIPC_ROLE_CONSUMER ? MYIPC_RING_PRODUCER_OFFSET :
						   MYIPC_RING_CONSUMER_OFFSET;
	uint8_t *m = mmap(NULL, MYIPC_RING_DATA_OFFSET, PROT_READ, MAP_SHARED, fd, 0);
	uint32_t v;

	CHECK(m != MAP_FAILED, "mmap control pages: %s", strerror(errno));
	v = myipc_load_acquire(&((struct myipc_ring_side *)(m + off))->state);
	munmap(m, MYIPC_RING_DATA_OFFSET);
	return v;
}

/*
 * An O_RDWR file counts as reader and writer until SET_ROLE. A peer that
 * opened and closed in that window (or was open when the file opened and
 * closed before the role) has been there: its state word must say
 * END_CLOSED and WAIT must report it gone, so a consumer reads the bytes
 * and then end of file instead of waiting for a writer that has left.
 * With no such peer the word stays END_ABSENT and WAIT keeps waiting.
 */
/*
 * Open a file O_RDWR and give it @role. A visitor (@visitor_flags, 0 for
 * none) opens before it (@before) or after it, writes @data if given, and
 * closes, all before SET_ROLE. The peer's state word must then be @want.
 */
static int role_after_visit(uint32_t role, int visitor_flags, bool before,
			    const char *data, uint32_t want)
{
	int f, x = -1;

	if (visitor_flags && before)
		x = SYS(topen(visitor_flags));
	f = SYS(topen(O_RDWR));
	if (visitor_flags && !before)
		x = SYS(topen(visitor_flags));
	if (data)
		CHECK_EQ(write(x, data, strlen(data)), (long)strlen(data));
	if (x >= 0)
		close(x);
	SYS(ioctl(f, MYIPC_IOC_SET_ROLE, &role));
	CHECK_EQ(peer_state(f, role), want);
	return f;
}

void t_mmap_role_after_peer_came_and_went(void)
{
	const uint32_t prod = MYIPC_ROLE_PRODUCER, cons = MYIPC_ROLE_CONSUMER;
	struct myipc_wait w = { .need = 1, .timeout_ns = 0 };
	char b[8] = { 0 };
	int c, p;

	/* nobody came: absent, and WAIT does not call the peer gone */
	c = role_after_visit(cons, 0, false, NULL, MYIPC_END_ABSENT);
	SYS_ERR(ioctl(c, MYIPC_IOC_WAIT, &w), ETIMEDOUT);
	close(c);

	/* a writer opened after us, wrote and closed: closed, bytes kept */
	c = role_after_visit(cons, O_WRONLY | O_NONBLOCK, false, "hello", MYIPC_END_CLOSED);
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_READY | MYIPC_WAIT_PEER_GONE);
	CHECK_EQ(read(c, b, sizeof(b)), 5);
	CHECK(!memcmp(b, "hello", 5), "wrong bytes");
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_PEER_GONE);
	CHECK_EQ(read(c, b, sizeof(b)), 0);
	close(c);

	/* a writer open before us, gone before the role: closed too */
	c = role_after_visit(cons, O_RDWR, true, NULL, MYIPC_END_CLOSED);
	CHECK_EQ(ioctl(c, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_PEER_GONE);
	close(c);

	/* the producer's side: a reader came and went */
	p = role_after_visit(prod, O_RDONLY | O_NONBLOCK, false, NULL, MYIPC_END_CLOSED);
	CHECK_EQ(ioctl(p, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_READY | MYIPC_WAIT_PEER_GONE);
	signal(SIGPIPE, SIG_IGN);
	SYS_ERR(write(p, "x", 1), EPIPE);
	close(p);

	/* and with no reader ever: absent */
	p = role_after_visit(prod, 0, false, NULL, MYIPC_END_ABSENT);
	CHECK_EQ(ioctl(p, MYIPC_IOC_WAIT, &w), MYIPC_WAIT_READY);
	close(p);
}

/*
 * madvise(MADV_DONTNEED) drops a mapping's page entries; the next touch
 * must find the ring's pages again (not SIGBUS, not zeros) on both ends.
 */
void t_mmap_dontneed_keeps_the_ring(void)
{
	struct myipc_ring p, c;

	uring_open(&p, T.path, MYIPC_ROLE_PRODUCER);
	uring_open(&c, T.path, MYIPC_ROLE_CONSUMER);
	sfill(p.data, 0, 1000);
	uring_publish(&p, 1000);
	SYS(madvise(p.base, p.map_len, MADV_DONTNEED));
	SYS(madvise(c.base, c.map_len, MADV_DONTNEED));
	CHECK_EQ(myipc_load_acquire(&c.peer->index), 1000);
	CHECK_EQ(c.hdr->magic, MYIPC_RING_MAGIC);
	CHECK(scheck(c.data, 0, 1000) < 0, "the consumer reads other bytes after DONTNEED");
	CHECK(scheck(c.data + c.cap, 0, 1000) < 0, "the second copy differs after DONTNEED");
	/* the producer writes through its re-faulted pages, the consumer sees it */
	sfill(p.data + 1000, 1000, 1000);
	uring_publish(&p, 1000);
	CHECK(scheck(c.data + 1000, 1000, 1000) < 0, "bytes written after DONTNEED are lost");
	uring_close(&c);
	uring_close(&p);
}
