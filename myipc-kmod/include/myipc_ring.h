/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * myipc_ring.h - a header-only user-space client of the mapped myipc ring
 *
 * The layout, the index protocol and the wait/wake protocol are those of
 * uapi/myipc.h (its "shared ring" section is the reference; nothing here
 * adds to it). The same client runs over two kinds of memory:
 *
 *  - the driver's pages (myipc_ring_map_driver): the kernel keeps the
 *    state words, a sleeper waits in MYIPC_IOC_WAIT and is woken with
 *    MYIPC_IOC_WAKE (myipc_ring_driver_waiter);
 *  - shared memory laid out by myipc_ring_shm_create (a memfd, so both
 *    processes of a fork see it): the ends keep their state words, a
 *    sleeper does FUTEX_WAIT on the PEER's wake_seq with the value it read
 *    in step 1, the waker bumps its OWN wake_seq and FUTEX_WAKEs it
 *    (myipc_ring_futex_waiter, as the Java shm: transport does).
 *
 * Producer:  p = myipc_ring_claim(r, n) (after myipc_ring_wait(r, n, ...)
 *            if it returned NULL), write n bytes at p, myipc_ring_commit(r, n).
 * Consumer:  n = myipc_ring_view(r, &p) (after myipc_ring_wait(r, 1, ...)
 *            if it returned 0), read up to n bytes at p, myipc_ring_release(r, k).
 * The data is mapped twice back to back, so a claim or a view of at most
 * the capacity is one contiguous range.
 *
 * One thread per end at a time; nothing here locks.
 */
#ifndef _MYIPC_RING_H
#define _MYIPC_RING_H

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/memfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "uapi/myipc.h"

/*
 * Barriers, named after the kernel's (kernel/bpf/ringbuf.c uses the same
 * pairs over its producer and consumer positions).
 *
 * myipc_load_acquire / myipc_store_release: the index protocol. A release
 * store of an index orders every access before it (the bytes written or
 * read) before the store; the peer's acquire load of that index orders
 * the accesses after it (reading or overwriting those bytes) after it.
 *
 * myipc_smp_mb: the full fence of the wait/wake protocol. Both sides store
 * (index, or sleeping), fence, then load what the other stored (sleeping,
 * or index): at least one sees the other's store, so a wake-up cannot be
 * lost. A release/acquire pair does not order a store before a later load.
 */
#define myipc_load_acquire(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define myipc_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define myipc_read_once(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define myipc_write_once(p, v)		__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define myipc_smp_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)

static inline void myipc_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

struct myipc_ring;

/*
 * How a side sleeps and how it wakes its sleeping peer (steps 5 and the
 * waker's call of uapi/myipc.h). wait() sleeps at most timeout_ns while
 * the peer's wake_seq still holds @seq (and the ring lacks @need bytes);
 * it returns >= 0 (a hint: look again) or -errno; -ETIMEDOUT, -EINTR and
 * -EAGAIN are hints too. wake() is called after the caller bumped its own
 * wake_seq. kernel_state: the kernel stores the state words, so an end
 * must not (the driver: a copy-mode end of the same kind may remain).
 */
struct myipc_ring_waiter {
	int (*wait)(struct myipc_ring *r, uint64_t need, uint32_t seq, int64_t timeout_ns);
	int (*wake)(struct myipc_ring *r);
	int kernel_state;
};

struct myipc_ring {
	uint8_t *base;			/* the header page */
	uint8_t *data;			/* base + MYIPC_RING_DATA_OFFSET, mapped twice */
	uint64_t cap, mask;
	size_t map_len;			/* owned mapping to unmap at close, else 0 */
	struct myipc_ring_header *hdr;
	struct myipc_ring_side *own, *peer;
	uint32_t role;			/* MYIPC_ROLE_PRODUCER or MYIPC_ROLE_CONSUMER */
	uint64_t idx;			/* own index: only this end writes it */
	uint64_t peer_idx;		/* last peer index loaded */
	uint32_t announce;		/* number of our last sleep announcement */
	uint32_t answered;		/* the peer's announcement we last woke */
	const struct myipc_ring_waiter *waiter;
	int fd;				/* driver: the file holding the role; else -1 */
	unsigned long sleeps;		/* times this end slept (step 5) */
	unsigned long wakes;		/* times this end woke its peer */
};

