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
 * Like fcntl(F_GETPIPE_SZ).
 */
#define MYIPC_IOC_GET_SIZE	_IOR(MYIPC_IOC_MAGIC, 0x01, __u64)

/*
 * MYIPC_IOC_SET_SIZE - resize the ring, keeping buffered data in order.
 * Like fcntl(F_SETPIPE_SZ). In: *arg is the wanted capacity. It is
 * rounded up to a power of two and to at least the page size. Out: *arg
 * holds the capacity now in effect. Errors:
 *   EINVAL  *arg is 0 or larger than MYIPC_MAX_SIZE
 *   EBUSY   more bytes are buffered than the new capacity holds
 *   ENOMEM  no memory for the new ring (the old one stays)
 */
#define MYIPC_IOC_SET_SIZE	_IOWR(MYIPC_IOC_MAGIC, 0x02, __u64)

/*
 * MYIPC_IOC_GET_STATS - copy the channel's struct myipc_stats to *arg.
 */
#define MYIPC_IOC_GET_STATS	_IOR(MYIPC_IOC_MAGIC, 0x03, struct myipc_stats)

/* Command numbers 0x10 and up are reserved for the mmap'd ring. */

#endif /* _UAPI_LINUX_MYIPC_H */
