// SPDX-License-Identifier: GPL-2.0
/*
 * fifo.c - FIFO semantics: open rendezvous, read, write, poll, release
 *
 * Locking (myipc_drv.h has the full picture and the lock order): in
 * sync=mutex mode chan->lock protects everything; in sync=spsc mode
 * readers serialise on chan->rd_lock, writers on chan->wr_lock, and
 * chan->lock covers only open/release/role bookkeeping. The indices are
 * published with release stores and read with acquire loads (ring.c), so
 * a reader and a writer never wait for each other's lock.
 *
 * A task that has to wait drops its lock first, then sleeps on a wait
 * queue until a condition read without locks holds, then retakes the lock
 * and checks again. Readers and writers wait exclusively, so one event
 * wakes one task; whoever leaves data (room) behind after having been
 * woken passes the wake-up on to the next reader (writer).
 *
 * Lost wake-ups: the waker publishes its index, then wq_has_sleeper()
 * (a full smp_mb(), then a look at the queue); the sleeper queues itself,
 * then set_current_state() (a full barrier) inside
 * wait_event_*(), then evaluates its condition. Store, full barrier, load
 * on both sides: either the waker sees the sleeper queued, or the sleeper
 * sees the new index.
 *
 * When a writer must sleep it waits for MYIPC_PIPE_BUF bytes of room, the
 * most any writer needs to make progress, so any woken writer can go on;
 * a reader waits for one byte. Readers wake a writer when one sleeps and
 * there is MYIPC_PIPE_BUF of room, or any room while the producer role is
 * held (its MYIPC_IOC_WAIT may need less); writers wake a reader when one
 * sleeps (pollers included: epoll users with edge triggering expect an
 * event per write, as from pipes).
 *
 * Roles (MYIPC_IOC_SET_ROLE) and copies: a copy through a file without
 * the role of its side checks the role holder under the side's data lock,
 * on entry and after every sleep; SET_ROLE takes that lock once after
 * claiming the role, so it returns only when no such copy is in progress
 * and none can start (myipc_drain_copies()).
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/splice.h>

#include "myipc_drv.h"

void myipc_chan_init(struct myipc_chan *chan, unsigned int index, u32 size,
		     bool spsc)
{
	mutex_init(&chan->lock);
	mutex_init(&chan->rd_lock);
	mutex_init(&chan->wr_lock);
	mutex_init(&chan->map_lock);
	mutex_init(&chan->ring_lock);
	spin_lock_init(&chan->ring.wait_lock);
	init_waitqueue_head(&chan->rd_wait);
	init_waitqueue_head(&chan->wr_wait);
	init_waitqueue_head(&chan->open_wait);
	chan->ring.size = size;
	chan->default_size = size;
	chan->spsc = spsc;
	chan->index = index;
}

/*
 * Switch the channel's sync mode (sysfs). Only while no end is open (the
 * ring exists exactly while one is, blocked opens included): then no task
 * is inside read/write/poll/ioctl/mmap of this channel, and the next open
 * (which takes @lock) sees the new mode. -EBUSY otherwise.
 */
int myipc_chan_set_sync(struct myipc_chan *chan, bool spsc)
{
	int ret = 0;

	mutex_lock(&chan->lock);
	if (chan->ring.ctrl)
		ret = -EBUSY;
	else
		WRITE_ONCE(chan->spsc, spsc);
	mutex_unlock(&chan->lock);
	return ret;
}

void myipc_chan_destroy(struct myipc_chan *chan)
{
	myipc_ring_free(&chan->ring);
	mutex_destroy(&chan->ring_lock);
	mutex_destroy(&chan->map_lock);
	mutex_destroy(&chan->wr_lock);
	mutex_destroy(&chan->rd_lock);
	mutex_destroy(&chan->lock);
}

static struct mutex *myipc_rd_mutex(struct myipc_chan *chan)
{
	return READ_ONCE(chan->spsc) ? &chan->rd_lock : &chan->lock;
}

static struct mutex *myipc_wr_mutex(struct myipc_chan *chan)
{
	return READ_ONCE(chan->spsc) ? &chan->wr_lock : &chan->lock;
}