/*
 * The wait loop: @spins polls with a pause, then @yields polls with
 * sched_yield(), then (if @sleep) the announce / fence / re-check / sleep
 * of uapi/myipc.h, each sleep at most @slice_ns. Without @sleep the loop
 * keeps polling in its last phase (yielding if @yields, else pausing).
 * @check, if set, is called every 2^20 polls and after every sleep; a
 * non-zero result (-errno) ends the wait with that value (a peer process
 * that died without closing, a deadline).
 */
struct myipc_ring_policy {
	uint32_t spins;
	uint32_t yields;
	int sleep;
	int64_t slice_ns;
	int (*check)(void *arg);
	void *arg;
};

/* ---- waiters ----------------------------------------------------------- */

static inline int myipc_ring_driver_wait(struct myipc_ring *r, uint64_t need, uint32_t seq,
					 int64_t timeout_ns)
{
	struct myipc_wait w = {
		.need = need,
		.timeout_ns = timeout_ns,
		.seq = seq,
		.flags = MYIPC_WAIT_SEQ,
	};
	int ret = ioctl(r->fd, MYIPC_IOC_WAIT, &w);

	return ret < 0 ? -errno : ret;
}

static inline int myipc_ring_driver_wake(struct myipc_ring *r)
{
	uint32_t how = MYIPC_WAKE_PEER;

	return ioctl(r->fd, MYIPC_IOC_WAKE, &how) ? -errno : 0;
}

static const struct myipc_ring_waiter myipc_ring_driver_waiter
	__attribute__((unused)) = {
	.wait = myipc_ring_driver_wait,
	.wake = myipc_ring_driver_wake,
	.kernel_state = 1,
};

/* not FUTEX_PRIVATE_FLAG: sleeper and waker are different processes */
static inline long myipc_futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

static inline int myipc_ring_futex_wait(struct myipc_ring *r, uint64_t need, uint32_t seq,
					int64_t timeout_ns)
{
	struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };

	(void)need;	/* the caller re-checked the ring after announcing */
	if (myipc_futex(&r->peer->wake_seq, FUTEX_WAIT, seq, timeout_ns < 0 ? NULL : &ts))
		return -errno;
	return 0;
}

static inline int myipc_ring_futex_wake(struct myipc_ring *r)
{
	return myipc_futex(&r->own->wake_seq, FUTEX_WAKE, INT_MAX, NULL) < 0 ? -errno : 0;
}

static const struct myipc_ring_waiter myipc_ring_futex_waiter
	__attribute__((unused)) = {
	.wait = myipc_ring_futex_wait,
	.wake = myipc_ring_futex_wake,
	.kernel_state = 0,
};

/* ---- attaching --------------------------------------------------------- */

/*
 * Take the @role end of a ring already laid out at @base (header page,
 * producer page, consumer page, data twice). Checks the header; does not
 * touch the state words. Returns 0, -EAGAIN (not initialised yet) or
 * -EPROTO (not a ring of this layout).
 */
static inline int __myipc_ring_attach(struct myipc_ring *r, void *base, uint32_t role)
{
	struct myipc_ring_header *h = base;
	uint64_t cap;

	if (role != MYIPC_ROLE_PRODUCER && role != MYIPC_ROLE_CONSUMER)
		return -EINVAL;
	/* pairs with the creator's release store of ready: the header is complete */
	if (!myipc_load_acquire(&h->ready))
		return -EAGAIN;
	cap = h->capacity;
	if (h->magic != MYIPC_RING_MAGIC || h->version != MYIPC_RING_VERSION ||
	    h->data_offset != MYIPC_RING_DATA_OFFSET || cap < MYIPC_RING_PAGE ||
	    (cap & (cap - 1)))
		return -EPROTO;

	r->base = base;
	r->hdr = h;
	r->data = r->base + MYIPC_RING_DATA_OFFSET;
	r->cap = cap;
	r->mask = cap - 1;
	r->map_len = 0;
	r->role = role;
	r->own = (void *)(r->base + (role == MYIPC_ROLE_PRODUCER ?
				     MYIPC_RING_PRODUCER_OFFSET : MYIPC_RING_CONSUMER_OFFSET));
	r->peer = (void *)(r->base + (role == MYIPC_ROLE_PRODUCER ?
				      MYIPC_RING_CONSUMER_OFFSET : MYIPC_RING_PRODUCER_OFFSET));
	r->idx = myipc_load_acquire(&r->own->index);
	r->peer_idx = myipc_load_acquire(&r->peer->index);
	/*
	 * The peer answers each announcement number once and remembers the
	 * last; it may have answered an earlier end of this side, so a new
	 * end starts its numbers at an unpredictable point.
	 */
	r->announce = (uint32_t)((uintptr_t)r ^ ((uint64_t)getpid() << 16) ^
				 (uint64_t)time(NULL) * 2654435761u);
	r->answered = 0;
	r->fd = -1;
	r->sleeps = 0;
	r->wakes = 0;
	return 0;
}

