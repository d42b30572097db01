// SPDX-License-Identifier: GPL-2.0
/*
 * The transports: one channel carries bytes from a writer process to a
 * reader process. A ping-pong uses two channels, one per direction.
 *
 * Adding a transport: a kind, a table line, and the cases in
 * chan_create/chan_end/chan_send/chan_recv. The ring transports (shm,
 * dev-mmap) share one client of the mapped ring, myipc_ring.h.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "myipc_ring.h"

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
	  .what = "the mapped ring of myipc.h (64 KiB) in a memfd shared by both processes, as Java shm: lays it "
		  "out: the writer fills claimed ring space and commits, the reader reads the bytes in place and releases "
		  "them; futex on wake_seq when a side sleeps" },
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

/* ---- ring transports (shm, dev-mmap): myipc_ring.h ------------------ */

/*
 * One end of a ring transport in this process: the ring of myipc.h in
 * shared memory (shm, futex waiter) or the driver's pages (dev-mmap,
 * MYIPC_IOC_WAIT/WAKE), and the wait policy chosen for the row.
 */
struct ring_end {
	struct myipc_ring r;
	struct myipc_ring_policy pol;
	int fd;			/* dev-mmap: the file holding the role */
};

/* the peer process died without closing its end: stop waiting */
static int ring_check_peer(void *arg)
{
	(void)arg;
	return peer_gone() ? -EPIPE : 0;
}

/*
 * WAIT_SPIN polls only (yielding when both sides share a core, else the
 * spinner starves its peer); WAIT_SLEEP announces and sleeps at once
 * (after --spin-before-sleep polls, 0 by default); WAIT_HYBRID is the
 * Java library's default: HYBRID_SPINS polls, HYBRID_YIELDS yields, sleep.
 */
static void ring_policy(struct myipc_ring_policy *p, int wait)
{
	memset(p, 0, sizeof(*p));
	p->slice_ns = 100 * 1000 * 1000;
	p->check = ring_check_peer;
	switch (wait) {
	case WAIT_SPIN:
		p->yields = O.same_core;
		break;
	case WAIT_HYBRID:
		p->spins = HYBRID_SPINS;
		p->yields = HYBRID_YIELDS;
		p->sleep = 1;
		break;
	default:
		p->spins = O.spin_before_sleep > UINT32_MAX ? UINT32_MAX : (uint32_t)O.spin_before_sleep;
		p->sleep = 1;
		break;
	}
}

static int ring_end_open(struct chan *c, int end, char *err, size_t elen)
{
	uint32_t role = end == END_W ? MYIPC_ROLE_PRODUCER : MYIPC_ROLE_CONSUMER;
	const char *rname = end == END_W ? "producer" : "consumer";
	struct ring_end *e = calloc(1, sizeof(*e));
	int ret;

	if (!e)
		die("out of memory");
	e->fd = -1;
	c->ring = e;
	ring_policy(&e->pol, c->wait);
	if (c->shm) {
		ret = myipc_ring_attach(&e->r, c->shm, role);
		if (ret) {
			snprintf(err, elen, "ring attach as %s: %s", rname, strerror(-ret));
			return -1;
		}
		return 0;
	}
	e->fd = open(c->path, O_RDWR | O_CLOEXEC);
	if (e->fd < 0) {
		snprintf(err, elen, "open %s O_RDWR: %s", c->path, strerror(errno));
		return -1;
	}
	if (ioctl(e->fd, MYIPC_IOC_SET_ROLE, &role)) {
		snprintf(err, elen, "MYIPC_IOC_SET_ROLE %s on %s: %s", rname, c->path, strerror(errno));
		return -1;
	}
	ret = myipc_ring_map_driver(&e->r, e->fd, role);
	if (ret) {
		snprintf(err, elen, "mmap of the ring of %s as %s: %s", c->path, rname, strerror(-ret));
		return -1;
	}
	c->capacity = (long)e->r.cap;
	/* our end holds the ring now: the sizing file is no longer needed (in this process) */
	close(c->holder);
	c->holder = -1;
	return 0;
}

