/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * myipc.h - the user-space contract of the myipc character device
 *
 * Each /dev/myipcN is one independent channel: a byte ring in the kernel
 * that behaves like a Linux FIFO (named pipe). Open one end O_RDONLY and
 * the other O_WRONLY (or one O_RDWR), then use read(2)/write(2),
 * readv(2)/writev(2), splice(2), poll(2)/epoll(7) exactly as with a FIFO.
 * The ioctls below add what fcntl(2) offers for pipes (F_GETPIPE_SZ,
 * F_SETPIPE_SZ) and per-channel statistics.
 *
 * Each device runs its copy path in one of two sync modes, "spsc" or
 * "mutex" (the same FIFO semantics either way): the module parameter
 * sync= sets the mode devices start in, /sys/class/myipc/myipcN/sync
 * shows and (root, while no end of that device is open, else EBUSY)
 * changes one device's mode.
 *
 * This header compiles in user space and in the kernel; it only uses
 * fixed-width types so that 32-bit and 64-bit callers see one layout.
 */
#ifndef _UAPI_LINUX_MYIPC_H
#define _UAPI_LINUX_MYIPC_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Device nodes are MYIPC_DEV_PREFIX followed by the channel number,
 * 0 .. nr_devs - 1 (module parameter, at most MYIPC_MAX_DEVS).
 */
#define MYIPC_DEV_PREFIX	"/dev/myipc"
#define MYIPC_MAX_DEVS		64

/*
 * Writes of at most MYIPC_PIPE_BUF bytes are atomic: their bytes are
 * never split and never interleaved with another writer's bytes. A
 * blocking writer waits until that much room is free; with O_NONBLOCK
 * such a write either moves every byte or fails with EAGAIN. The same
 * value as PIPE_BUF on Linux, and poll(2) reports a channel writable
 * when at least this many bytes are free.
 */
#define MYIPC_PIPE_BUF		4096

/*
 * Ring capacity limits, in bytes. A capacity is always a power of two,
 * at least the kernel's page size (MYIPC_MIN_SIZE on x86-64) and at most
 * MYIPC_MAX_SIZE. Requested sizes are rounded up to the next power of two
 * (and up to the page size). MYIPC_DEFAULT_SIZE is the default of the
 * buf_size module parameter.
 */
#define MYIPC_MIN_SIZE		4096
#define MYIPC_MAX_SIZE		(16U << 20)
#define MYIPC_DEFAULT_SIZE	65536

/*
 * struct myipc_stats - counters of one channel (MYIPC_IOC_GET_STATS)
 *
 * Counters start at zero when the module is loaded and only grow; they
 * survive the last close (buffered data does not). The same values are
 * readable as text in /sys/class/myipc/myipcN/<field name>.
 *
 * @bytes_written:  bytes accepted by write(2)/writev(2)/splice(2)
 * @bytes_read:     bytes handed out by read(2)/readv(2)/splice(2)
 * @write_calls:    write calls with a non-zero count
 * @read_calls:     read calls with a non-zero count
 * @writer_sleeps:  times a writer slept because the ring lacked room
 * @reader_sleeps:  times a reader slept because the ring was empty
 * @writer_wakeups: wake-ups sent to sleeping writers (or pollers) when
 *                  room appeared
 * @reader_wakeups: wake-ups sent to sleeping readers (or pollers) when
 *                  data appeared
 * @high_water:     most bytes ever buffered at once
 * @capacity:       current ring capacity in bytes (as MYIPC_IOC_GET_SIZE)
 * @buffered:       bytes buffered right now (as FIONREAD)
 * @reserved:       zero; new counters take these slots so the structure
 *                  (and so the ioctl number) never changes size
 */
struct myipc_stats {
	__u64 bytes_written;
	__u64 bytes_read;
	__u64 write_calls;
	__u64 read_calls;
	__u64 writer_sleeps;
	__u64 reader_sleeps;
	__u64 writer_wakeups;
	__u64 reader_wakeups;
	__u64 high_water;
	__u64 capacity;
	__u64 buffered;
	__u64 reserved[5];
};

