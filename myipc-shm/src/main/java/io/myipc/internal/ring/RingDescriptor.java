package io.myipc.internal.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory layout of an SPSC byte ring, described once.
 *
 * <p>The same layout is used by the {@code shm:} transport (a file in {@code /dev/shm}) and by the
 * {@code kmod:} transport in mmap mode (pages of the driver). It is mirrored, offset by offset, by
 * the C header {@code myipc-kmod/include/uapi/myipc.h}: every field has a fixed offset, every word
 * is a naturally aligned little-endian 32- or 64-bit integer, so a plain C struct describes it.
 *
 * <pre>
 *  offset   control page (CONTROL_SIZE = 4096 bytes, offset 0 of the mapping)
 *  0x000  +--------------------------------------------------------------------+
 *         | header line (written once by the creator, then read-only)          |
 *         |  0x000 u32 magic         0x4350494D, the bytes "MIPC"              |
 *         |  0x004 u32 version       LAYOUT_VERSION                            |
 *         |  0x008 u64 capacity      data bytes, a power of two, >= page size  |
 *         |  0x010 u32 data_offset   offset of the data area = CONTROL_SIZE    |
 *         |  0x014 u32 ready         0 while initialising, 1 = published       |
 *         |                          (release store, last write of the creator)|
 *         |  0x018 u32 flags         transport flags (0 for now)               |
 *         |  0x01C u32 closed_ends   ends that have closed (atomic add); the   |
 *         |                          end that makes it 2 removes the segment   |
 *  0x080  +--------------------------------------------------------------------+
 *         | producer line (written only by the producer)                       |
 *         |  0x080 u64 tail          free-running count of bytes published     |
 *  0x100  +--------------------------------------------------------------------+
 *         | consumer line (written only by the consumer)                       |
 *         |  0x100 u64 head          free-running count of bytes consumed      |
 *  0x180  +--------------------------------------------------------------------+
 *         | wait line (rarely written, read by the hot path of the other side) |
 *         |  0x180 u32 producer_sleeping  1 = producer announced it may sleep  |
 *         |  0x184 u32 consumer_sleeping  1 = consumer announced it may sleep  |
 *         |  0x188 u32 producer_state     END_ABSENT / END_OPEN / END_CLOSED   |
 *         |  0x18C u32 consumer_state     END_ABSENT / END_OPEN / END_CLOSED   |
 *  0x200  +--------------------------------------------------------------------+
 *         | end records (who holds each end; the shm transport fills them,     |
 *         | a driver may leave them zero). The pid word is claimed by CAS 0->pid |
 *         |  0x200 u32 producer_pid, 0x204 u32 reserved,                       |
 *         |  0x208 u64 producer_start_time (clock ticks after boot,            |
 *         |            field 22 of /proc/&lt;pid&gt;/stat)                          |
 *         |  0x240 u32 consumer_pid, 0x244 u32 reserved,                       |
 *         |  0x248 u64 consumer_start_time                                     |
 *  0x280  |  reserved, zero, up to CONTROL_SIZE                                |
 *  0x1000 +====================================================================+
 *         | data area, capacity bytes           (file/page offset 0x1000)      |
 *         +--------------------------------------------------------------------+
 *         | the same data pages mapped again    (virtual address only)         |
 *         +--------------------------------------------------------------------+
 * </pre>
 *
 * <p>Producer and consumer lines are 128 bytes apart (two 64-byte cache lines, so the adjacent
 * line prefetcher does not pair them). Indices are free-running 64-bit counters; the byte at index
 * {@code i} lives at data offset {@code i & (capacity - 1)}. {@code tail - head} is the number of
 * readable bytes and is always in {@code [0, capacity]}. Because the data area is mapped twice back
 * to back, the range {@code [i & mask, (i & mask) + n)} is contiguous for every {@code n <=
 * capacity}.
 *
 * <p>The wait/wake protocol on the wait line is described in {@code myipc-shm/RING.md} and
 * implemented in {@link RingProducer} and {@link RingConsumer}.
 */