static void ring_end_close(struct chan *c)
{
	myipc_ring_close(&c->ring->r);
	if (c->ring->fd >= 0)
		close(c->ring->fd);
	free(c->ring);
	c->ring = NULL;
}

/* producer: n (<= capacity) bytes of ring space, waiting for them; NULL with -errno in *err */
static uint8_t *ring_claim(struct ring_end *e, uint64_t n, int *err)
{
	void *p;

	while (!(p = myipc_ring_claim(&e->r, n))) {
		*err = myipc_ring_wait(&e->r, n, &e->pol);
		if (*err)
			return NULL;
	}
	return p;
}

size_t chan_max_claim(const struct chan *c)
{
	return c->ring ? (size_t)c->ring->r.cap : SIZE_MAX;
}

ssize_t chan_view(struct chan *c, const uint8_t **p, size_t max)
{
	struct ring_end *e = c->ring;
	const void *v;
	uint64_t a;
	int ret;

	if (!e)
		return -EINVAL;
	while (!(a = myipc_ring_view(&e->r, &v))) {
		ret = myipc_ring_wait(&e->r, 1, &e->pol);
		if (ret)
			return ret;
	}
	if (a > e->r.cap)
		return -EIO;
	/* contiguous thanks to the double mapping */
	*p = v;
	return (ssize_t)(a < max ? a : max);
}

int chan_release(struct chan *c, size_t n)
{
	return c->ring ? myipc_ring_release(&c->ring->r, n) : -EINVAL;
}

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
		/* the ring of myipc.h in a memfd both forked processes map */
		int ret = myipc_ring_shm_create(t->size, &c->shm);

		if (ret) {
			c->shm = NULL;
			snprintf(err, elen, "shared ring of %zu bytes: %s", t->size, strerror(-ret));
			return -1;
		}
		c->shm_len = MYIPC_RING_MAP_SIZE(t->size);
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
 * After fork(): this process takes one end, waiting as @wait says
 * (WAIT_*). A reader that spins on a file makes its descriptor
 * non-blocking and polls with read(2); files have no hybrid wait, so
 * WAIT_HYBRID blocks as WAIT_SLEEP does.
 */
int chan_end(struct chan *c, int end, int wait, char *err, size_t elen)
{
	const struct transport *t = c->t;
	int spin = wait == WAIT_SPIN;

	c->wait = wait;
	c->yield = spin && O.same_core;
	if (t->kind == T_SHM || t->kind == T_DEVMMAP)
		return ring_end_open(c, end, err, elen);
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
	if (c->ring) {
		/* claim: wait for n bytes of room, hand out the ring itself (no copy) */
		uint8_t *p;
		int e;

		if (n > c->ring->r.cap) {
			errno = EMSGSIZE;
			return NULL;
		}
		p = ring_claim(c->ring, n, &e);
		if (!p)
			errno = -e;
		return p;
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
	if (c->ring) {
		/* commit: p is what chan_wbuf claimed; bytes from elsewhere are copied in */
		struct myipc_ring *r = &c->ring->r;

		while (n) {
			uint8_t *at = r->data + (r->idx & r->mask);
			uint64_t k = n < r->cap ? n : r->cap;
			int e = 0;

			if (p != at) {
				at = ring_claim(c->ring, k, &e);
				if (!at)
					return e;
				memcpy(at, p, k);
			}
			e = myipc_ring_commit(r, k);
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

	if (c->ring) {
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
			myipc_cpu_relax();
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
	if (c->ring)
		ring_end_close(c);
	if (c->shm)
		munmap(c->shm, c->shm_len);
	if (c->vbuf)
		munmap(c->vbuf, c->vslots * c->vstride);
	if (c->wbuf)
		munmap(c->wbuf, c->wbuf_len);
	memset(c, 0, sizeof(*c));
	c->fd[0] = c->fd[1] = c->nullfd = c->holder = -1;
}
