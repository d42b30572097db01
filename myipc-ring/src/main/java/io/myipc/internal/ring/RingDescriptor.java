package io.myipc.internal.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The offsets and sizes of the mapped SPSC byte ring, as Java constants.
 *
 * <p>The layout, the index protocol and the wait/wake protocol are stated once, in the driver's uapi
 * header {@code myipc-kmod/include/uapi/myipc.h} (section "The shared ring (mmap)": {@code struct
 * myipc_ring_header}, {@code struct myipc_ring_side}, {@code MYIPC_RING_*}); this class holds the
 * same numbers for the Java ring, which runs over the driver's pages ({@code kmod:} mmap mode) and
 * over a file in {@code /dev/shm} ({@code shm:}, whose use of the "shm only" words is in {@code
 * myipc-shm/RING.md}). Every word is a naturally aligned little-endian 32- or 64-bit integer.
 * {@code MyipcUapiMmapTest} (module {@code myipc-kmod}) compiles the header with gcc and checks these
 * constants against it.
 *
 * <p>Where the Java ring narrows the header: {@link #MAX_CAPACITY} is 512 MiB so that the doubled
 * data area fits an int-indexed {@link ByteBuffer}.
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
