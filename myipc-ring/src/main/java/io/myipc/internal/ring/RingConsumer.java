package io.myipc.internal.ring;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The reading half of an {@link SpscByteRing}. Readable bytes start at {@link #readOffset()} of
 * {@link SpscByteRing#data()} and are contiguous (double mapping) for {@link #available()} bytes.
 *
 * <p>Hot path ({@link #available()}, {@link #release(int)}): a cached tail compared with the own
 * head, an acquire load of {@code tail} only when the cache says empty, a release store of {@code
 * head}, a full fence and one load of the producer's sleeping word. No allocation, lock or system
 * call unless the producer announced it sleeps.
 */
public final class RingConsumer extends RingHalf {
    private long head;
    private long tailCache;

    RingConsumer(SpscByteRing ring) {
        super(ring, RingSide.CONSUMER);
        this.head = ring.headVolatile();
        this.tailCache = head;
    }

    @Override
    int ready(int min) throws IOException {
        long avail = tailCache - head;
        if (avail < min) {
            tailCache = ring.tailAcquire(); // acquire: the bytes before tail are visible
            avail = tailCache - head;
            if (avail < 0 || avail > capacity) {
                throw ring.corrupt(head, tailCache);
            }
        }
        return (int) avail;
    }

    @Override
    int whenPeerGone(int min) throws IOException {
        // The producer stored its last tail before END_CLOSED; we read the state with acquire, so
        // this reload sees the final tail. A dead producer does not move tail any more.
        tailCache = ring.tailAcquire();
        long avail = tailCache - head;
        if (avail < 0 || avail > capacity) {
            throw ring.corrupt(head, tailCache);
        }
        return avail >= min ? (int) avail : -1;
    }

    /** Bytes readable now (0 if the ring is empty); reloads tail. Never blocks. */
    public int available() throws IOException {
        return ready(capacity);
    }

    /** Offset in {@link SpscByteRing#data()} of the first readable byte. */
    public int readOffset() {
        return (int) (head & mask);
    }

    /** The free-running read index (head). */
    public long head() {
        return head;
    }

    /**
     * Gives {@code n} read bytes back to the producer: release store of head, then a full fence and
     * a wake-up call only if the producer announced it sleeps.
     */
    public void release(int n) {
        if (n < 0 || n > tailCache - head) {
            throw new IllegalArgumentException("release(" + n + ") but only " + (tailCache - head) + " bytes are readable");
        }
        if (n == 0) {
            return;
        }
        head += n;
        ring.headRelease(head); // release: we are done with these bytes before the producer reuses them
        VarHandle.fullFence(); // orders the head store before the load of producer_sleeping (protocol: myipc.h)
        wakePeerIfSleeping();
    }

    /**
     * Copies up to {@code dst.remaining()} readable bytes into {@code dst} without blocking.
     *
     * @return bytes copied, 0 if the ring is empty
     */
    public int read(ByteBuffer dst) throws IOException {
        int n = Math.min(dst.remaining(), ready(Math.max(1, Math.min(dst.remaining(), capacity))));
        if (n > 0) {
            int pos = dst.position();
            dst.put(pos, ring.data, readOffset(), n);
            dst.position(pos + n);
            release(n);
        }
        return n;
    }

    /** Copies up to {@code len} readable bytes into {@code b} without blocking; returns bytes copied. */
    public int read(byte[] b, int off, int len) throws IOException {
        int n = Math.min(len, ready(Math.max(1, Math.min(len, capacity))));
        if (n > 0) {
            ring.data.get(readOffset(), b, off, n);
            release(n);
        }
        return n;
    }
}
