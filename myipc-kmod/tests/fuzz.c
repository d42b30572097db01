// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz.c - the driver's hostile-user-space fuzzer
 *
 *   fuzz --dev /dev/myipc1 --dev2 /dev/myipc2 [--seconds 60] [--seed S]
 *        [--grace 15]
 *
 * Runs rounds on --dev until --seconds have passed. Each round forks a
 * round leader (its own process group) that forks two ends:
 *
 *  - a HOSTILE mapped end (producer or consumer) that mixes valid traffic
 *    with scribbles and bit flips of every word of its own control page,
 *    its index stepped back right before a MYIPC_IOC_WAIT, WAIT/WAKE with
 *    odd arguments and bad pointers, and mmap/mprotect/mremap/fork/
 *    vmsplice/SET_SIZE/munmap/close while another of its threads waits
 *    in MYIPC_IOC_WAIT or read(2)/write(2); sometimes SIGKILLed mid-round;
 *  - an HONEST victim of the other kind: a copy end (blocking read/write,
 *    or O_NONBLOCK with poll) or a mapped end (the ring protocol of
 *    uapi/myipc.h), which may only ever see data, end of file, EPIPE or
 *    EIO (or, mapped, a corrupt pair or PEER_GONE), and must finish within
 *    --grace seconds once the hostile end is gone.
 *
 * After each round: no process of the round may be left, no end of the
 * device open, the capacity back to the default, and a clean write/read
 * round trip must work. Between rounds the device's sync mode is switched
 * now and then (sysfs). Throughout, a checked stream runs on --dev2 in
 * segments (copy or mapped writer, copy or mapped reader): every byte must
 * arrive, in order.
 *
 * Output: "fuzz: seed S", one TAP line per round (and per sync switch),
 * the stream's verdict, per-category operation counts, then
 * "fuzz: P passed, F failed". Exit status 0 only if all passed. The seed
 * decides every choice (round plans, every process's random steps);
 * timing still differs between runs, so a replay repeats the plan, not
 * the exact interleaving.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "myipc_ring.h"

#define PAGE		MYIPC_RING_PAGE
#define NSEC		1000000000LL
#define MSEC_NS		1000000LL

/* ---- options ---- */

static struct {
	const char *dev, *dev2;
	double seconds;
	double grace;		/* victim still running this long after: fail */
	uint64_t seed;
	char sync_file[160];	/* /sys/class/myipc/myipcN/sync of --dev */
	char sysfs_dir[140];
	uint64_t default_cap;
} opt = { .seconds = 60, .grace = 15 };

/* ---- time, randomness, the stream pattern ---- */

static double tnow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MSEC_NS };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Every process (and thread) draws from its own stream of the seed. */
static __thread uint64_t rng;

static void rnd_seed(uint64_t who, uint64_t round)
{
	rng = mix64(opt.seed ^ mix64(who * 0x100000001b3ULL + round));
}

static uint64_t rnd(void)
{
	rng += 0x9e3779b97f4a7c15ULL;
	return mix64(rng);
}

/* uniform in [0, n) (n > 0) */
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static bool chance(unsigned int percent)
{
	return rnd_below(100) < percent;
}

/* The checked stream's byte at offset o. */
static uint8_t pat_byte(uint64_t o)
{
	return (uint8_t)(mix64(o >> 3) >> ((o & 7) * 8));
}

static void pat_fill(uint8_t *p, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pat_byte(off + i);
}

/* Offset (from @off) of the first wrong byte, or -1. */
static long pat_check(const uint8_t *p, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat_byte(off + i))
			return (long)i;
	return -1;
}

/* ---- shared state: counters and failure notes of all processes ---- */

/* category, name: the operation counters printed at the end */
#define OPS(X)								\
	X(round, rounds) X(round, kills) X(round, sync_switches)	\
	X(scribble, index) X(scribble, state) X(scribble, sleeping)	\
	X(scribble, wake_seq) X(scribble, other_word)			\
	X(bitflip, index) X(bitflip, state) X(bitflip, sleeping)	\
	X(bitflip, wake_seq) X(bitflip, other_word)			\
	X(index, stepback_wait) X(index, traffic) X(index, publishes)	\
	X(wait, bad_flags) X(wait, reserved) X(wait, timeout_odd)	\
	X(wait, need_odd) X(wait, bad_ptr) X(wait, self_woken)		\
	X(wake, bad_value) X(wake, bad_ptr) X(wake, peer)		\
	X(misc, role_odd) X(misc, ioctl_misc)				\
	X(race, mmap) X(race, mprotect) X(race, mremap) X(race, fork)	\
	X(race, vmsplice) X(race, set_size) X(race, munmap)		\
	X(race, madvise) X(race, close)					\
	X(waiter, in_wait) X(waiter, in_read) X(waiter, in_write)	\
	X(victim, sessions) X(victim, bytes) X(victim, eof)		\
	X(victim, epipe) X(victim, eio) X(victim, corrupt_seen)	\
	X(victim, peer_gone) X(victim, waits)				\
	X(stream, segments) X(stream, bytes) X(stream, mapped_ends)

#define OP_ENUM(cat, name) OP_##cat##_##name,
enum op { OPS(OP_ENUM) N_OPS };
#define OP_CAT(cat, name) #cat,
#define OP_NAME(cat, name) #name,
static const char *const op_cat[] = { OPS(OP_CAT) };
static const char *const op_name[] = { OPS(OP_NAME) };

#define MAX_NOTES	12
#define NOTE_LEN	400

struct notes {
	int n;
	char msg[MAX_NOTES][NOTE_LEN];
};

struct shared {
	uint64_t count[N_OPS];
	int round_stop;		/* leader -> victim: the hostile end is gone */
	struct notes round;	/* what went wrong in this round */
	int stream_stop;	/* orchestrator -> stream: finish */
	uint64_t stream_verified;	/* bytes the readers checked */
	struct notes stream;
};

static struct shared *S;

#define COUNT(cat, name)	count_add(OP_##cat##_##name, 1)

static void count_add(enum op op, uint64_t n)
{
	__atomic_fetch_add(&S->count[op], n, __ATOMIC_RELAXED);
}

static void vnote(struct notes *ns, const char *fmt, va_list ap)
{
	int i = __atomic_fetch_add(&ns->n, 1, __ATOMIC_RELAXED);
	char *m;

	if (i >= MAX_NOTES)
		return;
	m = ns->msg[i];
	snprintf(m, NOTE_LEN, "[pid %d] ", getpid());
	vsnprintf(m + strlen(m), NOTE_LEN - strlen(m), fmt, ap);
}

/* A failure of the current round (any process of it). */
__attribute__((format(printf, 1, 2)))
static void note_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(&S->round, fmt, ap);
	va_end(ap);
}

/* A failure of the checked stream on --dev2. */
__attribute__((format(printf, 1, 2)))
static void stream_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(&S->stream, fmt, ap);
	va_end(ap);
}

static bool flag_get(int *f)
{
	return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static void flag_set(int *f, int v)
{
	__atomic_store_n(f, v, __ATOMIC_RELEASE);
}

/* ---- small helpers ---- */

static ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return n;
}

/*
 * Where a process is, every thread: state, wchan, kernel stack (first
 * frames). For the report of a process that did not end in time.
 */
static const char *proc_where(pid_t pid)
{
	static char bufs[2][NOTE_LEN];	/* two calls may feed one message */
	static int which;
	char path[320], buf[512], *out = bufs[which++ % 2];
	size_t len = 0;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	out[0] = 0;
	dir = opendir(path);
	if (!dir)
		return "(gone)";
	while ((d = readdir(dir)) && len < NOTE_LEN - 64) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", pid,
			 d->d_name);
		if (read_text(path, buf, sizeof(buf)) < 0)
			buf[0] = 0;
		len += snprintf(out + len, NOTE_LEN - len, "tid %s wchan %s",
				d->d_name, buf);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid,
			 d->d_name);
		if (read_text(path, buf, 160) > 0) {
			for (char *c = buf; *c; c++)
				if (*c == '\n')
					*c = ' ';
			len += snprintf(out + len, NOTE_LEN - len,
					" stack %s", buf);
		}
		len += snprintf(out + len, NOTE_LEN - len, "; ");
	}
	closedir(dir);
	return out;
}

static void empty_handler(int sig)
{
	(void)sig;
}

/* SIGUSR1/SIGALRM only interrupt a system call (no SA_RESTART). */
static void install_kick_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = empty_handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
}

/*
 * SIGALRM after @us microseconds and every @us after that, until disarmed
 * (0): a signal that lands before the call it bounds has entered the
 * kernel must not leave that call unbounded.
 */
