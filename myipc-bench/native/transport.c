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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "myipc.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

const struct transport TRANSPORTS[] = {
	{ .name = "pipe", .kind = T_PIPE,
	  .what = "pipe(2), default capacity (64 KiB); write(2) -> read(2): two copies" },
	{ .name = "pipe-1m", .kind = T_PIPE, .size = MiB,
	  .what = "pipe(2) enlarged with F_SETPIPE_SZ to 1 MiB; write(2) -> read(2)" },
	{ .name = "vmsplice", .kind = T_VMSPLICE,
	  .what = "64 KiB pipe; writer vmsplice(2)s its own pages (no copy), reader read(2)s (one copy)" },
	{ .name = "vmsplice-null", .kind = T_VMSPLICE, .null_reader = 1,
	  .what = "64 KiB pipe; writer vmsplice(2)s its pages, reader splice(2)s them to /dev/null: no copy, "
		  "no payload touched (throughput rows labelled indices only)" },
	{ .name = "unix", .kind = T_UNIX,
	  .what = "socketpair(AF_UNIX, SOCK_STREAM), default buffers; write(2) -> read(2)" },
	{ .name = "shm", .kind = T_SHM, .size = 64 * KiB, .ring = 1,
	  .what = "ring (64 KiB) in a MAP_SHARED anonymous mapping; futex when sleeping" },
	{ .name = "shm-1m", .kind = T_SHM, .size = MiB, .ring = 1,
	  .what = "the same ring with 1 MiB" },
	{ .name = "kmod-spsc", .kind = T_DEV, .size = 64 * KiB, .ndevs = 1, .sync = "spsc",
	  .what = "/dev/myipcN, driver sync=spsc (lock-free copy path), ring set to 64 KiB with MYIPC_IOC_SET_SIZE; "
		  "write(2) -> read(2)" },
	{ .name = "kmod-mutex", .kind = T_DEV, .size = 64 * KiB, .ndevs = 1, .sync = "mutex",
	  .what = "/dev/myipcN, driver sync=mutex (one lock), ring set to 64 KiB; write(2) -> read(2)" },
	{ .name = "kmod-1m", .kind = T_DEV, .size = MiB, .ndevs = 1, .sync = "spsc",
	  .what = "/dev/myipcN, driver sync=spsc, ring set to 1 MiB (as pipe-1m); write(2) -> read(2)" },
	{ .name = "kmod-mmap", .kind = T_DEVMMAP, .size = 64 * KiB, .ndevs = 1, .ring = 1,
	  .what = "/dev/myipcN, ring (64 KiB) mapped by both ends (MYIPC_IOC_SET_ROLE + mmap): the writer fills "
		  "claimed ring space and commits, the reader reads the bytes in place and releases them; no copy, "
		  "no system call while data flows, MYIPC_IOC_WAIT/WAKE only when a side sleeps" },
	{ .name = "kmod-mmap-1m", .kind = T_DEVMMAP, .size = MiB, .ndevs = 1, .ring = 1,
	  .what = "the same with the ring set to 1 MiB (as pipe-1m)" },
	{ .name = "ceiling", .kind = T_CEILING, .limit = L_CEILING,
	  .what = "the cross-core throughput ceiling: two processes on the measured CPUs, chunk-sized slots "
		  "(>= 1 MiB, >= 2) in shared memory, one flag per slot; the writer fills a slot and sets its flag, "
		  "the reader waits (spin, then futex), reads every byte and clears the flag" },
	{ .name = "cacheline", .kind = T_CACHELINE, .limit = L_FLOOR,
	  .what = "two processes bounce one shared cache line (spin): the floor of spinning RTT" },
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

/* ---- the driver's sync mode (kmod-spsc / kmod-mutex) ------------------ */

static char notes[64][160];	/* per TRANSPORTS[] index */

const char *transport_note(const struct transport *t)
{
	long i = t - TRANSPORTS;

	return i >= 0 && i < NTRANSPORTS && i < 64 ? notes[i] : "";
}

static int read_word(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, " \n")] = 0;
	return 0;
}

