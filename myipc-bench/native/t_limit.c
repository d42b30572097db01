// SPDX-License-Identifier: GPL-2.0
/*
 * The run's limits, measured like transports but not channels of the
 * library: the ceiling (throughput through plain shared memory, which no
 * transport can beat) and the cacheline (the floor of a spinning RTT).
 */
#include "transport.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "myipc_ring.h"

/* ---- the ceiling: slots and flags in shared memory ---------------------- */

/*
 * Chunk-sized slots, one flag per slot on its own cache line. A flag says
 * full or empty, and whether the side waiting for it to change sleeps on
 * it (so the other side wakes it).
 */
enum { SLOT_EMPTY, SLOT_FULL, SLOT_EMPTY_SLEEPER, SLOT_FULL_SLEEPER };

struct ceil {
	uint8_t *data;
	uint8_t *flags;		/* flag i at flags + 64 * i */
	size_t nslots, slot;
	uint64_t next;		/* this side's next slot (each process has its copy) */
};

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	/* not FUTEX_PRIVATE: the two processes share the mapping */
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static uint32_t *ceil_flag(struct ceil *ce)
{
	return (uint32_t *)(ce->flags + 64 * (ce->next % ce->nslots));
}

static uint8_t *ceil_slot(struct ceil *ce)
{
	return ce->data + (ce->next % ce->nslots) * ce->slot;
}

/*
 * Wait until the flag of our next slot says full (reader) or empty
 * (writer): HYBRID_SPINS polls, HYBRID_YIELDS yields, then mark the flag
 * "sleeper" and FUTEX_WAIT on it; the other side's exchange sees the mark
 * and wakes us. The bounded sleep notices a vanished peer.
 */