static void alarm_us(long us)
{
	struct itimerval it = { { us / 1000000, us % 1000000 },
				{ us / 1000000, us % 1000000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static pid_t fork_flushed(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* Wait for @pid up to @secs; true if it ended (status in *@st). */
static bool wait_bounded(pid_t pid, double secs, int *st)
{
	double end = tnow() + secs;

	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;	/* not ours any more: nothing to wait for */
		if (tnow() > end)
			return false;
		msleep(5);
	}
}

static const char *status_text(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %s", strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

/* ---- a ring end: myipc_ring.h, and what a hostile end needs besides ---- */

static bool ring_is_producer(const struct myipc_ring *r)
{
	return r->role == MYIPC_ROLE_PRODUCER;
}

/* Protection of layout region @off for this role. */
static int ring_prot(const struct myipc_ring *r, size_t off)
{
	bool prod = ring_is_producer(r);

	if (off == MYIPC_RING_PRODUCER_OFFSET || off >= MYIPC_RING_DATA_OFFSET)
		return prod ? PROT_READ | PROT_WRITE : PROT_READ;
	if (off == MYIPC_RING_CONSUMER_OFFSET)
		return prod ? PROT_READ : PROT_READ | PROT_WRITE;
	return PROT_READ;
}

/* Map layout region [@off, @off + @len) again at its place in r->base. */
static int ring_map_piece(struct myipc_ring *r, size_t off, size_t len)
{
	return myipc_ring_map_piece(r->base, r->fd, off, len, ring_prot(r, off)) ? -1 : 0;
}

/*
 * Map the whole ring of r->fd (r->role is set) with the protections of
 * the role. -1 with errno (EAGAIN if the capacity changed meanwhile) and
 * r->base NULL on failure.
 */
static int ring_map(struct myipc_ring *r)
{
	int ret = myipc_ring_map_driver(r, r->fd, r->role);

	if (ret) {
		r->base = NULL;
		errno = -ret;
		return -1;
	}
	return 0;
}

static void ring_unmap(struct myipc_ring *r)
{
	if (r->base)
		munmap(r->base, r->map_len);
	r->base = NULL;
}

/*
 * Readable bytes (consumer) or free bytes (producer) as this end sees
 * them; r->cap + 1 when the pair is impossible (corrupt).
 */
static uint64_t ring_avail(struct myipc_ring *r)
{
	uint64_t n = myipc_ring_avail(r);

	return n > r->cap ? r->cap + 1 : n;
}

/* Move our index by @n and publish it. Returns the WAKE's result (0 if none). */
static int ring_publish(struct myipc_ring *r, uint64_t n)
{
	r->idx += n;
	return myipc_ring_publish(r);
}

/* Open @path O_RDWR and take @role; -1 (errno) on failure. */
static int ring_open_role(struct myipc_ring *r, const char *path, uint32_t role)
{
	memset(r, 0, sizeof(*r));
	r->role = role;
	r->fd = open(path, O_RDWR);
	if (r->fd < 0)
		return -1;
	if (ioctl(r->fd, MYIPC_IOC_SET_ROLE, &role)) {
		int e = errno;

		close(r->fd);
		r->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}


/* ---- the checked stream on --dev2 ---- */

#define STREAM_WAIT_NS	(2 * NSEC)

static int stream_open_role(struct myipc_ring *r, uint32_t role)
{
	double end = tnow() + 10;

	for (;;) {
		if (!ring_open_role(r, opt.dev2, role) && !ring_map(r))
			return 0;
		if (r->fd >= 0) {
			close(r->fd);
			r->fd = -1;
		}
		if (errno != EBUSY && errno != EAGAIN)
			break;
		if (tnow() > end)
			break;
		msleep(10);
	}
	stream_fail("stream: opening a mapped %s end of %s: %s",
		    role == MYIPC_ROLE_PRODUCER ? "producer" : "consumer",
		    opt.dev2, strerror(errno));
	return -1;
}

/* Write stream bytes [off, off + len) through write(2). */
static int stream_copy_writer(uint64_t off, uint64_t len)
{
	static uint8_t buf[65536];
	int fd = open(opt.dev2, O_WRONLY);
	uint64_t done = 0;

	if (fd < 0) {
		stream_fail("stream writer: open %s: %s", opt.dev2, strerror(errno));
		return 1;
	}
	while (done < len) {
		size_t n = 1 + rnd_below(sizeof(buf));
		ssize_t w;

		if (n > len - done)
			n = len - done;
		pat_fill(buf, off + done, n);
		w = write(fd, buf, n);
		if (w <= 0) {
			stream_fail("stream writer: write at %llu: %s",
				    (unsigned long long)(off + done),
				    w ? strerror(errno) : "returned 0");
			close(fd);
			return 1;
		}
		done += (uint64_t)w;
	}
	close(fd);
	return 0;
}

/*
 * Write stream bytes through the mapped ring. A WAIT that times out
 * after STREAM_WAIT_NS while the room it asked for is there is reported
 * as a lost wake-up (the reader side is honest and keeps reading).
 */
static int stream_mapped_writer(uint64_t off, uint64_t len)
{
	struct myipc_ring r;
	uint64_t done = 0, room, n, chunk = 1 + rnd_below(65536);
	int ret, bad = 0;

	if (stream_open_role(&r, MYIPC_ROLE_PRODUCER))
		return 1;
	while (done < len && !bad) {
		room = ring_avail(&r);
		if (room > r.cap) {
			stream_fail("stream mapped writer: impossible indices at %llu",
				    (unsigned long long)(off + done));
			bad = 1;
			break;
		}
		if (!room) {
			uint64_t need = chunk < r.cap ? chunk : r.cap;

			ret = myipc_ring_sleep(&r, need, STREAM_WAIT_NS);
			if (ret == -ETIMEDOUT && ring_avail(&r) >= need &&
			    ring_avail(&r) <= r.cap)
				stream_fail("stream mapped writer: WAIT(need %llu) timed out after 2 s although the room was there (lost wake-up?) at %llu",
					    (unsigned long long)need,
					    (unsigned long long)(off + done));
			if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR) {
				stream_fail("stream mapped writer: WAIT: %s",
					    strerror(-ret));
				bad = 1;
			} else if (ret > 0 && (ret & MYIPC_WAIT_PEER_GONE)) {
				stream_fail("stream mapped writer: the reader went away at %llu",
					    (unsigned long long)(off + done));
				bad = 1;
			}
			continue;
		}
		n = room < chunk ? room : chunk;
		if (n > len - done)
			n = len - done;
		/* one contiguous span: the data pages are mapped twice */
		pat_fill(r.data + (r.idx & r.mask), off + done, n);
		ret = ring_publish(&r, n);
		if (ret) {
			stream_fail("stream mapped writer: WAKE: %s", strerror(-ret));
			bad = 1;
		}
		done += n;
	}
	/*
	 * Drain before closing: an O_RDWR producer never waited for a
	 * reader in open(2), and bytes left when the last end closes are
	 * discarded (the reader's open would then wait for a writer forever).
	 */
	while (!bad && ring_avail(&r) < r.cap) {
		ret = myipc_ring_sleep(&r, r.cap, STREAM_WAIT_NS);
		if (ret == -ETIMEDOUT && ring_avail(&r) == r.cap)
			stream_fail("stream mapped writer: WAIT(all room) timed out after 2 s although the ring was empty (lost wake-up?)");
		if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR) {
			stream_fail("stream mapped writer: WAIT (drain): %s",
				    strerror(-ret));
			bad = 1;
		} else if (ret > 0 && (ret & MYIPC_WAIT_PEER_GONE) &&
			   ring_avail(&r) < r.cap) {
			stream_fail("stream mapped writer: the reader went away before draining");
			bad = 1;
		}
	}
	ring_unmap(&r);
	close(r.fd);
	return bad;
}

static int stream_copy_reader(uint64_t off, uint64_t len)
{
	static uint8_t buf[65536];
	int fd = open(opt.dev2, O_RDONLY);
	uint64_t done = 0;
	ssize_t n;
	long bad;

	if (fd < 0) {
		stream_fail("stream reader: open %s: %s", opt.dev2, strerror(errno));
		return 1;
	}
	for (;;) {
		n = read(fd, buf, 1 + rnd_below(sizeof(buf)));
		if (n == 0)
			break;
		if (n < 0) {
			stream_fail("stream reader: read at %llu: %s",
				    (unsigned long long)(off + done), strerror(errno));
			close(fd);
			return 1;
		}
		if ((uint64_t)n > len - done) {
			stream_fail("stream reader: %llu bytes more than were written",
				    (unsigned long long)(done + n - len));
			close(fd);
			return 1;
		}
		bad = pat_check(buf, off + done, n);
		if (bad >= 0) {
			stream_fail("stream reader: byte %llu is wrong (0x%02x, want 0x%02x)",
				    (unsigned long long)(off + done + bad), buf[bad],
				    pat_byte(off + done + bad));
			close(fd);
			return 1;
		}
		done += n;
		count_add(OP_stream_bytes, n);
		__atomic_fetch_add(&S->stream_verified, n, __ATOMIC_RELAXED);
	}
	close(fd);
	if (done != len) {
		stream_fail("stream reader: end of file after %llu of %llu bytes",
			    (unsigned long long)done, (unsigned long long)len);
		return 1;
	}
	return 0;
}

static int stream_mapped_reader(uint64_t off, uint64_t len)
{
	struct myipc_ring r;
	uint64_t done = 0, n;
	long bad;
	int ret, err = 0;

	if (stream_open_role(&r, MYIPC_ROLE_CONSUMER))
		return 1;
	while (!err) {
		n = ring_avail(&r);
		if (n > r.cap) {
			stream_fail("stream mapped reader: impossible indices at %llu",
				    (unsigned long long)(off + done));
			err = 1;
			break;
		}
		if (!n) {
			ret = myipc_ring_sleep(&r, 1, STREAM_WAIT_NS);
			if (ret == -ETIMEDOUT && ring_avail(&r) &&
			    ring_avail(&r) <= r.cap)
				stream_fail("stream mapped reader: WAIT timed out after 2 s with data there (lost wake-up?) at %llu",
					    (unsigned long long)(off + done));
			if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR) {
				stream_fail("stream mapped reader: WAIT: %s",
					    strerror(-ret));
				err = 1;
			}
			if (ret > 0 && (ret & MYIPC_WAIT_PEER_GONE) &&
			    !ring_avail(&r))
				break;
			continue;
		}
		if (n > len - done) {
			stream_fail("stream mapped reader: %llu bytes more than were written",
				    (unsigned long long)(done + n - len));
			err = 1;
			break;
		}
		bad = pat_check(r.data + (r.idx & r.mask), off + done, n);
		if (bad >= 0) {
			stream_fail("stream mapped reader: byte %llu is wrong",
				    (unsigned long long)(off + done + bad));
			err = 1;
			break;
		}
		ret = ring_publish(&r, n);
		if (ret) {
			stream_fail("stream mapped reader: WAKE: %s", strerror(-ret));
			err = 1;
		}
		done += n;
		count_add(OP_stream_bytes, n);
		__atomic_fetch_add(&S->stream_verified, n, __ATOMIC_RELAXED);
	}
	ring_unmap(&r);
	close(r.fd);
	if (!err && done != len) {
		stream_fail("stream mapped reader: the writer went after %llu of %llu bytes",
			    (unsigned long long)done, (unsigned long long)len);
		err = 1;
	}
	return err;
}

/* A stream process must exit 0 (its failures are noted already). */
static bool check_stream_end(pid_t pid, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	if (!WIFEXITED(st))
		stream_fail("stream process %d ended with %s", pid, status_text(st));
	return true;	/* noted; the loop ends on the note */
}

/*
 * Segments until told to stop: each one a fresh writer and reader (copy
 * or mapped, each side chosen at random) moving the next part of the
 * pattern; the reader checks every byte, the offsets continue, so the
 * whole run is one stream that must arrive complete and in order.
 */
static void stream_manager(void)
{
	uint64_t off = 0, seg = 0;

	rnd_seed(4, 0);
	while (!flag_get(&S->stream_stop) && S->stream.n == 0) {
		uint64_t len = 4096 + rnd_below(2 << 20);
		bool wmap = chance(40), rmap = chance(40);
		pid_t w, r;
		int st = 0;

		rnd_seed(5, ++seg);
		r = fork_flushed();
		if (!r) {
			rnd_seed(6, seg);
			_exit(rmap ? stream_mapped_reader(off, len)
				   : stream_copy_reader(off, len));
		}
		w = fork_flushed();
		if (!w) {
			rnd_seed(7, seg);
			_exit(wmap ? stream_mapped_writer(off, len)
				   : stream_copy_writer(off, len));
		}
		if (!wait_bounded(w, 120, &st) || !check_stream_end(w, st) ||
		    !wait_bounded(r, 30, &st) || !check_stream_end(r, st)) {
			stream_fail("stream segment %llu (%s writer, %s reader, %llu bytes at %llu) hangs (writer 120 s, reader 30 s after it): writer %s; reader %s",
				    (unsigned long long)seg, wmap ? "mapped" : "copy",
				    rmap ? "mapped" : "copy",
				    (unsigned long long)len, (unsigned long long)off,
				    proc_where(w), proc_where(r));
			kill(w, SIGKILL);
			kill(r, SIGKILL);
			waitpid(w, &st, 0);
			waitpid(r, &st, 0);
			break;
		}
		COUNT(stream, segments);
		count_add(OP_stream_mapped_ends, wmap + rmap);
		off += len;
	}
	_exit(0);
}

/* ---- the honest victims ---- */

/*
 * A copy end of the other kind than the hostile @hrole: blocking
 * read/write, or O_NONBLOCK with poll. It reopens after every end of
 * stream and ends once the leader says the hostile end is gone.
 */
static int victim_copy(uint32_t hrole, bool use_poll)
{
	static uint8_t buf[65536];
	bool reader = hrole == MYIPC_ROLE_PRODUCER;
	int flags = (reader ? O_RDONLY : O_WRONLY) | O_NONBLOCK;

	memset(buf, 0x5a, sizeof(buf));
	while (!flag_get(&S->round_stop)) {
		int fd = open(opt.dev, flags);

		if (fd < 0) {
			if (errno != ENXIO) {	/* ENXIO: no reader yet */
				note_fail("victim: open: %s", strerror(errno));
				return 1;
			}
			msleep(2);
			continue;
		}
		if (!use_poll)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		COUNT(victim, sessions);
		for (;;) {
			size_t len = 1 + rnd_below(sizeof(buf));
			ssize_t n;

			if (use_poll) {
				struct pollfd p = { fd, reader ? POLLIN : POLLOUT, 0 };

				if (poll(&p, 1, 200) == 0) {
					if (flag_get(&S->round_stop))
						break;
					continue;
				}
			}
			n = reader ? read(fd, buf, len) : write(fd, buf, len);
			if (n > 0) {
				count_add(OP_victim_bytes, n);
				continue;
			}
			if (n == 0 && reader) {
				COUNT(victim, eof);
			} else if (n < 0 && errno == EAGAIN && use_poll) {
				continue;
			} else if (n < 0 && errno == EIO) {
				COUNT(victim, eio);
			} else if (n < 0 && errno == EPIPE && !reader) {
				COUNT(victim, epipe);
			} else {
				note_fail("victim copy %s: %s returned %zd (%s)",
					  reader ? "reader" : "writer",
					  reader ? "read" : "write", n,
					  n < 0 ? strerror(errno) : "no error");
				close(fd);
				return 1;
			}
			break;
		}
		close(fd);
		msleep(rnd_below(10));
	}
	return 0;
}

/* One session of the mapped victim; false on a contract violation. */
static bool victim_mapped_session(struct myipc_ring *r)
{
	static const int64_t timeouts[] = { MSEC_NS, 50 * MSEC_NS,
					    200 * MSEC_NS, 3 * NSEC };
	bool prod = ring_is_producer(r);

	while (!flag_get(&S->round_stop)) {
		uint64_t n = ring_avail(r);
		int ret;

		if (n > r->cap) {
			/* the hostile peer's index is impossible: done with it */
			COUNT(victim, corrupt_seen);
			return true;
		}
		if (n) {
			n = 1 + rnd_below(n);
			if (prod)
				memset(r->data + (r->idx & r->mask), 0xa5, n);
			else
				(void)myipc_read_once(&r->data[(r->idx + n - 1) & r->mask]);
			ret = ring_publish(r, n);
			if (ret) {
				note_fail("victim mapped: WAKE: %s", strerror(-ret));
				return false;
			}
			count_add(OP_victim_bytes, n);
			continue;
		}
		COUNT(victim, waits);
		ret = myipc_ring_sleep(r, prod ? 1 + rnd_below(r->cap) : 1,
				timeouts[rnd_below(4)]);
		if (ret == -ETIMEDOUT || ret == -EINTR || ret == 0)
			continue;
		if (ret == -EIO) {
			COUNT(victim, eio);
			return true;
		}
		if (ret < 0 || (ret & ~(MYIPC_WAIT_READY | MYIPC_WAIT_PEER_GONE |
					MYIPC_WAIT_WOKEN))) {
			note_fail("victim mapped %s: WAIT returned %d (%s)",
				  prod ? "producer" : "consumer", ret,
				  ret < 0 ? strerror(-ret) : "unknown bits");
			return false;
		}
		if ((ret & MYIPC_WAIT_PEER_GONE) && (prod || !ring_avail(r))) {
			COUNT(victim, peer_gone);
			return true;
		}
	}
	return true;
}

/* A mapped end of the other kind than the hostile @hrole. */
static int victim_mapped(uint32_t hrole)
{
	uint32_t role = hrole == MYIPC_ROLE_PRODUCER ? MYIPC_ROLE_CONSUMER
						     : MYIPC_ROLE_PRODUCER;
	double busy_since = 0;
	struct myipc_ring r;
	bool ok = true;

	while (ok && !flag_get(&S->round_stop)) {
		if (ring_open_role(&r, opt.dev, role)) {
			if (errno != EBUSY) {
				note_fail("victim mapped: open/SET_ROLE: %s",
					  strerror(errno));
				return 1;
			}
			/* our own previous file is closed: nobody else holds it */
			if (!busy_since)
				busy_since = tnow();
			else if (tnow() - busy_since > 5) {
				note_fail("victim mapped: SET_ROLE EBUSY for 5 s");
				return 1;
			}
			msleep(5);
			continue;
		}
		busy_since = 0;
		if (ring_map(&r)) {
			/* EINVAL/EAGAIN: the hostile end resized the ring meanwhile */
			if (errno != EAGAIN && errno != EINVAL) {
				note_fail("victim mapped: mmap: %s", strerror(errno));
				ok = false;
			}
			close(r.fd);
			continue;
		}
		COUNT(victim, sessions);
		ok = victim_mapped_session(&r);
		ring_unmap(&r);
		close(r.fd);
		msleep(rnd_below(10));
	}
	return ok ? 0 : 1;
}

/* ---- the hostile end ---- */

#define MAX_EXTRA	8

struct hostile {
	struct myipc_ring r;
	bool fd_open;		/* r.fd still ours (not closed by a race) */
	bool mapped;		/* r.base maps the whole layout */
	struct { void *p; size_t len; } extra[MAX_EXTRA];
	int n_extra;
	int kids;		/* forked children not reaped yet */
	double round_end;
	bool session_over;
	bool mild;		/* corrupt rarely: mostly traffic and races */
};

/* A thread waiting in the kernel while the main thread races it. */
struct waiter {
	pthread_t th;
	int fd;
	int kind;		/* 0 WAIT, 1 read, 2 write */
	struct myipc_wait w;
	size_t len;
	int done;
	long ret;
	int err;
	uint8_t buf[65536];
};

static const char *hrole_name(uint32_t role)
{
	return role == MYIPC_ROLE_PRODUCER ? "producer" : "consumer";
}

/* The result of a WAIT with valid arguments must be one of these. */
static bool wait_result_ok(long ret, int err)
{
	if (ret >= 0)
		return ret > 0 && !(ret & ~(long)(MYIPC_WAIT_READY |
						   MYIPC_WAIT_PEER_GONE |
						   MYIPC_WAIT_WOKEN));
	return err == ETIMEDOUT || err == EINTR || err == EIO;
}

static void expect_errno(const char *what, long ret, int err, int want)
{
	if (ret != -1 || err != want)
		note_fail("hostile: %s: expected %s, got %ld (%s)", what,
			  strerror(want), ret, ret == -1 ? strerror(err) : "no error");
}

static void reap_kids(struct hostile *h, bool block)
{
	double end = tnow() + 5;
	int st = 0;

	while (h->kids > 0) {
		pid_t p = waitpid(-1, &st, block ? 0 : WNOHANG);

		if (p <= 0) {
			if (!block || errno == ECHILD || tnow() > end)
				break;
			continue;
		}
		h->kids--;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			note_fail("hostile: a forked child ended with %s",
				  status_text(st));
	}
}

/* An index value: anything, near the peer's, backwards, beyond capacity. */
static uint64_t evil_index(const struct myipc_ring *r)
{
	uint64_t near = myipc_load_acquire(&r->peer->index), cap = r->cap;

	switch (rnd_below(6)) {
	case 0: return rnd();
	case 1: return near - 1 - rnd_below(2 * cap);
	case 2: return near + cap + 1 + rnd_below(2 * cap);
	case 3: return myipc_read_once(&r->own->index) - 1 - rnd_below(cap);
	case 4: return near + cap + 1;
	default: return near + rnd_below(cap + 1);	/* often plausible */
	}
}

/* Any word of our own control page: index, state, sleeping, wake_seq, pad. */
static void scribble(struct hostile *h, bool flip)
{
	struct myipc_ring *r = &h->r;
	uint8_t *page = (uint8_t *)r->own;
	unsigned int which = rnd_below(5);
	uint32_t *w32;

	if (which == 0) {
		uint64_t v = flip ? myipc_read_once(&r->own->index) ^ (1ULL << rnd_below(64))
				  : evil_index(r);

		myipc_store_release(&r->own->index, v);
		count_add(flip ? OP_bitflip_index : OP_scribble_index, 1);
		return;
	}
	switch (which) {
	case 1:
		w32 = &r->own->state;
		count_add(flip ? OP_bitflip_state : OP_scribble_state, 1);
		break;
	case 2:
		w32 = &r->own->sleeping;
		count_add(flip ? OP_bitflip_sleeping : OP_scribble_sleeping, 1);
		break;
	case 3:
		w32 = &r->own->wake_seq;
		count_add(flip ? OP_bitflip_wake_seq : OP_scribble_wake_seq, 1);
		break;
	default:
		/* any other aligned word of the page (padding, beyond wake_seq) */
		w32 = (uint32_t *)(page + 8 + 4 * rnd_below((PAGE - 8) / 4));
		count_add(flip ? OP_bitflip_other_word : OP_scribble_other_word, 1);
		break;
	}
	if (flip)
		myipc_write_once(w32, myipc_read_once(w32) ^ (1U << rnd_below(32)));
	else
		myipc_write_once(w32, chance(50) ? (uint32_t)rnd_below(4) : (uint32_t)rnd());
}

/* Valid traffic as far as the (maybe scribbled) indices allow. */
static void traffic(struct hostile *h)
{
	struct myipc_ring *r = &h->r;
	uint64_t n;

	r->idx = myipc_load_acquire(&r->own->index);
	n = ring_avail(r);
	COUNT(index, traffic);
	if (n > r->cap || !n) {
		if (chance(30))
			myipc_ring_sleep(r, 1 + rnd_below(r->cap), rnd_below(5) * MSEC_NS);
		return;
	}
	n = 1 + rnd_below(n);
	if (ring_is_producer(r))
		memset(r->data + (r->idx & r->mask), (int)rnd(), n);
	if (chance(90)) {
		ring_publish(r, n);
	} else {
		/* publish without waking a sleeper: it must be woken otherwise */
		r->idx += n;
		myipc_store_release(&r->own->index, r->idx);
	}
	COUNT(index, publishes);
}

/*
 * A valid WAIT(timeout 0), then our own index stepped back by 1..cap
 * (the pair may still look plausible), then WAIT again: it must fail
 * with EIO, since WAIT saw the index further on a moment ago.
 */
static void stepback_wait(struct hostile *h)
{
	struct myipc_ring *r = &h->r;
	struct myipc_wait w = { .need = 1 };
	uint64_t own;
	long ret;

	ret = ioctl(r->fd, MYIPC_IOC_WAIT, &w);
	if (!wait_result_ok(ret, errno))
		note_fail("hostile: WAIT(timeout 0) returned %ld (%s)", ret,
			  strerror(errno));
	own = myipc_read_once(&r->own->index);
	myipc_store_release(&r->own->index, own - 1 - rnd_below(r->cap));
	ret = ioctl(r->fd, MYIPC_IOC_WAIT, &w);
	expect_errno("WAIT after stepping the own index back", ret, errno, EIO);
	COUNT(index, stepback_wait);
}

/* A pointer the kernel must refuse with EFAULT. */
static void *bad_pointer(void)
{
	/* kept reserved: an unmapped hole would be reused by later mmaps */
	static void *noaccess;

	if (!noaccess)
		noaccess = mmap(NULL, 2 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	switch (rnd_below(5)) {
	case 0: return NULL;
	case 1: return (void *)1;
	case 2: return (void *)0xffff888000000000ULL;	/* kernel memory */
	case 3: return (uint8_t *)noaccess + PAGE - 4;	/* unaligned, inside */
	default: return noaccess;
	}
}

/* MYIPC_IOC_WAIT with odd arguments, each answer checked. */
static void odd_wait(struct hostile *h)
{
	struct myipc_wait w = { .need = 1 };
	long ret;
	int e;

	switch (rnd_below(6)) {
	case 0:
		w.flags = (uint32_t)rnd() | 2;
		ret = ioctl(h->r.fd, MYIPC_IOC_WAIT, &w);
		expect_errno("WAIT with unknown flags", ret, errno, EINVAL);
		COUNT(wait, bad_flags);
		return;
	case 1:
		w.reserved = rnd() | 1;
		w.flags = rnd_below(2);
		ret = ioctl(h->r.fd, MYIPC_IOC_WAIT, &w);
		expect_errno("WAIT with reserved != 0", ret, errno, EINVAL);
		COUNT(wait, reserved);
		return;
	case 2:
		ret = ioctl(h->r.fd, MYIPC_IOC_WAIT, bad_pointer());
		expect_errno("WAIT with a bad pointer", ret, errno, EFAULT);
		COUNT(wait, bad_ptr);
		return;
	case 3: {
		/* a self wake first: a WAIT that would wait forever returns WOKEN */
		uint32_t how = MYIPC_WAKE_SELF;

		reap_kids(h, false);
		if (ioctl(h->r.fd, MYIPC_IOC_WAKE, &how))
			note_fail("hostile: WAKE_SELF: %s", strerror(errno));
		w.timeout_ns = -1;
		w.need = ~0ULL;
		alarm_us(2000000);	/* only if WOKEN never comes */
		ret = ioctl(h->r.fd, MYIPC_IOC_WAIT, &w);
		e = errno;
		alarm_us(0);
		if (h->kids == 0 && !(ret > 0 && (ret & MYIPC_WAIT_WOKEN)) &&
		    !(ret < 0 && e == EIO))
			note_fail("hostile: WAIT after WAKE_SELF returned %ld (%s), not WOKEN",
				  ret, ret < 0 ? strerror(e) : "no WOKEN bit");
		COUNT(wait, self_woken);
		return;
	}
	default:
		break;
	}
	/* valid arguments, odd values: the answer must still be a valid one */
	switch (rnd_below(5)) {
	case 0: w.timeout_ns = INT64_MAX; break;
	case 1: w.timeout_ns = -1; break;
	case 2: w.timeout_ns = INT64_MIN; break;
	case 3: w.timeout_ns = 0; break;
	default: w.timeout_ns = 1 + rnd_below(3 * MSEC_NS); break;
	}
	switch (rnd_below(4)) {
	case 0: w.need = 0; break;
	case 1: w.need = h->r.cap + 1 + rnd_below(h->r.cap); break;
	case 2: w.need = ~0ULL; break;
	default: w.need = rnd_below(2 * h->r.cap); break;
	}
	w.flags = rnd_below(2);
	w.seq = chance(50) ? myipc_read_once(&h->r.peer->wake_seq) : (uint32_t)rnd();
	/* an endless wait is ended by SIGALRM (EINTR) */
	alarm_us(1000 + rnd_below(30000));
	ret = ioctl(h->r.fd, MYIPC_IOC_WAIT, &w);
	e = errno;
	alarm_us(0);
	if (!wait_result_ok(ret, e))
		note_fail("hostile: WAIT(need %llu, timeout %lld, flags %u) returned %ld (%s)",
			  (unsigned long long)w.need, (long long)w.timeout_ns,
			  w.flags, ret, ret < 0 ? strerror(e) : "bad bits");
	if (w.timeout_ns <= 0 || w.timeout_ns == INT64_MAX)
		COUNT(wait, timeout_odd);
	else
		COUNT(wait, need_odd);
}

/* MYIPC_IOC_WAKE with bad values and pointers; a few other ioctls. */
static void odd_wake(struct hostile *h)
{
	uint32_t v;
	long ret;

	switch (rnd_below(5)) {
	case 0:
		v = 2 + (uint32_t)rnd_below(UINT32_MAX - 2);
		ret = ioctl(h->r.fd, MYIPC_IOC_WAKE, &v);
		expect_errno("WAKE with a bad value", ret, errno, EINVAL);
		COUNT(wake, bad_value);
		break;
	case 1:
		ret = ioctl(h->r.fd, MYIPC_IOC_WAKE, bad_pointer());
		expect_errno("WAKE with a bad pointer", ret, errno, EFAULT);
		COUNT(wake, bad_ptr);
		break;
	case 2:
		v = MYIPC_WAKE_PEER;	/* unasked: costs the peer a look */
		if (ioctl(h->r.fd, MYIPC_IOC_WAKE, &v))
			note_fail("hostile: WAKE_PEER: %s", strerror(errno));
		COUNT(wake, peer);
		break;
	case 3:
		v = rnd_below(4);	/* a second role, or an unknown one */
		ret = ioctl(h->r.fd, MYIPC_IOC_SET_ROLE, &v);
		expect_errno("SET_ROLE on a file with a role", ret, errno,
			     v == MYIPC_ROLE_PRODUCER || v == MYIPC_ROLE_CONSUMER ?
			     EBUSY : EINVAL);
		COUNT(misc, role_odd);
		break;
	default: {
		struct myipc_stats st;
		int nread;

		if (ioctl(h->r.fd, MYIPC_IOC_GET_STATS, &st) ||
		    ioctl(h->r.fd, FIONREAD, &nread))
			note_fail("hostile: GET_STATS/FIONREAD: %s", strerror(errno));
		else if (st.capacity != h->r.cap || nread < 0 ||
			 (uint64_t)nread > st.capacity)
			note_fail("hostile: GET_STATS capacity %llu (mapped %llu), FIONREAD %d",
				  (unsigned long long)st.capacity,
				  (unsigned long long)h->r.cap, nread);
		COUNT(misc, ioctl_misc);
		break;
	}
	}
}

/* ---- races: a thread waits in the kernel while the main thread acts ---- */

static void *waiter_main(void *arg)
{
	struct waiter *wt = arg;
	sigset_t alrm;

	/* SIGALRM bounds the main thread's calls; SIGUSR1 kicks this one */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);

	if (wt->kind == 0)
		wt->ret = ioctl(wt->fd, MYIPC_IOC_WAIT, &wt->w);
	else if (wt->kind == 1)
		wt->ret = read(wt->fd, wt->buf, wt->len);
	else
		wt->ret = write(wt->fd, wt->buf, wt->len);
	wt->err = errno;
	flag_set(&wt->done, 1);
	return NULL;
}

static struct waiter *waiter_start(struct hostile *h)
{
	struct waiter *wt = calloc(1, sizeof(*wt));
	static const int64_t timeouts[] = { -1, INT64_MAX, 20 * MSEC_NS,
					    300 * MSEC_NS };

	wt->fd = h->r.fd;
	wt->kind = rnd_below(3);
	wt->w.need = chance(50) ? h->r.cap : 1 + rnd_below(2 * h->r.cap);
	wt->w.timeout_ns = timeouts[rnd_below(4)];
	wt->w.flags = rnd_below(2);
	wt->w.seq = (uint32_t)rnd();
	wt->len = 1 + rnd_below(sizeof(wt->buf));
	memset(wt->buf, 0x3c, sizeof(wt->buf));
	count_add(wt->kind == 0 ? OP_waiter_in_wait :
		  wt->kind == 1 ? OP_waiter_in_read : OP_waiter_in_write, 1);
	if (pthread_create(&wt->th, NULL, waiter_main, wt)) {
		note_fail("hostile: pthread_create failed");
		free(wt);
		return NULL;
	}
	msleep(rnd_below(4));	/* let it get into the kernel, or not */
	return wt;
}

/*
 * Interrupt the waiter (SIGUSR1, no SA_RESTART) until it has returned,
 * then check its answer. A waiter stuck in the kernel keeps the hostile
 * end from ending: the leader reports where it hangs.
 */
static void waiter_stop(struct waiter *wt)
{
	if (!wt)
		return;
	while (!flag_get(&wt->done)) {
		pthread_kill(wt->th, SIGUSR1);
		msleep(5);
	}
	pthread_join(wt->th, NULL);
	if (wt->kind == 0 && !wait_result_ok(wt->ret, wt->err) &&
	    !(wt->ret < 0 && wt->err == EBADF))
		note_fail("hostile: WAIT (racing) returned %ld (%s)", wt->ret,
			  strerror(wt->err));
	if (wt->kind != 0 && wt->ret < 0 && wt->err != EINTR && wt->err != EIO &&
	    wt->err != EPIPE && wt->err != EBUSY && wt->err != EBADF &&
	    wt->err != EAGAIN)
		note_fail("hostile: %s on the role file (racing): %s",
			  wt->kind == 1 ? "read" : "write", strerror(wt->err));
	free(wt);
}

static void extra_add(struct hostile *h, void *p, size_t len)
{
	if (h->n_extra == MAX_EXTRA) {
		munmap(h->extra[0].p, h->extra[0].len);
		memmove(&h->extra[0], &h->extra[1],
			(MAX_EXTRA - 1) * sizeof(h->extra[0]));
		h->n_extra--;
	}
	h->extra[h->n_extra].p = p;
	h->extra[h->n_extra].len = len;
	h->n_extra++;
}

static void extras_unmap(struct hostile *h)
{
	while (h->n_extra > 0) {
		h->n_extra--;
		munmap(h->extra[h->n_extra].p, h->extra[h->n_extra].len);
	}
}

/* A layout region: start and length for capacity @cap. */
static void pick_region(uint64_t cap, size_t *off, size_t *len)
{
	const size_t P = PAGE, D = MYIPC_RING_DATA_OFFSET;

	switch (rnd_below(7)) {
	case 0: *off = 0; *len = P; break;
	case 1: *off = P; *len = P; break;
	case 2: *off = 2 * P; *len = P; break;
	case 3: *off = D; *len = cap; break;
	case 4: *off = D + cap; *len = cap; break;
	case 5: *off = 0; *len = D; break;
	default: *off = 0; *len = MYIPC_RING_MAP_SIZE(cap); break;
	}
}

/* Would this role's mapping of [off, off + len) be writable? */
static bool region_writable(uint32_t role, size_t off, size_t len)
{
	const size_t P = PAGE, D = MYIPC_RING_DATA_OFFSET;

	if (role == MYIPC_ROLE_PRODUCER)
		return (off == P && len == P) || off >= D;
	return off == 2 * P && len == P;
}

/*
 * Does [off, off + len) start and end on region boundaries of the layout
 * (uapi/myipc.h)? Starts are checked by pick_region's choices.
 */
static bool region_ends_ok(uint64_t cap, size_t off, size_t len)
{
	size_t end = off + len, D = MYIPC_RING_DATA_OFFSET;

	return end <= D || end == D + cap || end == D + 2 * cap;
}

/* An extra mapping of a region: every refusal must be the documented one. */
static void race_mmap(struct hostile *h)
{
	size_t off, len;
	int prot = chance(50) ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = chance(10) ? MAP_PRIVATE : MAP_SHARED;
	int want = 0;
	void *p;

	pick_region(h->r.cap, &off, &len);
	if (chance(10))	/* one page more: maybe off the layout's boundaries */
		len += PAGE;
	if (flags == MAP_PRIVATE || !region_ends_ok(h->r.cap, off, len))
		want = EINVAL;
	else if ((prot & PROT_WRITE) && !region_writable(h->r.role, off, len))
		want = EACCES;
	p = mmap(NULL, len, prot, flags, h->r.fd, (off_t)off);
	if (p != MAP_FAILED) {
		extra_add(h, p, len);
		if (want)
			note_fail("hostile: mmap(off %#zx, len %#zx, prot %d, %s) succeeded, expected %s",
				  off, len, prot, flags == MAP_PRIVATE ? "private" : "shared",
				  strerror(want));
	} else if (errno != want) {
		note_fail("hostile: mmap(off %#zx, len %#zx, prot %d, %s): %s, expected %s",
			  off, len, prot, flags == MAP_PRIVATE ? "private" : "shared",
			  strerror(errno), want ? strerror(want) : "success");
	}
	COUNT(race, mmap);
}

/* mprotect pieces of the main mapping: lifting read-only must fail. */
static void race_mprotect(struct hostile *h)
{
	struct myipc_ring *r = &h->r;
	bool prod = ring_is_producer(r);
	uint8_t *own = (uint8_t *)r->own;
	long ret;

	COUNT(race, mprotect);
	switch (rnd_below(4)) {
	case 0:
		ret = mprotect(r->base, PAGE, PROT_READ | PROT_WRITE);
		expect_errno("mprotect(header page, RW)", ret, errno, EACCES);
		break;
	case 1:
		ret = mprotect(prod ? r->base + MYIPC_RING_CONSUMER_OFFSET
				    : r->base + MYIPC_RING_PRODUCER_OFFSET,
			       PAGE, PROT_READ | PROT_WRITE);
		expect_errno("mprotect(the peer's page, RW)", ret, errno, EACCES);
		break;
	case 2:
		if (prod) {
			if (mprotect(r->data, 2 * r->cap, PROT_READ) ||
			    mprotect(r->data, 2 * r->cap, PROT_READ | PROT_WRITE))
				goto broken;
		} else {
			ret = mprotect(r->data, r->cap, PROT_READ | PROT_WRITE);
			expect_errno("mprotect(data, RW) as consumer", ret, errno,
				     EACCES);
		}
		break;
	default:
		/* our own page away and back: it stays writable */
		if (mprotect(own, PAGE, rnd_below(2) ? PROT_NONE : PROT_READ) ||
		    mprotect(own, PAGE, PROT_READ | PROT_WRITE))
			goto broken;
		break;
	}
	return;
broken:
	note_fail("hostile: mprotect of a writable region and back: %s",
		  strerror(errno));
	ring_unmap(r);
	h->mapped = false;
}

/* mremap an extra mapping: move it, shrink it; growing must fail. */
static void race_mremap(struct hostile *h)
{
	void *p, *q, *spot;
	size_t len;

	COUNT(race, mremap);
	if (!h->n_extra) {
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, h->r.fd, 0);
		if (p == MAP_FAILED) {
			note_fail("hostile: mmap of the header page: %s", strerror(errno));
			return;
		}
		extra_add(h, p, PAGE);
	}
	p = h->extra[h->n_extra - 1].p;
	len = h->extra[h->n_extra - 1].len;
	switch (rnd_below(3)) {
	case 0:
		q = mremap(p, len, len + PAGE, MREMAP_MAYMOVE);
		if (q != MAP_FAILED) {
			note_fail("hostile: mremap grew a ring mapping (VM_DONTEXPAND)");
			h->extra[h->n_extra - 1].p = q;
			h->extra[h->n_extra - 1].len = len + PAGE;
		}
		break;
	case 1:
		spot = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (spot == MAP_FAILED)
			break;
		q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, spot);
		if (q == MAP_FAILED)
			munmap(spot, len);
		else
			h->extra[h->n_extra - 1].p = q;
		break;
	default:
		if (len > PAGE && mremap(p, len, PAGE, 0) != MAP_FAILED)
			h->extra[h->n_extra - 1].len = PAGE;
		break;
	}
}

