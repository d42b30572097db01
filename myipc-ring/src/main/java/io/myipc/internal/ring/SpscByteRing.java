package io.myipc.internal.ring;

import static io.myipc.internal.ring.RingDescriptor.*;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A single-producer single-consumer byte ring laid out as {@link RingDescriptor} says, over a
 * control page and a double-mapped data area that someone else mapped (a {@code /dev/shm} file or
 * the driver's pages).
 *
 * <p>This class owns the control words and their memory ordering; {@link RingProducer} and {@link
 * RingConsumer} are the two halves, one per process. Control words are accessed through {@link
 * VarHandle}s over a direct {@link ByteBuffer} because Netty's {@code ByteBuf} has no acquire or
 * release accessors. The pairs are:
 *
 * <ul>
 *   <li>tail: producer {@code setRelease} after writing the data, consumer {@code getAcquire}
 *       before reading it (the data is visible once the index is);
 *   <li>head: consumer {@code setRelease} after reading the data, producer {@code getAcquire}
 *       before overwriting it (the consumer is done with the bytes it gave back);
 *   <li>sleeping words and the index they guard: both sides use a full fence between their store
 *       and the following load (the Dekker pattern of the wait/wake protocol in myipc.h), so at least one side
 *       sees the other's store and no wake-up is lost;
 *   <li>ready and state words: release store, acquire load.
 * </ul>
 */
public final class SpscByteRing {
    static final VarHandle LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, RingDescriptor.BYTE_ORDER);
    static final VarHandle INT =
            MethodHandles.byteBufferViewVarHandle(int[].class, RingDescriptor.BYTE_ORDER);

    final ByteBuffer control;
    final ByteBuffer data;
    final int capacity;
    final long mask;
    final RingWaiter waiter;
    final RingWaitPolicy policy;

    /**
     * Attaches to an initialised control page.
     *
     * @param control direct buffer over the control page (at least {@link
     *     RingDescriptor#CONTROL_SIZE} bytes)
     * @param data direct buffer over the double-mapped data area ({@code 2 * capacity} bytes, the
     *     second half showing the same memory as the first)
     * @throws RingFormatException if the control page is not a ready ring of this layout version
     */
    public SpscByteRing(ByteBuffer control, ByteBuffer data, RingWaiter waiter, RingWaitPolicy policy)
            throws RingFormatException {
        if (!control.isDirect() || control.capacity() < CONTROL_SIZE) {
            throw new IllegalArgumentException("control must be a direct buffer of at least " + CONTROL_SIZE + " bytes");
        }
        this.control = control;
        long cap = checkHeader(control);
        if (!data.isDirect() || data.capacity() != 2 * cap) {
            throw new IllegalArgumentException(
                    "data must be a direct buffer of 2 x capacity = " + 2 * cap + " bytes, got " + data.capacity());
        }
        this.data = data;
        this.capacity = (int) cap;
        this.mask = cap - 1;
        this.waiter = waiter;
        this.policy = policy;
    }

    /**
     * Initialises a zeroed control page for a ring of {@code capacity} bytes whose indices start at
     * {@code initialIndex} (0 in production; tests start near 2^32 or 2^63). Does not publish it:
     * the creator may fill in more (its end record) and then calls {@link #publish}.
     */
    public static void initialise(ByteBuffer control, long capacity, long initialIndex) {
        checkCapacity(capacity);
        INT.set(control, MAGIC_OFFSET, MAGIC);
        INT.set(control, VERSION_OFFSET, LAYOUT_VERSION);
        LONG.set(control, CAPACITY_OFFSET, capacity);
        INT.set(control, DATA_OFFSET_OFFSET, CONTROL_SIZE);
        INT.set(control, FLAGS_OFFSET, 0);
        LONG.set(control, TAIL_OFFSET, initialIndex);
        LONG.set(control, HEAD_OFFSET, initialIndex);
        INT.set(control, PRODUCER_SLEEPING_OFFSET, 0);
        INT.set(control, CONSUMER_SLEEPING_OFFSET, 0);
        INT.set(control, PRODUCER_WAKE_SEQ_OFFSET, 0);
        INT.set(control, CONSUMER_WAKE_SEQ_OFFSET, 0);
        INT.set(control, PRODUCER_STATE_OFFSET, END_ABSENT);
        INT.set(control, CONSUMER_STATE_OFFSET, END_ABSENT);
        INT.set(control, CLOSED_ENDS_OFFSET, 0);
    }

    /**
     * Publishes an initialised control page: {@code ready = 1} with a release store, the creator's
     * last write, so an attacher that reads {@code ready == 1} with an acquire load sees the whole
     * header.
     */
    public static void publish(ByteBuffer control) {
        INT.setRelease(control, READY_OFFSET, READY);
    }

    /** Counts one more closed end ({@code closed_ends}, atomic add); returns how many had closed before. */
    public static int countClosedEnd(ByteBuffer control) {
        return (int) INT.getAndAdd(control, CLOSED_ENDS_OFFSET, 1);
    }

    /** Claims the pid word of an end: 0 -> pid (CAS). */
    public static boolean claimOwner(ByteBuffer control, RingSide side, int pid) {
        return INT.compareAndSet(control, pidOffset(side), 0, pid);
    }

    /** Whether the creator has published the control page ({@code ready}, acquire load). */
    public static boolean isReady(ByteBuffer control) {
        return (int) INT.getAcquire(control, READY_OFFSET) == READY;
    }

    /**
     * Checks magic, version and capacity of a ready control page.
     *
     * @return the capacity
     */
    public static long checkHeader(ByteBuffer control) throws RingFormatException {
        if (!isReady(control)) {
            throw new RingFormatException("the ring is not initialised (ready flag not set)");
        }
        int magic = (int) INT.get(control, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new RingFormatException(String.format(
                    "not a myipc ring: magic is 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        int version = (int) INT.get(control, VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw new RingFormatException("ring layout version " + version
                    + " is not supported by this library (layout version " + LAYOUT_VERSION
                    + "); both ends must use the same myipc version");
        }
        long cap = (long) LONG.get(control, CAPACITY_OFFSET);
        int dataOffset = (int) INT.get(control, DATA_OFFSET_OFFSET);
        try {
            checkCapacity(cap);
        } catch (IllegalArgumentException e) {
            throw new RingFormatException("corrupt ring header: " + e.getMessage());
        }
        if (dataOffset != CONTROL_SIZE) {
            throw new RingFormatException("corrupt ring header: data offset " + dataOffset + ", expected " + CONTROL_SIZE);
        }
        return cap;
    }

    /** Reads the capacity word (plain load) of a control page, without other checks. */
    public static long capacityOf(ByteBuffer control) {
        return (long) LONG.get(control, CAPACITY_OFFSET);
    }

    /** Capacity in bytes. */
    public int capacity() {
        return capacity;
    }

    /** The double-mapped data area, {@code 2 * capacity} bytes. Offsets from the halves index it. */
    public ByteBuffer data() {
        return data;
    }

    /** The control page buffer. */
    public ByteBuffer control() {
        return control;
    }

    /** The producer half; one per ring and process. */
    public RingProducer producer() {
        return new RingProducer(this);
    }

    /** The consumer half; one per ring and process. */
    public RingConsumer consumer() {
        return new RingConsumer(this);
    }

    // ---- control words ------------------------------------------------------------------------

    /** State word of an end (acquire load): END_ABSENT, END_OPEN or END_CLOSED. */
    public int state(RingSide side) {
        return (int) INT.getAcquire(control, stateOffset(side));
    }

    /** Sets the state word of an end (volatile store: also orders against later loads). */
    public void setState(RingSide side, int state) {
        INT.setVolatile(control, stateOffset(side), state);
    }

    /** Atomically moves the state word of an end from {@code expect} to {@code update}. */
    public boolean casState(RingSide side, int expect, int update) {
        return INT.compareAndSet(control, stateOffset(side), expect, update);
    }

    /** Writes the end record (pid and start time) of one end; plain stores, published by a state store. */
    public static void setOwner(ByteBuffer control, RingSide side, int pid, long startTime) {
        INT.setVolatile(control, pidOffset(side), pid);
        LONG.setVolatile(control, startTimeOffset(side), startTime);
    }

    /** The pid recorded for an end, 0 if none. */
    public static int ownerPid(ByteBuffer control, RingSide side) {
        return (int) INT.getVolatile(control, pidOffset(side));
    }

    /** The start time recorded for an end. */
    public static long ownerStartTime(ByteBuffer control, RingSide side) {
        return (long) LONG.getVolatile(control, startTimeOffset(side));
    }

    /** State word of an end in a control page (acquire load). */
    public static int state(ByteBuffer control, RingSide side) {
        return (int) INT.getAcquire(control, stateOffset(side));
    }

    /** Atomically moves the state word of an end in a control page. */
    public static boolean casState(ByteBuffer control, RingSide side, int expect, int update) {
        return INT.compareAndSet(control, stateOffset(side), expect, update);
    }

    long tailAcquire() {
        return (long) LONG.getAcquire(control, TAIL_OFFSET);
    }

    long tailVolatile() {
        return (long) LONG.getVolatile(control, TAIL_OFFSET);
    }

    void tailRelease(long tail) {
        LONG.setRelease(control, TAIL_OFFSET, tail);
    }

    long headAcquire() {
        return (long) LONG.getAcquire(control, HEAD_OFFSET);
    }

    long headVolatile() {
        return (long) LONG.getVolatile(control, HEAD_OFFSET);
    }

    void headRelease(long head) {
        LONG.setRelease(control, HEAD_OFFSET, head);
    }

    /**
     * Announces a sleep (a non-zero announcement number) or withdraws it (0) on the side's own
     * page; volatile store, so the wake sequence read before it stays before it.
     */
    void setSleeping(RingSide side, int announcement) {
        INT.setVolatile(control, sleepingOffset(side), announcement);
    }

    /** The announcement word of a side (opaque load, after the caller's full fence). */
    int sleeping(RingSide side) {
        return (int) INT.getOpaque(control, sleepingOffset(side));
    }

    /** The wake sequence a side bumps when it wakes its peer (acquire load). */
    int wakeSeq(RingSide side) {
        return (int) INT.getAcquire(control, wakeSeqOffset(side));
    }

    /**
     * Bumps the wake sequence word of {@code side} (atomic add, so a same-process {@link
     * RingWaiter#interrupt} of the peer's sleeper, which also bumps it on {@code shm:}, is not
     * lost). Returns the new value.
     */
    public static int bumpWakeSeq(ByteBuffer control, RingSide side) {
        return (int) INT.getAndAdd(control, wakeSeqOffset(side), 1) + 1;
    }

    IOException corrupt(long head, long tail) {
        return new IOException("shared ring corrupted: head " + head + ", tail " + tail
                + ", capacity " + capacity + " (tail - head must be in [0, capacity])");
    }
}
