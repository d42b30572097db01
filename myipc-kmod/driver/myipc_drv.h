/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myipc_drv.h - internal interfaces of the myipc driver
 *
 * Files:
 *   main.c      module parameters, a cdev per channel, class, sysfs
 *   fifo.c      open/release rendezvous, roles, read/write, poll, wake-ups
 *   announce.c  kernel ends announcing their sleeps to an mmap'd peer
 *   ioctl.c     FIONREAD, size and statistics ioctls
 *   ring.c      the byte ring: pages, index checks, copy in/out, publish
 *   mmap.c      mmap of the ring, MYIPC_IOC_WAIT/WAKE
 */
#ifndef MYIPC_DRV_H
#define MYIPC_DRV_H

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include <uapi/myipc.h>

/*
 * struct myipc_ring - the channel's SPSC byte ring, in mappable pages
 *
 * Layout (uapi/myipc.h): three control pages (header, producer page,
 * consumer page), then the data pages. Names follow that header, not
 * fs/pipe.c: the producer's index is the *tail* (bytes ever published,
 * in the producer page), the consumer's index the *head* (bytes ever
 * consumed, in the consumer page).
 * Both are free-running u64; the byte at index i lives at
 * data[i & (size - 1)]; tail - head is the number of bytes buffered
 * (0 .. size), so every byte of the buffer is usable.
 *
 * The indices live in the shared pages in every mode, so read(2)/write(2)
 * and mmap'd ends work on the same ring. Those words may be written by
 * user space (an mmap'd end), so the kernel never trusts them: see
 * myipc_ring_check_*() in ring.c.
 *
 * @ctrl: kernel mapping of the three control pages; allocated when the
 *	first end opens, freed when the last closes, never moved in between
 *	(resize swaps only the data), so lockless observers (poll, wait
 *	conditions) may read the index words at any time while a file is
 *	open.
 * @data: kernel mapping of the data pages twice back to back (vmap of
 *	@data_pages, @data_pages), so a copy of up to @size bytes from any
 *	masked offset is contiguous. Changes only under both data locks.
 * @w_head_seen: the head as the writing side last validated it (under
 *	the writer lock): a head may only move forward from here.
 * @r_tail_seen: the same for the tail, on the reading side.
 * @wait_lock: serialises MYIPC_IOC_WAIT's look at the indices, so that
 *	its views of each index are in time order, with a resize's change
 *	of @size (so WAIT judges the indices against the size they had)
 * @wait_tail_seen: the tail and head as MYIPC_IOC_WAIT last validated
 * @wait_head_seen: them (under @wait_lock): they may only move forward.
 */
struct myipc_ring {
	struct page *ctrl_pages[3];
	void *ctrl;
	struct myipc_ring_header *hdr;
	struct myipc_ring_side *prod;
	struct myipc_ring_side *cons;
	struct page **data_pages;
	void *data;
	u32 size;
	u64 w_head_seen;
	u64 r_tail_seen;
	spinlock_t wait_lock;	/* MYIPC_IOC_WAIT index views */
	u64 wait_tail_seen;
	u64 wait_head_seen;
};

/*
 * struct myipc_announcer - the kernel ends of one side (readers: the
 * consumer page, writers: the producer page) announcing that they wait,
 * in that page's sleeping word, for an mmap'd peer (uapi/myipc.h, the
 * wait/wake protocol; announce.c has the rules).
 * @sleepers: kernel ends of this side asleep in read(2)/write(2)
 * @poll_number: the number a .poll (or an EAGAIN) that found the side
 *	not ready stored last; 0 once a .poll has found the side ready
 * @last_number: the last number handed out on this side
 */
struct myipc_announcer {
	atomic_t sleepers;
	atomic_t poll_number;
	atomic_t last_number;
};

/* Counters kept per direction; see struct myipc_stats for the meaning. */
struct myipc_side_stats {
	u64 bytes;
	u64 calls;
	u64 sleeps;
	atomic64_t wakeups;	/* wake-ups sent to this side's sleepers */
};

/*
 * struct myipc_chan - one channel, i.e. one /dev/myipcN
 *
 * The sync mode is per channel (@spsc, from the module parameter sync=,
 * changed through sysfs only while no end is open, under @lock), so it
 * is constant while any file of the channel exists.
 *
 * Locks (sync=mutex): @lock protects everything: ring, open counts,
 * roles, counters; @rd_lock and @wr_lock are unused.
 * Locks (sync=spsc): @lock protects only the open/release bookkeeping
 * (counts, roles, ring allocation). Readers serialise among themselves
 * on @rd_lock, writers on @wr_lock; a reader and a writer never share a
 * lock. The ring's indices are published with smp_store_release() and
 * read with smp_load_acquire() (ring.c says what each pairs with).
 * @map_lock protects @mapped and the data pages against a resize while
 * mmap inserts them. @ring_lock guards only the ring's existence (alloc
 * at the first open, free at the last close) for readers of statistics,
 * which take no other lock (fifo.c, myipc_chan_stats()).
 *
 * Lock order (a later one may be taken while holding an earlier one):
 *	@lock -> @wr_lock -> @rd_lock -> mm's mmap_lock -> @map_lock
 *	@lock -> @ring_lock
 *	@wr_lock/@rd_lock/@map_lock -> ring.wait_lock (a spinlock)
 * (@lock is the data lock too in mutex mode; read/write hold the data
 * lock while copying from/to user memory, which may fault and take
 * mmap_lock; ->mmap runs with mmap_lock held and takes only @map_lock;
 * a resize takes @wr_lock, @rd_lock, then @map_lock.) Nobody sleeps on a
 * wait queue holding any of them.
 *
 * @rd_wait holds readers waiting for data, @wr_wait writers waiting for
 * room (exclusive waits, so one event wakes one task), plus pollers and
 * MYIPC_IOC_WAIT sleepers (non-exclusive). @open_wait holds opens
 * waiting for the other end.
 *
 * @readers/@writers count open ends; @r_counter/@w_counter count every
 * open of that kind ever, so a blocked open can tell that a partner came,
 * even if it has already gone again. The ring's memory exists only while
 * some end is open; the last close frees it and with it any data.
 */
