// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c - the ring in user space: mmap with role-enforced protections,
 * MYIPC_IOC_WAIT and MYIPC_IOC_WAKE (the contract is in uapi/myipc.h;
 * MYIPC_IOC_SET_ROLE is open/release bookkeeping and lives in fifo.c)
 *
 * ->mmap runs with the caller's mmap_lock held for writing. It therefore
 * takes only chan->map_lock (last in the lock order, myipc_drv.h), never
 * a data lock: read/write hold those while copying from or to user memory,
 * which may fault and take mmap_lock. map_lock keeps a resize (which
 * holds both data locks, then map_lock) from swapping the data pages
 * while they are being inserted, and protects chan->mapped, which makes a
 * resize fail with EBUSY while any mapping exists.
 *
 * Pages are inserted with vm_insert_page(): each mapping holds its own
 * page references, the VMA holds the file, so the ring (freed on the last
 * release) cannot go away under a mapping; fork copies the page table
 * entries (VM_MIXEDMAP) and calls ->open, exit and munmap call ->close.
 */
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "myipc_drv.h"

#define MYIPC_CTRL_PGS	(MYIPC_RING_DATA_OFFSET >> PAGE_SHIFT)

/* 6.3 made vm_flags private: vm_flags_set()/vm_flags_clear(). */
static void myipc_vma_flags(struct vm_area_struct *vma, vm_flags_t set,
			    vm_flags_t clear)
{
#ifdef MYIPC_HAVE_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

static void myipc_vm_open(struct vm_area_struct *vma)
{
	struct myipc_chan *chan = myipc_chan_of(vma->vm_file);

	mutex_lock(&chan->map_lock);
	chan->mapped++;
	mutex_unlock(&chan->map_lock);
}

static void myipc_vm_close(struct vm_area_struct *vma)
{
	struct myipc_chan *chan = myipc_chan_of(vma->vm_file);

	mutex_lock(&chan->map_lock);
	chan->mapped--;
	mutex_unlock(&chan->map_lock);
}

static struct page *myipc_layout_page(struct myipc_ring *ring,
				      unsigned long pg, unsigned long nd);

/*
 * A page of the mapping whose entry is gone (madvise(MADV_DONTNEED)
 * zaps it) comes back on the next touch: the layout page at that file
 * offset. The pages cannot change while the mapping exists (a resize
 * fails with EBUSY then), and a write fault on a read-only mapping never
 * gets here (the VMA lacks VM_WRITE and VM_MAYWRITE).
 */
static vm_fault_t myipc_vm_fault(struct vm_fault *vmf)
{
	struct myipc_chan *chan = myipc_chan_of(vmf->vma->vm_file);
	struct myipc_ring *ring = &chan->ring;
	unsigned long nd = ring->size >> PAGE_SHIFT;

	if (vmf->pgoff >= MYIPC_CTRL_PGS + 2 * nd)
		return VM_FAULT_SIGBUS;
	vmf->page = myipc_layout_page(ring, vmf->pgoff, nd);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct myipc_vm_ops = {
	.open	= myipc_vm_open,
	.close	= myipc_vm_close,
	.fault	= myipc_vm_fault,
};

/* Is page @pg a region boundary of the layout (@nd data pages)? */
static bool myipc_boundary(unsigned long pg, unsigned long nd)
{
	return pg <= MYIPC_CTRL_PGS || pg == MYIPC_CTRL_PGS + nd ||
	       pg == MYIPC_CTRL_PGS + 2 * nd;
}

/* May @role write page @pg of the layout? */
static bool myipc_page_writable(u32 role, unsigned long pg)
{
	if (role == MYIPC_ROLE_PRODUCER)
		return pg == (MYIPC_RING_PRODUCER_OFFSET >> PAGE_SHIFT) ||
		       pg >= MYIPC_CTRL_PGS;
	return pg == (MYIPC_RING_CONSUMER_OFFSET >> PAGE_SHIFT);
}

static struct page *myipc_layout_page(struct myipc_ring *ring,
				      unsigned long pg, unsigned long nd)
{
	if (pg < MYIPC_CTRL_PGS)
		return ring->ctrl_pages[pg];
	return ring->data_pages[(pg - MYIPC_CTRL_PGS) % nd];
}

static int myipc_mmap_locked(struct myipc_chan *chan, u32 role,
			     struct vm_area_struct *vma)
{
	struct myipc_ring *ring = &chan->ring;
	unsigned long nd = ring->size >> PAGE_SHIFT;
	unsigned long total = MYIPC_CTRL_PGS + 2 * nd;
	unsigned long first = vma->vm_pgoff;
	unsigned long count = vma_pages(vma);
	bool writable = true;
	unsigned long i;
	int ret;

	if (first >= total || count > total - first ||
	    !myipc_boundary(first, nd) || !myipc_boundary(first + count, nd))
		return -EINVAL;
	for (i = first; i < first + count; i++)
		writable &= myipc_page_writable(role, i);
	if (!writable) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		/* so that mprotect(PROT_WRITE) cannot lift it later */
		myipc_vma_flags(vma, 0, VM_MAYWRITE);
	}
	myipc_vma_flags(vma, VM_DONTEXPAND | VM_DONTDUMP, 0);
	for (i = 0; i < count; i++) {
		ret = vm_insert_page(vma, vma->vm_start + (i << PAGE_SHIFT),
				     myipc_layout_page(ring, first + i, nd));
		if (ret)
			return ret;
	}
	vma->vm_ops = &myipc_vm_ops;
	chan->mapped++;
	return 0;
}

int myipc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	u32 role = READ_ONCE(mf->role);
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!role)
		return -EACCES;
	mutex_lock(&chan->map_lock);
	ret = myipc_mmap_locked(chan, role, vma);
	mutex_unlock(&chan->map_lock);
	return ret;
}