/*
 * ioctl commands. Besides these the device answers FIONREAD (an int: the
 * bytes buffered, as for a pipe). Any other command fails with ENOTTY.
 * All of them work on either end (read, write or read-write open).
 */
#define MYIPC_IOC_MAGIC		0xE7

/*
 * MYIPC_IOC_GET_SIZE - store the ring capacity in bytes at *arg.
 * Like fcntl(F_GETPIPE_SZ). Encoding: _IOR(0xE7, 0x01, __u64) = 0x8008E701.
 */
#define MYIPC_IOC_GET_SIZE	_IOR(MYIPC_IOC_MAGIC, 0x01, __u64)

/*
 * MYIPC_IOC_SET_SIZE - resize the ring, keeping buffered data in order.
 * Like fcntl(F_SETPIPE_SZ). In: *arg is the wanted capacity. It is
 * rounded up to a power of two and to at least the page size (so 0 gives
 * one page, as for a pipe). Out: *arg holds the capacity now in effect.
 * Errors:
 *   EINVAL  *arg is larger than MYIPC_MAX_SIZE
 *   EBUSY   more bytes are buffered than the new capacity holds
 *   ENOMEM  no memory for the new ring (the old one stays)
 *   EBUSY   also while any mmap of the ring exists, whatever the size
 * Encoding: _IOWR(0xE7, 0x02, __u64) = 0xC008E702.
 */
#define MYIPC_IOC_SET_SIZE	_IOWR(MYIPC_IOC_MAGIC, 0x02, __u64)

/*
 * MYIPC_IOC_GET_STATS - copy the channel's struct myipc_stats to *arg.
 * Encoding: _IOR(0xE7, 0x03, struct myipc_stats) = 0x8080E703 (128 bytes).
 */
#define MYIPC_IOC_GET_STATS	_IOR(MYIPC_IOC_MAGIC, 0x03, struct myipc_stats)

