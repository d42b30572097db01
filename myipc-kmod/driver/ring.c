// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the byte ring behind each channel
 *
 * Only this file knows where bytes sit in memory and how the indices are
 * published. Callers check (and so validate) the indices, copy into the
 * free part or out of the buffered part, and then publish (produce) or
 * release (consume) what they copied. Copying and publishing are separate
 * steps so a writer can abandon a copy that faulted half way, and so that
 * the release barrier sits between the copy and the index store.
 *
 * Memory ordering (both sync modes; in mutex mode the mutex orders the
 * kernel's own ends anyway, but an mmap'd peer takes no lock):
 *   producer: bytes, then smp_store_release(tail)   [myipc_ring_produce]
 *   consumer: smp_load_acquire(tail), then bytes    [myipc_ring_check_read]
 *   consumer: bytes read, then smp_store_release(head) [myipc_ring_consume]
 *   producer: smp_load_acquire(head), then overwrite [myipc_ring_check_write]
 *
 * Distrust: the index words live in pages an mmap'd end may write. Every
 * kernel read of them is checked: tail - head must lie in [0, size], and
 * the peer's index may only move forward from the kernel's last view of
 * it. Offsets are always masked and every copy is at most size bytes from
 * a masked offset into the doubly mapped data, so no value user space
 * writes can make the kernel touch memory outside the ring.
 */
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "myipc_drv.h"

#define MYIPC_CTRL_PAGES	3

/* Allocate @size bytes of data pages and map them twice for the kernel. */
int myipc_ring_data_alloc(struct myipc_ring *ring, u32 size)
{
	unsigned int i, n = size >> PAGE_SHIFT;
	struct page **pages, **twice;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			goto err_pages;
	}
	twice = kvmalloc_array(2 * n, sizeof(*twice), GFP_KERNEL);
	if (!twice)
		goto err_pages;
	memcpy(twice, pages, n * sizeof(*pages));
	memcpy(twice + n, pages, n * sizeof(*pages));
	ring->data = vmap(twice, 2 * n, VM_MAP, PAGE_KERNEL);
	kvfree(twice);
	if (!ring->data)
		goto err_pages;
	ring->data_pages = pages;
	ring->size = size;
	return 0;

err_pages:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return -ENOMEM;
}

/*
 * Mappings in user space hold their own page references, but a ring is
 * only freed when no file (and so no mapping) is left anyway.
 */
void myipc_ring_data_free(struct myipc_ring *ring)
{
	unsigned int i;

	if (!ring->data)
		return;
	vunmap(ring->data);
	for (i = 0; i < ring->size >> PAGE_SHIFT; i++)
		__free_page(ring->data_pages[i]);
	kvfree(ring->data_pages);
	ring->data = NULL;
	ring->data_pages = NULL;
}

int myipc_ring_alloc(struct myipc_ring *ring, u32 size)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MYIPC_CTRL_PAGES; i++) {
		ring->ctrl_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!ring->ctrl_pages[i])
			goto err_pages;
	}
	ring->ctrl = vmap(ring->ctrl_pages, MYIPC_CTRL_PAGES, VM_MAP,
			  PAGE_KERNEL);
	if (!ring->ctrl)
		goto err_pages;
	ret = myipc_ring_data_alloc(ring, size);
	if (ret) {
		vunmap(ring->ctrl);
		ring->ctrl = NULL;
		goto err_pages;
	}
	ring->hdr = ring->ctrl + MYIPC_RING_HEADER_OFFSET;
	ring->prod = ring->ctrl + MYIPC_RING_PRODUCER_OFFSET;
	ring->cons = ring->ctrl + MYIPC_RING_CONSUMER_OFFSET;
	ring->w_head_seen = 0;
	ring->r_tail_seen = 0;
	ring->wait_tail_seen = 0;
	ring->wait_head_seen = 0;
	ring->hdr->magic = MYIPC_RING_MAGIC;
	ring->hdr->version = MYIPC_RING_VERSION;
	ring->hdr->capacity = size;
	ring->hdr->data_offset = MYIPC_RING_DATA_OFFSET;
	/* RELEASE: the header words above before ready (uapi/myipc.h) */
	smp_store_release(&ring->hdr->ready, 1);
	return 0;

err_pages:
	while (i--)
		__free_page(ring->ctrl_pages[i]);
	return -ENOMEM;
}

void myipc_ring_free(struct myipc_ring *ring)
{
	unsigned int i;

	if (!ring->ctrl)
		return;
	myipc_ring_data_free(ring);
	vunmap(ring->ctrl);
	for (i = 0; i < MYIPC_CTRL_PAGES; i++)
		__free_page(ring->ctrl_pages[i]);
	ring->ctrl = NULL;
	ring->hdr = NULL;
	ring->prod = NULL;
	ring->cons = NULL;
}

/*
 * Bytes buffered as a lockless observer (poll, a wait condition) sees
 * them: may be stale, and may exceed the size if user space corrupted an
 * index (callers treat that as "something to look at").
 */
u64 myipc_ring_used(const struct myipc_ring *ring)
{
	return READ_ONCE(ring->prod->index) - READ_ONCE(ring->cons->index);
}

/* Bytes free as a lockless observer sees them; 0 if corrupted. */
u32 myipc_ring_room(const struct myipc_ring *ring)
{
	u32 size = READ_ONCE(ring->size);
	u64 used = myipc_ring_used(ring);

	return used < size ? size - (u32)used : 0;
}