struct myipc_chan {
	struct cdev cdev;		/* /dev/myipc<index> */
	struct mutex lock;		/* see above */
	struct mutex rd_lock;		/* readers, spsc mode */
	struct mutex wr_lock;		/* writers, spsc mode */
	struct mutex map_lock;		/* @mapped, vs. resize */
	struct mutex ring_lock;		/* ring alloc/free, vs. stats */
	struct myipc_ring ring;
	wait_queue_head_t rd_wait;
	wait_queue_head_t wr_wait;
	wait_queue_head_t open_wait;
	unsigned int readers;
	unsigned int writers;
	unsigned int r_counter;
	unsigned int w_counter;
	unsigned int mapped;		/* VMAs, under @map_lock */
	struct myipc_file *producer;	/* role holders, under @lock */
	struct myipc_file *consumer;
	int broken;			/* a ring index was corrupted */
	struct myipc_announcer rd_ann;	/* kernel readers waiting */
	struct myipc_announcer wr_ann;	/* kernel writers waiting */
	u32 default_size;
	bool spsc;			/* sync mode; changes only while closed */
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
	/* counted in chan->readers / chan->writers (a role drops one) */
	bool is_reader;
	bool is_writer;
	/*
	 * An O_RDWR file counts as both kinds until MYIPC_IOC_SET_ROLE. What
	 * it saw when it opened: the open counters, and whether another end
	 * of each kind was open. SET_ROLE compares them with the channel's
	 * to tell a peer that came and went (END_CLOSED) from none (ABSENT).
	 */
	unsigned int r_counter_at_rdwr;
	unsigned int w_counter_at_rdwr;
	bool reader_at_rdwr;
	bool writer_at_rdwr;
	/* MYIPC_ROLE_* or 0, set once under chan->lock */
	u32 role;
	/* the peer kind existed when the role was taken, or its counter */
	bool peer_at_role;
	unsigned int peer_counter_at_role;
	unsigned long self_wake;	/* bit 0: MYIPC_WAKE_SELF pending */
};

static inline struct myipc_chan *myipc_chan_of(struct file *file)
{
	return ((struct myipc_file *)file->private_data)->chan;
}

/*
 * sync mode of new devices: true for the lock-free SPSC copy path (module
 * parameter sync=); each device keeps its own in chan->spsc, which
 * /sys/class/myipc/myipcN/sync changes while the device has no open end.
 */
extern bool myipc_spsc;

/* ring.c */
int myipc_ring_alloc(struct myipc_ring *ring, u32 size);
void myipc_ring_free(struct myipc_ring *ring);
int myipc_ring_data_alloc(struct myipc_ring *ring, u32 size);
void myipc_ring_data_free(struct myipc_ring *ring);
u64 myipc_ring_used(const struct myipc_ring *ring);
u32 myipc_ring_room(const struct myipc_ring *ring);
s64 myipc_ring_check_read(struct myipc_ring *ring, u64 *head);
s64 myipc_ring_check_write(struct myipc_ring *ring, u64 *tail);
size_t myipc_ring_copy_in(struct myipc_ring *ring, u64 tail,
			  struct iov_iter *from, size_t len);
void myipc_ring_produce(struct myipc_ring *ring, u64 tail);
size_t myipc_ring_copy_out(struct myipc_ring *ring, u64 head,
			   struct iov_iter *to, size_t len);
void myipc_ring_consume(struct myipc_ring *ring, u64 head);
int myipc_ring_resize(struct myipc_ring *ring, struct myipc_ring *fresh);
int myipc_size_round(u64 want, u32 *size);

/* announce.c */
void myipc_announce_sleep(struct myipc_ring_side *side,
			  struct myipc_announcer *ann, u32 *number);
void myipc_announce_wake(struct myipc_ring_side *side,
			 struct myipc_announcer *ann, u32 number);
void myipc_announce_poll(struct myipc_ring_side *side,
			 struct myipc_announcer *ann);
void myipc_announce_ready(struct myipc_ring_side *side,
			  struct myipc_announcer *ann, u32 seen);

/* fifo.c */
extern const struct file_operations myipc_fops;
void myipc_chan_init(struct myipc_chan *chan, unsigned int index, u32 size,
		     bool spsc);
int myipc_chan_set_sync(struct myipc_chan *chan, bool spsc);
void myipc_chan_destroy(struct myipc_chan *chan);
void myipc_chan_stats(struct myipc_chan *chan, struct myipc_stats *st);
void myipc_lock_both(struct myipc_chan *chan);
void myipc_unlock_both(struct myipc_chan *chan);
void myipc_set_broken(struct myipc_chan *chan);
bool myipc_wake_writers_prepare(struct myipc_chan *chan);
void myipc_wake_writers(struct myipc_chan *chan);
void myipc_wake_readers(struct myipc_chan *chan);
int myipc_set_role(struct file *file, u32 role);

/* ioctl.c */
long myipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* mmap.c */
int myipc_mmap(struct file *file, struct vm_area_struct *vma);
int myipc_wait(struct file *file, struct myipc_wait __user *arg);
int myipc_wake(struct file *file, u32 how);

#endif /* MYIPC_DRV_H */