/*
 * Put the devices into the sync mode the transport wants. Preferred: the
 * per-device attribute /sys/class/myipc/myipcN/sync (root, device closed),
 * so both modes are measured in one run. Without it (an older driver) the
 * module parameter decides: the transport runs when it matches, and is
 * skipped with the reason otherwise.
 */
static int set_sync(const struct transport *t, char *why, size_t len)
{
	char *note = notes[t - TRANSPORTS], path[160], cur[32], mod[32];
	int have_attr = 0;

	note[0] = 0;
	if (!t->sync)
		return 1;
	for (int i = 0; i < O.ndevs; i++) {
		const char *base = strrchr(O.devs[i], '/');

		snprintf(path, sizeof(path), "/sys/class/myipc/%s/sync", base ? base + 1 : O.devs[i]);
		if (read_word(path, cur, sizeof(cur))) {
			if (errno == ENOENT)
				continue;
			snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
			return 0;
		}
		have_attr++;
		if (strcmp(cur, t->sync)) {
			int fd = open(path, O_WRONLY);
			ssize_t k = fd < 0 ? -1 : write(fd, t->sync, strlen(t->sync));
			int e = errno;

			if (fd >= 0)
				close(fd);
			if (k < 0) {
				snprintf(why, len, "cannot set %s to %s: %s%s", path, t->sync, strerror(e),
					 e == EACCES || e == EPERM ? " (needs root)" :
					 e == EBUSY ? " (the device is open elsewhere)" : "");
				return 0;
			}
			if (read_word(path, cur, sizeof(cur)) || strcmp(cur, t->sync)) {
				snprintf(why, len, "%s still reads '%s' after writing '%s'", path, cur, t->sync);
				return 0;
			}
		}
	}
	if (have_attr == O.ndevs) {
		snprintf(note, sizeof(notes[0]), "driver sync=%s set per device (/sys/class/myipc/myipcN/sync)", t->sync);
		return 1;
	}
	if (have_attr) {
		snprintf(why, len, "only some of the devices have /sys/class/myipc/myipcN/sync");
		return 0;
	}
	if (read_word("/sys/module/myipc/parameters/sync", mod, sizeof(mod))) {
		snprintf(why, len, "cannot tell the driver's sync mode: no /sys/class/myipc/myipcN/sync and no /sys/module/myipc/parameters/sync (%s)",
			 strerror(errno));
		return 0;
	}
	if (strcmp(mod, t->sync)) {
		snprintf(why, len, "needs sync=%s, but the module was loaded with sync=%s and this driver has no per-device /sys/class/myipc/myipcN/sync: reload it with sync=%s (tools/vm/vm run --params sync=%s ...)",
			 t->sync, mod, t->sync, t->sync);
		return 0;
	}
	snprintf(note, sizeof(notes[0]), "driver sync=%s from the module parameter (no per-device attribute in this driver)", mod);
	return 1;
}

/*
 * Whether the transport can run here; for the driver's copy transports it
 * also switches the devices to the sync mode wanted (see set_sync).
 */
int transport_available(const struct transport *t, char *why, size_t len)
{
	if (t->kind != T_DEV && t->kind != T_DEVMMAP)
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
	return set_sync(t, why, len);
}

/* ---- the driver's ring, mapped (dev-mmap) ----------------------------- */

/*
 * One end of the driver's ring as myipc.h lays it out: header, producer
 * page, consumer page, the data twice. The producer publishes tail, the
 * consumer head, both with release stores; the other side's index is
 * loaded with acquire. A side that must wait announces itself in its
 * page's sleeping word, fences, re-checks and only then sleeps in
 * MYIPC_IOC_WAIT; the side that publishes fences and wakes the peer
 * (wake_seq bump + MYIPC_IOC_WAKE) only when it sees such an announcement.
 */