static int ceil_wait(struct ceil *ce, int full)
{
	const struct timespec tmo = { 0, 50 * 1000 * 1000 };
	uint32_t *f = ceil_flag(ce);
	uint32_t idle = full ? SLOT_EMPTY : SLOT_FULL;
	uint32_t sleeper = full ? SLOT_EMPTY_SLEEPER : SLOT_FULL_SLEEPER;

	for (long n = 0;; n++) {
		uint32_t v = __atomic_load_n(f, __ATOMIC_ACQUIRE);

		if (v != idle && v != sleeper)
			return 0;
		if (n < HYBRID_SPINS) {
			if (opt->same_core)
				sched_yield();
			else
				myipc_cpu_relax();
			continue;
		}
		if (n < HYBRID_SPINS + HYBRID_YIELDS) {
			sched_yield();
			continue;
		}
		if (v == idle && !__atomic_compare_exchange_n(f, &v, sleeper, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;	/* it changed: look again */
		futex(f, FUTEX_WAIT, sleeper, &tmo);
		if (peer_gone())
			return -EPIPE;
	}
}

/* publish our slot as full (writer) or empty (reader), waking a sleeping peer */
static void ceil_publish(struct ceil *ce, int full)
{
	uint32_t *f = ceil_flag(ce);
	uint32_t old = __atomic_exchange_n(f, full ? SLOT_FULL : SLOT_EMPTY, __ATOMIC_ACQ_REL);

	if (old == (full ? SLOT_EMPTY_SLEEPER : SLOT_FULL_SLEEPER))
		futex(f, FUTEX_WAKE, 1, NULL);
	ce->next++;
}

/* slots of maxmsg (the chunk) bytes covering at least 1 MiB, at least two */
static int ceiling_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	struct ceil *ce = calloc(1, sizeof(*ce));

	(void)err;
	(void)elen;
	if (!ce)
		die("out of memory");
	ce->slot = maxmsg;
	ce->nslots = ((1u << 20) + maxmsg - 1) / maxmsg;
	if (ce->nslots < 2)
		ce->nslots = 2;
	ce->data = mmap(NULL, ce->nslots * maxmsg, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ce->flags = mmap(NULL, ce->nslots * 64, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (ce->data == MAP_FAILED || ce->flags == MAP_FAILED)
		die("mmap ceiling buffer (%zu slots of %zu bytes): %s", ce->nslots, maxmsg, strerror(errno));
	memset(ce->data, 0, ce->nslots * maxmsg);
	memset(ce->flags, 0, ce->nslots * 64);
	c->ceil = ce;
	c->capacity = (long)(ce->nslots * maxmsg);
	return 0;
}

/* the writer fills its next slot in place, once the reader emptied it */
static uint8_t *ceiling_wbuf(struct chan *c, size_t n)
{
	int e = ceil_wait(c->ceil, 0);

	(void)n;
	if (e) {
		errno = -e;
		return NULL;
	}
	return ceil_slot(c->ceil);
}

static int ceiling_send(struct chan *c, const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	ceil_publish(c->ceil, 1);
	return 0;
}

/* the reader reads its next slot in place, once the writer filled it */
static ssize_t ceiling_view(struct chan *c, const uint8_t **p, size_t max)
{
	int e = ceil_wait(c->ceil, 1);

	if (e)
		return e;
	*p = ceil_slot(c->ceil);
	return (ssize_t)(max < c->ceil->slot ? max : c->ceil->slot);
}

static int ceiling_release(struct chan *c, size_t n)
{
	(void)n;
	ceil_publish(c->ceil, 0);
	return 0;
}

static size_t ceiling_max_claim(const struct chan *c)
{
	return c->ceil->slot;
}

static void ceiling_note(const struct transport *t, int wait, char *buf, size_t len)
{
	(void)t;
	(void)wait;
	note_cat(buf, len, "two processes, one flag per chunk-sized slot; its own hybrid wait (spin, yield, futex)");
}

static void ceiling_close(struct chan *c)
{
	struct ceil *ce = c->ceil;

	if (!ce)
		return;
	munmap(ce->data, ce->nslots * ce->slot);
	munmap(ce->flags, ce->nslots * 64);
	free(ce);
}

const struct transport_ops ceiling_ops = {
	.metrics = M_THROUGHPUT,
	.waits = 1u << WAIT_HYBRID,
	.note = ceiling_note,
	.create = ceiling_create,
	.wbuf = ceiling_wbuf,
	.send = ceiling_send,
	.view = ceiling_view,
	.release = ceiling_release,
	.max_claim = ceiling_max_claim,
	.close = ceiling_close,
};

/* ---- the cacheline: one shared line, bounced ----------------------------- */

/*
 * One 32-bit word carries both directions: round trip i stores 2i + 1 and
 * its byte (pinger), then 2i + 2 and the byte it got (ponger), the count
 * above the byte. Each side spins until the count it waits for is there.
 */
static int line_wait(struct chan *c, uint32_t count)
{
	uint32_t *line = c->shm, v;
	unsigned long n = 0;

	while (((v = __atomic_load_n(line, __ATOMIC_ACQUIRE)) >> 8) != (count & 0xffffff)) {
		if (c->yield)
			sched_yield();
		else
			myipc_cpu_relax();
		if ((++n & 0xfffff) == 0 && peer_gone())
			return -EPIPE;
	}
	return v & 0xff;
}

static int cacheline_ping(struct chan *c, uint8_t v)
{
	uint32_t i = c->seq++;

	__atomic_store_n((uint32_t *)c->shm, (2 * i + 1) << 8 | v, __ATOMIC_RELEASE);
	return line_wait(c, 2 * i + 2);
}

static int cacheline_pong(struct chan *c)
{
	uint32_t i = c->seq++;
	int v = line_wait(c, 2 * i + 1);

	if (v >= 0)
		__atomic_store_n((uint32_t *)c->shm, (2 * i + 2) << 8 | (uint32_t)v, __ATOMIC_RELEASE);
	return v;
}

/* the line, in a page of its own shared across fork() */
static int cacheline_create(struct chan *c, size_t maxmsg, char *err, size_t elen)
{
	(void)maxmsg;
	c->shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c->shm == MAP_FAILED) {
		c->shm = NULL;
		snprintf(err, elen, "mmap: %s", strerror(errno));
		return -1;
	}
	c->shm_len = 4096;
	c->capacity = -1;
	return 0;
}

static void cacheline_note(const struct transport *t, int wait, char *buf, size_t len)
{
	(void)t;
	(void)wait;
	if (opt->same_core)
		note_cat(buf, len, "both sides on one core: sched_yield() between polls");
}

static void cacheline_close(struct chan *c)
{
	if (c->shm)
		munmap(c->shm, c->shm_len);
}

const struct transport_ops cacheline_ops = {
	.metrics = M_RTT,
	.waits = 1u << WAIT_SPIN,
	.ping_bytes = 4,
	.note = cacheline_note,
	.create = cacheline_create,
	.ping = cacheline_ping,
	.pong = cacheline_pong,
	.close = cacheline_close,
};