/*
 * A child that shares the mappings (the VMAs' ->open) and the role file:
 * it scribbles the non-index words, waits a little, maybe unmaps, exits.
 */
static void race_fork(struct hostile *h)
{
	pid_t pid;

	COUNT(race, fork);
	pid = fork();
	if (pid < 0) {
		note_fail("hostile: fork: %s", strerror(errno));
		return;
	}
	if (pid) {
		h->kids++;
		return;
	}
	for (int i = rnd_below(4); i > 0; i--) {
		struct myipc_wait w = { .need = 1, .timeout_ns =
					(int64_t)rnd_below(10 * MSEC_NS) };

		if (h->mapped) {
			myipc_write_once(&h->r.own->sleeping, (uint32_t)rnd());
			myipc_write_once(&h->r.own->wake_seq, (uint32_t)rnd());
			if (chance(30))
				myipc_write_once(&h->r.own->state, (uint32_t)rnd_below(4));
		}
		ioctl(h->r.fd, MYIPC_IOC_WAIT, &w);
		if (h->mapped && chance(20))
			munmap(h->r.data, h->r.cap);
	}
	if (chance(50))
		msleep(rnd_below(50));
	_exit(0);
}

/*
 * vmsplice ring pages into a pipe (they stay referenced by the pipe),
 * maybe unmap them, then drain the pipe into the ring (producer: splice
 * to the role file) or into a buffer; or vmsplice from a pipe into our
 * data pages (producer: allowed; consumer: read-only, EFAULT).
 */
