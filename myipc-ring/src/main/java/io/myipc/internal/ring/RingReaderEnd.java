package io.myipc.internal.ring;

import io.myipc.spi.CounterSource;
import io.myipc.spi.ReaderEnd;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The SPI reader end over the consumer half of a ring, for every transport whose ring is shared
 * memory ({@code shm:}, {@code kmod:} in mmap mode). A view is one reused read-only buffer over the
 * double-mapped data area, positioned at the readable bytes, so it is contiguous even across the wrap.
 */
public final class RingReaderEnd implements ReaderEnd {
    private final RingConsumer consumer;
    private final ByteBuffer data;
    /**
     * Read-only, made once and re-positioned for each view: no allocation per view. Read-only because the
     * driver maps the data pages read-only for the consumer, where a put would kill the JVM with SIGSEGV;
     * this way it throws ReadOnlyBufferException instead (and over shm: cannot corrupt the writer's bytes).
     */
    private final ByteBuffer view;
    private final Closeable resources;
    private CounterSource counters = CounterSource.NONE;

    /**
     * @param consumer the consumer half
     * @param resources closed after the half (mapping, descriptor)
     */
    public RingReaderEnd(RingConsumer consumer, Closeable resources) {
        this.consumer = consumer;
        this.data = consumer.ring().data();
        this.view = data.asReadOnlyBuffer();
        this.resources = resources;
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
        int at = consumer.readOffset();
        return view.limit(at + n).position(at); // contiguous even across the wrap: double mapping
    }

    @Override
    public void release(int n) {
        consumer.release(n);
    }

    @Override
    public int maxViewSize() {
        return consumer.ring().capacity();
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
        return consumer.waits();
    }

    @Override
    public long wakeups() {
        return consumer.wakeupsSent();
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() throws IOException {
        consumer.close();
        resources.close();
    }
}
