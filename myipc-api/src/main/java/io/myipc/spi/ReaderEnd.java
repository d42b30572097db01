package io.myipc.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport side of a reader. Threading and timeout conventions as in {@link WriterEnd}.
 */
public interface ReaderEnd {

    /**
     * Reads between 1 and {@code dst.remaining()} bytes (advancing its position), waiting at most
     * {@code timeoutNanos} for data. Returns the count, 0 when the wait ended without data (timeout, wakeup,
     * spurious), or -1 at end of stream (writer gone and no data left). {@code dst.remaining() > 0} is guaranteed.
     */
    int read(ByteBuffer dst, long timeoutNanos) throws IOException;

    /**
     * Zero-copy transports only: waits at most {@code timeoutNanos} until at least {@code minBytes} bytes are readable
     * and returns a read-only buffer whose {@code position..limit} are all readable bytes (contiguous; the end may
     * return the same buffer object each time, re-positioned; the API layer never writes through it).
     * Returns {@code null} when the wait ended first. At end of stream returns a view of what is left, which then
     * has fewer than {@code minBytes} bytes (possibly none). {@code minBytes <= maxViewSize()} is checked by the API
     * layer.
     */
    default ByteBuffer view(int minBytes, long timeoutNanos) throws IOException {
        throw new UnsupportedOperationException("view needs Capability.ZERO_COPY");
    }

    /** Zero-copy transports only: consumes the first {@code n} bytes of the last view. */
    default void release(int n) throws IOException {
        throw new UnsupportedOperationException("release needs Capability.ZERO_COPY");
    }

    /** Zero-copy transports: the largest contiguous view (e.g. the ring capacity). Others: ignored. */
    default int maxViewSize() {
        return 0;
    }

    /** Times a call of this end found no data and waited (for {@link io.myipc.IpcMetrics}; plain counter). */
    default long waits() {
        return 0;
    }

    /** Wake-ups this end sent to a sleeping writer; 0 where the kernel wakes it. */
    default long wakeups() {
        return 0;
    }

    /** The transport's own counters by name (may make a system call; not on the data path), or none. */
    default java.util.Map<String, Long> transportCounters() throws IOException {
        return java.util.Map.of();
    }

    /**
     * Whether a call without a deadline ({@code timeoutNanos < 0}) is one blocking system call that the kernel ends
     * when it can (the API layer then makes no attempt without waiting first); {@link #wakeup()} must still end it.
     */
    default boolean blocksInKernel() {
        return false;
    }

    /** Makes a call blocked in another thread return promptly (it may then return 0/null). */
    void wakeup();

    /** Releases the end; the writer then gets {@link io.myipc.PeerClosedException}. */
    void close() throws IOException;
}
