package io.myipc.internal.ring;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The writing half of an {@link SpscByteRing}. Free space starts at {@link #writeOffset()} of
 * {@link SpscByteRing#data()} and is contiguous (double mapping) for {@link #writable()} bytes.
 *
 * <p>Hot path ({@link #writable()}, {@link #commit(int)}): a cached head compared with the own
 * tail, an acquire load of {@code head} only when the cache says full, a release store of {@code
 * tail}, a full fence and one load of the consumer's sleeping word. No allocation, lock or system
 * call unless the consumer announced it sleeps.
 */
public final class RingProducer extends RingHalf {
    private long tail;
    private long headCache;

    RingProducer(SpscByteRing ring) {
        super(ring, RingSide.PRODUCER);
        this.tail = ring.tailVolatile();
        this.headCache = ring.headVolatile();
    }

    @Override
    int ready(int min) throws IOException {
        long free = capacity - (tail - headCache);
        if (free < min) {
            headCache = ring.headAcquire(); // acquire: the consumer is done with the bytes before head
            long used = tail - headCache;
            if (used < 0 || used > capacity) {
                throw ring.corrupt(headCache, tail);
            }
            free = capacity - used;
        }
        return (int) free;
    }

    @Override
    int whenPeerGone(int min) {
        return -1;
    }

    /** Bytes that can be written now (0 if the ring is full); reloads head. Never blocks. */
    public int writable() throws IOException {
        return ready(capacity);
    }

    /** Like {@link #writable()}, but only reloads head if fewer than {@code min} bytes are known free. */
    public int writable(int min) throws IOException {
        return ready(min);
    }

    /** Offset in {@link SpscByteRing#data()} where the next byte goes. */
    public int writeOffset() {
        return (int) (tail & mask);
    }

    /** The free-running write index (tail). */
    public long tail() {
        return tail;
    }

    /**
     * Publishes {@code n} bytes written at {@link #writeOffset()}: release store of tail, then a full
     * fence and a wake-up call only if the consumer announced it sleeps.
     */
    public void commit(int n) {
        if (n < 0 || n > capacity - (tail - headCache)) {
            throw new IllegalArgumentException("commit(" + n + ") but only " + (capacity - (tail - headCache)) + " bytes were free");
        }
        if (n == 0) {
            return;
        }
        tail += n;
        ring.tailRelease(tail); // release: the data bytes are visible before the new tail
        VarHandle.fullFence(); // orders the tail store before the load of consumer_sleeping (protocol: myipc.h)
        wakePeerIfSleeping();
    }

    /**
     * Copies up to {@code src.remaining()} bytes into the ring without blocking.
     *
     * @return bytes copied, 0 if the ring is full
     */
    public int write(ByteBuffer src) throws IOException {
        int n = Math.min(src.remaining(), ready(Math.max(1, Math.min(src.remaining(), capacity))));
        if (n > 0) {
            int pos = src.position();
            ring.data.put(writeOffset(), src, pos, n);
            src.position(pos + n);
            commit(n);
        }
        return n;
    }

    /** Copies up to {@code len} bytes of {@code b} into the ring without blocking; returns bytes copied. */
    public int write(byte[] b, int off, int len) throws IOException {
        int n = Math.min(len, ready(Math.max(1, Math.min(len, capacity))));
        if (n > 0) {
            ring.data.put(writeOffset(), b, off, n);
            commit(n);
        }
        return n;
    }
}
