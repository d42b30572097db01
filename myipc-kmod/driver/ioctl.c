// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - FIONREAD, MYIPC_IOC_GET_SIZE/SET_SIZE, MYIPC_IOC_GET_STATS
 *
 * All commands work on any end. Arguments are pointers; 32-bit callers
 * go through compat_ptr_ioctl(), the layouts being the same.
 */
#include <linux/fs.h>
#include <linux/uaccess.h>

#include <asm/ioctls.h>

#include "myipc_drv.h"

static int myipc_ioc_nread(struct myipc_chan *chan, int __user *arg)
{
	int n;

	mutex_lock(&chan->lock);
	n = myipc_ring_used(&chan->ring);
	mutex_unlock(&chan->lock);
	return put_user(n, arg);
}

static int myipc_ioc_get_size(struct myipc_chan *chan, u64 __user *arg)
{
	u64 size;

	mutex_lock(&chan->lock);
	size = chan->ring.size;
	mutex_unlock(&chan->lock);
	return put_user(size, arg);
}

/*
 * Swap in @fresh (already allocated, empty) if the buffered bytes fit,
 * keeping them in order. Called with the lock held; on success @fresh
 * holds the old buffer, for the caller to free after unlocking.
 */
static int myipc_resize_locked(struct myipc_chan *chan,
			       struct myipc_ring *fresh, bool *wake)
{
	struct myipc_ring *ring = &chan->ring;
	u32 room_before = myipc_ring_room(ring);
	struct myipc_ring old = *ring;

	if (myipc_ring_used(ring) > fresh->size)
		return -EBUSY;
	myipc_ring_move(fresh, ring);
	/* indices stay; only the memory and its size change */
	ring->data = fresh->data;
	WRITE_ONCE(ring->size, fresh->size);
	*fresh = old;
	*wake = myipc_wake_writers_prepare(chan, room_before);
	return 0;
}

static int myipc_resize(struct myipc_chan *chan, u32 size)
{
	struct myipc_ring fresh;
	bool wake = false;
	int ret;

	mutex_lock(&chan->lock);
	ret = chan->ring.size == size;
	mutex_unlock(&chan->lock);
	if (ret)
		return 0;

	ret = myipc_ring_alloc(&fresh, size);
	if (ret)
		return ret;
	mutex_lock(&chan->lock);
	ret = myipc_resize_locked(chan, &fresh, &wake);
	mutex_unlock(&chan->lock);
	myipc_ring_free(&fresh);
	if (wake)
		myipc_wake_writers(chan);
	return ret;
}

static int myipc_ioc_set_size(struct myipc_chan *chan, u64 __user *arg)
{
	u64 want;
	u32 size;
	int ret;

	if (get_user(want, arg))
		return -EFAULT;
	ret = myipc_size_round(want, &size);
	if (ret)
		return ret;
	ret = myipc_resize(chan, size);
	if (ret)
		return ret;
	return put_user((u64)size, arg);
}

static int myipc_ioc_get_stats(struct myipc_chan *chan,
			       struct myipc_stats __user *arg)
{
	struct myipc_stats st;

	myipc_chan_stats(chan, &st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

long myipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct myipc_chan *chan = myipc_chan_of(file);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case FIONREAD:
		return myipc_ioc_nread(chan, uarg);
	case MYIPC_IOC_GET_SIZE:
		return myipc_ioc_get_size(chan, uarg);
	case MYIPC_IOC_SET_SIZE:
		return myipc_ioc_set_size(chan, uarg);
	case MYIPC_IOC_GET_STATS:
		return myipc_ioc_get_stats(chan, uarg);
	default:
		return -ENOTTY;
	}
}