/* Both data locks (a resize); in spsc mode writer lock, then reader lock. */
void myipc_lock_both(struct myipc_chan *chan)
{
	if (!READ_ONCE(chan->spsc)) {
		mutex_lock(&chan->lock);
		return;
	}
	mutex_lock(&chan->wr_lock);
	mutex_lock(&chan->rd_lock);
}

void myipc_unlock_both(struct myipc_chan *chan)
{
	if (!READ_ONCE(chan->spsc)) {
		mutex_unlock(&chan->lock);
		return;
	}
	mutex_unlock(&chan->rd_lock);
	mutex_unlock(&chan->wr_lock);
}

/*
 * Statistics take neither chan->lock nor a data lock: a copy may hold
 * those for as long as a page fault on its user buffer lasts, and any
 * local user may read the counters in sysfs. The counters are read as
 * they are (each one a snapshot); ring_lock only keeps the ring from
 * being freed while its indices are read.
 */
void myipc_chan_stats(struct myipc_chan *chan, struct myipc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->bytes_written = READ_ONCE(chan->wr_stats.bytes);
	st->bytes_read = READ_ONCE(chan->rd_stats.bytes);
	st->write_calls = READ_ONCE(chan->wr_stats.calls);
	st->read_calls = READ_ONCE(chan->rd_stats.calls);
	st->writer_sleeps = READ_ONCE(chan->wr_stats.sleeps);
	st->reader_sleeps = READ_ONCE(chan->rd_stats.sleeps);
	st->writer_wakeups = atomic64_read(&chan->wr_stats.wakeups);
	st->reader_wakeups = atomic64_read(&chan->rd_stats.wakeups);
	st->high_water = READ_ONCE(chan->high_water);
	mutex_lock(&chan->ring_lock);
	st->capacity = READ_ONCE(chan->ring.size);
	if (chan->ring.ctrl)
		st->buffered = min_t(u64, myipc_ring_used(&chan->ring),
				     st->capacity);
	mutex_unlock(&chan->ring_lock);
}

/*
 * A ring index was corrupted (by an mmap'd end): every user of the
 * channel gets EIO from now on, until all ends have closed.
 */
void myipc_set_broken(struct myipc_chan *chan)
{
	/* xchg: of two ends finding the corruption at once, one warns */
	if (!xchg(&chan->broken, 1))
		pr_warn_ratelimited("myipc%u: ring index corrupted by user space, channel broken until all ends close\n",
				    chan->index);
	wake_up_interruptible_all(&chan->rd_wait);
	wake_up_interruptible_all(&chan->wr_wait);
}

/* ---- wait conditions, evaluated without locks ---- */

static bool myipc_readable(struct myipc_chan *chan)
{
	return myipc_ring_used(&chan->ring) || !READ_ONCE(chan->writers) ||
	       READ_ONCE(chan->broken);
}

static bool myipc_writable(struct myipc_chan *chan)
{
	/* a corrupt pair (used > size) counts too: the writer will see EIO */
	return myipc_ring_room(&chan->ring) >= MYIPC_PIPE_BUF ||
	       myipc_ring_used(&chan->ring) > READ_ONCE(chan->ring.size) ||
	       !READ_ONCE(chan->readers) || READ_ONCE(chan->broken);
}

/* ---- wake-ups: decide and count under the lock, wake after unlock ---- */

/*
 * FULL BARRIER: wq_has_sleeper() runs smp_mb() between our store of the
 * tail (myipc_ring_produce()) and its look at the queue; it pairs with
 * set_current_state() in a reader's wait_event_*() (queue, barrier, then
 * the condition's load of tail). Either we see the reader, or it sees
 * the new tail.
 */
static bool myipc_wake_readers_prepare(struct myipc_chan *chan)
{
	if (!wq_has_sleeper(&chan->rd_wait))
		return false;
	atomic64_inc(&chan->rd_stats.wakeups);
	return true;
}

void myipc_wake_readers(struct myipc_chan *chan)
{
	wake_up_interruptible_sync_poll(&chan->rd_wait, EPOLLIN | EPOLLRDNORM);
}

/*
 * Called after the head moved (or a resize): wake a writer if one sleeps
 * and there is the room it waits for. The room is computed with our own
 * (new) head and a tail that can only be older than the real one, so it
 * is never smaller than the real room. Copy writers and pollers wait for
 * MYIPC_PIPE_BUF; the producer role's MYIPC_IOC_WAIT may wait for as
 * little as one byte, so while that role is held any room wakes. FULL
 * BARRIER in wq_has_sleeper(): our release of head before the look at
 * the queue; pairs with the barrier in a writer's set_current_state()
 * before it re-checks the room.
 */
