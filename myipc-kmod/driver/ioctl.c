// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl.c - FIONREAD, MYIPC_IOC_GET_SIZE/SET_SIZE, MYIPC_IOC_GET_STATS,
 * and the dispatch of the ring ioctls (SET_ROLE in fifo.c, WAIT/WAKE in
 * mmap.c)
 *
 * All commands work on any end. Arguments are pointers; 32-bit callers
 * go through compat_ptr_ioctl(), the layouts being the same.
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>

#include <asm/ioctls.h>

#include "myipc_drv.h"

static int myipc_ioc_nread(struct myipc_chan *chan, int __user *arg)
{
	u64 n = min_t(u64, myipc_ring_used(&chan->ring),
		      READ_ONCE(chan->ring.size));

	return put_user((int)n, arg);
}

static int myipc_ioc_get_size(struct myipc_chan *chan, u64 __user *arg)
{
	u64 size = READ_ONCE(chan->ring.size);

	return put_user(size, arg);
}

/*
 * Swap in a data area of @size bytes, keeping the buffered bytes in
 * order. Both data locks, then map_lock (see the lock order in
 * myipc_drv.h): EBUSY while any mapping of the ring exists, even for
 * the size it has (as uapi/myipc.h promises).
 */
static int myipc_resize(struct myipc_chan *chan, u32 size)
{
	struct myipc_ring fresh = { };
	bool wake = false;
	int ret;

	if (READ_ONCE(chan->ring.size) == size) {
		mutex_lock(&chan->map_lock);
		ret = chan->mapped ? -EBUSY : 0;
		mutex_unlock(&chan->map_lock);
		return ret;
	}
	ret = myipc_ring_data_alloc(&fresh, size);
	if (ret)
		return ret;
	myipc_lock_both(chan);
	mutex_lock(&chan->map_lock);
	if (chan->mapped) {
		ret = -EBUSY;
	} else {
		ret = myipc_ring_resize(&chan->ring, &fresh);
		if (!ret)
			wake = myipc_wake_writers_prepare(chan);
	}
	mutex_unlock(&chan->map_lock);
	myipc_unlock_both(chan);
	if (ret == -EIO)
		myipc_set_broken(chan);
	myipc_ring_data_free(&fresh);
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
	u32 val;

	switch (cmd) {
	case FIONREAD:
		return myipc_ioc_nread(chan, uarg);
	case MYIPC_IOC_GET_SIZE:
		return myipc_ioc_get_size(chan, uarg);
	case MYIPC_IOC_SET_SIZE:
		return myipc_ioc_set_size(chan, uarg);
	case MYIPC_IOC_GET_STATS:
		return myipc_ioc_get_stats(chan, uarg);
	case MYIPC_IOC_SET_ROLE:
		if (get_user(val, (u32 __user *)uarg))
			return -EFAULT;
		return myipc_set_role(file, val);
	case MYIPC_IOC_WAIT:
		return myipc_wait(file, uarg);
	case MYIPC_IOC_WAKE:
		if (get_user(val, (u32 __user *)uarg))
			return -EFAULT;
		return myipc_wake(file, val);
	default:
		return -ENOTTY;
	}
}