static void race_vmsplice(struct hostile *h)
{
	struct myipc_ring *r = &h->r;
	bool prod = ring_is_producer(r), unmapped = false;
	size_t len = PAGE * (1 + rnd_below(8));
	struct iovec iov;
	uint8_t buf[8 * PAGE];
	int p[2];
	ssize_t n;

	COUNT(race, vmsplice);
	if (len > r->cap)
		len = r->cap;
	if (pipe2(p, O_NONBLOCK))
		return;
	iov.iov_base = chance(30) ? (void *)r->own : r->data + PAGE * rnd_below(r->cap / PAGE);
	iov.iov_len = iov.iov_base == (void *)r->own ? PAGE : len;
	if (chance(30)) {
		/* pipe -> our pages */
		memset(buf, 0x77, sizeof(buf));
		n = write(p[1], buf, iov.iov_len);
		iov.iov_base = r->data;
		n = vmsplice(p[0], &iov, 1, 0);
		if (!prod && n >= 0)
			note_fail("hostile: vmsplice into the consumer's read-only data succeeded");
		goto out;
	}
	n = vmsplice(p[1], &iov, 1, chance(30) ? SPLICE_F_GIFT : 0);
	if (n < 0)
		note_fail("hostile: vmsplice of ring pages: %s", strerror(errno));
	if (n > 0 && chance(50)) {
		munmap(r->data, 2 * r->cap);
		unmapped = true;
	}
	if (n > 0 && prod) {
		/* a blocking write path: a full ring is ended by SIGALRM */
		alarm_us(50000);
		splice(p[0], NULL, r->fd, NULL, n, SPLICE_F_NONBLOCK);
		alarm_us(0);
	} else if (n > 0)
		n = read(p[0], buf, sizeof(buf));
out:
	close(p[0]);
	close(p[1]);
	if (unmapped && ring_map_piece(r, MYIPC_RING_DATA_OFFSET, 2 * r->cap)) {
		note_fail("hostile: mapping the data again: %s", strerror(errno));
		ring_unmap(r);
		h->mapped = false;
	}
}

