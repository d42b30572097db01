// SPDX-License-Identifier: GPL-2.0
/*
 * The transports: one channel carries bytes from a writer process to a
 * reader process. A ping-pong uses two channels, one per direction.
 *
 * Adding a transport (the driver's mmap mode, say): a kind, a table line,
 * and the cases in chan_create/chan_end/chan_send/chan_recv.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "myipc.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

const struct transport TRANSPORTS[] = {
	{ "pipe", T_PIPE, 0, 0,
	  "pipe(2), default capacity (64 KiB); write(2) -> read(2): two copies" },
	{ "pipe-1m", T_PIPE, MiB, 0,
	  "pipe(2) enlarged with F_SETPIPE_SZ to 1 MiB; write(2) -> read(2)" },
	{ "vmsplice", T_VMSPLICE, 0, 0,
	  "64 KiB pipe; writer vmsplice(2)s its own pages (no copy), reader read(2)s (one copy)" },
	{ "vmsplice-null", T_VMSPLICE, 0, 1,
	  "64 KiB pipe; writer vmsplice(2)s its pages, reader splice(2)s them to /dev/null: no copy, data never touched" },
	{ "unix", T_UNIX, 0, 0,
	  "socketpair(AF_UNIX, SOCK_STREAM), default buffers; write(2) -> read(2)" },
	{ "shm", T_SHM, 64 * KiB, 0,
	  "SPSC ring (64 KiB) in a MAP_SHARED anonymous mapping; memcpy in, memcpy out; futex when sleeping" },
	{ "shm-1m", T_SHM, MiB, 0,
	  "the same SPSC ring with 1 MiB" },
	{ "dev", T_DEV, 64 * KiB, 0,
	  "/dev/myipcN, ring set to 64 KiB with MYIPC_IOC_SET_SIZE; write(2) -> read(2)" },
	{ "dev-1m", T_DEV, MiB, 0,
	  "/dev/myipcN, ring set to 1 MiB (as pipe-1m); write(2) -> read(2)" },
	{ "memcpy", T_MEMCPY, 0, 0,
	  "memcpy(3) of one chunk-sized buffer to another in one process: the one-copy ceiling" },
	{ "cacheline", T_CACHELINE, 0, 0,
	  "two processes bounce one shared cache line (spin): the floor of spinning RTT" },
};
const int NTRANSPORTS = (int)(sizeof(TRANSPORTS) / sizeof(TRANSPORTS[0]));

/* ---- the shared-memory SPSC ring ------------------------------------- */

/*
 * Indices are free-running 32-bit counters (capacity <= 2^31, a power of
 * two), masked on access; they are also the futex words: a reader sleeps
 * on head (the value it saw), a writer on tail. The producer and consumer
 * fields live on separate cache lines; the data starts on its own page.
 */
struct shm_ring {
	uint32_t head;			/* written by the producer only */
	uint32_t reader_waiting;	/* set by a reader about to sleep */
	char pad0[64 - 8];
	uint32_t tail;			/* written by the consumer only */
	uint32_t writer_waiting;	/* set by a writer about to sleep */
	char pad1[64 - 8];
	uint32_t cap, mask;		/* read-only after setup */
	char pad2[4096 - 128 - 8];
	uint8_t data[];
};

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	/* not FUTEX_PRIVATE: the two processes share the mapping */
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * Wait until *word != seen. spin: pause (or sched_yield when both sides
 * share a core) until it changes. sleep: spin at most spin_before_sleep
 * times, then announce the sleeper in *flag and FUTEX_WAIT.
 * Returns 0, or -EPIPE when the peer process is gone.
 */
static int ring_wait(struct chan *c, uint32_t *word, uint32_t *flag, uint32_t seen)
{
	const struct timespec tmo = { 0, 100 * 1000 * 1000 };
	unsigned long n = 0;

	if (c->spin) {
		while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == seen) {
			if (c->yield)
				sched_yield();
			else
				cpu_relax();
			if ((++n & 0xfffff) == 0 && peer_gone())
				return -EPIPE;
		}
		return 0;
	}
	for (long i = 0; i < O.spin_before_sleep; i++) {
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen)
			return 0;
		cpu_relax();
	}
	for (;;) {
		/*
		 * Dekker pair with the waker: our seq_cst store of the flag
		 * then load of the index, its seq_cst store of the index then
		 * load of the flag. One of us sees the other's store, so the
		 * wake-up is never lost; FUTEX_WAIT's own compare covers the
		 * index moving between our check and the sleep.
		 */
		__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != seen)
			break;
		futex(word, FUTEX_WAIT, seen, &tmo);
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen)
			break;
		if (peer_gone()) {
			__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
			return -EPIPE;
		}
	}
	__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
	/* acquire: the data published with the index is visible now */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return 0;
}