/*
 * The @role end of a ring in shared memory (myipc_ring_shm_create): futex
 * waiter, and this end's state word goes to MYIPC_END_OPEN.
 */
static inline int myipc_ring_attach(struct myipc_ring *r, void *base, uint32_t role)
{
	int ret = __myipc_ring_attach(r, base, role);

	if (ret)
		return ret;
	r->waiter = &myipc_ring_futex_waiter;
	myipc_store_release(&r->own->state, MYIPC_END_OPEN);
	return 0;
}

static inline int myipc_ring_map_piece(uint8_t *base, int fd, size_t off, size_t len, int prot)
{
	void *p = mmap(base + off, len, prot, MAP_SHARED | MAP_FIXED, fd, (off_t)off);

	return p == MAP_FAILED ? -errno : 0;
}

/*
 * Map the driver's ring through @fd (opened O_RDWR, MYIPC_IOC_SET_ROLE
 * @role done) as uapi/myipc.h describes: one reservation, then MAP_FIXED
 * pieces with the role's protections (the pages the role may not write
 * read-only). Returns 0 or -errno (-EAGAIN: the ring was resized while
 * being mapped, map again), leaving *@r alone on failure; the mapping is
 * undone by myipc_ring_close, @fd stays the caller's.
 */
static inline int myipc_ring_map_driver(struct myipc_ring *r, int fd, uint32_t role)
{
	const size_t P = MYIPC_RING_PAGE;
	const int R = PROT_READ, RW = PROT_READ | PROT_WRITE;
	int prod = role == MYIPC_ROLE_PRODUCER;
	struct myipc_ring m;
	__u64 cap;
	size_t len;
	uint8_t *base;
	int ret;

	if (ioctl(fd, MYIPC_IOC_GET_SIZE, &cap))
		return -errno;
	len = MYIPC_RING_MAP_SIZE(cap);
	base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	ret = myipc_ring_map_piece(base, fd, 0, P, R);
	if (!ret)
		ret = myipc_ring_map_piece(base, fd, P, P, prod ? RW : R);
	if (!ret)
		ret = myipc_ring_map_piece(base, fd, 2 * P, P, prod ? R : RW);
	if (!ret)
		ret = myipc_ring_map_piece(base, fd, MYIPC_RING_DATA_OFFSET, 2 * cap, prod ? RW : R);
	if (!ret)
		ret = __myipc_ring_attach(&m, base, role);
	/* resized between GET_SIZE and the mmap calls: the caller maps again */
	if (!ret && m.cap != cap)
		ret = -EAGAIN;
	if (ret) {
		munmap(base, len);
		return ret;
	}
	m.map_len = len;
	m.fd = fd;
	m.waiter = &myipc_ring_driver_waiter;
	*r = m;
	return 0;
}

/*
 * Lay out a fresh ring of @cap bytes (a power of two, at least a page) in
 * a memfd mapped MAP_SHARED, so that the processes forked after this call
 * share it: header (ready last, with release), both state words
 * MYIPC_END_ABSENT, the data mapped twice over one reservation. Every
 * page is writable (the futex waker of myipc.h never writes the peer's
 * page, but nothing stops it here). Returns the mapping in *basep (length
 * MYIPC_RING_MAP_SIZE(cap), unmap with munmap) and 0, or -errno.
 */
