package io.myipc.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport side of a writer. Calls come from one thread at a time, except {@link #wakeup()}, which may come
 * from any thread while a call is blocked. {@link #close()} is called once, when no call is in progress.
 *
 * <p>Timeouts are relative: {@code timeoutNanos < 0} waits without limit, {@code 0} does not wait, {@code > 0} waits
 * at most that long. Returning early (0 / {@code null}) is always allowed: the API layer loops until its own deadline,
 * so a transport may wake spuriously or wait in slices.
 */
public interface WriterEnd {

    /**
     * Writes between 1 and {@code src.remaining()} bytes (advancing its position), waiting at most
     * {@code timeoutNanos} for room. Returns the count, or 0 when the wait ended without room (timeout, wakeup,
     * spurious). Throws {@link io.myipc.PeerClosedException} when the reader is gone.
     */
    int write(ByteBuffer src, long timeoutNanos) throws IOException;

    /**
     * Zero-copy transports only: returns a buffer whose {@code position..limit} are exactly {@code n} writable bytes
     * of transport memory (the end may return the same buffer object each time, re-positioned), waiting at most
     * {@code timeoutNanos} for room, or {@code null} if the wait ended first. Throws
     * {@link io.myipc.PeerClosedException} when the reader is gone. {@code n <= maxClaimSize()} is checked by the
     * API layer.
     */
    default ByteBuffer claim(int n, long timeoutNanos) throws IOException {
        throw new UnsupportedOperationException("claim needs Capability.ZERO_COPY");
    }

    /** Zero-copy transports only: publishes the first {@code n} bytes of the last claim (never blocks). */
    default void commit(int n) throws IOException {
        throw new UnsupportedOperationException("commit needs Capability.ZERO_COPY");
    }

    /** Zero-copy transports: the largest claim (e.g. the ring capacity). Others: ignored. */
    default int maxClaimSize() {
        return 0;
    }

    /** Times a call of this end found no room and waited (for {@link io.myipc.IpcMetrics}; plain counter). */
    default long waits() {
        return 0;
    }

    /** Wake-ups this end sent to a sleeping reader; 0 where the kernel wakes it. */
    default long wakeups() {
        return 0;
    }

    /** The transport's own counters by name (may make a system call; not on the data path), or none. */
    default java.util.Map<String, Long> transportCounters() throws IOException {
        return java.util.Map.of();
    }

    /**
     * Whether {@link #write(ByteBuffer, ByteBuffer, long)} is one system call ({@code writev}); the API layer then
     * writes a message's header and payload with it instead of copying them together.
     */
    default boolean gathers() {
        return false;
    }

    /**
     * Writes between 1 and all remaining bytes of {@code first} then {@code second} (advancing their positions), as
     * {@link #write(ByteBuffer, long)} does for one buffer; returns the count, 0 when the wait ended without room.
     */
    default int write(ByteBuffer first, ByteBuffer second, long timeoutNanos) throws IOException {
        int n = first.hasRemaining() ? write(first, timeoutNanos) : 0;
        if (!first.hasRemaining() && second.hasRemaining()) {
            n += write(second, n > 0 ? 0 : timeoutNanos);
        }
        return n;
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

    /** Releases the end; the reader then sees end of stream once it has drained the data. */
    void close() throws IOException;
}