static void ring_publish(uint32_t *word, uint32_t val, uint32_t *flag)
{
	/* seq_cst store (release + the store->load order of the Dekker pair) */
	__atomic_store_n(word, val, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(flag, __ATOMIC_SEQ_CST))
		futex(word, FUTEX_WAKE, 1, NULL);
}

static int ring_send(struct chan *c, const uint8_t *p, size_t n)
{
	struct shm_ring *r = c->ring;

	while (n) {
		uint32_t head = r->head;	/* our own index */
		uint32_t free = r->cap - (head - c->tail_cache);

		if (!free) {
			/* acquire: the reader is done with the bytes it freed */
			c->tail_cache = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
			free = r->cap - (head - c->tail_cache);
			if (!free) {
				int e = ring_wait(c, &r->tail, &r->writer_waiting, c->tail_cache);

				if (e)
					return e;
				continue;
			}
		}
		size_t k = n < free ? n : free;
		size_t at = head & r->mask, first = r->cap - at;

		if (first > k)
			first = k;
		memcpy(r->data + at, p, first);
		memcpy(r->data, p + first, k - first);
		/* release: the bytes copied above before the new head */
		ring_publish(&r->head, head + (uint32_t)k, &r->reader_waiting);
		p += k;
		n -= k;
	}
	return 0;
}

static ssize_t ring_recv(struct chan *c, uint8_t *p, size_t max)
{
	struct shm_ring *r = c->ring;
	uint32_t tail = r->tail;	/* our own index */
	uint32_t avail = c->head_cache - tail;

	while (!avail) {
		/* acquire: pairs with the producer's release of head */
		c->head_cache = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		avail = c->head_cache - tail;
		if (!avail) {
			int e = ring_wait(c, &r->head, &r->reader_waiting, tail);

			if (e)
				return e;
		}
	}
	size_t k = max < avail ? max : avail;
	size_t at = tail & r->mask, first = r->cap - at;

	if (first > k)
		first = k;
	memcpy(p, r->data + at, first);
	memcpy(p + first, r->data, k - first);
	/* release: our copies are done before the writer may reuse the room */
	ring_publish(&r->tail, tail + (uint32_t)k, &r->writer_waiting);
	return (ssize_t)k;
}

/* ---- channels ------------------------------------------------------- */

int transport_available(const struct transport *t, char *why, size_t len)
{
	if (t->kind != T_DEV)
		return 1;
	if (O.ndevs == 0) {
		snprintf(why, len, "no device given: load the driver (tools/vm/vm run ...) and pass --dev /dev/myipc0[,/dev/myipc1]");
		return 0;
	}
	for (int i = 0; i < O.ndevs; i++) {
		struct stat st;

		if (stat(O.devs[i], &st) || !S_ISCHR(st.st_mode)) {
			snprintf(why, len, "%s is not there (or not a character device): load myipc.ko, e.g. inside tools/vm/vm run --kernel 6.1 -- ...",
				 O.devs[i]);
			return 0;
		}
	}
	return 1;
}

static size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

/*
 * Set up a channel before fork(). maxmsg: the largest message a writer
 * will send (sizes the vmsplice buffer ring).
 */
int chan_create(struct chan *c, const struct transport *t, size_t maxmsg, char *err, size_t elen)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->fd[0] = c->fd[1] = c->nullfd = -1;
	c->wbuf_len = page_up(maxmsg ? maxmsg : 1);

	switch (t->kind) {
	case T_PIPE:
	case T_VMSPLICE:
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
	case T_UNIX: {
		int v = 0;
		socklen_t sl = sizeof(v);

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, c->fd)) {
			snprintf(err, elen, "socketpair: %s", strerror(errno));
			return -1;
		}
		getsockopt(c->fd[1], SOL_SOCKET, SO_SNDBUF, &v, &sl);
		c->capacity = v;
		return 0;
	}
	case T_SHM: {
		struct shm_ring *r;

		c->map_len = sizeof(struct shm_ring) + t->size;
		r = mmap(NULL, c->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED) {
			snprintf(err, elen, "mmap %zu: %s", c->map_len, strerror(errno));
			return -1;
		}
		r->cap = (uint32_t)t->size;
		r->mask = r->cap - 1;
		memset(r->data, 0, t->size);	/* fault the pages in now */
		c->ring = r;
		c->capacity = (long)t->size;
		return 0;
	}
	case T_DEV:
		c->capacity = (long)t->size;
		return 0;	/* opened by each side in chan_end */
	default:
		snprintf(err, elen, "%s is not a channel transport", t->name);
		return -1;
	}
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * After fork(): this process takes one end. A reader that spins makes its
 * descriptor non-blocking and polls with read(2).
 */