static inline int myipc_ring_shm_create(uint64_t cap, void **basep)
{
	const size_t first = MYIPC_RING_DATA_OFFSET + cap;
	const int RW = PROT_READ | PROT_WRITE;
	struct myipc_ring_header *h;
	uint8_t *base;
	int fd, ret = 0;

	*basep = NULL;
	if (cap < MYIPC_RING_PAGE || (cap & (cap - 1)))
		return -EINVAL;
	/* the system call, not glibc's wrapper: it needs _GNU_SOURCE before any include */
	fd = (int)syscall(SYS_memfd_create, "myipc-ring", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)first)) {
		ret = -errno;
		goto out;
	}
	base = mmap(NULL, MYIPC_RING_MAP_SIZE(cap), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	if (mmap(base, first, RW, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED ||
	    mmap(base + first, cap, RW, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd,
		 MYIPC_RING_DATA_OFFSET) == MAP_FAILED) {
		ret = -errno;
		munmap(base, MYIPC_RING_MAP_SIZE(cap));
		goto out;
	}
	/* a fresh memfd reads as zeros: indices, state words and flags are 0 */
	h = (void *)base;
	h->magic = MYIPC_RING_MAGIC;
	h->version = MYIPC_RING_VERSION;
	h->capacity = cap;
	h->data_offset = MYIPC_RING_DATA_OFFSET;
	/* pairs with the attacher's acquire load of ready */
	myipc_store_release(&h->ready, 1);
	*basep = base;
out:
	close(fd);	/* the mappings keep the memory */
	return ret;
}

/* ---- the ring ---------------------------------------------------------- */

/*
 * Readable bytes (consumer) or free room (producer), loading the peer's
 * index. A result above the capacity means the indices are corrupt.
 */
static inline uint64_t myipc_ring_avail(struct myipc_ring *r)
{
	/* pairs with the peer's release store of its index */
	r->peer_idx = myipc_load_acquire(&r->peer->index);
	if (r->role == MYIPC_ROLE_CONSUMER)
		return r->peer_idx - r->idx;
	return r->cap - (r->idx - r->peer_idx);
}

/* whether the peer end has closed (the consumer still reads what is left) */
static inline int myipc_ring_peer_closed(struct myipc_ring *r)
{
	/* pairs with the peer's release store of state after its last index store */
	return myipc_load_acquire(&r->peer->state) == MYIPC_END_CLOSED;
}

/*
 * Store our index (release), then wake the peer if it announced a sleep
 * we have not answered: bump our wake_seq, then the waiter's wake. The
 * streaming case is one store, one fence and one load of a line the peer
 * does not write while it runs: no system call.
 */
static inline int myipc_ring_publish(struct myipc_ring *r)
{
	uint32_t s;

	/* the bytes written (producer) or read (consumer) before the index moves */
	myipc_store_release(&r->own->index, r->idx);
	/* our index store before the load of sleeping; pairs with the sleeper's step 3 */
	myipc_smp_mb();
	s = myipc_read_once(&r->peer->sleeping);
	if (!s || s == r->answered)
		return 0;
	r->answered = s;
	/* atomic: on shared memory the peer's own interrupt may bump it too */
	__atomic_fetch_add(&r->own->wake_seq, 1, __ATOMIC_RELEASE);
	r->wakes++;
	return r->waiter->wake(r);
}

/*
 * Producer: @n bytes of ring space at the producer's index, or NULL when
 * fewer than @n are free (wait with myipc_ring_wait(r, n, ...)). @n is at
 * most the capacity. Only reloads the consumer's index when the last one
 * seen leaves too little room.
 */
static inline void *myipc_ring_claim(struct myipc_ring *r, uint64_t n)
{
	if (n > r->cap)
		return NULL;
	if (r->cap - (r->idx - r->peer_idx) < n) {
		uint64_t a = myipc_ring_avail(r);

		if (a < n || a > r->cap)
			return NULL;
	}
	return r->data + (r->idx & r->mask);
}

/* Producer: publish @n bytes written at the claimed space. */
static inline int myipc_ring_commit(struct myipc_ring *r, uint64_t n)
{
	r->idx += n;
	return myipc_ring_publish(r);
}

/*
 * Consumer: the readable bytes in place: *p points at them, the result is
 * their number (0 if none; above the capacity: corrupt indices).
 */
static inline uint64_t myipc_ring_view(struct myipc_ring *r, const void **p)
{
	uint64_t n = r->peer_idx - r->idx;

	if (!n)
		n = myipc_ring_avail(r);
	*p = r->data + (r->idx & r->mask);
	return n;
}

/* Consumer: hand @n viewed bytes back to the producer. */
static inline int myipc_ring_release(struct myipc_ring *r, uint64_t n)
{
	r->idx += n;
	return myipc_ring_publish(r);
}

/*
 * Steps 1-6 of uapi/myipc.h once: read the peer's wake_seq, announce a
 * fresh number, fence, re-check, sleep in the waiter at most @timeout_ns,
 * withdraw the announcement. Returns 0 when the re-check found the wait
 * over (@need bytes there, corrupt indices, or on shared memory the peer
 * closed: look at the ring), else the waiter's result: >= 0 (the driver's MYIPC_WAIT_* mask),
 * or -errno (-ETIMEDOUT, -EINTR and -EAGAIN are hints to look again).
 */
static inline int myipc_ring_sleep(struct myipc_ring *r, uint64_t need, int64_t timeout_ns)
{
	uint32_t seq;
	uint64_t a;
	int ret;

	/* step 1: the peer's wake_seq before the announcement */
	seq = myipc_load_acquire(&r->peer->wake_seq);
	/* step 2: a fresh non-zero number: the peer answers each once */
	if (!++r->announce)
		r->announce = 1;
	myipc_write_once(&r->own->sleeping, r->announce);
	/* step 3: pairs with the publisher's fence between its index store and its look */
	myipc_smp_mb();
	/*
	 * step 4. A peer that closed ends the wait too; on the driver the
	 * kernel, not the state word, says so (WAIT returns PEER_GONE), so a
	 * peer that scribbles its state word cannot keep us out of WAIT.
	 */
	a = myipc_ring_avail(r);
	if (a >= need || a > r->cap ||
	    (!r->waiter->kernel_state && myipc_ring_peer_closed(r))) {
		myipc_write_once(&r->own->sleeping, 0);
		return 0;
	}
	/* step 5: returns at once if the peer bumped wake_seq since step 1 */
	r->sleeps++;
	ret = r->waiter->wait(r, need, seq, timeout_ns);
	/* step 6 */
	myipc_write_once(&r->own->sleeping, 0);
	return ret;
}

/*
 * Wait until @need bytes are readable (consumer) or free (producer),
 * 1 <= @need <= capacity, following @pol. Returns 0, -EPIPE (the peer
 * closed and the wait can no longer end), -EIO (corrupt indices), a
 * non-zero result of @pol->check, or -errno from the waiter.
 */
static inline int myipc_ring_wait(struct myipc_ring *r, uint64_t need,
				  const struct myipc_ring_policy *pol)
{
	const uint64_t polls = (uint64_t)pol->spins + pol->yields;
	uint64_t round = 0, a;
	int ret;

	for (;;) {
		a = myipc_ring_avail(r);
		if (a > r->cap)
			return -EIO;
		if (a >= need)
			return 0;
		if (myipc_ring_peer_closed(r)) {
			/* the peer's last index came before its state: look once more */
			a = myipc_ring_avail(r);
			return a > r->cap ? -EIO : a >= need ? 0 : -EPIPE;
		}
		if (round < polls || !pol->sleep) {
			if (round < pol->spins || !pol->yields)
				myipc_cpu_relax();
			else
				sched_yield();
			round++;
			if (!(round & 0xfffff) && pol->check) {
				ret = pol->check(pol->arg);
				if (ret)
					goto check_failed;
			}
			continue;
		}

		ret = myipc_ring_sleep(r, need, pol->slice_ns);
		if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR && ret != -EAGAIN)
			return ret;
		if (pol->check) {
			ret = pol->check(pol->arg);
			if (ret)
				goto check_failed;
		}
	}

check_failed:
	/* a peer that published and then went: its last bytes still count */
	a = myipc_ring_avail(r);
	return a >= need && a <= r->cap ? 0 : ret;
}

/*
 * Leave the ring. On shared memory this end stores MYIPC_END_CLOSED after
 * its last index store and wakes a sleeping peer (which then sees the
 * state); on the driver the kernel does that when the file closes. An
 * owned mapping (myipc_ring_map_driver) is unmapped.
 */
static inline void myipc_ring_close(struct myipc_ring *r)
{
	if (!r->base)
		return;
	if (!r->waiter->kernel_state) {
		myipc_store_release(&r->own->state, MYIPC_END_CLOSED);
		__atomic_fetch_add(&r->hdr->closed_ends, 1, __ATOMIC_RELAXED);
		/* pairs with the sleeper's step 3: it sees the state, or we see it */
		myipc_smp_mb();
		/* even an answered sleeper: it may be asleep again and must see the state */
		if (myipc_read_once(&r->peer->sleeping)) {
			__atomic_fetch_add(&r->own->wake_seq, 1, __ATOMIC_RELEASE);
			r->waiter->wake(r);
		}
	}
	if (r->map_len)
		munmap(r->base, r->map_len);
	r->base = NULL;
}

#endif /* _MYIPC_RING_H */
