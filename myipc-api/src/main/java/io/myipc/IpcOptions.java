package io.myipc;

import java.time.Duration;
import java.util.Objects;

/** Immutable options for opening a channel end. Start from {@link #defaults()}. */
public final class IpcOptions {
    /** Default maximum message size: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 << 20;

    private static final IpcOptions DEFAULTS = new IpcOptions(null, DEFAULT_MAX_MESSAGE_SIZE, null);

    private final Duration openTimeout;
    private final int maxMessageSize;
    private final WaitStrategy waitStrategy;

    private IpcOptions(Duration openTimeout, int maxMessageSize, WaitStrategy waitStrategy) {
        this.openTimeout = openTimeout;
        this.maxMessageSize = maxMessageSize;
        this.waitStrategy = waitStrategy;
    }

    public static IpcOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How long opening waits for the other end (FIFO rendezvous); {@code null} waits forever (the default).
     * When it runs out, open throws {@link IpcTimeoutException}.
     */
    public IpcOptions withOpenTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("open timeout must not be negative: " + timeout);
        }
        return new IpcOptions(timeout, maxMessageSize, waitStrategy);
    }

    /** Largest message payload accepted by {@code writeMessage} and {@code readMessage}; both ends must agree. */
    public IpcOptions withMaxMessageSize(int bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("max message size must be in 0.." + (Integer.MAX_VALUE - 64) + ": " + bytes);
        }
        return new IpcOptions(openTimeout, bytes, waitStrategy);
    }

    /**
     * How a ring end waits ({@code shm:}, {@code kmod:?mode=mmap}); the URI parameters {@code spins} and
     * {@code yields} override it; {@code null} (the default) leaves it to the system properties and then
     * {@link WaitStrategy#hybrid()}.
     */
    public IpcOptions withWaitStrategy(WaitStrategy strategy) {
        return new IpcOptions(openTimeout, maxMessageSize, strategy);
    }

    /** The wait strategy given with {@link #withWaitStrategy}, or {@code null} for the transport's default. */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    /** The open timeout, or {@code null} for none. */
    public Duration openTimeout() {
        return openTimeout;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpcOptions && Objects.equals(((IpcOptions) o).openTimeout, openTimeout)
                && ((IpcOptions) o).maxMessageSize == maxMessageSize
                && Objects.equals(((IpcOptions) o).waitStrategy, waitStrategy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(openTimeout, maxMessageSize, waitStrategy);
    }

    @Override
    public String toString() {
        return "IpcOptions[openTimeout=" + (openTimeout == null ? "none" : openTimeout) + ", maxMessageSize="
                + maxMessageSize + (waitStrategy == null ? "" : ", waitStrategy=" + waitStrategy) + "]";
    }
}
