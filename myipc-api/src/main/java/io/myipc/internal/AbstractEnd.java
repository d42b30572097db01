package io.myipc.internal;

import io.myipc.Capability;
import io.myipc.IpcEnd;
import io.myipc.IpcOptions;
import io.myipc.IpcTimeoutException;
import io.myipc.spi.ChannelAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shared machinery of both ends: NIO-style interruptible blocking (via {@link AbstractInterruptibleChannel}: an
 * interrupt closes the channel and the blocked call throws {@code ClosedByInterruptException}; a close from another
 * thread makes it throw {@code AsynchronousCloseException}), and the deferred release of the transport end.
 *
 * <p>Why deferred: the interrupt and close paths run {@link #implCloseChannel()} in another thread, sometimes while
 * {@code Thread.interrupt} holds the interrupted thread's blocker lock, so they must not wait for the blocked call.
 * They only mark the end as closing and call the transport's {@code wakeup()}; the transport end is really closed by
 * whichever leaves last: the close itself (no call in flight) or the last call in flight.
 */
abstract class AbstractEnd extends AbstractInterruptibleChannel implements IpcEnd {
    /** Marker thrown inside an operation when the channel was closed while it waited. */
    static final class Closed extends Exception {
        private static final long serialVersionUID = 1L;
        static final Closed INSTANCE = new Closed();

        private Closed() {
            super(null, null, false, false);
        }
    }

    @FunctionalInterface
    interface Op<T> {
        T run() throws IOException, Closed;
    }

    final ChannelAddress address;
    final Set<Capability> capabilities;
    final IpcOptions options;
    final boolean zeroCopy;
    private final ReentrantLock opLock = new ReentrantLock();
    private final Object state = new Object();
    private int inFlight;
    private boolean closing;
    private boolean released;
    /** Bytes moved and whole messages, counted by the thread that makes the calls (plain fields: hot path). */
    long bytes;
    long messages;

    AbstractEnd(ChannelAddress address, Set<Capability> capabilities, IpcOptions options) {
        this.address = address;
        this.capabilities = Set.copyOf(capabilities);
        this.options = options;
        this.zeroCopy = capabilities.contains(Capability.ZERO_COPY);
    }

    /** Wakes a call blocked in the transport. */
    abstract void spiWakeup();

    /** Closes the transport end (once, with no call in flight). */
    abstract void spiClose() throws IOException;

    @Override
    public String uri() {
        return address.uri();
    }

    @Override
    public String channel() {
        return address.channel();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public int maxMessageSize() {
        return options.maxMessageSize();
    }

    /** Runs {@code op} as one interruptible, closeable call on this end. */
    final <T> T call(Op<T> op) throws IOException {
        opLock.lock();
        try {
            synchronized (state) {
                if (closing) {
                    throw new ClosedChannelException();
                }
                inFlight++;
            }
            boolean completed = false;
            try {
                begin();
                T result = op.run();
                completed = true;
                return result;
            } catch (Closed c) {
                completed = false;
                return null; // not reached: end(false) throws below
            } finally {
                try {
                    end(completed);
                } finally {
                    leave();
                }
            }
        } finally {
            opLock.unlock();
        }
    }

    /** Throws {@link Closed} if the channel was closed (by another thread or an interrupt). */
    final void checkOpen() throws Closed {
        if (!isOpen()) {
            throw Closed.INSTANCE;
        }
    }

    private void leave() {
        synchronized (state) {
            inFlight--;
            if (!closing || inFlight > 0 || released) {
                return;
            }
            released = true;
        }
        closeQuietly();
    }

    @Override
    protected final void implCloseChannel() throws IOException {
        synchronized (state) {
            closing = true;
            if (inFlight > 0) {
                spiWakeup();
                return;
            }
            if (released) {
                return;
            }
            released = true;
        }
        spiClose();
    }

    private void closeQuietly() {
        try {
            spiClose();
        } catch (IOException | RuntimeException e) {
            // the closing thread has already returned; nothing to report to
        }
    }

    // ---- helpers for timeouts

    static long toNanos(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Remaining nanos to {@code deadline} for the SPI (< 0 = forever), or 0 when past. */
    static long remaining(long timeoutNanos, long start) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long left = timeoutNanos - (System.nanoTime() - start);
        return left > 0 ? left : 0;
    }

    IpcTimeoutException timeout(String what, long timeoutNanos, int transferred) {
        return new IpcTimeoutException(what + " on channel '" + channel() + "' timed out after "
                + Duration.ofNanos(timeoutNanos).toMillis() + " ms"
                + (transferred > 0 ? " (" + transferred + " bytes were transferred)" : "")
                + ": the peer is not keeping up; retry, or use a longer timeout", transferred);
    }

    /** A {@link ByteBuf} with index 0 over the whole of {@code nio} (position 0 .. limit). */
    static ByteBuf wrap(ByteBuffer nio) {
        ByteBuffer b = nio.duplicate().position(0);
        if (!b.hasRemaining()) {
            return Unpooled.EMPTY_BUFFER;
        }
        return Unpooled.wrappedBuffer(b.slice());
    }
}
