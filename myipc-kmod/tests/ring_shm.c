// SPDX-License-Identifier: GPL-2.0
/*
 * ring_shm.c - myipc_ring.h over shared memory (no driver): two forked
 * processes stream through myipc_ring_shm_create's ring with the futex
 * waiter under each wait policy, ping-pong (every message a sleep and a
 * wake-up), and see the peer close and die. Runs on the host; TAP output,
 * last line "ring-shm: P passed, F failed".
 *
 *   make -C myipc-kmod/tests && myipc-kmod/tests/build/ring-shm
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "myipc_ring.h"

static int passed, failed, num;

static void report(int ok, const char *what)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++num, what);
	if (ok)
		passed++;
	else
		failed++;
}

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 9));
}

static pid_t peer;

/* the policy's check: the peer process died without closing its end */
static int peer_dead(void *arg)
{
	(void)arg;
	return kill(peer, 0) && errno == ESRCH ? -EPIPE : 0;
}

static void policy(struct myipc_ring_policy *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->slice_ns = 50 * 1000 * 1000;
	if (!strcmp(name, "hybrid")) {
		p->spins = 200;
		p->yields = 20;
		p->sleep = 1;
	} else if (!strcmp(name, "sleep")) {
		p->sleep = 1;
	}
}

/* consumer: read and check every byte until the producer closes; exit status 0 if all came */
static int consume(void *base, const char *pol, uint64_t total)
{
	struct myipc_ring_policy p;
	struct myipc_ring r;
	uint64_t got = 0, a, i;
	const uint8_t *v;
	int ret;

	policy(&p, pol);
	if (myipc_ring_attach(&r, base, MYIPC_ROLE_CONSUMER))
		return 2;
	for (;;) {
		while (!(a = myipc_ring_view(&r, (const void **)&v))) {
			ret = myipc_ring_wait(&r, 1, &p);
			if (ret == -EPIPE)
				goto out;
			if (ret)
				return 3;
		}
		if (a > r.cap)
			return 4;
		for (i = 0; i < a; i++)
			if (v[i] != pat(got + i))
				return 5;
		got += a;
		myipc_ring_release(&r, a);
	}
out:
	myipc_ring_close(&r);
	return got == total ? 0 : 6;
}

static int stream(const char *pol, uint64_t cap, uint64_t total)
{
	struct myipc_ring_policy p;
	struct myipc_ring r;
	uint64_t off = 0, k = 1, n, i;
	void *base;
	uint8_t *w;
	int st, ret;

	if (myipc_ring_shm_create(cap, &base))
		return 0;
	peer = fork();
	if (!peer)
		_exit(consume(base, pol, total));
	policy(&p, pol);
	p.check = peer_dead;
	if (myipc_ring_attach(&r, base, MYIPC_ROLE_PRODUCER))
		return 0;
	while (off < total) {
		n = (k++ * 2654435761u) % cap + 1;
		if (n > total - off)
			n = total - off;
		while (!(w = myipc_ring_claim(&r, n))) {
			ret = myipc_ring_wait(&r, n, &p);
			if (ret)
				return 0;
		}
		for (i = 0; i < n; i++)
			w[i] = pat(off + i);
		myipc_ring_commit(&r, n);
		off += n;
	}
	myipc_ring_close(&r);
	waitpid(peer, &st, 0);
	munmap(base, MYIPC_RING_MAP_SIZE(cap));
	return WIFEXITED(st) && !WEXITSTATUS(st);
}

static int send_byte(struct myipc_ring *r, const struct myipc_ring_policy *p, uint8_t b)
{
	uint8_t *w;

	while (!(w = myipc_ring_claim(r, 1)))
		if (myipc_ring_wait(r, 1, p))
			return -1;
	*w = b;
	return myipc_ring_commit(r, 1);
}

static int recv_byte(struct myipc_ring *r, const struct myipc_ring_policy *p, uint8_t b)
{
	const void *v;

	while (!myipc_ring_view(r, &v))
		if (myipc_ring_wait(r, 1, p))
			return -1;
	if (*(const uint8_t *)v != b)
		return -1;
	return myipc_ring_release(r, 1);
}

