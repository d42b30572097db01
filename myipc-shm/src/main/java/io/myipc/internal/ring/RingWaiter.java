package io.myipc.internal.ring;

import java.io.IOException;

/**
 * How one end of a ring sleeps in the kernel and how the other end wakes it.
 *
 * <p>The ring itself does the announcing and re-checking (see {@code RING.md}): before calling
 * {@link #await} a side has stored 1 into its {@code *_sleeping} word of the wait line and has
 * re-checked the indices and states; the other side calls {@link #wake} only after it has seen that
 * 1 and swapped it to 0. An implementation must therefore only guarantee that {@code await} does
 * not sleep once the word no longer holds 1, and that {@code wake} ends a sleep that started while
 * it held 1. For {@code shm:} that is a shared futex on the word itself; for the driver it is an
 * ioctl that sleeps on the driver's wait queue.
 */
public interface RingWaiter {

    /**
     * Sleeps while the {@code *_sleeping} word of {@code sleeper} holds 1, at most {@code
     * timeoutNanos}. May return early (woken, signal, spurious); the caller re-checks.
     */
    void await(RingSide sleeper, long timeoutNanos) throws IOException;

    /** Wakes a thread sleeping in {@link #await} for {@code sleeper}, if there is one. */
    void wake(RingSide sleeper);

    /**
     * Whether the process holding end {@code end} is still alive; asked between sleeps, at most
     * every {@link RingWaitPolicy#livenessCheckNanos()}, so a peer that died without closing (killed
     * by SIGKILL) ends the wait. The default trusts the {@code *_state} words.
     */
    default boolean isAlive(RingSide end) {
        return true;
    }
}
