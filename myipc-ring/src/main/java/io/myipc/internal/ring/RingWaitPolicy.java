package io.myipc.internal.ring;

import io.myipc.WaitStrategy;

/**
 * How a side waits: the spin and yield budgets of its {@link WaitStrategy}, then sleeps of at most
 * {@code sleepSliceNanos} each.
 *
 * @param strategy spins and yields before sleeping
 * @param sleepSliceNanos longest single sleep; bounds how late an interrupt or a dead peer is
 *     noticed
 * @param livenessCheckNanos least time between two {@link RingWaiter#isAlive} checks
 */
public record RingWaitPolicy(WaitStrategy strategy, long sleepSliceNanos, long livenessCheckNanos) {

    /** 50 ms: the longest single sleep of a side. */
    public static final long SLEEP_SLICE_NANOS = 50_000_000L;
    /** 100 ms: the least time between two liveness checks of the peer. */
    public static final long LIVENESS_CHECK_NANOS = 100_000_000L;

    /** {@link WaitStrategy#hybrid()}, 50 ms sleeps, liveness every 100 ms. */
    public static final RingWaitPolicy DEFAULT = of(WaitStrategy.hybrid());

    public RingWaitPolicy {
        if (strategy == null || sleepSliceNanos <= 0 || livenessCheckNanos < 0) {
            throw new IllegalArgumentException("bad wait policy");
        }
    }

    /** {@code spins} and {@code yields} with the default slices. */
    public RingWaitPolicy(int spins, int yields, long sleepSliceNanos, long livenessCheckNanos) {
        this(WaitStrategy.of(spins, yields), sleepSliceNanos, livenessCheckNanos);
    }

    /** {@code strategy} with the default sleep slice and liveness period. */
    public static RingWaitPolicy of(WaitStrategy strategy) {
        return new RingWaitPolicy(strategy, SLEEP_SLICE_NANOS, LIVENESS_CHECK_NANOS);
    }

    /** Busy checks before yielding. */
    public int spins() {
        return strategy.spins();
    }

    /** Yielding checks before sleeping. */
    public int yields() {
        return strategy.yields();
    }
}
