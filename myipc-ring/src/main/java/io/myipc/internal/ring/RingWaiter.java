package io.myipc.internal.ring;

import java.io.IOException;

/**
 * How one end of a ring sleeps in the kernel and how the other end wakes it.
 *
 * <p>The ring does the announcing and re-checking (protocol: {@code myipc.h}). A side that
 * goes to sleep reads the peer's {@code wake_seq} word, stores a non-zero announcement in its own
 * {@code sleeping} word, re-checks the indices, and calls {@link #await} with the {@code wake_seq}
 * value it read. The other side, after publishing, sees the announcement, bumps its own {@code
 * wake_seq} and calls {@link #wake}. Neither side writes the other's page. An implementation must
 * guarantee that {@code await} does not sleep if the peer's {@code wake_seq} no longer holds {@code
 * wakeSeq}, and that {@code wake} ends a sleep that started before the bump. For {@code shm:} that
 * is a shared futex on the word; for the driver an ioctl that sleeps on its wait queue.
 */
public interface RingWaiter {

    /**
     * Sleeps while the {@code wake_seq} word of {@code sleeper.peer()} holds {@code wakeSeq}, at
     * most {@code timeoutNanos}. May return early (woken, signal, spurious); the caller re-checks.
     *
     * @param need what the sleeper waits for: bytes readable (consumer) or bytes of room
     *     (producer), 1..capacity. A waiter that can check the ring itself (the driver's {@code
     *     MYIPC_IOC_WAIT}) may also return as soon as that much is there, and sleep on while it is
     *     not; a futex ignores it.
     */
    void await(RingSide sleeper, int wakeSeq, int need, long timeoutNanos) throws IOException;

    /**
     * Called by the peer of {@code sleeper} after it bumped its {@code wake_seq}: wakes a thread
     * sleeping in {@link #await} for {@code sleeper}.
     */
    void wake(RingSide sleeper);

    /**
     * Called by another thread of the process that holds end {@code sleeper} (close, wakeup): makes
     * a sleep of {@code sleeper} in {@link #await} return promptly, also one that is about to start.
     */
    void interrupt(RingSide sleeper);

    /**
     * Whether closing an end stores {@code END_CLOSED} in its state word from user space. True for
     * {@code shm:}, where nobody else would. The driver keeps the words itself and stores
     * END_CLOSED only when the last file of that kind is gone: a store of ours would tell the peer
     * "end of stream" while another end of the kind (a copy-mode file, a role-less {@code O_RDWR}
     * opener) is still open, and the peer would stop early.
     */
    default boolean closeStoresState() {
        return true;
    }

    /**
     * Whether the process holding end {@code end} is still alive; asked between sleeps, at most
     * every {@link RingWaitPolicy#livenessCheckNanos()}, so a peer that died without closing (killed
     * by SIGKILL) ends the wait. The default trusts the {@code *_state} words.
     */
    default boolean isAlive(RingSide end) {
        return true;
    }
}
