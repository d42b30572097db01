package io.myipc;

/**
 * How a ring end ({@code shm:}, {@code kmod:?mode=mmap}) waits for data or room: first {@link #spins()} busy checks
 * ({@link Thread#onSpinWait()}), then {@link #yields()} checks with {@link Thread#yield()}, then it sleeps in the
 * kernel (futex or driver) until the peer wakes it. The default, {@link #hybrid()}, is {@value #DEFAULT_SPINS} spins
 * and {@value #DEFAULT_YIELDS} yields; {@link #sleep()} sleeps at once; {@link #spin()} never sleeps.
 *
 * <p>Chosen per channel end, first match wins: the URI parameters {@code spins=<n>&yields=<n>} (each {@code 0..}
 * {@value Integer#MAX_VALUE}, or {@code forever}), {@link IpcOptions#withWaitStrategy}, the system properties
 * {@code myipc.shm.spins}/{@code myipc.shm.yields} ({@code myipc.kmod.*} for the driver), the default. Transports
 * that wait in a blocking system call ({@code pipe:}, {@code kmod:} copy mode) ignore it.
 *
 * <p>Immutable and stateless: the waiting loop keeps its round count, so one strategy serves any number of ends.
 * Agrona's {@code IdleStrategy} is the model.
 */
public final class WaitStrategy {
    /** Busy checks of the default strategy. */
    public static final int DEFAULT_SPINS = 200;
    /** Yielding checks of the default strategy. */
    public static final int DEFAULT_YIELDS = 20;
    /** A budget that never runs out: {@code spins=forever}. */
    public static final int FOREVER = Integer.MAX_VALUE;

    private static final WaitStrategy HYBRID = new WaitStrategy(DEFAULT_SPINS, DEFAULT_YIELDS);
    private static final WaitStrategy SLEEP = new WaitStrategy(0, 0);
    private static final WaitStrategy SPIN = new WaitStrategy(FOREVER, 0);

    private final int spins;
    private final int yields;

    private WaitStrategy(int spins, int yields) {
        this.spins = spins;
        this.yields = yields;
    }

    /** {@value #DEFAULT_SPINS} spins, {@value #DEFAULT_YIELDS} yields, then sleep: the default of ring transports. */
    public static WaitStrategy hybrid() {
        return HYBRID;
    }

    /** Sleeps in the kernel at once ({@code spins=0&yields=0}). */
    public static WaitStrategy sleep() {
        return SLEEP;
    }

    /** Never sleeps: busy checks only ({@code spins=forever}); burns a core while waiting. */
    public static WaitStrategy spin() {
        return SPIN;
    }

    /**
     * {@code spins} busy checks, then {@code yields} yielding checks, then sleep; {@link #FOREVER} for a budget that
     * never runs out.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public static WaitStrategy of(int spins, int yields) {
        if (spins < 0 || yields < 0) {
            throw new IllegalArgumentException("spins and yields must not be negative: " + spins + ", " + yields);
        }
        return new WaitStrategy(spins, yields);
    }

    /** Busy checks before yielding ({@link #FOREVER}: never yields nor sleeps). */
    public int spins() {
        return spins;
    }

    /** Yielding checks before sleeping ({@link #FOREVER}: never sleeps). */
    public int yields() {
        return yields;
    }

    /**
     * One idle round of a waiting loop that has found nothing {@code round} times before (0 on the first): spins or
     * yields and returns {@code true}, or returns {@code false} at once when both budgets are spent and the caller
     * should sleep in the kernel. Never allocates.
     */
    public boolean idle(int round) {
        if (round < spins || spins == FOREVER) {
            Thread.onSpinWait();
            return true;
        }
        if (round - spins < yields || yields == FOREVER) {
            Thread.yield();
            return true;
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WaitStrategy && ((WaitStrategy) o).spins == spins && ((WaitStrategy) o).yields == yields;
    }

    @Override
    public int hashCode() {
        return 31 * spins + yields;
    }

    /** {@code spins=200&yields=20}: the URI parameters that select this strategy. */
    @Override
    public String toString() {
        return "spins=" + count(spins) + "&yields=" + count(yields);
    }

    private static String count(int n) {
        return n == FOREVER ? "forever" : Integer.toString(n);
    }
}