/* MYIPC_IOC_SET_SIZE while mapped (EBUSY), with bad values, or unmapped. */
static void race_set_size(struct hostile *h)
{
	uint64_t want;
	long ret;

	COUNT(race, set_size);
	switch (rnd_below(4)) {
	case 0:
		want = chance(50) ? ~0ULL : MYIPC_MAX_SIZE + 1 + rnd_below(1 << 20);
		ret = ioctl(h->r.fd, MYIPC_IOC_SET_SIZE, &want);
		expect_errno("SET_SIZE beyond MYIPC_MAX_SIZE", ret, errno, EINVAL);
		break;
	case 1:
		ret = ioctl(h->r.fd, MYIPC_IOC_SET_SIZE, bad_pointer());
		expect_errno("SET_SIZE with a bad pointer", ret, errno, EFAULT);
		break;
	case 2:
		/* any size, the current one and 0 (one page) included */
		switch (rnd_below(3)) {
		case 0: want = h->r.cap; break;
		case 1: want = 0; break;
		default: want = PAGE << rnd_below(6); break;
		}
		ret = ioctl(h->r.fd, MYIPC_IOC_SET_SIZE, &want);
		if (!(ret == -1 && (errno == EBUSY || errno == ENOMEM)))
			note_fail("hostile: SET_SIZE(%llu) while mapped: %ld (%s), expected EBUSY",
				  (unsigned long long)want, ret,
				  ret ? strerror(errno) : "success");
		break;
	default:
		/* everything of ours unmapped: it may succeed (copy victim) */
		ring_unmap(&h->r);
		extras_unmap(h);
		want = chance(10) ? 0 : PAGE << rnd_below(6);
		ret = ioctl(h->r.fd, MYIPC_IOC_SET_SIZE, &want);
		if (ret && errno != EBUSY && errno != ENOMEM && errno != EIO)
			note_fail("hostile: SET_SIZE unmapped: %s", strerror(errno));
		if (ring_map(&h->r)) {
			if (errno != EAGAIN)
				note_fail("hostile: mapping again after SET_SIZE: %s",
					  strerror(errno));
			h->mapped = false;
		}
		break;
	}
}

