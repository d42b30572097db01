/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myipc_drv.h - internal interfaces of the myipc driver
 *
 * Files:
 *   main.c   module parameters, device numbers, class, sysfs attributes
 *   fifo.c   open/release rendezvous, read/write, poll, wait and wake
 *   ioctl.c  FIONREAD, size and statistics ioctls
 *   ring.c   the byte ring: space, copy in/out, publish, resize
 */
#ifndef MYIPC_DRV_H
#define MYIPC_DRV_H

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include <uapi/myipc.h>

/*
 * struct myipc_ring - a power-of-two byte ring
 *
 * @head and @tail are free-running: they count bytes ever written and
 * read, and wrap at 2^32. The byte at index i lives at data[i & (size - 1)],
 * head - tail is the number of bytes buffered (0 .. size), so every byte of
 * the buffer is usable. Only the producer moves @head, only the consumer
 * moves @tail; lockless observers (poll, wait conditions) read them with
 * READ_ONCE(). @data comes from vmalloc_user() so that it can later be
 * mapped into user space with remap_vmalloc_range().
 */
struct myipc_ring {
	void *data;
	u32 size;
	u32 head;
	u32 tail;
};

/* Counters kept per direction; see struct myipc_stats for the meaning. */
struct myipc_side_stats {
	u64 bytes;
	u64 calls;
	u64 sleeps;
	u64 wakeups;	/* wake-ups sent to this side's sleepers */
};

/*
 * struct myipc_chan - one channel, i.e. one /dev/myipcN
 *
 * @lock protects the ring (contents, indices, size), the open counts and
 * the counters. Nobody sleeps on a wait queue while holding it: waiters
 * drop it, wait for a condition read with READ_ONCE(), then retake it and
 * check again.
 *
 * @rd_wait holds readers waiting for data, @wr_wait writers waiting for
 * room (both exclusive waits, so one event wakes one task), plus pollers.
 * @open_wait holds opens waiting for the other end.
 *
 * @readers/@writers count open ends; @r_counter/@w_counter count every
 * open of that kind ever, so a blocked open can tell that a partner came,
 * even if it has already gone again. The ring's memory exists only while
 * some end is open; the last close frees it and with it any data.
 */
struct myipc_chan {
	struct mutex lock;		/* see above */
	struct myipc_ring ring;
	wait_queue_head_t rd_wait;
	wait_queue_head_t wr_wait;
	wait_queue_head_t open_wait;
	unsigned int readers;
	unsigned int writers;
	unsigned int r_counter;
	unsigned int w_counter;
	bool poll_usage;
	u32 default_size;
	struct myipc_side_stats rd_stats;
	struct myipc_side_stats wr_stats;
	u64 high_water;
	unsigned int index;
};

/* Per open file: file->private_data. */
struct myipc_file {
	struct myipc_chan *chan;
	/*
	 * A reader opened with O_NONBLOCK while no writer existed does not
	 * report EPOLLHUP until a writer has come (w_counter moved on).
	 */
	bool hup_deferred;
	unsigned int w_counter_at_open;
};

static inline struct myipc_chan *myipc_chan_of(struct file *file)
{
	return ((struct myipc_file *)file->private_data)->chan;
}

/* ring.c */
int myipc_ring_alloc(struct myipc_ring *ring, u32 size);
void myipc_ring_free(struct myipc_ring *ring);
u32 myipc_ring_used(const struct myipc_ring *ring);
u32 myipc_ring_room(const struct myipc_ring *ring);
size_t myipc_ring_copy_in(struct myipc_ring *ring, struct iov_iter *from,
			  size_t len);
void myipc_ring_produce(struct myipc_ring *ring, u32 len);
size_t myipc_ring_copy_out(struct myipc_ring *ring, struct iov_iter *to,
			   size_t len);
void myipc_ring_consume(struct myipc_ring *ring, u32 len);
void myipc_ring_move(struct myipc_ring *dst, const struct myipc_ring *src);
int myipc_size_round(u64 want, u32 *size);

/* fifo.c */
extern const struct file_operations myipc_fops;
void myipc_chan_init(struct myipc_chan *chan, unsigned int index, u32 size);
void myipc_chan_destroy(struct myipc_chan *chan);
void myipc_chan_stats(struct myipc_chan *chan, struct myipc_stats *st);
bool myipc_wake_writers_prepare(struct myipc_chan *chan, u32 room_before);
void myipc_wake_writers(struct myipc_chan *chan);

/* ioctl.c */
long myipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* main.c */
struct myipc_chan *myipc_chan_get(unsigned int minor);

#endif /* MYIPC_DRV_H */