/* one byte each way, @count times, under the sleep policy: every message wakes a sleeper */
static int pingpong(long count)
{
	struct myipc_ring_policy p;
	struct myipc_ring out, in;
	void *a, *b;
	int st, child;
	long i;

	if (myipc_ring_shm_create(4096, &a) || myipc_ring_shm_create(4096, &b))
		return 0;
	policy(&p, "sleep");
	peer = fork();
	child = !peer;
	if (myipc_ring_attach(&out, child ? b : a, MYIPC_ROLE_PRODUCER) ||
	    myipc_ring_attach(&in, child ? a : b, MYIPC_ROLE_CONSUMER))
		return 0;
	for (i = 0; i < count; i++) {
		if (child ? recv_byte(&in, &p, (uint8_t)i) || send_byte(&out, &p, (uint8_t)i) :
			    send_byte(&out, &p, (uint8_t)i) || recv_byte(&in, &p, (uint8_t)i)) {
			if (child)
				_exit(1);
			return 0;
		}
	}
	if (child)
		_exit(out.wakes && in.sleeps ? 0 : 2);
	waitpid(peer, &st, 0);
	return WIFEXITED(st) && !WEXITSTATUS(st) && out.wakes && in.sleeps;
}

/* a consumer asleep sees the producer's death through the policy's check */
static int peer_death(void)
{
	struct myipc_ring_policy p;
	struct myipc_ring r;
	void *base;
	int st, ret;

	if (myipc_ring_shm_create(4096, &base))
		return 0;
	peer = fork();
	if (!peer) {
		if (myipc_ring_attach(&r, base, MYIPC_ROLE_PRODUCER))
			_exit(1);
		pause();
		_exit(0);
	}
	policy(&p, "sleep");
	p.check = peer_dead;
	if (myipc_ring_attach(&r, base, MYIPC_ROLE_CONSUMER))
		return 0;
	kill(peer, SIGKILL);
	waitpid(peer, &st, 0);
	ret = myipc_ring_wait(&r, 1, &p);
	return ret == -EPIPE && myipc_read_once(&r.own->sleeping) == 0;
}

static int layout(void)
{
	struct myipc_ring r;
	void *base;
	uint8_t *d;
	int ok;

	if (myipc_ring_shm_create(3000, &base) != -EINVAL || base)
		return 0;
	if (myipc_ring_shm_create(8192, &base))
		return 0;
	/* the data twice: a byte written past the end is the byte at its start */
	d = (uint8_t *)base + MYIPC_RING_DATA_OFFSET;
	d[8192 + 5] = 0xA5;
	/* two addresses the compiler takes for distinct bytes: keep the store before the load */
	__asm__ __volatile__("" ::: "memory");
	ok = d[5] == 0xA5 && !myipc_ring_attach(&r, base, MYIPC_ROLE_PRODUCER) && r.cap == 8192 &&
	     r.own->state == MYIPC_END_OPEN && r.peer->state == MYIPC_END_ABSENT;
	((struct myipc_ring_header *)base)->magic ^= 1;
	ok = ok && myipc_ring_attach(&r, base, MYIPC_ROLE_CONSUMER) == -EPROTO;
	munmap(base, MYIPC_RING_MAP_SIZE(8192));
	return ok;
}

int main(void)
{
	static const char *const pols[] = { "sleep", "hybrid", "spin" };
	char what[96];

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..9\n");
	report(layout(), "shm_create lays out myipc.h's ring, data mapped twice; attach checks the header");
	for (int i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "stream 16 MiB through a 4 KiB ring, %s, every byte checked", pols[i]);
		report(stream(pols[i], 4096, 16 << 20), what);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "stream 64 MiB through a 64 KiB ring, %s, every byte checked", pols[i]);
		report(stream(pols[i], 65536, 64 << 20), what);
	}
	report(pingpong(2000), "ping-pong 2000 round trips, sleep: futex sleeps and wake-ups both ways");
	report(peer_death(), "a sleeping consumer sees the producer's death (policy check), announcement withdrawn");
	printf("ring-shm: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