/* Unmap all or part of the main mapping, then map it all again. */
static void race_munmap(struct hostile *h)
{
	struct myipc_ring *r = &h->r;

	COUNT(race, munmap);
	switch (rnd_below(3)) {
	case 0: munmap(r->base, r->map_len); r->base = NULL; break;
	case 1: munmap(r->data, 2 * r->cap); break;
	default: munmap(r->own, PAGE); break;
	}
	msleep(rnd_below(3));
	ring_unmap(r);
	extras_unmap(h);
	if (ring_map(r)) {
		if (errno != EAGAIN)
			note_fail("hostile: mapping again after munmap: %s",
				  strerror(errno));
		h->mapped = false;
	}
}

/*
 * madvise(MADV_DONTNEED) on pieces of the main mapping: the next touch
 * must find the same ring page (the header, which only the kernel
 * writes, still says MIPC).
 */
static void race_madvise(struct hostile *h)
{
	struct myipc_ring *r = &h->r;

	COUNT(race, madvise);
	switch (rnd_below(3)) {
	case 0: madvise(r->base, PAGE, MADV_DONTNEED); break;
	case 1: madvise(r->own, PAGE, MADV_DONTNEED); break;
	default: madvise(r->data, 2 * r->cap, MADV_DONTNEED); break;
	}
	if (madvise(r->base, r->map_len, MADV_DONTNEED))
		note_fail("hostile: madvise(MADV_DONTNEED) of the ring: %s",
			  strerror(errno));
	if (myipc_load_acquire(&r->hdr->magic) != MYIPC_RING_MAGIC ||
	    myipc_load_acquire(&r->hdr->capacity) != r->cap)
		note_fail("hostile: after MADV_DONTNEED the header says magic %#x, capacity %llu",
			  r->hdr->magic, (unsigned long long)r->hdr->capacity);
}