bool myipc_wake_writers_prepare(struct myipc_chan *chan)
{
	u32 room = myipc_ring_room(&chan->ring);

	if (!room || (room < MYIPC_PIPE_BUF && !READ_ONCE(chan->producer)))
		return false;
	if (!wq_has_sleeper(&chan->wr_wait))
		return false;
	atomic64_inc(&chan->wr_stats.wakeups);
	return true;
}

void myipc_wake_writers(struct myipc_chan *chan)
{
	wake_up_interruptible_sync_poll(&chan->wr_wait, EPOLLOUT | EPOLLWRNORM);
}

/*
 * A task that was woken and is leaving passes the wake-up on when it
 * leaves data (room) behind, since the waker woke only one task.
 */
static bool myipc_wake_next_reader(struct myipc_chan *chan)
{
	if (!myipc_ring_used(&chan->ring))
		return false;
	return myipc_wake_readers_prepare(chan);
}

/* ---- open and release (under chan->lock) ---- */

/* Wait until *@counter moves on, i.e. the other end has been opened. */
static int myipc_wait_partner(struct myipc_chan *chan, unsigned int *counter)
{
	unsigned int seen = *counter;
	int ret;

	mutex_unlock(&chan->lock);
	ret = wait_event_interruptible(chan->open_wait,
				       READ_ONCE(*counter) != seen);
	mutex_lock(&chan->lock);
	return ret ? -ERESTARTSYS : 0;
}

static void myipc_wake_partner(struct myipc_chan *chan)
{
	wake_up_interruptible_all(&chan->open_wait);
}

/* The ring exists while any end is open; the last close discards it. */
static int myipc_ring_get(struct myipc_chan *chan)
{
	int ret;

	if (chan->ring.ctrl)
		return 0;
	WRITE_ONCE(chan->broken, 0);
	/* fresh zeroed pages: no announcement outstanding */
	atomic_set(&chan->rd_ann.poll_number, 0);
	atomic_set(&chan->wr_ann.poll_number, 0);
	mutex_lock(&chan->ring_lock);
	ret = myipc_ring_alloc(&chan->ring, chan->default_size);
	mutex_unlock(&chan->ring_lock);
	return ret;
}

static void myipc_ring_put(struct myipc_chan *chan)
{
	if (chan->readers || chan->writers || chan->producer ||
	    chan->consumer)
		return;
	mutex_lock(&chan->ring_lock);
	myipc_ring_free(&chan->ring);
	WRITE_ONCE(chan->ring.size, chan->default_size);
	mutex_unlock(&chan->ring_lock);
	WRITE_ONCE(chan->broken, 0);
}

/*
 * Keep the state words of the shared pages in step with the open ends,
 * for mmap'd peers: OPEN while an end of that kind is open, CLOSED once
 * the last has gone. RELEASE: pairs with the peer's acquire load of the
 * state; whatever the closing end published before (its index) is
 * visible once CLOSED is.
 */
static void myipc_set_state(struct myipc_ring_side *side, unsigned int count)
{
	u32 state = READ_ONCE(side->state);

	if (count)
		state = MYIPC_END_OPEN;
	else if (state != MYIPC_END_ABSENT)
		state = MYIPC_END_CLOSED;
	/* RELEASE: see above; pairs with the peer's acquire of state */
	smp_store_release(&side->state, state);
}

static void myipc_sync_states(struct myipc_chan *chan)
{
	if (!chan->ring.ctrl)
		return;
	myipc_set_state(chan->ring.prod, chan->writers);
	myipc_set_state(chan->ring.cons, chan->readers);
}

/*
 * The counts are stored with release semantics: a reader that finds no
 * writer (acquire load) and then re-checks the ring sees every byte the
 * last writer published before it closed.
 */
static void myipc_drop_reader(struct myipc_chan *chan)
{
	/* RELEASE: pairs with the acquire loads of the count */
	smp_store_release(&chan->readers, chan->readers - 1);
	if (chan->readers)
		return;
	/* writers now get EPIPE, pollers EPOLLERR */
	wake_up_interruptible_all(&chan->wr_wait);
}