/* ---- MYIPC_IOC_WAIT / MYIPC_IOC_WAKE ---- */

#define MYIPC_WAIT_BROKEN	0x80000000U	/* internal: ring corrupt */

/*
 * The bytes buffered as MYIPC_IOC_WAIT sees them, or -EIO when an index
 * is impossible: tail - head outside [0, size], or an index behind the
 * value this check saw last (indices only move forward). The waiter's
 * own index is read first and again after the peer's; while it is
 * stable, the pair is a consistent snapshot (the peer's index can only
 * have moved forward within the range the stable one allows), so a
 * valid ring never fails. The views are taken under wait_lock, so each
 * index's views are in time order and a backward step is real. If the
 * own index keeps moving (another thread copies through this very file
 * with read(2)/write(2)), no snapshot is consistent: -EAGAIN, which the
 * caller reports as ready, so the waiter looks again instead of the
 * channel being marked broken. *@size is the capacity the indices are
 * judged against, read under the same lock as a resize changes it.
 */
static s64 myipc_wait_used(struct myipc_file *mf, u64 *size)
{
	struct myipc_ring *ring = &mf->chan->ring;
	bool consumer = mf->role == MYIPC_ROLE_CONSUMER;
	u64 *own = consumer ? &ring->cons->index : &ring->prod->index;
	u64 *peer = consumer ? &ring->prod->index : &ring->cons->index;
	u64 mine, other, t, h;
	int tries = 4;
	bool bad, moved;

	spin_lock(&ring->wait_lock);
	*size = ring->size;
	do {
		mine = READ_ONCE(*own);
		/* ACQUIRE: the peer's index before what it published */
		other = smp_load_acquire(peer);
		moved = READ_ONCE(*own) != mine;
	} while (moved && --tries);
	if (moved) {
		spin_unlock(&ring->wait_lock);
		return -EAGAIN;
	}
	t = consumer ? other : mine;
	h = consumer ? mine : other;
	bad = t - h > *size || (s64)(t - ring->wait_tail_seen) < 0 ||
	      (s64)(h - ring->wait_head_seen) < 0;
	if (!bad) {
		ring->wait_tail_seen = t;
		ring->wait_head_seen = h;
	}
	spin_unlock(&ring->wait_lock);
	return bad ? -EIO : (s64)(t - h);
}