/* One race: a waiter in the kernel, one of the operations meanwhile. */
static void race(struct hostile *h)
{
	struct waiter *wt = waiter_start(h);

	switch (rnd_below(9)) {
	case 0: race_mmap(h); break;
	case 1: race_mprotect(h); break;
	case 2: race_mremap(h); break;
	case 3: race_fork(h); break;
	case 4: race_vmsplice(h); break;
	case 5: race_set_size(h); break;
	case 6: race_munmap(h); break;
	case 7: race_madvise(h); break;
	default:
		/* the role file closed under the waiter: this session ends */
		COUNT(race, close);
		close(h->r.fd);
		h->fd_open = false;
		h->session_over = true;
		break;
	}
	msleep(rnd_below(3));
	waiter_stop(wt);
}

/* One random step of the hostile end. */
static void hostile_step(struct hostile *h)
{
	unsigned int pick = rnd_below(100);

	/* a mild round keeps one corruption in twenty: the ring lives longer */
	if (h->mild && pick >= 50 && pick < 66 && !chance(5))
		pick = 0;
	if (pick < 50)
		traffic(h);
	else if (pick < 58)
		scribble(h, false);
	else if (pick < 63)
		scribble(h, true);
	else if (pick < 66)
		stepback_wait(h);
	else if (pick < 76)
		odd_wait(h);
	else if (pick < 81)
		odd_wake(h);
	else if (pick < 89)
		race(h);
	else if (pick < 94)
		msleep(rnd_below(4));
	else if (chance(50))
		h->session_over = true;	/* end this session early */
	else
		traffic(h);
}

/*
 * One session: open, take the role (EBUSY while an old file of ours is
 * still held, e.g. by a forked child), map, steps, unmap, close.
 */
static void hostile_session(struct hostile *h, uint32_t role)
{
	double session_end = tnow() + 0.05 + rnd_below(800) / 1000.0;
	double busy_end = tnow() + 5;

	memset(&h->r, 0, sizeof(h->r));
	h->session_over = false;
	while (ring_open_role(&h->r, opt.dev, role)) {
		if (errno == EBUSY && tnow() > h->round_end) {
			h->session_over = true;	/* the round is over anyway */
			return;
		}
		if (errno != EBUSY || tnow() > busy_end) {
			note_fail("hostile: open/SET_ROLE %s: %s", hrole_name(role),
				  strerror(errno));
			h->session_over = true;
			return;
		}
		reap_kids(h, false);
		msleep(5);
	}
	h->fd_open = true;
	h->mapped = !ring_map(&h->r);
	if (!h->mapped && errno != EAGAIN)
		note_fail("hostile: mapping the ring: %s", strerror(errno));
	while (h->mapped && !h->session_over && tnow() < session_end &&
	       tnow() < h->round_end) {
		hostile_step(h);
		reap_kids(h, false);
	}
	extras_unmap(h);
	ring_unmap(&h->r);
	if (h->fd_open)
		close(h->r.fd);
	h->fd_open = false;
}

static int hostile_main(uint32_t role, double round_end, bool mild)
{
	struct hostile h;

	memset(&h, 0, sizeof(h));
	h.round_end = round_end;
	h.mild = mild;
	install_kick_handlers();
	while (tnow() < round_end)
		hostile_session(&h, role);
	reap_kids(&h, true);
	return 0;
}

/* ---- a round ---- */

enum victim_kind { V_COPY_BLOCKING, V_COPY_POLL, V_MAPPED, N_VICTIM_KINDS };

static const char *const victim_names[] = {
	"blocking copy", "polling copy", "mapped"
};

struct round_plan {
	int no;
	uint32_t hrole;
	enum victim_kind victim;
	double secs;		/* the hostile end's time */
	double kill_at;		/* SIGKILL the hostile end then (< 0: never) */
	bool hostile_first;
	bool mild;		/* the hostile end corrupts rarely */
};

static pid_t spawn_victim(const struct round_plan *rp)
{
	pid_t pid = fork_flushed();

	if (pid)
		return pid;
	rnd_seed(2, rp->no);
	switch (rp->victim) {
	case V_COPY_BLOCKING: _exit(victim_copy(rp->hrole, false));
	case V_COPY_POLL: _exit(victim_copy(rp->hrole, true));
	default: _exit(victim_mapped(rp->hrole));
	}
}

static pid_t spawn_hostile(const struct round_plan *rp, double round_end)
{
	pid_t pid = fork_flushed();

	if (pid)
		return pid;
	rnd_seed(1, rp->no);
	_exit(hostile_main(rp->hrole, round_end, rp->mild));
}

/*
 * The round leader (own process group): start both ends, kill the
 * hostile one if planned, then give the victim opt.grace seconds to
 * finish after the hostile end is gone.
 */
static void round_leader(const struct round_plan *rp)
{
	double t0 = tnow(), end = t0 + rp->secs;
	bool killed = false;
	pid_t v = -1, hpid;
	int st = 0;

	flag_set(&S->round_stop, 0);
	if (!rp->hostile_first)
		v = spawn_victim(rp);
	hpid = spawn_hostile(rp, end);
	if (rp->hostile_first) {
		msleep(rnd_below(20));
		v = spawn_victim(rp);
	}
	for (;;) {
		pid_t r = waitpid(hpid, &st, WNOHANG);

		if (r == hpid)
			break;
		if (rp->kill_at >= 0 && !killed && tnow() >= t0 + rp->kill_at) {
			kill(hpid, SIGKILL);
			killed = true;
			COUNT(round, kills);
		}
		if (tnow() > end + opt.grace) {
			note_fail("the hostile end still runs %.0f s after its round: %s",
				  opt.grace, proc_where(hpid));
			kill(hpid, SIGKILL);
			killed = true;
			waitpid(hpid, &st, 0);
			break;
		}
		msleep(5);
	}
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
	    !(killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
		note_fail("the hostile end ended with %s", status_text(st));
	flag_set(&S->round_stop, 1);
	if (!wait_bounded(v, opt.grace, &st)) {
		note_fail("the victim (%s) still runs %.0f s after the hostile end was gone: %s",
			  victim_names[rp->victim], opt.grace, proc_where(v));
		kill(v, SIGKILL);
		waitpid(v, &st, 0);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		note_fail("the victim ended with %s", status_text(st));
	}
	_exit(0);
}

/* Processes of group @pgid still alive (listed into @buf). */
static int group_members(pid_t pgid, char *buf, size_t len)
{
	DIR *dir = opendir("/proc");
	struct dirent *d;
	int n = 0;
	size_t used = 0;

	buf[0] = 0;
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char path[300], stat[512], *p;
		int pid = atoi(d->d_name), pg;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_text(path, stat, sizeof(stat)) <= 0)
			continue;
		p = strrchr(stat, ')');
		/* ") S ppid pgrp" */
		if (!p || sscanf(p + 2, "%*c %*d %d", &pg) != 1 || pg != pgid)
			continue;
		n++;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%d (%s) ", pid, proc_where(pid));
	}
	closedir(dir);
	return n;
}

/* Wait until no process of group @pgid exists (reaping orphans). */
static void check_group_gone(pid_t pgid)
{
	double end = tnow() + 10;
	char who[NOTE_LEN];
	int st = 0;

	for (;;) {
		while (waitpid(-pgid, &st, WNOHANG) > 0)
			;
		if (kill(-pgid, 0) && errno == ESRCH)
			return;
		if (tnow() > end)
			break;
		msleep(10);
	}
	if (group_members(pgid, who, sizeof(who)))
		note_fail("process(es) of the round left behind: %s", who);
	kill(-pgid, SIGKILL);
	while (waitpid(-pgid, &st, 0) > 0)
		;
}

static long sysfs_long(const char *name)
{
	char path[200], buf[64];

	snprintf(path, sizeof(path), "%s/%s", opt.sysfs_dir, name);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	return atol(buf);
}

/*
 * After the round: no end open, the capacity back to the default, and a
 * clean write/read round trip.
 */