/*
 * ===================== The shared ring (mmap) =====================
 *
 * Every channel's ring lives in pages that user space can map. This
 * header is the reference for the layout and the wait/wake protocol of
 * that ring, wherever its memory comes from: the Java ring
 * (io.myipc.internal.ring.RingDescriptor, module myipc-ring) follows it
 * offset by offset, over the driver's pages and over /dev/shm.
 * Naming is NOT that of fs/pipe.c: "tail" is the producer's
 * index (bytes ever published), "head" the consumer's (bytes ever
 * consumed); tail - head is the number of readable bytes, 0 .. capacity.
 * Both are free-running 64-bit counters; the byte at index i lives at
 * data offset (i & (capacity - 1)). The driver's read(2)/write(2) use the
 * very same words, so a copy end and an mmap end interoperate.
 *
 *  file offset  length     what                       producer  consumer
 *  0x0000       0x1000     header page                read      read
 *  0x1000       0x1000     producer page (tail, ...)  rw        read
 *  0x2000       0x1000     consumer page (head, ...)  read      rw
 *  0x3000       capacity   data                       rw        read
 *  0x3000+cap   capacity   the same data pages again  rw        read
 *
 * The capacity is the header's capacity word (= MYIPC_IOC_GET_SIZE).
 * A mapping must be MAP_SHARED (else EINVAL), start at one of the region
 * starts above (0, 0x1000, 0x2000, 0x3000, 0x3000 + cap) and end at a
 * region end (0x1000, 0x2000, 0x3000, 0x3000 + cap, 0x3000 + 2 * cap),
 * else EINVAL. Mapping needs a role (MYIPC_IOC_SET_ROLE, else EACCES) and
 * an fd opened O_RDWR (the VFS wants FMODE_READ for any mapping and
 * FMODE_WRITE for a shared writable one). PROT_WRITE on a range that holds
 * a page the role may not write fails with EACCES; a read-only mapping of
 * such a range has VM_MAYWRITE cleared, so mprotect(PROT_WRITE) fails too.
 * Map the ring as one reservation of 0x3000 + 2 * cap bytes with MAP_FIXED
 * pieces, e.g. a producer: [0,0x1000) PROT_READ, [0x1000,0x2000) RW,
 * [0x2000,0x3000) PROT_READ, [0x3000, 0x3000 + 2 * cap) RW; a consumer:
 * [0,0x2000) PROT_READ, [0x2000,0x3000) RW, [0x3000, end) PROT_READ. The
 * data is mapped twice back to back, so [i & mask, (i & mask) + n) is
 * contiguous for any n <= capacity. MYIPC_IOC_SET_SIZE fails with EBUSY
 * while any mapping exists. The layout needs 4 KiB pages (one control
 * word per page, so protections differ per role): the driver does not
 * build for other page sizes. A page dropped from a mapping with
 * madvise(MADV_DONTNEED) is the same ring page again at its next touch.
 * A forked child shares the parent's mappings and file: the role, and so
 * the end, lives until both have closed or unmapped it (as a pipe end
 * inherited by fork stays open).
 *
 * Index protocol: whoever lays the ring out (the kernel; for a ring in
 * shared memory, its creator) writes the header page, then stores
 * ready = 1 with release semantics as its last store; an end loads ready
 * with acquire before trusting the other header words. The producer
 * writes data bytes, then stores tail with release semantics; the
 * consumer loads tail with acquire, reads the bytes, then stores head
 * with release; the producer loads head with acquire before reusing the
 * space. The kernel re-validates every index it
 * reads (tail - head must stay in [0, capacity], and each index may only
 * move forward from the kernel's last view: read(2)/write(2) check the
 * peer's index, MYIPC_IOC_WAIT checks both, so an mmap end that steps its
 * own index back is caught at its next WAIT even if the pair still looks
 * plausible); a violation marks the channel broken:
 * read/write/MYIPC_IOC_WAIT then fail with EIO and poll reports EPOLLERR,
 * until every end has closed.
 *
 * Wait/wake protocol (no system call while streaming): a side S that must
 * wait (consumer: ring empty; producer: not enough room)
 *   1. reads seq = peer.wake_seq (acquire),
 *   2. stores S.sleeping = a fresh non-zero number (its own page),
 *   3. issues a full fence (mfence / VarHandle.fullFence),
 *   4. re-checks the ring; if the wait is over: S.sleeping = 0, done,
 *   5. calls MYIPC_IOC_WAIT { need, timeout, seq, MYIPC_WAIT_SEQ },
 *   6. stores S.sleeping = 0 and loops.
 * The other side W, after each release store of its index: full fence,
 * then loads S.sleeping; if it is non-zero and not yet answered, W bumps
 * W.wake_seq (its own page) and calls MYIPC_IOC_WAKE(MYIPC_WAKE_PEER).
 * W's fence pairs with S's fence of step 3 (store, fence, load on both
 * sides): either S sees the new index in step 4, or W sees the
 * announcement. MYIPC_IOC_WAIT also re-checks the ring itself after
 * queueing on the wait queue, so a WAKE that comes before the WAIT is not
 * lost. W answers each announcement number once (it remembers the last
 * number it answered), so a sleeper must store a FRESH number every time
 * it goes to sleep.
 *
 * Kernel ends (read(2)/write(2) users) announce the same way, in the page
 * of their side (readers: consumer page, writers: producer page):
 *  - a blocking read/write stores a fresh non-zero number, then a full
 *    barrier, then re-checks the ring, on EVERY round that finds the ring
 *    not ready (a writer waiting for MYIPC_PIPE_BUF of room may sleep many
 *    times in one call; each sleep has its own number);
 *  - poll(2)/select(2)/epoll(7): every .poll call that finds the end not
 *    ready does the same (fresh number, barrier, one more look) and LEAVES
 *    the number set while the poller waits; a later .poll that finds the
 *    end ready clears it (only if nothing newer was announced). So does a
 *    read/write that fails with EAGAIN (O_NONBLOCK), since a poll or an
 *    epoll wait follows it: an edge-triggered epoll user who reads until
 *    EAGAIN is woken by the next publish;
 *  - several kernel sleepers of one side share the word; a WAKE wakes all
 *    pollers but one blocking sleeper, so a sleeper that wakes while
 *    others still sleep stores a fresh number for them;
 *  - the word goes back to 0 when no kernel end of that side waits any
 *    more (or to the outstanding poll number). A number left behind costs
 *    W at most one needless MYIPC_IOC_WAKE.
 * So an mmap end never needs to wake a copy peer "just in case": looking
 * at the sleeping word after each publish is enough. A kernel end that
 * publishes wakes mmap sleepers through the wait queue (no wake_seq bump
 * needed: WAIT checks the ring). The kernel keeps the state words: it stores
 * MYIPC_END_OPEN when an end of that kind opens and MYIPC_END_CLOSED when
 * the last one closes (or the process dies), after its last index store.
 */
