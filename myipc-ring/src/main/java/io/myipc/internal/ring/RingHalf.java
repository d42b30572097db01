package io.myipc.internal.ring;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * What both halves share: the wait loop (spin, yield, announce, re-check, sleep) and closing.
 *
 * <p>A half is used by one thread at a time (the transport serialises callers of one end). {@link
 * #close()} and {@link #wakeup()} may be called from any thread.
 */
abstract class RingHalf {
    final SpscByteRing ring;
    final RingSide side;
    final int capacity;
    final long mask;

    private volatile boolean closed;
    private volatile boolean wakeupPending;
    private boolean peerDead;
    /**
     * Number of this side's last sleep announcement (never 0 when announced). Starts at a random
     * value: the peer skips a number it has answered already, and that may have come from an
     * earlier end of this side (or, on the driver, from a kernel end's numbering), so a new end
     * counting from 1 could have its first sleeps go unanswered until the sleep slice ends.
     */
    private int announcement = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    /** The peer's announcement this side last woke (so a burst of commits wakes it once). */
    private int lastWokenAnnouncement;
    private long lastLivenessCheck = System.nanoTime();
    /** Calls that found too few bytes and waited; wake-ups sent to the sleeping peer (plain: one thread counts). */
    private long waits;
    private long wakeupsSent;

    RingHalf(SpscByteRing ring, RingSide side) {
        this.ring = ring;
        this.side = side;
        this.capacity = ring.capacity;
        this.mask = ring.mask;
    }

    /** Bytes available to this side (readable or writable), refreshing the peer index if fewer than {@code min}. */
    abstract int ready(int min) throws IOException;

    /** What {@link #await} returns once the peer is gone. */
    abstract int whenPeerGone(int min) throws IOException;

    /**
     * Waits until at least {@code min} bytes are available to this side.
     *
     * @param min 1..capacity
     * @param timeoutNanos negative: no timeout; 0: do not wait
     * @return {@code >= min}: that many bytes are available; {@code -1}: the peer closed or died
     *     (for the consumer: and fewer than {@code min} bytes are left); {@code 0..min-1}: timed out,
     *     or {@link #wakeup()} was called
     * @throws AsynchronousCloseException if this end was closed while waiting
     * @throws InterruptedIOException if the thread was interrupted (its interrupt status stays set)
     */
    public final int await(int min, long timeoutNanos) throws IOException {
        if (min < 1 || min > capacity) {
            throw new IllegalArgumentException("min " + min + " outside 1.." + capacity);
        }
        if (closed) {
            throw new ClosedChannelException();
        }
        int n = ready(min);
        if (n >= min) {
            return n;
        }
        if (isPeerGone()) {
            return whenPeerGone(min);
        }
        if (timeoutNanos == 0) {
            return n;
        }
        waits++;
        final RingWaitPolicy p = ring.policy;
        final boolean timed = timeoutNanos > 0;
        final long start = timed ? System.nanoTime() : 0; // the clock only for a deadline
        int round = 0;
        for (;;) {
            if (closed) {
                throw new AsynchronousCloseException();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting on the ring");
            }
            if (wakeupPending) {
                wakeupPending = false;
                return ready(min);
            }
            n = ready(min);
            if (n >= min) {
                return n;
            }
            if (isPeerGone()) {
                return whenPeerGone(min);
            }
            long elapsed = timed ? System.nanoTime() - start : 0;
            if (timed && elapsed >= timeoutNanos) {
                return n;
            }
            if (p.strategy().idle(round)) {
                if (round != Integer.MAX_VALUE) {
                    round++;
                }
                continue;
            }
            // 1. read the peer's wake sequence, then announce (the volatile store keeps the read before it)
            int seq = ring.wakeSeq(side.peer());
            if (++announcement == 0) {
                announcement = 1;
            }
            ring.setSleeping(side, announcement);
            // 2. re-check; the fence orders our announcement before the loads below
            //    (pairs with the full fence of the other side between its publish and its check).
            VarHandle.fullFence();
            n = ready(min);
            if (n >= min || closed || wakeupPending || ring.state(side.peer()) == RingDescriptor.END_CLOSED) {
                ring.setSleeping(side, 0);
                continue;
            }
            // 3. sleep; returns at once if the peer bumped its wake sequence since we read it
            long slice = p.sleepSliceNanos();
            if (timed) {
                slice = Math.min(slice, timeoutNanos - elapsed);
            }
            ring.waiter.await(side, seq, min, slice);
            ring.setSleeping(side, 0);
            long now = System.nanoTime();
            if (now - lastLivenessCheck >= p.livenessCheckNanos()) {
                lastLivenessCheck = now;
                if (!ring.waiter.isAlive(side.peer())) {
                    peerDead = true;
                }
            }
        }
    }

    /** Whether the other end closed, or was found dead while waiting. */
    public final boolean isPeerGone() {
        return peerDead || ring.state(side.peer()) == RingDescriptor.END_CLOSED;
    }

    /** Whether the other end was found dead (its process is gone) rather than closed. */
    public final boolean isPeerDead() {
        return peerDead;
    }

    /**
     * Asks the liveness check now (not only while waiting), e.g. before a write that would not
     * block. Returns whether the peer is gone.
     */
    public final boolean checkPeer() {
        if (!peerDead && !ring.waiter.isAlive(side.peer())) {
            peerDead = true;
        }
        return isPeerGone();
    }

    /**
     * Like {@link #checkPeer()}, but asks the liveness check at most every {@link
     * RingWaitPolicy#livenessCheckNanos()}; cheap enough for every write (a clock read and the
     * peer's state word).
     */
    public final boolean checkPeerPeriodically() {
        long now = System.nanoTime();
        if (!peerDead && now - lastLivenessCheck >= ring.policy.livenessCheckNanos()) {
            lastLivenessCheck = now;
            if (!ring.waiter.isAlive(side.peer())) {
                peerDead = true;
            }
        }
        return isPeerGone();
    }

    /** Whether this half was closed. */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Closes this end: publishes {@code END_CLOSED} in this side's state word (volatile store, after
     * the last index store) unless the kernel keeps that word ({@link RingWaiter#closeStoresState}),
     * wakes the peer if it sleeps and wakes a thread of ours blocked in {@link #await}. Idempotent.
     */
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ring.waiter.closeStoresState()) {
            ring.setState(side, RingDescriptor.END_CLOSED);
        }
        VarHandle.fullFence();
        wakePeerIfSleeping();
        ring.waiter.interrupt(side);
    }

    /**
     * Called after a publish (index or state) and a full fence: if the peer announced a sleep we
     * have not answered yet, bump our wake sequence and wake it. The common streaming case is one
     * load of a cache line nobody writes: no system call.
     */
    final void wakePeerIfSleeping() {
        int a = ring.sleeping(side.peer());
        if (a != 0 && a != lastWokenAnnouncement) {
            lastWokenAnnouncement = a;
            SpscByteRing.bumpWakeSeq(ring.control, side);
            ring.waiter.wake(side.peer());
            wakeupsSent++;
        }
    }

    /** Calls of this half that found too few bytes and waited. */
    public final long waits() {
        return waits;
    }

    /** Wake-ups this half sent to its sleeping peer. */
    public final long wakeupsSent() {
        return wakeupsSent;
    }

    /**
     * Makes a thread blocked in {@link #await} (or the next call to it) return early, as on a
     * timeout. May be called from any thread. One system call; not for the hot path.
     */
    public final void wakeup() {
        wakeupPending = true;
        ring.waiter.interrupt(side);
    }

    /** The ring this half belongs to. */
    public final SpscByteRing ring() {
        return ring;
    }
}
