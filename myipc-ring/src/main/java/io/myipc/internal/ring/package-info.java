/**
 * The SPSC byte ring that {@code shm:} and {@code kmod:} mmap mode share: public classes in an internal package,
 * not part of the API.
 *
 * <p>The ring's layout, index protocol and wait/wake protocol are those of the driver's uapi header {@code
 * myipc-kmod/include/uapi/myipc.h}; {@link io.myipc.internal.ring.RingDescriptor} holds its offsets. The ring runs
 * over any memory laid out that way and knows nothing about files, futexes or ioctls. Each side caches the peer's
 * index and reloads it (acquire) only when the cache says "not enough", so the streaming path is a compare, a copy,
 * one release store, one full fence and one load of the peer's {@code sleeping} word; an index pair outside {@code
 * [0, capacity]} is reported as a corrupted ring rather than followed. Its parts:
 *
 * <ul>
 * <li>{@code SpscByteRing} over a direct buffer of the three control pages and one of the double-mapped data area
 * (checks magic, version, capacity and data offset), with its halves {@code RingProducer} and {@code RingConsumer};
 * <li>{@link io.myipc.internal.ring.RingWaiter}, how a side sleeps (step 5 of the header's protocol), wakes its
 * peer, interrupts itself and checks the peer's liveness: the only part a transport supplies ({@code shm:} a futex,
 * {@code io.myipc.internal.ring.file}; {@code kmod:} {@code MYIPC_IOC_WAIT}/{@code MYIPC_IOC_WAKE});
 * <li>{@code RingWaitPolicy}, the spins, yields and sleep slices before and between sleeps;
 * <li>{@code RingWriterEnd} / {@code RingReaderEnd}, the transport SPI ends over the halves, with a
 * {@code Closeable} for the transport's resources (mapping, descriptor).
 * </ul>
 *
 * <p>What only {@code shm:} does with the ring (the words the driver leaves 0, the file's double mapping, the futex
 * waiter, the segment's lifecycle) is in {@code myipc-shm/RING.md}.
 */
package io.myipc.internal.ring;
