package io.myipc.internal.ring;

/**
 * How long a side spins and yields before it sleeps, and how long one sleep may last.
 *
 * @param spins busy checks with {@link Thread#onSpinWait()} before yielding
 * @param yields checks with {@link Thread#yield()} before sleeping
 * @param sleepSliceNanos longest single sleep; bounds how late an interrupt or a dead peer is
 *     noticed
 * @param livenessCheckNanos least time between two {@link RingWaiter#isAlive} checks
 */
public record RingWaitPolicy(int spins, int yields, long sleepSliceNanos, long livenessCheckNanos) {

    /** 200 spins, 20 yields, 50 ms sleeps, liveness every 100 ms. */
    public static final RingWaitPolicy DEFAULT = new RingWaitPolicy(200, 20, 50_000_000L, 100_000_000L);

    public RingWaitPolicy {
        if (spins < 0 || yields < 0 || sleepSliceNanos <= 0 || livenessCheckNanos < 0) {
            throw new IllegalArgumentException("bad wait policy");
        }
    }
}