struct dev_map {
	int fd;
	uint32_t role;
	uint64_t cap, mask;
	uint64_t idx;		/* our own index: tail (producer) or head (consumer) */
	uint8_t *base, *data;
	size_t maplen;
	struct myipc_ring_side *me, *peer;
	uint32_t announce, answered;
};

#define LOAD_ACQ(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_REL(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

static int dm_map_piece(struct dev_map *m, size_t off, size_t len, int prot)
{
	void *p = mmap(m->base + off, len, prot, MAP_SHARED | MAP_FIXED, m->fd, (off_t)off);

	return p == MAP_FAILED ? -1 : 0;
}

static int dm_open(struct dev_map *m, const char *path, int producer, char *err, size_t elen)
{
	const size_t P = MYIPC_RING_PAGE, D = MYIPC_RING_DATA_OFFSET;
	const int R = PROT_READ, RW = PROT_READ | PROT_WRITE;
	__u64 cap;

	memset(m, 0, sizeof(*m));
	m->role = producer ? MYIPC_ROLE_PRODUCER : MYIPC_ROLE_CONSUMER;
	m->fd = open(path, O_RDWR | O_CLOEXEC);
	if (m->fd < 0) {
		snprintf(err, elen, "open %s O_RDWR: %s", path, strerror(errno));
		return -1;
	}
	if (ioctl(m->fd, MYIPC_IOC_SET_ROLE, &m->role)) {
		snprintf(err, elen, "MYIPC_IOC_SET_ROLE %s on %s: %s", producer ? "producer" : "consumer", path,
			 strerror(errno));
		return -1;
	}
	if (ioctl(m->fd, MYIPC_IOC_GET_SIZE, &cap)) {
		snprintf(err, elen, "MYIPC_IOC_GET_SIZE on %s: %s", path, strerror(errno));
		return -1;
	}
	m->cap = cap;
	m->mask = cap - 1;
	m->maplen = MYIPC_RING_MAP_SIZE(cap);
	/* one reservation, then the pieces with the role's protections over it */
	m->base = mmap(NULL, m->maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		snprintf(err, elen, "mmap reservation of %zu bytes: %s", m->maplen, strerror(errno));
		return -1;
	}
	if (dm_map_piece(m, 0, P, R) || dm_map_piece(m, P, P, producer ? RW : R) ||
	    dm_map_piece(m, 2 * P, P, producer ? R : RW) || dm_map_piece(m, D, 2 * cap, producer ? RW : R)) {
		snprintf(err, elen, "mmap of the ring of %s as %s: %s", path, producer ? "producer" : "consumer",
			 strerror(errno));
		return -1;
	}
	const struct myipc_ring_header *h = (const void *)m->base;

	if (h->magic != MYIPC_RING_MAGIC || h->version != MYIPC_RING_VERSION || h->capacity != cap ||
	    h->data_offset != MYIPC_RING_DATA_OFFSET) {
		snprintf(err, elen, "%s: ring header does not match myipc.h (magic %#x version %u capacity %llu)", path,
			 h->magic, h->version, (unsigned long long)h->capacity);
		return -1;
	}
	m->data = m->base + D;
	m->me = (void *)(m->base + (producer ? MYIPC_RING_PRODUCER_OFFSET : MYIPC_RING_CONSUMER_OFFSET));
	m->peer = (void *)(m->base + (producer ? MYIPC_RING_CONSUMER_OFFSET : MYIPC_RING_PRODUCER_OFFSET));
	m->idx = LOAD_ACQ(&m->me->index);
	/*
	 * announcements start at a number of our own: a peer that answered an
	 * earlier end's announcement 1 must not take our first one for it
	 */
	m->announce = (uint32_t)(now_ns() ^ ((uint64_t)getpid() * 2654435761u));
	return 0;
}

static void dm_close(struct dev_map *m)
{
	if (m->base)
		munmap(m->base, m->maplen);
	if (m->fd >= 0)
		close(m->fd);
	m->base = NULL;
	m->fd = -1;
}