static void myipc_drop_writer(struct myipc_chan *chan)
{
	/* RELEASE: pairs with smp_load_acquire() in myipc_read_iter() */
	smp_store_release(&chan->writers, chan->writers - 1);
	if (chan->writers)
		return;
	/* readers now see end of file, pollers EPOLLHUP */
	wake_up_interruptible_all(&chan->rd_wait);
}

static int myipc_open_reader(struct myipc_chan *chan, struct myipc_file *mf,
			     bool nonblock)
{
	chan->r_counter++;
	mf->is_reader = true;
	if (chan->readers++ == 0)
		myipc_wake_partner(chan);
	if (chan->writers)
		return 0;
	if (nonblock) {
		mf->hup_deferred = true;
		mf->w_counter_at_open = chan->w_counter;
		return 0;
	}
	if (!myipc_wait_partner(chan, &chan->w_counter))
		return 0;
	myipc_drop_reader(chan);
	return -ERESTARTSYS;
}

static int myipc_open_writer(struct myipc_chan *chan, struct myipc_file *mf,
			     bool nonblock)
{
	if (nonblock && !chan->readers)
		return -ENXIO;
	chan->w_counter++;
	mf->is_writer = true;
	if (chan->writers++ == 0)
		myipc_wake_partner(chan);
	if (chan->readers)
		return 0;
	if (!myipc_wait_partner(chan, &chan->r_counter))
		return 0;
	myipc_drop_writer(chan);
	return -ERESTARTSYS;
}

/* O_RDWR never blocks: the opener can talk to itself. */
static int myipc_open_both(struct myipc_chan *chan, struct myipc_file *mf)
{
	chan->r_counter++;
	chan->w_counter++;
	chan->readers++;
	chan->writers++;
	mf->is_reader = true;
	mf->is_writer = true;
	mf->r_counter_at_rdwr = chan->r_counter;
	mf->w_counter_at_rdwr = chan->w_counter;
	mf->reader_at_rdwr = chan->readers > 1;
	mf->writer_at_rdwr = chan->writers > 1;
	if (chan->readers == 1 || chan->writers == 1)
		myipc_wake_partner(chan);
	return 0;
}

static int myipc_open_locked(struct myipc_chan *chan, struct myipc_file *mf,
			     fmode_t mode, bool nonblock)
{
	int ret;

	if (mode == FMODE_WRITE && nonblock && !chan->readers)
		return -ENXIO;
	ret = myipc_ring_get(chan);
	if (ret)
		return ret;

	switch (mode) {
	case FMODE_READ:
		ret = myipc_open_reader(chan, mf, nonblock);
		break;
	case FMODE_WRITE:
		ret = myipc_open_writer(chan, mf, nonblock);
		break;
	default:
		ret = myipc_open_both(chan, mf);
		break;
	}
	myipc_sync_states(chan);
	if (ret)
		myipc_ring_put(chan);
	return ret;
}

static int myipc_open(struct inode *inode, struct file *file)
{
	fmode_t mode = file->f_mode & (FMODE_READ | FMODE_WRITE);
	struct myipc_chan *chan = container_of(inode->i_cdev,
					       struct myipc_chan, cdev);
	struct myipc_file *mf;
	int ret;

	if (!mode)
		return -EINVAL;
	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mf->chan = chan;

	mutex_lock(&chan->lock);
	ret = myipc_open_locked(chan, mf, mode, file->f_flags & O_NONBLOCK);
	mutex_unlock(&chan->lock);
	if (ret) {
		kfree(mf);
		return ret;
	}
	file->private_data = mf;
	/* no file position: lseek, pread and pwrite fail with ESPIPE */
	return stream_open(inode, file);
}

/*
 * An O_RDWR file taking a role stops counting as the other kind. If that
 * leaves @count at 0, the peer's state word must say whether a peer was
 * ever there for it: END_CLOSED if another end of that kind was open when
 * this file opened (@was_open) or one opened since (@opened_since), so a
 * peer that opened, perhaps wrote, and closed in between is seen gone;
 * END_ABSENT only if none did. Returns whether one came.
 */
