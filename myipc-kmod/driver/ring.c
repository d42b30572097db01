// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the byte ring behind each channel
 *
 * Only this file knows where bytes sit in memory. Callers ask how much
 * is buffered or free, copy into the free part or out of the buffered
 * part, and then publish (produce) or release (consume) what they copied.
 * Copying and publishing are separate steps so a writer can abandon a
 * copy that faulted half way, and so that a lock-free variant can put a
 * release barrier between the copy and the index store.
 */
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "myipc_drv.h"

int myipc_ring_alloc(struct myipc_ring *ring, u32 size)
{
	void *data = vmalloc_user(size);

	if (!data)
		return -ENOMEM;
	ring->data = data;
	ring->size = size;
	ring->head = 0;
	ring->tail = 0;
	return 0;
}

void myipc_ring_free(struct myipc_ring *ring)
{
	vfree(ring->data);
	ring->data = NULL;
	WRITE_ONCE(ring->head, 0);
	WRITE_ONCE(ring->tail, 0);
}

/* Bytes buffered. Safe without the lock: the result may just be stale. */
u32 myipc_ring_used(const struct myipc_ring *ring)
{
	return READ_ONCE(ring->head) - READ_ONCE(ring->tail);
}

/* Bytes free. Clamped, since a lockless caller may see a shrinking size. */
u32 myipc_ring_room(const struct myipc_ring *ring)
{
	u32 size = READ_ONCE(ring->size);
	u32 used = myipc_ring_used(ring);

	return used < size ? size - used : 0;
}

/*
 * Copy up to @len bytes (the caller checked the room) from @from to the
 * free part starting at head. Returns the bytes copied; fewer than @len
 * means a fault. Nothing becomes visible until myipc_ring_produce().
 */
size_t myipc_ring_copy_in(struct myipc_ring *ring, struct iov_iter *from,
			  size_t len)
{
	u32 off = ring->head & (ring->size - 1);
	size_t first = min_t(size_t, len, ring->size - off);
	size_t done;

	done = copy_from_iter(ring->data + off, first, from);
	if (done == first && len > first)
		done += copy_from_iter(ring->data, len - first, from);
	return done;
}

void myipc_ring_produce(struct myipc_ring *ring, u32 len)
{
	WRITE_ONCE(ring->head, ring->head + len);
}

/*
 * Copy up to @len buffered bytes (the caller checked they exist) starting
 * at tail into @to. Returns the bytes copied; fewer than @len means a
 * fault. The bytes stay buffered until myipc_ring_consume().
 */
size_t myipc_ring_copy_out(struct myipc_ring *ring, struct iov_iter *to,
			   size_t len)
{
	u32 off = ring->tail & (ring->size - 1);
	size_t first = min_t(size_t, len, ring->size - off);
	size_t done;

	done = copy_to_iter(ring->data + off, first, to);
	if (done == first && len > first)
		done += copy_to_iter(ring->data, len - first, to);
	return done;
}

void myipc_ring_consume(struct myipc_ring *ring, u32 len)
{
	WRITE_ONCE(ring->tail, ring->tail + len);
}

/*
 * Copy the buffered bytes of @src into @dst, which must be large enough,
 * keeping their indices: byte i goes to dst->data[i & (dst->size - 1)].
 * Then head and tail need not change, so lockless observers never see an
 * inconsistent pair while a resize swaps the buffers.
 */
void myipc_ring_move(struct myipc_ring *dst, const struct myipc_ring *src)
{
	u32 i, n, s_off, d_off;

	for (i = src->tail; i != src->head; i += n) {
		s_off = i & (src->size - 1);
		d_off = i & (dst->size - 1);
		n = min3(src->head - i, src->size - s_off, dst->size - d_off);
		memcpy(dst->data + d_off, src->data + s_off, n);
	}
	dst->head = src->head;
	dst->tail = src->tail;
}

/*
 * Turn a wanted capacity into a valid one: a power of two, at least
 * PAGE_SIZE, at most MYIPC_MAX_SIZE. 0 or too large gives -EINVAL.
 */
int myipc_size_round(u64 want, u32 *size)
{
	if (!want || want > MYIPC_MAX_SIZE)
		return -EINVAL;
	*size = max_t(u32, roundup_pow_of_two((u32)want), PAGE_SIZE);
	return 0;
}