/* The wait condition, evaluated without locks; 0 means keep sleeping. */
static u32 myipc_wait_result(struct myipc_file *mf, const struct myipc_wait *w)
{
	struct myipc_chan *chan = mf->chan;
	struct myipc_ring *ring = &chan->ring;
	u64 size;
	s64 used = myipc_wait_used(mf, &size);
	u64 need = clamp_t(u64, w->need, 1, size);
	struct myipc_ring_side *peer;
	unsigned int count, counter;
	u32 res = 0;

	if (READ_ONCE(chan->broken))
		return MYIPC_WAIT_BROKEN;
	if (used == -EAGAIN)
		return MYIPC_WAIT_READY;	/* see myipc_wait_used() */
	if (used < 0)
		return MYIPC_WAIT_BROKEN;
	if (mf->role == MYIPC_ROLE_CONSUMER) {
		if ((u64)used >= need)
			res |= MYIPC_WAIT_READY;
		count = READ_ONCE(chan->writers);
		counter = READ_ONCE(chan->w_counter);
		peer = ring->prod;
	} else {
		if (size - (u64)used >= need)
			res |= MYIPC_WAIT_READY;
		count = READ_ONCE(chan->readers);
		counter = READ_ONCE(chan->r_counter);
		peer = ring->cons;
	}
	if (!count && (mf->peer_at_role || counter != mf->peer_counter_at_role))
		res |= MYIPC_WAIT_PEER_GONE;
	if ((w->flags & MYIPC_WAIT_SEQ) && READ_ONCE(peer->wake_seq) != w->seq)
		res |= MYIPC_WAIT_WOKEN;
	if (test_bit(0, &mf->self_wake))
		res |= MYIPC_WAIT_WOKEN;
	return res;
}

int myipc_wait(struct file *file, struct myipc_wait __user *arg)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	struct myipc_wait w;
	wait_queue_head_t *q;
	long left = 1;
	u32 res;

	if (copy_from_user(&w, arg, sizeof(w)))
		return -EFAULT;
	if ((w.flags & ~MYIPC_WAIT_SEQ) || w.reserved)
		return -EINVAL;
	if (!READ_ONCE(mf->role))
		return -EACCES;
	q = mf->role == MYIPC_ROLE_CONSUMER ? &chan->rd_wait : &chan->wr_wait;

	/*
	 * wait_event_*() queues us, then set_current_state() (a full
	 * barrier), then evaluates the condition: a publisher that stores
	 * its index and then checks the queue (wq_has_sleeper(), or user
	 * space's fence, sleeping-word load and MYIPC_IOC_WAKE) cannot miss
	 * us, whether its wake comes before or after we queue.
	 */
	if (w.timeout_ns < 0) {
		left = wait_event_interruptible(*q, myipc_wait_result(mf, &w));
	} else if (w.timeout_ns > 0) {
		u64 j = nsecs_to_jiffies64(w.timeout_ns);

		j = clamp_t(u64, j, 1, MAX_SCHEDULE_TIMEOUT - 1);
		left = wait_event_interruptible_timeout(*q,
							myipc_wait_result(mf, &w),
							(long)j);
	}
	if (left < 0)
		return -EINTR;
	res = myipc_wait_result(mf, &w);
	/* consumed here, so a WAKE_SELF after the look above is not lost */
	if (test_and_clear_bit(0, &mf->self_wake))
		res |= MYIPC_WAIT_WOKEN;
	if (res & MYIPC_WAIT_BROKEN) {
		myipc_set_broken(chan);
		return -EIO;
	}
	return res ? res : -ETIMEDOUT;
}

int myipc_wake(struct file *file, u32 how)
{
	struct myipc_file *mf = file->private_data;
	struct myipc_chan *chan = mf->chan;
	u32 role = READ_ONCE(mf->role);
	bool consumer = role == MYIPC_ROLE_CONSUMER;

	if (!role)
		return -EACCES;
	switch (how) {
	case MYIPC_WAKE_PEER:
		if (consumer) {
			atomic64_inc(&chan->wr_stats.wakeups);
			myipc_wake_writers(chan);
		} else {
			atomic64_inc(&chan->rd_stats.wakeups);
			myipc_wake_readers(chan);
		}
		return 0;
	case MYIPC_WAKE_SELF:
		set_bit(0, &mf->self_wake);
		/* the bit before the wake-up; the waiter re-checks after queueing */
		smp_mb__after_atomic();
		wake_up_interruptible_all(consumer ? &chan->rd_wait :
					  &chan->wr_wait);
		return 0;
	default:
		return -EINVAL;
	}
}
