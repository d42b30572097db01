package io.myipc.shm;

import io.myipc.PeerClosedException;
import io.myipc.internal.ring.RingProducer;
import io.myipc.internal.ring.RingSide;
import io.myipc.spi.WriterEnd;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/** Writer end of a {@code shm:} channel: the producer half of the segment's ring. */
final class ShmWriterEnd implements WriterEnd {
    private final ShmSegment segment;
    private final RingProducer producer;
    private final ByteBuffer data;
    private int claimed;

    ShmWriterEnd(ShmSegment segment) {
        this.segment = segment;
        this.producer = segment.ring.producer();
        this.data = segment.ring.data();
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
    public void commit(int n) throws IOException {
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
    public void wakeup() {
        producer.wakeup();
    }

    @Override
    public void close() {
        producer.close();
        segment.close();
    }

    private PeerClosedException peerClosed() {
        String why = producer.isPeerDead()
                ? "its process " + segment.pid(RingSide.CONSUMER) + " died without closing"
                : "it closed";
        return new PeerClosedException("the reader of channel '" + segment.address.channel() + "' ("
                + segment.address.uri() + ") is gone (" + why + "); bytes not yet read are lost. Close this writer; "
                + "open both ends again to start a new stream");
    }
}
