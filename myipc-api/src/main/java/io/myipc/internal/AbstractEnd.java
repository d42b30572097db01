package io.myipc.internal;

import io.myipc.Capability;
import io.myipc.IpcEnd;
import io.myipc.IpcOptions;
import io.myipc.IpcTimeoutException;
import io.myipc.spi.ChannelAddress;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.time.Duration;
import java.util.Set;

/**
 * Shared machinery of both ends: the single-owner fast path, NIO-style interruptible blocking and the deferred
 * release of the transport end.
 *
 * <p>Fast path: a call that finds room or data runs between {@link #enter()} and {@link #exit()}, one atomic add
 * each on {@link #state} (the count of calls in flight and the {@link #CLOSING} bit); no lock, no monitor, no clock.
 * Only a call that is about to block takes {@link AbstractInterruptibleChannel#begin()}/{@code end(boolean)}: an
 * interrupt then closes the channel and the blocked call throws {@code ClosedByInterruptException}; a close from
 * another thread makes it throw {@code AsynchronousCloseException}.
 *
 * <p>Deferred release: the interrupt and close paths run {@link #implCloseChannel()} in another thread, sometimes
 * while {@code Thread.interrupt} holds the interrupted thread's blocker lock, so they must not wait for the call in
 * flight. They set {@link #CLOSING} (no call enters after that), call the transport's {@code wakeup()} while they
 * count as in flight themselves, and whichever leaves last closes the transport end.
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

    /** Bit of {@link #state}: the end is closing; the low bits count the calls in flight. */
    private static final int CLOSING = 1 << 30;
    private static final VarHandle STATE;
    private static final VarHandle RELEASED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(AbstractEnd.class, "state", int.class);
            RELEASED = l.findVarHandle(AbstractEnd.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ChannelAddress address;
    final Set<Capability> capabilities;
    final IpcOptions options;
    final boolean zeroCopy;
    @SuppressWarnings("unused") // via STATE
    private volatile int state;
    @SuppressWarnings("unused") // via RELEASED
    private volatile boolean released;
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

    /** Starts a call: counts it in flight, or throws if the end is closing. Pair with {@link #exit()}. */
    final void enter() throws ClosedChannelException {
        int s = (int) STATE.getAndAdd(this, 1);
        if ((s & CLOSING) != 0) {
            exit();
            throw new ClosedChannelException();
        }
    }

    /** Ends a call; the last to leave a closing end closes the transport end. */
    final void exit() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSING) {
            releaseQuietly();
        }
    }

    /** Throws {@link Closed} if the channel was closed (by another thread or an interrupt). */
    final void checkOpen() throws Closed {
        if (!isOpen()) {
            throw Closed.INSTANCE;
        }
    }

    @Override
    protected final void implCloseChannel() throws IOException {
        int s = (int) STATE.getAndAdd(this, CLOSING + 1); // closing, and in flight while it wakes the others
        if (s != 0) {
            spiWakeup();
        }
        s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSING && RELEASED.compareAndSet(this, false, true)) {
            spiClose();
        }
    }

    private void releaseQuietly() {
        if (!RELEASED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            spiClose();
        } catch (IOException | RuntimeException e) {
            // the closing thread has already returned; nothing to report to
        }
    }

    /** {@link AbstractInterruptibleChannel#begin()}: makes the blocking part of a call interruptible. */
    final void beginBlocking() {
        begin();
    }

    /**
     * {@link AbstractInterruptibleChannel#end(boolean)}: throws {@code AsynchronousCloseException} or {@code
     * ClosedByInterruptException} if the channel was closed while the call blocked and it did not complete.
     */
    final void endBlocking(boolean completed) throws IOException {
        end(completed);
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

}