/*
 * The reading side (under the reader lock): validate the indices and
 * return the bytes readable, with the head to read from in *@head, or
 * -EIO if an index is corrupt.
 */
s64 myipc_ring_check_read(struct myipc_ring *ring, u64 *head)
{
	u64 h = READ_ONCE(ring->cons->index);
	/*
	 * ACQUIRE: pairs with the producer's release store of tail (ours in
	 * myipc_ring_produce(), or an mmap'd producer's): the bytes below
	 * tail are visible to the copy that follows.
	 */
	u64 t = smp_load_acquire(&ring->prod->index);

	if (t - h > ring->size || (s64)(t - ring->r_tail_seen) < 0)
		return -EIO;
	ring->r_tail_seen = t;
	*head = h;
	return t - h;
}

/*
 * The writing side (under the writer lock): validate the indices and
 * return the bytes of room, with the tail to write at in *@tail, or -EIO
 * if an index is corrupt.
 */
s64 myipc_ring_check_write(struct myipc_ring *ring, u64 *tail)
{
	u64 t = READ_ONCE(ring->prod->index);
	/*
	 * ACQUIRE: pairs with the consumer's release store of head (ours in
	 * myipc_ring_consume(), or an mmap'd consumer's): the consumer has
	 * finished reading the bytes below head before we overwrite them.
	 */
	u64 h = smp_load_acquire(&ring->cons->index);

	if (t - h > ring->size || (s64)(h - ring->w_head_seen) < 0)
		return -EIO;
	ring->w_head_seen = h;
	*tail = t;
	return ring->size - (t - h);
}

/*
 * Copy up to @len bytes (the caller checked the room) from @from to the
 * free part starting at @tail. One copy: the data is mapped twice.
 * Returns the bytes copied; fewer than @len means a fault. Nothing
 * becomes visible until myipc_ring_produce().
 */
size_t myipc_ring_copy_in(struct myipc_ring *ring, u64 tail,
			  struct iov_iter *from, size_t len)
{
	u32 off = tail & (ring->size - 1);

	return copy_from_iter(ring->data + off, min_t(size_t, len, ring->size),
			      from);
}

void myipc_ring_produce(struct myipc_ring *ring, u64 tail)
{
	/*
	 * RELEASE: orders the bytes copied in before the new tail; pairs
	 * with the consumer's acquire load of tail (myipc_ring_check_read()
	 * or an mmap'd consumer).
	 */
	smp_store_release(&ring->prod->index, tail);
}

/*
 * Copy up to @len buffered bytes (the caller checked they exist) starting
 * at @head into @to. Returns the bytes copied; fewer than @len means a
 * fault. The bytes stay buffered until myipc_ring_consume().
 */
size_t myipc_ring_copy_out(struct myipc_ring *ring, u64 head,
			   struct iov_iter *to, size_t len)
{
	u32 off = head & (ring->size - 1);

	return copy_to_iter(ring->data + off, min_t(size_t, len, ring->size),
			    to);
}

void myipc_ring_consume(struct myipc_ring *ring, u64 head)
{
	/*
	 * RELEASE: orders our reads of the bytes before the new head; pairs
	 * with the producer's acquire load of head (myipc_ring_check_write()
	 * or an mmap'd producer), which may then overwrite them.
	 */
	smp_store_release(&ring->cons->index, head);
}

/*
 * Give @ring the data area of @fresh (already allocated, with its size),
 * copying the buffered bytes so that they keep their indices: byte i goes
 * to the new data[i & (new size - 1)]. The indices do not change, so
 * lockless observers never see an inconsistent pair. Called with both
 * data locks held and nothing mapped. On success @fresh holds the old
 * data area, for the caller to free. -EBUSY if the bytes do not fit,
 * -EIO if the indices are corrupt.
 */
int myipc_ring_resize(struct myipc_ring *ring, struct myipc_ring *fresh)
{
	u64 h = READ_ONCE(ring->cons->index);
	u64 t = READ_ONCE(ring->prod->index);
	struct page **pages = ring->data_pages;
	void *data = ring->data;
	u32 size = ring->size;

	if (t - h > size)
		return -EIO;
	if (t - h > fresh->size)
		return -EBUSY;
	/* both areas are mapped twice, so each side is one contiguous run */
	memcpy(fresh->data + (h & (fresh->size - 1)), data + (h & (size - 1)),
	       t - h);
	ring->data_pages = fresh->data_pages;
	ring->data = fresh->data;
	/* MYIPC_IOC_WAIT reads the size and the indices under wait_lock */
	spin_lock(&ring->wait_lock);
	WRITE_ONCE(ring->size, fresh->size);
	spin_unlock(&ring->wait_lock);
	WRITE_ONCE(ring->hdr->capacity, fresh->size);
	fresh->data_pages = pages;
	fresh->data = data;
	fresh->size = size;
	return 0;
}

/*
 * Turn a wanted capacity into a valid one as F_SETPIPE_SZ does: a power
 * of two, at least PAGE_SIZE (so 0 gives one page). More than
 * MYIPC_MAX_SIZE gives -EINVAL.
 */
int myipc_size_round(u64 want, u32 *size)
{
	if (want > MYIPC_MAX_SIZE)
		return -EINVAL;
	*size = max_t(u32, roundup_pow_of_two(max_t(u32, want, 1)),
		      PAGE_SIZE);
	return 0;
}