static bool myipc_peer_came(struct myipc_ring_side *side, unsigned int count,
			    bool was_open, bool opened_since)
{
	bool came = was_open || opened_since;

	if (!count)
		/* RELEASE: as myipc_set_state() */
		smp_store_release(&side->state, came ? MYIPC_END_CLOSED :
						       MYIPC_END_ABSENT);
	return came;
}

/*
 * A copy through another file that began before the role was taken may
 * still be moving bytes (and the index) under the side's data lock. Take
 * that lock once: when we have it, such a copy has finished or is asleep,
 * and it checks the role again before it copies on. Outside chan->lock,
 * so an open or close never waits for a copy stalled in a page fault.
 */
static void myipc_drain_copies(struct myipc_chan *chan, u32 role)
{
	struct mutex *m = role == MYIPC_ROLE_PRODUCER ?
			  myipc_wr_mutex(chan) : myipc_rd_mutex(chan);

	mutex_lock(m);
	mutex_unlock(m);
}

/*
 * MYIPC_IOC_SET_ROLE: make this file the producer or the consumer of the
 * ring (uapi/myipc.h). A role end counts only as what it is, so an O_RDWR
 * producer stops counting as a reader (its peer sees EOF when it goes).
 */
int myipc_set_role(struct file *file, u32 role)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	struct myipc_file **slot;
	int ret = 0;

	if (role == MYIPC_ROLE_PRODUCER) {
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		slot = &chan->producer;
	} else if (role == MYIPC_ROLE_CONSUMER) {
		if (!(file->f_mode & FMODE_READ))
			return -EBADF;
		slot = &chan->consumer;
	} else {
		return -EINVAL;
	}

	mutex_lock(&chan->lock);
	if (mf->role || *slot) {
		ret = -EBUSY;
		goto out;
	}
	/* read without chan->lock by copies (myipc_role_conflict()) */
	WRITE_ONCE(*slot, mf);
	if (role == MYIPC_ROLE_PRODUCER) {
		bool came = false;

		if (mf->is_reader) {
			mf->is_reader = false;
			myipc_drop_reader(chan);
			came = myipc_peer_came(chan->ring.cons, chan->readers,
					       mf->reader_at_rdwr,
					       chan->r_counter !=
					       mf->r_counter_at_rdwr);
		}
		mf->peer_at_role = chan->readers || came;
		mf->peer_counter_at_role = chan->r_counter;
	} else {
		bool came = false;

		if (mf->is_writer) {
			mf->is_writer = false;
			myipc_drop_writer(chan);
			came = myipc_peer_came(chan->ring.prod, chan->writers,
					       mf->writer_at_rdwr,
					       chan->w_counter !=
					       mf->w_counter_at_rdwr);
		}
		mf->peer_at_role = chan->writers || came;
		mf->peer_counter_at_role = chan->w_counter;
	}
	WRITE_ONCE(mf->role, role);
	myipc_sync_states(chan);
out:
	mutex_unlock(&chan->lock);
	if (!ret)
		myipc_drain_copies(chan, role);
	return ret;
}

static int myipc_release(struct inode *inode, struct file *file)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;

	mutex_lock(&chan->lock);
	if (chan->producer == mf)
		WRITE_ONCE(chan->producer, NULL);
	if (chan->consumer == mf)
		WRITE_ONCE(chan->consumer, NULL);
	if (mf->is_reader)
		myipc_drop_reader(chan);
	if (mf->is_writer)
		myipc_drop_writer(chan);
	myipc_sync_states(chan);
	/* a role end that dies asleep leaves no announcement behind */
	if (chan->ring.ctrl && mf->role == MYIPC_ROLE_PRODUCER)
		WRITE_ONCE(chan->ring.prod->sleeping, 0);
	if (chan->ring.ctrl && mf->role == MYIPC_ROLE_CONSUMER)
		WRITE_ONCE(chan->ring.cons->sleeping, 0);
	if (mf->role) {
		/* the peer's MYIPC_IOC_WAIT now sees the end gone */
		wake_up_interruptible_all(&chan->rd_wait);
		wake_up_interruptible_all(&chan->wr_wait);
	}
	myipc_ring_put(chan);
	mutex_unlock(&chan->lock);
	kfree(mf);
	return 0;
}

/* ---- read ---- */