#define MYIPC_RING_MAGIC	0x4350494DU	/* the bytes "MIPC" */
#define MYIPC_RING_VERSION	1
#define MYIPC_RING_PAGE		4096
#define MYIPC_RING_HEADER_OFFSET	0x0000
#define MYIPC_RING_PRODUCER_OFFSET	0x1000
#define MYIPC_RING_CONSUMER_OFFSET	0x2000
#define MYIPC_RING_DATA_OFFSET	0x3000
/* bytes of address space a full mapping needs for a given capacity */
#define MYIPC_RING_MAP_SIZE(cap)	(MYIPC_RING_DATA_OFFSET + 2 * (cap))

/* values of the state words */
#define MYIPC_END_ABSENT	0
#define MYIPC_END_OPEN		1
#define MYIPC_END_CLOSED	2

/* page 0, offset 0x0000: written by the kernel only */
struct myipc_ring_header {
	__u32 magic;			/* 0x000 MYIPC_RING_MAGIC */
	__u32 version;			/* 0x004 MYIPC_RING_VERSION */
	__u64 capacity;			/* 0x008 data bytes, power of two */
	__u32 data_offset;		/* 0x010 MYIPC_RING_DATA_OFFSET */
	__u32 ready;			/* 0x014 1 once initialised */
	__u32 flags;			/* 0x018 0 */
	__u32 closed_ends;		/* 0x01c shm only; 0 here */
	__u8 pad0[0x20];
	__u32 producer_pid;		/* 0x040 shm only; 0 here */
	__u32 pad1;
	__u64 producer_start_time;	/* 0x048 shm only; 0 here */
	__u8 pad2[0x30];
	__u32 consumer_pid;		/* 0x080 shm only; 0 here */
	__u32 pad3;
	__u64 consumer_start_time;	/* 0x088 shm only; 0 here */
};

/*
 * page 1 (producer, 0x1000) and page 2 (consumer, 0x2000). The wait words
 * are on another cache line than the index: the peer loads "sleeping"
 * after each of its publishes, and that load should not miss because this
 * side's index moved.
 */
struct myipc_ring_side {
	__u64 index;		/* +0x000 tail (producer) / head (consumer) */
	__u8 pad0[0x78];
	__u32 state;		/* +0x080 MYIPC_END_* */
	__u32 sleeping;		/* +0x084 0 awake, else announcement number */
	__u32 wake_seq;		/* +0x088 bumped when this side wakes the peer */
};

/*
 * MYIPC_IOC_SET_ROLE - declare this open file the ring's producer or
 * consumer. In: *arg, a __u32 MYIPC_ROLE_*. One producer and one consumer
 * at a time: EBUSY if the role is taken (or this file has a role already).
 * The producer needs a file opened for writing, the consumer one opened
 * for reading (EBADF otherwise); to mmap, open O_RDWR. A role end counts
 * only as what it is: an O_RDWR producer no longer counts as a reader
 * (so the consumer sees EOF when it goes), an O_RDWR consumer no longer
 * as a writer. If that leaves no end of the other kind, the peer's state
 * word says whether one was there since this file opened: END_CLOSED if
 * another end of that kind was open then or has opened since (a writer
 * that opened, wrote and closed in between: the consumer reads its bytes,
 * then end of file), END_ABSENT if none was (wait for the peer to open).
 * While a role is held, read(2) (write(2)) from other files
 * fails with EBUSY, since their bytes would race with the mapping's; a
 * copy already asleep in read(2) (write(2)) gets EBUSY when it wakes
 * (or its partial count), and SET_ROLE returns only once no copy through
 * another file is in progress on that side (it may wait for one whose
 * user buffer is slow to fault in).
 * Encoding: _IOW(0xE7, 0x10, __u32) = 0x4004E710.
 */
