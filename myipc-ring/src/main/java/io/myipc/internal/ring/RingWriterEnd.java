package io.myipc.internal.ring;

import io.myipc.PeerClosedException;
import io.myipc.spi.WriterEnd;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The SPI writer end over the producer half of a ring, for every transport whose ring is shared
 * memory ({@code shm:}, {@code kmod:} in mmap mode). Claims are slices of the double-mapped data
 * area, so they are contiguous even across the wrap.
 */
public final class RingWriterEnd implements WriterEnd {
    private final RingProducer producer;
    private final ByteBuffer data;
    private final Closeable resources;
    private final String channel;
    private final Supplier<String> deadPeer;
    private int claimed;

    /**
     * @param producer the producer half
     * @param resources closed after the half (mapping, descriptor)
     * @param channel how error messages name the channel, e.g. {@code channel 'orders' (shm:orders)}
     * @param deadPeer describes the reader's process for the message when it died without closing
     */
    public RingWriterEnd(RingProducer producer, Closeable resources, String channel, Supplier<String> deadPeer) {
        this.producer = producer;
        this.data = producer.ring().data();
        this.resources = resources;
        this.channel = channel;
        this.deadPeer = deadPeer;
    }

    @Override
    public int write(ByteBuffer src, long timeoutNanos) throws IOException {
        if (producer.checkPeerPeriodically()) {
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
        if (producer.checkPeerPeriodically()) {
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
        return data.slice(producer.writeOffset(), n); // contiguous even across the wrap: double mapping
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

    private PeerClosedException peerClosed() {
        String why = producer.isPeerDead() ? deadPeer.get() + " died without closing" : "it closed";
        return new PeerClosedException("the reader of " + channel + " is gone (" + why
                + "); bytes not yet read are lost. Close this writer; open both ends again to start a new stream");
    }
}
