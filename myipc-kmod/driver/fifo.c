// SPDX-License-Identifier: GPL-2.0
/*
 * fifo.c - FIFO semantics: open rendezvous, read, write, poll, release
 *
 * Locking: chan->lock (a mutex) protects ring, open counts and counters.
 * A task that has to wait drops the mutex first, then sleeps on a wait
 * queue until a condition read with READ_ONCE() holds, then retakes the
 * mutex and checks again. Readers and writers wait exclusively, so one
 * event wakes one task; whoever leaves data (room) behind after having
 * been woken passes the wake-up on to the next reader (writer).
 *
 * When a writer must sleep it waits for MYIPC_PIPE_BUF bytes of room, the
 * most any writer needs to make progress, so any woken writer can go on;
 * a reader waits for one byte. Readers wake a writer only when the room
 * crosses MYIPC_PIPE_BUF, writers wake a reader only when the ring stops
 * being empty (or on every write once someone polled, as epoll users
 * with edge triggering expect from pipes).
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/splice.h>

#include "myipc_drv.h"

void myipc_chan_init(struct myipc_chan *chan, unsigned int index, u32 size)
{
	mutex_init(&chan->lock);
	init_waitqueue_head(&chan->rd_wait);
	init_waitqueue_head(&chan->wr_wait);
	init_waitqueue_head(&chan->open_wait);
	chan->ring.size = size;
	chan->default_size = size;
	chan->index = index;
}

void myipc_chan_destroy(struct myipc_chan *chan)
{
	myipc_ring_free(&chan->ring);
	mutex_destroy(&chan->lock);
}

void myipc_chan_stats(struct myipc_chan *chan, struct myipc_stats *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&chan->lock);
	st->bytes_written = chan->wr_stats.bytes;
	st->bytes_read = chan->rd_stats.bytes;
	st->write_calls = chan->wr_stats.calls;
	st->read_calls = chan->rd_stats.calls;
	st->writer_sleeps = chan->wr_stats.sleeps;
	st->reader_sleeps = chan->rd_stats.sleeps;
	st->writer_wakeups = chan->wr_stats.wakeups;
	st->reader_wakeups = chan->rd_stats.wakeups;
	st->high_water = chan->high_water;
	st->capacity = chan->ring.size;
	st->buffered = myipc_ring_used(&chan->ring);
	mutex_unlock(&chan->lock);
}

/* ---- wait conditions, evaluated without the lock ---- */

static bool myipc_readable(struct myipc_chan *chan)
{
	return myipc_ring_used(&chan->ring) || !READ_ONCE(chan->writers);
}

static bool myipc_writable(struct myipc_chan *chan)
{
	return myipc_ring_room(&chan->ring) >= MYIPC_PIPE_BUF ||
	       !READ_ONCE(chan->readers);
}

/* ---- wake-ups: decide and count under the lock, wake after unlock ---- */

/*
 * wq_has_sleeper() orders our index update before the look at the queue;
 * a waiter adds itself to the queue before it evaluates its condition.
 * So either we see the waiter, or the waiter sees the new index.
 */
static bool myipc_wake_readers_prepare(struct myipc_chan *chan)
{
	if (!wq_has_sleeper(&chan->rd_wait))
		return false;
	chan->rd_stats.wakeups++;
	return true;
}

static void myipc_wake_readers(struct myipc_chan *chan)
{
	wake_up_interruptible_sync_poll(&chan->rd_wait, EPOLLIN | EPOLLRDNORM);
}

/* Wake a writer if one sleeps and there is the room writers wait for. */
static bool myipc_wake_writer_check(struct myipc_chan *chan)
{
	if (myipc_ring_room(&chan->ring) < MYIPC_PIPE_BUF)
		return false;
	if (!wq_has_sleeper(&chan->wr_wait))
		return false;
	chan->wr_stats.wakeups++;
	return true;
}

/*
 * Called under the lock after room grew from @room_before: wake a writer
 * only if the room just crossed MYIPC_PIPE_BUF. Above it no writer sleeps
 * (or a wake-up is already on its way); below it none could go on.
 */