static bool myipc_nonblock(struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * Another file holds the role: its mapping would race with our copy.
 * Checked under the side's data lock, on entry and after every sleep
 * (see myipc_drain_copies()).
 */
static bool myipc_role_conflict(struct myipc_file *mf, struct myipc_file *holder)
{
	return holder && holder != mf;
}

/*
 * Copy up to @avail buffered bytes from @head to @to. Returns the bytes
 * moved, or -EFAULT if none could be. Sets *@wake_writer when this made
 * room for a sleeping writer.
 */
static ssize_t myipc_read_some(struct myipc_chan *chan, struct iov_iter *to,
			       u64 head, u64 avail, bool *wake_writer)
{
	struct myipc_ring *ring = &chan->ring;
	size_t want = min_t(u64, avail, iov_iter_count(to));
	size_t done = myipc_ring_copy_out(ring, head, to, want);

	if (!done)
		return -EFAULT;
	myipc_ring_consume(ring, head + done);
	WRITE_ONCE(chan->rd_stats.bytes, chan->rd_stats.bytes + done);
	*wake_writer = myipc_wake_writers_prepare(chan);
	return done;
}

/*
 * Sleep on @q (exclusively) until @ready, announcing in @side's sleeping
 * word for an mmap'd peer: a fresh number on every round that finds the
 * ring not ready, so that each sleep gets answered (announce.c). The order
 * per round: queue and set the task state (prepare_to_wait_event(), a
 * full barrier), store the number (then a full barrier), evaluate
 * @ready. A kernel waker's publish then wq_has_sleeper() finds us
 * queued, an mmap'd waker's publish then fence then load finds the
 * number, or we see its index. Returns 0 or -ERESTARTSYS.
 */
static int myipc_sleep(struct myipc_chan *chan, wait_queue_head_t *q,
		       struct myipc_ring_side *side,
		       struct myipc_announcer *ann,
		       bool (*ready)(struct myipc_chan *chan))
{
	struct wait_queue_entry entry;
	u32 number = 0;
	long ret = 0;

	init_wait_entry(&entry, WQ_FLAG_EXCLUSIVE);
	for (;;) {
		long intr = prepare_to_wait_event(q, &entry,
						  TASK_INTERRUPTIBLE);

		myipc_announce_sleep(side, ann, &number);
		if (ready(chan))
			break;
		if (intr) {
			ret = intr;
			break;
		}
		schedule();
	}
	finish_wait(q, &entry);
	myipc_announce_wake(side, ann, number);
	return ret ? -ERESTARTSYS : 0;
}

/* Sleep until readable; the reader lock is dropped around it. */
static int myipc_read_wait(struct myipc_chan *chan, struct mutex *m)
{
	WRITE_ONCE(chan->rd_stats.sleeps, chan->rd_stats.sleeps + 1);
	mutex_unlock(m);
	if (myipc_sleep(chan, &chan->rd_wait, chan->ring.cons, &chan->rd_ann,
			myipc_readable))
		return -ERESTARTSYS;
	mutex_lock(m);
	return 0;
}

static ssize_t myipc_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct myipc_file *mf = iocb->ki_filp->private_data;
	struct myipc_chan *chan = mf->chan;
	struct mutex *m = myipc_rd_mutex(chan);
	bool wake_writer = false, wake_next = false;
	ssize_t ret;
	s64 avail;
	u64 head;

	if (!iov_iter_count(to))
		return 0;

	mutex_lock(m);
	WRITE_ONCE(chan->rd_stats.calls, chan->rd_stats.calls + 1);
	for (;;) {
		ret = -EBUSY;
		if (myipc_role_conflict(mf, READ_ONCE(chan->consumer)))
			break;
		ret = -EIO;
		if (READ_ONCE(chan->broken))
			break;
		avail = myipc_ring_check_read(&chan->ring, &head);
		if (avail < 0) {
			myipc_set_broken(chan);
			break;
		}
		if (avail) {
			ret = myipc_read_some(chan, to, head, avail,
					      &wake_writer);
			break;
		}
		/*
		 * ACQUIRE: pairs with the release store of the count in
		 * myipc_drop_writer(): if no writer is left, the re-check
		 * of the ring sees all the last writer published.
		 */
		if (!smp_load_acquire(&chan->writers)) {
			avail = myipc_ring_check_read(&chan->ring, &head);
			if (avail)
				continue;
			ret = 0;	/* end of file */
			break;
		}
		ret = -EAGAIN;
		if (myipc_nonblock(iocb)) {
			/* a poll or epoll wait follows: announce it (announce.c) */
			myipc_announce_poll(chan->ring.cons, &chan->rd_ann);
			break;
		}
		if (myipc_read_wait(chan, m))
			return -ERESTARTSYS;	/* nothing moved yet */
		wake_next = true;
	}
	if (wake_next)
		wake_next = myipc_wake_next_reader(chan);
	mutex_unlock(m);

	if (wake_writer)
		myipc_wake_writers(chan);
	if (wake_next)
		myipc_wake_readers(chan);
	return ret;
}