static void check_device_works(void)
{
	double end = tnow() + 5;
	uint8_t out[4096], in[4096];
	uint64_t cap = 0;
	long r, w;
	int fd;

	for (;;) {
		r = sysfs_long("readers");
		w = sysfs_long("writers");
		if (!r && !w)
			break;
		if (tnow() > end) {
			note_fail("ends still open after the round: readers %ld, writers %ld",
				  r, w);
			return;
		}
		msleep(10);
	}
	fd = open(opt.dev, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		note_fail("open %s after the round: %s", opt.dev, strerror(errno));
		return;
	}
	if (ioctl(fd, MYIPC_IOC_GET_SIZE, &cap) || cap != opt.default_cap)
		note_fail("capacity after the round %llu, expected the default %llu",
			  (unsigned long long)cap, (unsigned long long)opt.default_cap);
	pat_fill(out, 12345, sizeof(out));
	if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
		note_fail("round trip after the round: write: %s", strerror(errno));
	else if (read(fd, in, sizeof(in)) != (ssize_t)sizeof(in) ||
		 memcmp(in, out, sizeof(in)))
		note_fail("round trip after the round: read back failed (%s)",
			  strerror(errno));
	close(fd);
}

static int tap_no, passed, failed;

static void tap_notes(const struct notes *ns)
{
	int n = ns->n < MAX_NOTES ? ns->n : MAX_NOTES;

	for (int i = 0; i < n; i++)
		printf("# %s\n", ns->msg[i]);
	if (ns->n > MAX_NOTES)
		printf("# ... and %d more\n", ns->n - MAX_NOTES);
}

static void tap_result(bool ok, const char *name)
{
	tap_no++;
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tap_no, name);
	fflush(stdout);
}

static const char *sync_mode(void)
{
	static char buf[32];

	if (read_text(opt.sync_file, buf, sizeof(buf)) < 0)
		return "?";
	return buf;
}

static void run_round(const struct round_plan *rp)
{
	char name[256];
	double budget = rp->secs + 2 * opt.grace + 30;
	pid_t leader;
	int st = 0;

	memset(&S->round, 0, sizeof(S->round));
	COUNT(round, rounds);
	snprintf(name, sizeof(name), "round %d: %shostile %s vs %s %s, %.1f s",
		 rp->no, rp->mild ? "mildly " : "", hrole_name(rp->hrole),
		 victim_names[rp->victim],
		 rp->hrole == MYIPC_ROLE_PRODUCER ? "consumer" : "producer",
		 rp->secs);
	if (rp->kill_at >= 0)
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 ", SIGKILL at %.2f s", rp->kill_at);
	snprintf(name + strlen(name), sizeof(name) - strlen(name), ", sync=%s",
		 sync_mode());
	leader = fork_flushed();
	if (!leader) {
		setpgid(0, 0);
		rnd_seed(3, rp->no);
		round_leader(rp);
	}
	setpgid(leader, leader);
	if (!wait_bounded(leader, budget, &st))
		note_fail("the round leader still runs after %.0f s: %s", budget,
			  proc_where(leader));
	check_group_gone(leader);
	check_device_works();
	tap_notes(&S->round);
	tap_result(S->round.n == 0, name);
}

/* Switch --dev's sync mode; EBUSY only while an end is open (retry). */
static void switch_sync(void)
{
	const char *to = strcmp(sync_mode(), "spsc") ? "spsc" : "mutex";
	double end = tnow() + 3;
	char name[96];
	int err = 0;

	memset(&S->round, 0, sizeof(S->round));
	for (;;) {
		int fd = open(opt.sync_file, O_WRONLY);

		err = 0;
		if (fd < 0 || write(fd, to, strlen(to)) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		if (err != EBUSY || tnow() > end)
			break;
		msleep(20);
	}
	if (err)
		note_fail("writing '%s' to %s: %s", to, opt.sync_file, strerror(err));
	else if (strcmp(sync_mode(), to))
		note_fail("%s says %s after writing %s", opt.sync_file, sync_mode(), to);
	else
		COUNT(round, sync_switches);
	snprintf(name, sizeof(name), "sync switched to %s", to);
	tap_notes(&S->round);
	tap_result(S->round.n == 0, name);
}

/*
 * The hostile role and the victim kind go round all six pairs (from a
 * random start), so that every run covers each of them.
 */
static void plan_round(struct round_plan *rp, int no, double left)
{
	static unsigned int first = ~0U;
	unsigned int pair;

	if (first == ~0U)
		first = rnd_below(2 * N_VICTIM_KINDS);
	pair = (first + no - 1) % (2 * N_VICTIM_KINDS);
	memset(rp, 0, sizeof(*rp));
	rp->no = no;
	rp->hrole = pair % 2 ? MYIPC_ROLE_PRODUCER : MYIPC_ROLE_CONSUMER;
	rp->victim = pair / 2;
	rp->secs = 0.5 + rnd_below(2500) / 1000.0;
	if (rp->secs > left)
		rp->secs = left > 0.3 ? left : 0.3;
	rp->kill_at = chance(35) ? rp->secs * rnd_below(1000) / 1000.0 : -1;
	rp->hostile_first = chance(50);
	rp->mild = chance(30);
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz --dev /dev/myipcN --dev2 /dev/myipcM [--seconds N] [--seed S] [--grace N]\n"
		"  --seconds N  fuzz for N seconds (default 60; a soak: --seconds 600)\n"
		"  --seed S     replay the plan of an earlier run (printed as 'fuzz: seed S')\n"
		"  --grace N    a victim still running N s after its hostile end is gone\n"
		"               fails the round (default 15)\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "dev2", required_argument, NULL, 'D' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "grace", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool seeded = false;
	const char *base;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': opt.dev = optarg; break;
		case 'D': opt.dev2 = optarg; break;
		case 's': opt.seconds = atof(optarg); break;
		case 'S': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'g': opt.grace = atof(optarg); break;
		default: usage();
		}
	}
	if (!opt.dev || !opt.dev2 || optind != argc || opt.seconds <= 0)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = mix64(ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 20) ^ getpid()) >> 16;
	}
	base = strrchr(opt.dev, '/');
	base = base ? base + 1 : opt.dev;
	snprintf(opt.sysfs_dir, sizeof(opt.sysfs_dir), "/sys/class/myipc/%s", base);
	snprintf(opt.sync_file, sizeof(opt.sync_file), "%s/sync", opt.sysfs_dir);
}

static void print_counts(void)
{
	const char *cat = NULL;

	for (int i = 0; i < N_OPS; i++) {
		if (!cat || strcmp(cat, op_cat[i])) {
			if (cat)
				printf("\n");
			cat = op_cat[i];
			printf("# counts %s:", cat);
		}
		printf(" %s=%llu", op_name[i], (unsigned long long)S->count[i]);
	}
	printf("\n");
}

/* The device's capacity after the last close (the buf_size default). */
static int default_capacity(void)
{
	int fd = open(opt.dev, O_RDWR | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, MYIPC_IOC_GET_SIZE, &opt.default_cap)) {
		fprintf(stderr, "fuzz: %s: %s\n", opt.dev, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Stop the stream, then its verdict as one TAP line. */
static void finish_stream(pid_t mgr)
{
	char name[160];
	int st = 0;

	flag_set(&S->stream_stop, 1);
	if (!wait_bounded(mgr, 150, &st)) {
		stream_fail("the stream manager still runs 150 s after being told to stop: %s",
			    proc_where(mgr));
		kill(-mgr, SIGKILL);
	}
	while (waitpid(-mgr, &st, WNOHANG) > 0)
		;
	if (!S->count[OP_stream_segments])
		stream_fail("the stream on %s finished no segment", opt.dev2);
	snprintf(name, sizeof(name),
		 "checked stream on %s: %llu bytes in %llu segments, complete and in order",
		 opt.dev2, (unsigned long long)S->stream_verified,
		 (unsigned long long)S->count[OP_stream_segments]);
	tap_notes(&S->stream);
	tap_result(S->stream.n == 0, name);
}

int main(int argc, char **argv)
{
	double start, deadline;
	pid_t mgr;
	int no = 0, st = 0;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("fuzz: seed %llu\n", (unsigned long long)opt.seed);
	printf("# %s fuzzed for %.0f s, checked stream on %s, grace %.0f s\n",
	       opt.dev, opt.seconds, opt.dev2, opt.grace);
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S == MAP_FAILED || default_capacity())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	/* orphans of the rounds (a killed hostile end's children) come to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rnd_seed(0, 0);

	mgr = fork_flushed();
	if (!mgr) {
		setpgid(0, 0);
		stream_manager();
	}
	setpgid(mgr, mgr);

	start = tnow();
	deadline = start + opt.seconds;
	while (tnow() < deadline - 0.3) {
		struct round_plan rp;

		if (no > 0 && chance(40))
			switch_sync();
		plan_round(&rp, ++no, deadline - tnow());
		run_round(&rp);
	}
	finish_stream(mgr);

	/* nothing of ours may be left */
	memset(&S->round, 0, sizeof(S->round));
	{
		double end = tnow() + 10;

		while (waitpid(-1, &st, WNOHANG) >= 0 && tnow() < end)
			msleep(10);
		if (waitpid(-1, &st, WNOHANG) >= 0 || errno != ECHILD)
			note_fail("child processes still exist at the end");
	}
	tap_notes(&S->round);
	tap_result(S->round.n == 0, "no process left behind");
	printf("1..%d\n", tap_no);
	print_counts();
	printf("fuzz: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
