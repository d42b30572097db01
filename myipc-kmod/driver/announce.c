// SPDX-License-Identifier: GPL-2.0
/*
 * announce.c - kernel ends announcing their sleeps to an mmap'd peer
 *
 * The kernel half of the wait/wake protocol of uapi/myipc.h: read(2)/
 * write(2) ends and pollers store a number in their side's sleeping word
 * before they wait, so that a mapped peer, which takes no lock and makes
 * no system call while streaming, knows when to call MYIPC_IOC_WAKE.
 * Callers: myipc_sleep() and the .poll/EAGAIN paths in fifo.c.
 */
#include <linux/atomic.h>

#include "myipc_drv.h"

/*
 * Announcements (uapi/myipc.h, wait/wake protocol). An mmap'd peer wakes
 * a kernel end only when the end's page holds a non-zero sleeping number
 * it has not answered yet, and it answers each number once. So:
 *
 *  - every time a kernel end goes to sleep it stores a FRESH number
 *    (never 0): each round of a blocking read(2)/write(2) that finds the
 *    ring not ready (myipc_announce_sleep()), and each .poll (or
 *    O_NONBLOCK EAGAIN, which a poll or epoll wait follows) that finds it
 *    not ready (myipc_announce_poll());
 *  - FULL BARRIER after the store, then the ring is checked again (by the
 *    caller): pairs with the peer's full fence between its index store
 *    and its load of the sleeping word. Either we see the new index, or
 *    the peer sees our number and calls MYIPC_IOC_WAKE, which wakes the
 *    wait queue we are already on (blocking ends queue themselves before
 *    announcing, pollers in poll_wait() before .poll looks);
 *  - a WAKE wakes all pollers but only one exclusive sleeper, so a
 *    sleeper that wakes while others of its kind still sleep stores a
 *    fresh number for them (myipc_announce_wake());
 *  - the word goes back to 0 only when nothing of this side waits: the
 *    last blocking sleeper leaves it to the outstanding poll number (0
 *    if none), and a .poll that finds the side ready clears the poll
 *    number it saw BEFORE it looked at the ring (a poller that announced
 *    after that look keeps its number; one that announced before it was
 *    woken by the publish that made the side ready, and will poll, and so
 *    announce, again). Only compare-and-exchange clears, so a newer number
 *    is never lost. A stale number costs an mmap'd peer one spurious
 *    MYIPC_IOC_WAKE at most.
 */
static u32 myipc_fresh_number(struct myipc_announcer *ann)
{
	u32 n = atomic_inc_return(&ann->last_number);

	if (!n)
		n = atomic_inc_return(&ann->last_number);
	return n;
}

static void myipc_publish_number(struct myipc_ring_side *side, u32 n)
{
	WRITE_ONCE(side->sleeping, n);
	/*
	 * FULL BARRIER: the number before the caller's re-check of the ring;
	 * pairs with the mmap'd peer's fence between its index store and its
	 * load of this word (see above).
	 */
	smp_mb();
}

/*
 * A blocking read(2)/write(2) that found the ring not ready, queued on
 * the wait queue: store a fresh number (the first call of a sleep also
 * counts the sleeper: *@number is 0 then), re-check after this returns.
 */
void myipc_announce_sleep(struct myipc_ring_side *side,
			  struct myipc_announcer *ann, u32 *number)
{
	if (!*number)
		atomic_inc(&ann->sleepers);
	*number = myipc_fresh_number(ann);
	myipc_publish_number(side, *number);
}

/* The sleeper that announced @number last is awake and leaves. */
void myipc_announce_wake(struct myipc_ring_side *side,
			 struct myipc_announcer *ann, u32 number)
{
	if (!number)
		return;
	if (atomic_dec_and_test(&ann->sleepers)) {
		cmpxchg(&side->sleeping, number,
			(u32)atomic_read(&ann->poll_number));
		return;
	}
	/* others still sleep; the peer may have answered their number */
	myipc_publish_number(side, myipc_fresh_number(ann));
}

/* A .poll (or EAGAIN) found the side not ready; re-check after this. */
void myipc_announce_poll(struct myipc_ring_side *side,
			 struct myipc_announcer *ann)
{
	u32 n = myipc_fresh_number(ann);

	atomic_set(&ann->poll_number, n);
	myipc_publish_number(side, n);
}

/*
 * A .poll found the side ready; @seen is the poll number it loaded (with
 * acquire) before it looked at the ring.
 */
void myipc_announce_ready(struct myipc_ring_side *side,
			  struct myipc_announcer *ann, u32 seen)
{
	if (!seen || atomic_cmpxchg(&ann->poll_number, seen, 0) != seen)
		return;
	if (!atomic_read(&ann->sleepers))
		cmpxchg(&side->sleeping, seen, 0);
}