/* ---- write ---- */

/*
 * Move bytes from @from into the ring if there is room for them: a write
 * of at most MYIPC_PIPE_BUF bytes (@atomic) goes in whole or not at all,
 * a larger one goes in pieces of at least min(rest, MYIPC_PIPE_BUF).
 * Adds the bytes moved to *@done (none when there is not enough room).
 * Returns -EFAULT when the source faulted (a faulting atomic write moves
 * nothing), -EIO when the ring is corrupt. Sets *@wake_reader when a
 * reader (or poller) sleeps.
 */
static int myipc_write_some(struct myipc_chan *chan, struct iov_iter *from,
			    bool atomic, size_t *done, bool *wake_reader)
{
	struct myipc_ring *ring = &chan->ring;
	size_t rest = iov_iter_count(from);
	size_t want, copied;
	s64 room;
	u64 tail;

	room = myipc_ring_check_write(ring, &tail);
	if (room < 0) {
		myipc_set_broken(chan);
		return -EIO;
	}
	if (room < min_t(size_t, rest, MYIPC_PIPE_BUF))
		return 0;
	want = min_t(size_t, room, rest);
	copied = myipc_ring_copy_in(ring, tail, from, want);
	if (!copied || (atomic && copied < want))
		return -EFAULT;
	myipc_ring_produce(ring, tail + copied);
	*done += copied;
	WRITE_ONCE(chan->wr_stats.bytes, chan->wr_stats.bytes + copied);
	if (ring->size - room + copied > chan->high_water)
		WRITE_ONCE(chan->high_water, ring->size - room + copied);
	*wake_reader |= myipc_wake_readers_prepare(chan);
	return copied < want ? -EFAULT : 0;
}

/* Returns 0 after waiting for room, or -ERESTARTSYS; lock dropped inside. */
static int myipc_write_wait(struct myipc_chan *chan, struct mutex *m,
			    bool *wake_reader)
{
	int ret;

	WRITE_ONCE(chan->wr_stats.sleeps, chan->wr_stats.sleeps + 1);
	mutex_unlock(m);
	if (*wake_reader)
		myipc_wake_readers(chan);
	*wake_reader = false;
	ret = myipc_sleep(chan, &chan->wr_wait, chan->ring.prod, &chan->wr_ann,
			  myipc_writable);
	mutex_lock(m);
	return ret ? -ERESTARTSYS : 0;
}

/* Pass a wake-up on to the next writer if we leave room behind. */
static bool myipc_wake_next_writer(struct myipc_chan *chan)
{
	return myipc_wake_writers_prepare(chan);
}

static ssize_t myipc_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct myipc_file *mf = iocb->ki_filp->private_data;
	struct myipc_chan *chan = mf->chan;
	struct mutex *m = myipc_wr_mutex(chan);
	bool atomic = iov_iter_count(from) <= MYIPC_PIPE_BUF;
	bool wake_reader = false, woken = false;
	size_t done = 0, before;
	int err = 0;

	if (!iov_iter_count(from))
		return 0;

	mutex_lock(m);
	WRITE_ONCE(chan->wr_stats.calls, chan->wr_stats.calls + 1);
	while (!err) {
		if (myipc_role_conflict(mf, READ_ONCE(chan->producer))) {
			err = -EBUSY;
			break;
		}
		if (READ_ONCE(chan->broken)) {
			err = -EIO;
			break;
		}
		if (!READ_ONCE(chan->readers)) {
			send_sig(SIGPIPE, current, 0);
			err = -EPIPE;
			break;
		}
		before = done;
		err = myipc_write_some(chan, from, atomic, &done, &wake_reader);
		if (err || !iov_iter_count(from))
			break;
		if (done != before)
			continue;
		if (myipc_nonblock(iocb)) {
			/* a poll or epoll wait follows: announce it (announce.c) */
			myipc_announce_poll(chan->ring.prod, &chan->wr_ann);
			err = -EAGAIN;
			break;
		}
		err = myipc_write_wait(chan, m, &wake_reader);
		woken = true;
	}
	if (woken)
		woken = myipc_wake_next_writer(chan);
	mutex_unlock(m);

	if (wake_reader)
		myipc_wake_readers(chan);
	if (woken)
		myipc_wake_writers(chan);
	return done ? done : err;
}