/* readable bytes (consumer) or free room (producer); > cap means corrupt indices */
static uint64_t dm_avail(const struct dev_map *m)
{
	uint64_t other = LOAD_ACQ(&m->peer->index);

	if (m->role == MYIPC_ROLE_CONSUMER)
		return other - m->idx;
	return m->cap - (m->idx - other);
}

static int dm_publish(struct dev_map *m, uint64_t n)
{
	uint32_t s;

	m->idx += n;
	/* release: the bytes written (producer) or read (consumer) before the index */
	STORE_REL(&m->me->index, m->idx);
	/* full fence: our index store before the look at the peer's announcement (pairs with its fence) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	s = __atomic_load_n(&m->peer->sleeping, __ATOMIC_RELAXED);
	if (s && s != m->answered) {
		uint32_t how = MYIPC_WAKE_PEER;

		m->answered = s;
		STORE_REL(&m->me->wake_seq, m->me->wake_seq + 1);
		if (ioctl(m->fd, MYIPC_IOC_WAKE, &how))
			return -errno;
	}
	return 0;
}

static int dm_peer_closed(const struct dev_map *m)
{
	return LOAD_ACQ(&m->peer->state) == MYIPC_END_CLOSED;
}

/*
 * Wait until at least need bytes are readable (consumer) or free
 * (producer). Spin style: poll the peer's index. Sleep style: poll
 * --spin-before-sleep times, then the announce / fence / re-check /
 * MYIPC_IOC_WAIT protocol of myipc.h. Returns 0, -EPIPE (peer gone) or
 * -EIO (corrupt indices), or another -errno from the driver.
 */
static int dm_wait(struct chan *c, uint64_t need)
{
	struct dev_map *m = c->dm;
	unsigned long n = 0;
	uint64_t a;

	for (;;) {
		a = dm_avail(m);
		if (a > m->cap)
			return -EIO;
		if (a >= need)
			return 0;
		if (dm_peer_closed(m))
			return -EPIPE;
		if (c->spin) {
			if (c->yield)
				sched_yield();
			else
				cpu_relax();
			if ((++n & 0xfffff) == 0 && peer_gone())
				return -EPIPE;
			continue;
		}
		if (n < (unsigned long)O.spin_before_sleep) {
			n++;
			cpu_relax();
			continue;
		}
		struct myipc_wait w = { .need = need, .timeout_ns = 100 * 1000 * 1000,
					.flags = MYIPC_WAIT_SEQ };
		int r;

		w.seq = LOAD_ACQ(&m->peer->wake_seq);
		if (!++m->announce)
			m->announce = 1;
		__atomic_store_n(&m->me->sleeping, m->announce, __ATOMIC_RELAXED);
		/* full fence: the announcement before the re-check (pairs with the publisher's fence) */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		a = dm_avail(m);
		if (a >= need || a > m->cap || dm_peer_closed(m)) {
			__atomic_store_n(&m->me->sleeping, 0, __ATOMIC_RELAXED);
			continue;
		}
		r = ioctl(m->fd, MYIPC_IOC_WAIT, &w);
		__atomic_store_n(&m->me->sleeping, 0, __ATOMIC_RELAXED);
		if (r < 0) {
			if (errno != ETIMEDOUT && errno != EINTR)
				return -errno;
			if (peer_gone())
				return -EPIPE;
		} else if ((r & MYIPC_WAIT_PEER_GONE) && dm_avail(m) < need) {
			return -EPIPE;
		}
	}
}

size_t chan_max_claim(const struct chan *c)
{
	return c->dm ? (size_t)c->dm->cap : SIZE_MAX;
}

ssize_t chan_view(struct chan *c, const uint8_t **p, size_t max)
{
	struct dev_map *m = c->dm;
	uint64_t a;
	int e;

	if (!m)
		return -EINVAL;
	e = dm_wait(c, 1);
	if (e)
		return e;
	a = dm_avail(m);
	if (a > m->cap)
		return -EIO;
	/* contiguous thanks to the double mapping */
	*p = m->data + (m->idx & m->mask);
	return (ssize_t)(a < max ? a : max);
}

int chan_release(struct chan *c, size_t n)
{
	return c->dm ? dm_publish(c->dm, n) : -EINVAL;
}

static size_t page_up(size_t n);
static size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

/*
 * Set up a channel before fork(). maxmsg: the largest message a writer
 * will send (sizes the vmsplice buffer ring).
 */
int chan_create(struct chan *c, const struct transport *t, size_t maxmsg, const char *path, char *err, size_t elen)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->path = path;
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
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
	case T_DEVMMAP: {
		/*
		 * The ring must have its size before anyone maps it, and the
		 * driver frees it (and forgets the size) at the last close: an
		 * O_RDWR file without a role holds it, sized, across fork until
		 * both ends have mapped it (chan_end closes it).
		 */
		__u64 sz = t->size;

		c->holder = open(path, O_RDWR | O_CLOEXEC);
		if (c->holder < 0) {
			snprintf(err, elen, "open %s: %s", path, strerror(errno));
			return -1;
		}
		if (ioctl(c->holder, MYIPC_IOC_SET_SIZE, &sz)) {
			snprintf(err, elen, "MYIPC_IOC_SET_SIZE %zu on %s: %s%s", t->size, path, strerror(errno),
				 errno == EBUSY ? " (the device is in use, or still mapped)" : "");
			close(c->holder);
			c->holder = -1;
			return -1;
		}
		c->capacity = (long)sz;
		return 0;
	}
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
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen)
{
	const struct transport *t = c->t;
	int spin = wait == WAIT_SPIN;	/* hybrid waits as sleep here until the ring code has it */

	c->spin = spin;
	c->yield = spin && O.same_core;
	if (t->kind == T_DEVMMAP) {
		c->dm = calloc(1, sizeof(*c->dm));
		if (!c->dm)
			die("out of memory");
		if (dm_open(c->dm, c->path, end == END_W, err, elen))
			return -1;
		c->capacity = (long)c->dm->cap;
		/* our end holds the ring now: the sizing file is no longer needed (in this process) */
		close(c->holder);
		c->holder = -1;
		return 0;
	}
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
	if (c->dm) {
		/* claim: wait for n bytes of room, hand out the ring itself (no copy) */
		int e;

		if (n > c->dm->cap) {
			errno = EMSGSIZE;
			return NULL;
		}
		e = dm_wait(c, n);
		if (e) {
			errno = -e;
			return NULL;
		}
		return c->dm->data + (c->dm->idx & c->dm->mask);
	}
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
	if (c->dm) {
		/* commit: p is what chan_wbuf handed out; bytes from elsewhere are copied in */
		struct dev_map *m = c->dm;

		while (n) {
			uint8_t *at = m->data + (m->idx & m->mask);
			uint64_t k = n < m->cap ? n : m->cap;
			int e = p == at ? 0 : dm_wait(c, k);

			if (e)
				return e;
			if (p != at)
				memcpy(at, p, k);
			e = dm_publish(m, k);
			if (e)
				return e;
			p += k;
			n -= k;
		}
		return 0;
	}
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
	if (c->dm) {
		const uint8_t *v;
		ssize_t k = chan_view(c, &v, max);
		int e;

		if (k < 0)
			return k;
		memcpy(p, v, (size_t)k);
		e = chan_release(c, (size_t)k);
		return e ? e : k;
	}
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
	if (c->holder >= 0)
		close(c->holder);
	if (c->dm) {
		dm_close(c->dm);
		free(c->dm);
	}
	if (c->ring)
		munmap(c->ring, c->map_len);
	if (c->vbuf)
		munmap(c->vbuf, c->vslots * c->vstride);
	if (c->wbuf)
		munmap(c->wbuf, c->wbuf_len);
	memset(c, 0, sizeof(*c));
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
}
