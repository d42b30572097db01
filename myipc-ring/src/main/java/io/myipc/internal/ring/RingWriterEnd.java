package io.myipc.internal.ring;

import io.myipc.PeerClosedException;
import io.myipc.spi.CounterSource;
import io.myipc.spi.WriterEnd;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The SPI writer end over the producer half of a ring, for every transport whose ring is shared
 * memory ({@code shm:}, {@code kmod:} in mmap mode). A claim is one reused buffer over the
 * double-mapped data area, positioned at the free bytes, so it is contiguous even across the wrap.
 */
public final class RingWriterEnd implements WriterEnd {
    private final RingProducer producer;
    private final ByteBuffer data;
    private final ByteBuffer claim; // data, re-positioned for each claim: no allocation
    private final Closeable resources;
    private CounterSource counters = CounterSource.NONE;
    private final String channel;
    private final Supplier<String> deadPeer;
    /** Calls between two looks at the clock for the liveness check (a power of two). */
    private static final int LIVENESS_EVERY = 1024;
    private int claimed;
    private int calls;

    /**
     * @param producer the producer half
     * @param resources closed after the half (mapping, descriptor)
     * @param channel how error messages name the channel, e.g. {@code channel 'orders' (shm:orders)}
     * @param deadPeer describes the reader's process for the message when it died without closing
     */
    public RingWriterEnd(RingProducer producer, Closeable resources, String channel, Supplier<String> deadPeer) {
        this.producer = producer;
        this.data = producer.ring().data();
        this.claim = data.duplicate();
        this.resources = resources;
        this.channel = channel;
        this.deadPeer = deadPeer;
    }

    @Override
    public int write(ByteBuffer src, long timeoutNanos) throws IOException {
        if (peerGone()) {
            throw peerClosed();
        }
        int n;
        try {
            n = producer.await(1, timeoutNanos);
        } catch (InterruptedIOException e) {
            return 0; // the API layer turns the interrupt into ClosedByInterruptException
        }
        if (n < 0) {
            throw peerClosed();
        }
        return n == 0 ? 0 : producer.write(src);
    }

    @Override
    public ByteBuffer claim(int n, long timeoutNanos) throws IOException {
        if (peerGone()) {
            throw peerClosed();
        }
        int free;
        try {
            free = producer.await(Math.max(1, n), timeoutNanos);
        } catch (InterruptedIOException e) {
            return null;
        }
        if (free < 0) {
            throw peerClosed();
        }
        if (free < n) {
            return null;
        }
        claimed = n;
        int at = producer.writeOffset();
        return claim.limit(at + n).position(at); // contiguous even across the wrap: double mapping
    }

    @Override
    public void commit(int n) {
        if (n < 0 || n > claimed) {
            throw new IllegalArgumentException("commit(" + n + ") but only " + claimed + " bytes were claimed");
        }
        claimed = 0;
        producer.commit(n);
    }

    @Override
    public int maxClaimSize() {
        return producer.ring().capacity();
    }

    /**
     * Where {@link #transportCounters()} reads from (none by default); set once by the transport, before the end is
     * handed to the API layer.
     */
    public void countersFrom(CounterSource source) {
        this.counters = source;
    }

    /** The counters of {@link #countersFrom}, read now. */
    @Override
    public Map<String, Long> transportCounters() throws IOException {
        return counters.read();
    }

    @Override
    public long waits() {
        return producer.waits();
    }

    @Override
    public long wakeups() {
        return producer.wakeupsSent();
    }

    @Override
    public void wakeup() {
        producer.wakeup();
    }

    @Override
    public void close() throws IOException {
        producer.close();
        resources.close();
    }

    /**
     * Whether the reader closed (one load of its state word), or, every {@link #LIVENESS_EVERY} calls, whether the
     * liveness check found it dead; a wait checks it too, so a full ring never hides a dead reader.
     */
    private boolean peerGone() {
        if (producer.isPeerGone()) {
            return true;
        }
        return (++calls & (LIVENESS_EVERY - 1)) == 0 && producer.checkPeerPeriodically();
    }

    private PeerClosedException peerClosed() {
        String why = producer.isPeerDead() ? deadPeer.get() + " died without closing" : "it closed";
        return new PeerClosedException("the reader of " + channel + " is gone (" + why
                + "); bytes not yet read are lost. Close this writer; open both ends again to start a new stream");
    }
}