/* ---- poll ---- */

static __poll_t myipc_poll_read_mask(struct myipc_chan *chan,
				     struct myipc_file *mf)
{
	__poll_t mask = 0;

	if (myipc_ring_used(&chan->ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!READ_ONCE(chan->writers) &&
	    (!mf->hup_deferred ||
	     READ_ONCE(chan->w_counter) != mf->w_counter_at_open))
		mask |= EPOLLHUP;
	return mask;
}

static __poll_t myipc_poll_write_mask(struct myipc_chan *chan)
{
	__poll_t mask = 0;

	if (myipc_ring_room(&chan->ring) >= MYIPC_PIPE_BUF)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (!READ_ONCE(chan->readers))
		mask |= EPOLLERR;
	return mask;
}

/*
 * A poller that finds its side not ready waits without running our code,
 * so it announces itself before it goes (announce.c): a fresh number in its
 * side's sleeping word, a full barrier, then one more look. The number
 * stays until a later .poll finds the side ready. @seen is the poll
 * number loaded before the first look.
 */
static __poll_t myipc_poll_side(struct myipc_chan *chan, struct myipc_file *mf,
				bool reader)
{
	struct myipc_announcer *ann = reader ? &chan->rd_ann : &chan->wr_ann;
	struct myipc_ring_side *side = reader ? chan->ring.cons :
						chan->ring.prod;
	/* ACQUIRE: the number before our look at the ring */
	u32 seen = (u32)atomic_read_acquire(&ann->poll_number);
	__poll_t mask;

	mask = reader ? myipc_poll_read_mask(chan, mf) :
			myipc_poll_write_mask(chan);
	if (mask || READ_ONCE(chan->broken)) {
		myipc_announce_ready(side, ann, seen);
		return mask;
	}
	myipc_announce_poll(side, ann);
	return reader ? myipc_poll_read_mask(chan, mf) :
			myipc_poll_write_mask(chan);
}

static __poll_t myipc_poll(struct file *file, poll_table *wait)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	bool reader = READ_ONCE(mf->is_reader) ||
		      READ_ONCE(mf->role) == MYIPC_ROLE_CONSUMER;
	bool writer = READ_ONCE(mf->is_writer) ||
		      READ_ONCE(mf->role) == MYIPC_ROLE_PRODUCER;
	__poll_t mask = 0;

	/* queue first, then look: a change after the look wakes us */
	if (reader)
		poll_wait(file, &chan->rd_wait, wait);
	if (writer)
		poll_wait(file, &chan->wr_wait, wait);

	if (reader)
		mask |= myipc_poll_side(chan, mf, true);
	if (writer)
		mask |= myipc_poll_side(chan, mf, false);
	if (READ_ONCE(chan->broken))
		mask |= EPOLLERR;
	return mask;
}

/*
 * splice(2): from 6.5 on, copy_splice_read() is the helper for files
 * that only have ->read_iter; before, generic_file_splice_read() did the
 * same through an ITER_PIPE iterator. Kbuild detects which one we have.
 */
#ifdef MYIPC_HAVE_COPY_SPLICE_READ
#define myipc_splice_read copy_splice_read
#else
#define myipc_splice_read generic_file_splice_read
#endif

/* No .llseek: stream_open() makes lseek fail with ESPIPE. */
const struct file_operations myipc_fops = {
	.owner		= THIS_MODULE,
	.open		= myipc_open,
	.release	= myipc_release,
	.read_iter	= myipc_read_iter,
	.write_iter	= myipc_write_iter,
	.splice_read	= myipc_splice_read,
	.splice_write	= iter_file_splice_write,
	.poll		= myipc_poll,
	.mmap		= myipc_mmap,
	.unlocked_ioctl	= myipc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