public final class RingDescriptor {
    private RingDescriptor() {}

    /** The bytes "MIPC" read as a little-endian u32. */
    public static final int MAGIC = 0x4350494D;
    /** Bumped on any incompatible layout change. */
    public static final int LAYOUT_VERSION = 1;
    /** All words are little-endian (x86-64, arm64). */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Size of the control page; the data area starts here. */
    public static final int CONTROL_SIZE = 4096;
    /** Separation of the producer and consumer lines. */
    public static final int LINE = 128;

    // header line
    public static final int MAGIC_OFFSET = 0x000;
    public static final int VERSION_OFFSET = 0x004;
    public static final int CAPACITY_OFFSET = 0x008;
    public static final int DATA_OFFSET_OFFSET = 0x010;
    public static final int READY_OFFSET = 0x014;
    public static final int FLAGS_OFFSET = 0x018;
    public static final int CLOSED_ENDS_OFFSET = 0x01C;

    // producer line
    public static final int TAIL_OFFSET = 0x080;
    // consumer line
    public static final int HEAD_OFFSET = 0x100;

    // wait line
    public static final int PRODUCER_SLEEPING_OFFSET = 0x180;
    public static final int CONSUMER_SLEEPING_OFFSET = 0x184;
    public static final int PRODUCER_STATE_OFFSET = 0x188;
    public static final int CONSUMER_STATE_OFFSET = 0x18C;

    // end records
    public static final int PRODUCER_PID_OFFSET = 0x200;
    public static final int PRODUCER_START_TIME_OFFSET = 0x208;
    public static final int CONSUMER_PID_OFFSET = 0x240;
    public static final int CONSUMER_START_TIME_OFFSET = 0x248;

    /** Values of the {@code *_state} words. */
    public static final int END_ABSENT = 0;
    public static final int END_OPEN = 1;
    public static final int END_CLOSED = 2;

    /** Value of {@code ready} once the creator has initialised the control page. */
    public static final int READY = 1;

    /** Smallest capacity: one page. */
    public static final int MIN_CAPACITY = 4096;
    /**
     * Largest capacity: 512 MiB, so the double-mapped data area (2 x capacity) still fits the
     * int-indexed {@link ByteBuffer} view.
     */
    public static final int MAX_CAPACITY = 1 << 29;

    /** Total bytes of the backing object (file or driver pages): control page plus data once. */
    public static long backingSize(long capacity) {
        return CONTROL_SIZE + capacity;
    }

    /** Bytes of address space of a mapping: control page plus data twice. */
    public static long mappingSize(long capacity) {
        return CONTROL_SIZE + 2 * capacity;
    }

    /**
     * Checks that {@code capacity} is usable for a ring.
     *
     * @throws IllegalArgumentException naming the accepted range if not
     */
    public static void checkCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                    "ring capacity " + capacity + " is not a power of two between "
                            + MIN_CAPACITY + " (4KiB) and " + MAX_CAPACITY + " (512MiB)");
        }
    }

    /** The offset of the state word of one end. */
    public static int stateOffset(RingSide side) {
        return side == RingSide.PRODUCER ? PRODUCER_STATE_OFFSET : CONSUMER_STATE_OFFSET;
    }

    /** The offset of the sleeping (futex) word of one end. */
    public static int sleepingOffset(RingSide side) {
        return side == RingSide.PRODUCER ? PRODUCER_SLEEPING_OFFSET : CONSUMER_SLEEPING_OFFSET;
    }

    /** The offset of the pid word of one end. */
    public static int pidOffset(RingSide side) {
        return side == RingSide.PRODUCER ? PRODUCER_PID_OFFSET : CONSUMER_PID_OFFSET;
    }

    /** The offset of the start-time word of one end. */
    public static int startTimeOffset(RingSide side) {
        return side == RingSide.PRODUCER ? PRODUCER_START_TIME_OFFSET : CONSUMER_START_TIME_OFFSET;
    }
}