#define MYIPC_ROLE_PRODUCER	1
#define MYIPC_ROLE_CONSUMER	2
#define MYIPC_IOC_SET_ROLE	_IOW(MYIPC_IOC_MAGIC, 0x10, __u32)

/*
 * MYIPC_IOC_WAIT - sleep until the ring is ready for this role's end:
 * consumer: at least @need bytes readable (0 means 1); producer: at least
 * @need bytes of room (0 means 1, more than the capacity means all of
 * it; room freed by a read(2) consumer wakes it whatever @need is); or
 * the peer end has gone; or (flag MYIPC_WAIT_SEQ) the peer's wake_seq
 * word differs from @seq; or MYIPC_IOC_WAKE(MYIPC_WAKE_SELF) was
 * called on this file since the last WAIT returned. "Peer gone" means all
 * ends of the other kind have closed after one existed (a producer waiting
 * before any consumer has opened keeps waiting, as an open would).
 * @timeout_ns < 0 waits forever, 0 only checks. Every return is a hint:
 * look at the ring again (READY is also reported, at once, while another
 * thread copies through this same file with read(2)/write(2), whose index
 * moves too fast for a consistent view).
 * Returns (as the ioctl's value) a mask of MYIPC_WAIT_READY,
 * MYIPC_WAIT_PEER_GONE, MYIPC_WAIT_WOKEN; errors: ETIMEDOUT, EINTR (a
 * signal; never restarted), EIO (ring corrupted), EACCES (no role),
 * EINVAL (unknown flags, non-zero reserved fields).
 * Encoding: _IOW(0xE7, 0x11, struct myipc_wait) = 0x4020E711 (32 bytes).
 */
struct myipc_wait {
	__u64 need;		/* bytes wanted (consumer) or room (producer) */
	__s64 timeout_ns;	/* < 0 forever, 0 just check */
	__u32 seq;		/* with MYIPC_WAIT_SEQ: peer wake_seq seen */
	__u32 flags;		/* MYIPC_WAIT_SEQ */
	__u64 reserved;		/* 0 */
};

#define MYIPC_WAIT_SEQ		0x1	/* flags: also wait while seq matches */
#define MYIPC_WAIT_READY	0x1	/* result: the ring condition holds */
#define MYIPC_WAIT_PEER_GONE	0x2	/* result: the other end closed */
#define MYIPC_WAIT_WOKEN	0x4	/* result: wake_seq moved or self wake */
#define MYIPC_IOC_WAIT		_IOW(MYIPC_IOC_MAGIC, 0x11, struct myipc_wait)

/*
 * MYIPC_IOC_WAKE - In: *arg, a __u32. MYIPC_WAKE_PEER wakes the other
 * end's sleepers (an mmap end in MYIPC_IOC_WAIT or a kernel end in read(2)
 * or write(2)); call it only after seeing the peer's sleeping word set.
 * MYIPC_WAKE_SELF makes the next (or the current) MYIPC_IOC_WAIT of this
 * file return MYIPC_WAIT_WOKEN: a way for another thread to interrupt a
 * waiter (close, wakeup()). EACCES without a role.
 * Encoding: _IOW(0xE7, 0x12, __u32) = 0x4004E712.
 */
#define MYIPC_WAKE_PEER		0
#define MYIPC_WAKE_SELF		1
#define MYIPC_IOC_WAKE		_IOW(MYIPC_IOC_MAGIC, 0x12, __u32)

#endif /* _UAPI_LINUX_MYIPC_H */