bool myipc_wake_writers_prepare(struct myipc_chan *chan, u32 room_before)
{
	if (room_before >= MYIPC_PIPE_BUF)
		return false;
	return myipc_wake_writer_check(chan);
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

/* ---- open and release ---- */

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
	if (chan->ring.data)
		return 0;
	return myipc_ring_alloc(&chan->ring, chan->default_size);
}

static void myipc_ring_put(struct myipc_chan *chan)
{
	if (chan->readers || chan->writers)
		return;
	myipc_ring_free(&chan->ring);
	chan->ring.size = chan->default_size;
}

static void myipc_drop_reader(struct myipc_chan *chan)
{
	if (--chan->readers)
		return;
	/* writers now get EPIPE, pollers EPOLLERR */
	wake_up_interruptible_all(&chan->wr_wait);
}

static void myipc_drop_writer(struct myipc_chan *chan)
{
	if (--chan->writers)
		return;
	/* readers now see end of file, pollers EPOLLHUP */
	wake_up_interruptible_all(&chan->rd_wait);
}

static int myipc_open_reader(struct myipc_chan *chan, struct myipc_file *mf,
			     bool nonblock)
{
	chan->r_counter++;
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

static int myipc_open_writer(struct myipc_chan *chan, bool nonblock)
{
	if (nonblock && !chan->readers)
		return -ENXIO;
	chan->w_counter++;
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
static int myipc_open_both(struct myipc_chan *chan)
{
	chan->r_counter++;
	chan->w_counter++;
	chan->readers++;
	chan->writers++;
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
		ret = myipc_open_writer(chan, nonblock);
		break;
	default:
		ret = myipc_open_both(chan);
		break;
	}
	if (ret)
		myipc_ring_put(chan);
	return ret;
}

static int myipc_open(struct inode *inode, struct file *file)
{
	fmode_t mode = file->f_mode & (FMODE_READ | FMODE_WRITE);
	struct myipc_chan *chan = myipc_chan_get(iminor(inode));
	struct myipc_file *mf;
	int ret;

	if (!chan)
		return -ENXIO;
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

static int myipc_release(struct inode *inode, struct file *file)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;

	mutex_lock(&chan->lock);
	if (file->f_mode & FMODE_READ)
		myipc_drop_reader(chan);
	if (file->f_mode & FMODE_WRITE)
		myipc_drop_writer(chan);
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
 * Copy what is buffered (up to the count) to @to. Returns the bytes
 * moved, or -EFAULT if none could be. Sets *@wake_writer when this made
 * room for a sleeping writer.
 */
static ssize_t myipc_read_some(struct myipc_chan *chan, struct iov_iter *to,
			       bool *wake_writer)
{
	struct myipc_ring *ring = &chan->ring;
	u32 room_before = myipc_ring_room(ring);
	size_t want = min_t(size_t, myipc_ring_used(ring), iov_iter_count(to));
	size_t done = myipc_ring_copy_out(ring, to, want);

	if (!done)
		return -EFAULT;
	myipc_ring_consume(ring, done);
	chan->rd_stats.bytes += done;
	*wake_writer = myipc_wake_writers_prepare(chan, room_before);
	return done;
}

static ssize_t myipc_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct myipc_chan *chan = myipc_chan_of(iocb->ki_filp);
	bool wake_writer = false, wake_next = false;
	ssize_t ret;

	if (!iov_iter_count(to))
		return 0;

	mutex_lock(&chan->lock);
	chan->rd_stats.calls++;
	for (;;) {
		if (myipc_ring_used(&chan->ring)) {
			ret = myipc_read_some(chan, to, &wake_writer);
			break;
		}
		ret = 0;
		if (!chan->writers)
			break;		/* end of file */
		ret = -EAGAIN;
		if (myipc_nonblock(iocb))
			break;
		chan->rd_stats.sleeps++;
		mutex_unlock(&chan->lock);
		if (wait_event_interruptible_exclusive(chan->rd_wait,
						       myipc_readable(chan)))
			return -ERESTARTSYS;	/* nothing moved yet */
		mutex_lock(&chan->lock);
		wake_next = true;
	}
	if (wake_next)
		wake_next = myipc_wake_next_reader(chan);
	mutex_unlock(&chan->lock);

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
 * Returns -EFAULT when the source faulted; a faulting atomic write moves
 * nothing. Sets *@wake_reader when the ring was empty (a reader may
 * sleep) or pollers are about.
 */
static int myipc_write_some(struct myipc_chan *chan, struct iov_iter *from,
			    bool atomic, size_t *done, bool *wake_reader)
{
	struct myipc_ring *ring = &chan->ring;
	size_t rest = iov_iter_count(from);
	size_t room = myipc_ring_room(ring);
	bool was_empty = !myipc_ring_used(ring);
	size_t want, copied;

	if (room < min_t(size_t, rest, MYIPC_PIPE_BUF))
		return 0;
	want = min(room, rest);
	copied = myipc_ring_copy_in(ring, from, want);
	if (!copied || (atomic && copied < want))
		return -EFAULT;
	myipc_ring_produce(ring, copied);
	*done += copied;
	chan->wr_stats.bytes += copied;
	chan->high_water = max_t(u64, chan->high_water, myipc_ring_used(ring));
	if (was_empty || READ_ONCE(chan->poll_usage))
		*wake_reader |= myipc_wake_readers_prepare(chan);
	return copied < want ? -EFAULT : 0;
}

/* Returns 0 after waiting for room, or -ERESTARTSYS; lock dropped inside. */
static int myipc_write_wait(struct myipc_chan *chan, bool *wake_reader)
{
	chan->wr_stats.sleeps++;
	mutex_unlock(&chan->lock);
	if (*wake_reader)
		myipc_wake_readers(chan);
	*wake_reader = false;
	if (wait_event_interruptible_exclusive(chan->wr_wait,
					       myipc_writable(chan))) {
		mutex_lock(&chan->lock);
		return -ERESTARTSYS;
	}
	mutex_lock(&chan->lock);
	return 0;
}

static ssize_t myipc_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct myipc_chan *chan = myipc_chan_of(iocb->ki_filp);
	bool atomic = iov_iter_count(from) <= MYIPC_PIPE_BUF;
	bool wake_reader = false, woken = false;
	size_t done = 0, before;
	int err = 0;

	if (!iov_iter_count(from))
		return 0;

	mutex_lock(&chan->lock);
	chan->wr_stats.calls++;
	while (!err) {
		if (!chan->readers) {
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
			err = -EAGAIN;
			break;
		}
		err = myipc_write_wait(chan, &wake_reader);
		woken = true;
	}
	if (woken)
		woken = myipc_wake_writer_check(chan);
	mutex_unlock(&chan->lock);

	if (wake_reader)
		myipc_wake_readers(chan);
	if (woken)
		myipc_wake_writers(chan);
	return done ? done : err;
}

/* ---- poll ---- */

static __poll_t myipc_poll(struct file *file, poll_table *wait)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	__poll_t mask = 0;

	WRITE_ONCE(chan->poll_usage, true);
	/* queue first, then look: a change after the look wakes us */
	if (file->f_mode & FMODE_READ)
		poll_wait(file, &chan->rd_wait, wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &chan->wr_wait, wait);

	if (file->f_mode & FMODE_READ) {
		if (myipc_ring_used(&chan->ring))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!READ_ONCE(chan->writers) &&
		    (!mf->hup_deferred ||
		     READ_ONCE(chan->w_counter) != mf->w_counter_at_open))
			mask |= EPOLLHUP;
	}
	if (file->f_mode & FMODE_WRITE) {
		if (myipc_ring_room(&chan->ring) >= MYIPC_PIPE_BUF)
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (!READ_ONCE(chan->readers))
			mask |= EPOLLERR;
	}
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
	.unlocked_ioctl	= myipc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
