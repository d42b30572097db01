package io.myipc.shm;

import io.myipc.internal.ring.RingConsumer;
import io.myipc.spi.ReaderEnd;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/** Reader end of a {@code shm:} channel: the consumer half of the segment's ring. */
final class ShmReaderEnd implements ReaderEnd {
    private final ShmSegment segment;
    private final RingConsumer consumer;
    private final ByteBuffer data;

    ShmReaderEnd(ShmSegment segment) {
        this.segment = segment;
        this.consumer = segment.ring.consumer();
        this.data = segment.ring.data();
    }

    @Override
    public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
        int n;
        try {
            n = consumer.await(1, timeoutNanos);
        } catch (InterruptedIOException e) {
            return 0; // the API layer turns the interrupt into ClosedByInterruptException
        }
        if (n < 0) {
            return -1; // writer closed or died, and everything it wrote has been read
        }
        return n == 0 ? 0 : consumer.read(dst);
    }

    @Override
    public ByteBuffer view(int minBytes, long timeoutNanos) throws IOException {
        int n;
        try {
            n = consumer.await(Math.max(1, minBytes), timeoutNanos);
        } catch (InterruptedIOException e) {
            return null;
        }
        if (n < 0) {
            n = consumer.available(); // end of stream: what is left, fewer than minBytes
        } else if (n < minBytes) {
            return null;
        }
        // contiguous even across the wrap: double mapping
        return data.slice(consumer.readOffset(), n).asReadOnlyBuffer();
    }

    @Override
    public void release(int n) {
        consumer.release(n);
    }

    @Override
    public int maxViewSize() {
        return consumer.ring().capacity();
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        segment.close();
    }
}
