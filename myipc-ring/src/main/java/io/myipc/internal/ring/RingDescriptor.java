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
 * <p>Each side writes only its own page: the producer the producer page and the data pages, the
 * consumer the consumer page. A driver can therefore enforce the roles with page protections (the
 * consumer maps the producer page and the data read-only, and the other way round); the wake-up
 * protocol never writes the other side's page (see {@code myipc-shm/RING.md}).
 *
 * <pre>
 *  offset   page  what                                          written by
 *  0x0000 +------ header page --------------------------------------------------------------+
 *         | 0x000 u32 magic         0x4350494D, the bytes "MIPC"        creator               |
 *         | 0x004 u32 version       LAYOUT_VERSION                      creator               |
 *         | 0x008 u64 capacity      data bytes, power of two            creator               |
 *         | 0x010 u32 data_offset   DATA_OFFSET (0x3000)                creator               |
 *         | 0x014 u32 ready         0 -> 1, release store, last write   creator               |
 *         | 0x018 u32 flags         0                                   creator               |
 *         | 0x01C u32 closed_ends   closed ends, atomic add (shm only)  each end              |
 *         | 0x040 u32 producer_pid, 0x048 u64 producer_start_time       end records, shm only: |
 *         | 0x080 u32 consumer_pid, 0x088 u64 consumer_start_time       pid claimed by CAS,    |
 *         |                          start time = field 22 of /proc/&lt;pid&gt;/stat; a driver     |
 *         |                          leaves them 0                                              |
 *  0x1000 +------ producer page ------------------------------------------------------------+
 *         | 0x1000 u64 tail               bytes published (free-running)       producer        |
 *         | 0x1080 u32 producer_state     END_ABSENT / END_OPEN / END_CLOSED   producer        |
 *         | 0x1084 u32 producer_sleeping  0 awake, else announcement number    producer        |
 *         | 0x1088 u32 producer_wake_seq  bumped when the producer wakes the   producer        |
 *         |                               consumer: the consumer's futex word                  |
 *  0x2000 +------ consumer page ------------------------------------------------------------+
 *         | 0x2000 u64 head               bytes consumed (free-running)        consumer        |
 *         | 0x2080 u32 consumer_state                                          consumer        |
 *         | 0x2084 u32 consumer_sleeping                                       consumer        |
 *         | 0x2088 u32 consumer_wake_seq  the producer's futex word            consumer        |
 *  0x3000 +====== data pages, capacity bytes (file offset 0x3000) ==========================+
 *         |                                                                  producer        |
 *         +------ the same data pages mapped again (virtual address only) -----------------+
 * </pre>
 *
 * <p>The index of a side and its wait words are on different cache lines (0x80 apart), so the other
 * side's load of the sleeping word on every commit or release does not miss because the index moved.
 * Indices are free-running 64-bit counters; the byte at index {@code i} lives at data offset {@code
 * i & (capacity - 1)}. {@code tail - head} is the number of readable bytes and is always in {@code
 * [0, capacity]}. Because the data area is mapped twice back to back, the range {@code [i & mask,
 * (i & mask) + n)} is contiguous for every {@code n <= capacity}.
 */
public final class RingDescriptor {
    private RingDescriptor() {}

    /** The bytes "MIPC" read as a little-endian u32. */
    public static final int MAGIC = 0x4350494D;
    /** Bumped on any incompatible layout change. */
    public static final int LAYOUT_VERSION = 1;
    /** All words are little-endian (x86-64, arm64). */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Page size the layout is built from. */
    public static final int PAGE = 4096;
    /** Header, producer and consumer pages; the data area starts here. */
    public static final int CONTROL_SIZE = 3 * PAGE;
    /** Offset of the data area (= {@link #CONTROL_SIZE}). */
    public static final int DATA_OFFSET = CONTROL_SIZE;

    // header page
    public static final int MAGIC_OFFSET = 0x000;
    public static final int VERSION_OFFSET = 0x004;
    public static final int CAPACITY_OFFSET = 0x008;
    public static final int DATA_OFFSET_OFFSET = 0x010;
    public static final int READY_OFFSET = 0x014;
    public static final int FLAGS_OFFSET = 0x018;
    public static final int CLOSED_ENDS_OFFSET = 0x01C;
    public static final int PRODUCER_PID_OFFSET = 0x040;
    public static final int PRODUCER_START_TIME_OFFSET = 0x048;
    public static final int CONSUMER_PID_OFFSET = 0x080;
    public static final int CONSUMER_START_TIME_OFFSET = 0x088;

    /** Offset of the producer page. */
    public static final int PRODUCER_PAGE = 0x1000;
    /** Offset of the consumer page. */
    public static final int CONSUMER_PAGE = 0x2000;

    // within a side's page
    /** u64: tail on the producer page, head on the consumer page. */
    public static final int INDEX_IN_PAGE = 0x000;
    /** u32: END_ABSENT / END_OPEN / END_CLOSED. */
    public static final int STATE_IN_PAGE = 0x080;
    /** u32: 0 while awake, else the number of the side's current sleep announcement. */
    public static final int SLEEPING_IN_PAGE = 0x084;
    /** u32: bumped by this side each time it wakes the other side; the other side's futex word. */
    public static final int WAKE_SEQ_IN_PAGE = 0x088;

    public static final int TAIL_OFFSET = PRODUCER_PAGE + INDEX_IN_PAGE;
    public static final int HEAD_OFFSET = CONSUMER_PAGE + INDEX_IN_PAGE;
    public static final int PRODUCER_STATE_OFFSET = PRODUCER_PAGE + STATE_IN_PAGE;
    public static final int CONSUMER_STATE_OFFSET = CONSUMER_PAGE + STATE_IN_PAGE;
    public static final int PRODUCER_SLEEPING_OFFSET = PRODUCER_PAGE + SLEEPING_IN_PAGE;
    public static final int CONSUMER_SLEEPING_OFFSET = CONSUMER_PAGE + SLEEPING_IN_PAGE;
    public static final int PRODUCER_WAKE_SEQ_OFFSET = PRODUCER_PAGE + WAKE_SEQ_IN_PAGE;
    public static final int CONSUMER_WAKE_SEQ_OFFSET = CONSUMER_PAGE + WAKE_SEQ_IN_PAGE;

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

    /** The page a side writes. */
    public static int pageOffset(RingSide side) {
        return side == RingSide.PRODUCER ? PRODUCER_PAGE : CONSUMER_PAGE;
    }

    /** The offset of the state word of one end. */
    public static int stateOffset(RingSide side) {
        return pageOffset(side) + STATE_IN_PAGE;
    }

    /** The offset of the sleeping (announcement) word of one end. */
    public static int sleepingOffset(RingSide side) {
        return pageOffset(side) + SLEEPING_IN_PAGE;
    }

    /**
     * The offset of the wake sequence word that {@code side} bumps when it wakes its peer; the
     * peer sleeps on it (FUTEX_WAIT on this word with the value it read before announcing).
     */
    public static int wakeSeqOffset(RingSide side) {
        return pageOffset(side) + WAKE_SEQ_IN_PAGE;
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
