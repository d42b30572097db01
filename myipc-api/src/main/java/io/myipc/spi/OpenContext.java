package io.myipc.spi;

import io.myipc.IpcOptions;
import io.myipc.IpcTimeoutException;

import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;

/** What a transport needs to know while opening an end: the deadline and the options. */
public final class OpenContext {
    private final IpcOptions options;
    private final long startNanos;
    private final long timeoutNanos; // < 0: none

    public OpenContext(IpcOptions options) {
        this.options = options;
        this.startNanos = System.nanoTime();
        Duration t = options.openTimeout();
        this.timeoutNanos = t == null ? -1 : saturatedNanos(t);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    public IpcOptions options() {
        return options;
    }

    /** True if the open may wait forever. */
    public boolean waitsForever() {
        return timeoutNanos < 0 || timeoutNanos == Long.MAX_VALUE;
    }

    /** Nanoseconds left until the deadline: {@link Long#MAX_VALUE} without timeout, 0 once it passed. */
    public long remainingNanos() {
        if (waitsForever()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, timeoutNanos - (System.nanoTime() - startNanos));
    }

    /** Throws {@link ClosedByInterruptException} (keeping the interrupt status) if the thread was interrupted. */
    public void checkInterrupted() throws ClosedByInterruptException {
        if (Thread.currentThread().isInterrupted()) {
            throw new ClosedByInterruptException();
        }
    }

    /** The standard timeout exception, e.g. {@code timeout("a reader to open pipe:/tmp/x.fifo")}. */
    public IpcTimeoutException timeout(String waitingFor) {
        return new IpcTimeoutException("timed out after " + Duration.ofNanos(Math.max(0, timeoutNanos)).toMillis()
                + " ms waiting for " + waitingFor
                + ": start the other end, or open with a longer timeout (IpcOptions.withOpenTimeout)");
    }
}