int chan_end(struct chan *c, int end, int spin, char *err, size_t elen)
{
	const struct transport *t = c->t;

	c->spin = spin;
	c->yield = spin && O.same_core;
	if (t->kind == T_DEV) {
		c->fd[end] = open(c->path, end == END_R ? O_RDONLY : O_WRONLY);
		if (c->fd[end] < 0) {
			snprintf(err, elen, "open %s: %s", c->path, strerror(errno));
			return -1;
		}
		if (end == END_R) {
			__u64 sz = t->size;

			if (ioctl(c->fd[end], MYIPC_IOC_SET_SIZE, &sz)) {
				snprintf(err, elen, "MYIPC_IOC_SET_SIZE %zu on %s: %s",
					 t->size, c->path, strerror(errno));
				return -1;
			}
			c->capacity = (long)sz;
		}
	} else if (c->fd[!end] >= 0) {
		close(c->fd[!end]);
		c->fd[!end] = -1;
	}
	if (end == END_W) {
		if (t->kind == T_VMSPLICE) {
			/*
			 * vmsplice without SPLICE_F_GIFT puts references to our
			 * pages into the pipe: a page may be rewritten only
			 * after the reader consumed it. The pipe holds at most
			 * capacity/4096 buffers and each message takes at least
			 * one per page it touches, so a page is reused only
			 * after that many newer buffers were written.
			 */
			size_t slots = (size_t)c->capacity / 4096;

			c->vstride = page_up(c->wbuf_len);
			c->vslots = (slots * 4096 + c->vstride - 1) / c->vstride + 2;
			c->vbuf = mmap(NULL, c->vslots * c->vstride, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			if (c->vbuf == MAP_FAILED) {
				c->vbuf = NULL;
				snprintf(err, elen, "mmap vmsplice buffers: %s", strerror(errno));
				return -1;
			}
		} else {
			c->wbuf = mmap(NULL, c->wbuf_len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			if (c->wbuf == MAP_FAILED) {
				c->wbuf = NULL;
				snprintf(err, elen, "mmap: %s", strerror(errno));
				return -1;
			}
		}
	} else {
		if (spin && c->fd[END_R] >= 0 && set_nonblock(c->fd[END_R])) {
			snprintf(err, elen, "O_NONBLOCK: %s", strerror(errno));
			return -1;
		}
		if (t->null_reader) {
			c->nullfd = open("/dev/null", O_WRONLY);
			if (c->nullfd < 0) {
				snprintf(err, elen, "/dev/null: %s", strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

/* the buffer the writer fills with its next message of n bytes */
uint8_t *chan_wbuf(struct chan *c, size_t n)
{
	(void)n;
	if (c->vbuf) {
		uint8_t *p = c->vbuf + c->vnext * c->vstride;

		c->vnext = (c->vnext + 1) % c->vslots;
		return p;
	}
	return c->wbuf;
}

int chan_send(struct chan *c, const uint8_t *p, size_t n)
{
	if (c->t->kind == T_SHM)
		return ring_send(c, p, n);
	while (n) {
		ssize_t k;

		if (c->t->kind == T_VMSPLICE) {
			struct iovec iov = { (void *)p, n };

			k = vmsplice(c->fd[END_W], &iov, 1, 0);
		} else {
			k = write(c->fd[END_W], p, n);
		}
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

ssize_t chan_recv(struct chan *c, uint8_t *p, size_t max)
{
	unsigned long n = 0;

	if (c->t->kind == T_SHM)
		return ring_recv(c, p, max);
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
			cpu_relax();
		if ((++n & 0xffff) == 0 && peer_gone())
			return -EPIPE;
	}
}

void chan_close(struct chan *c)
{
	for (int i = 0; i < 2; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	if (c->nullfd >= 0)
		close(c->nullfd);
	if (c->ring)
		munmap(c->ring, c->map_len);
	if (c->vbuf)
		munmap(c->vbuf, c->vslots * c->vstride);
	if (c->wbuf)
		munmap(c->wbuf, c->wbuf_len);
	memset(c, 0, sizeof(*c));
	c->fd[0] = c->fd[1] = c->nullfd = -1;
}
