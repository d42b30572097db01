package io.myipc.internal.ring.file;

import static io.myipc.internal.posix.Errno.*;
import static io.myipc.internal.posix.Posix.*;

import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Sys;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWaiter;
import io.myipc.internal.ring.SpscByteRing;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sleeps on the peer's {@code wake_seq} word of a ring mapped from a shared file, with a shared
 * (not {@code FUTEX_PRIVATE_FLAG}) futex, so the sleeper and the waker may be different processes.
 * Both sides must be able to write every page ({@link #interrupt} bumps the peer's word), as with
 * {@link DoubleMapping}. Liveness of the other end comes from the end records of the control page
 * (pid and start time), judged by an {@link OwnerProbe}.
 */
public final class FutexRingWaiter implements RingWaiter {
    /** Whether the process recorded as an end's owner still runs. */
    @FunctionalInterface
    public interface OwnerProbe {
        boolean isAlive(int pid, long startTime);
    }

    private final long controlAddress;
    private final ByteBuffer control;
    private final OwnerProbe owners;
    /** One {@code struct timespec} per side (each side waits in one thread at a time): no allocation per wait. */
    private final ByteBuffer timespecs = NativeMemory.allocate(32).order(ByteOrder.nativeOrder());
    private final long timespecsAddress = NativeMemory.address(timespecs);

    /** A waiter that trusts the {@code *_state} words: every recorded owner counts as alive. */
    public FutexRingWaiter(long controlAddress, ByteBuffer control) {
        this(controlAddress, control, (pid, startTime) -> true);
    }

    /**
     * @param controlAddress address of the control page; {@code control} a buffer over the same page
     * @param owners asked whether a recorded owner (pid, start time) still runs
     */
    public FutexRingWaiter(long controlAddress, ByteBuffer control, OwnerProbe owners) {
        this.controlAddress = controlAddress;
        this.control = control;
        this.owners = owners;
    }

    @Override
    public void await(RingSide sleeper, int wakeSeq, int need, long timeoutNanos) throws IOException {
        int at = sleeper == RingSide.PRODUCER ? 0 : 16;
        timespecs.putLong(at, timeoutNanos / 1_000_000_000L);
        timespecs.putLong(at + 8, timeoutNanos % 1_000_000_000L);
        long r = Sys.futex(controlAddress + RingDescriptor.wakeSeqOffset(sleeper.peer()), FUTEX_WAIT, wakeSeq,
                timespecsAddress + at);
        Reference.reachabilityFence(timespecs);
        if (r < 0) {
            int e = Sys.errno();
            if (e != EAGAIN && e != ETIMEDOUT && e != EINTR) {
                throw new IOException("futex wait failed: " + describe(e));
            }
        }
    }

    /**
     * {@code FUTEX_WAIT} on any 32-bit word: sleeps while it holds {@code expected}, at most {@code timeoutNanos}.
     * Not a hot path (an end waiting for its peer to attach): its {@code timespec} is allocated per call.
     */
    public static void futexWait(long address, int expected, long timeoutNanos) throws IOException {
        ByteBuffer ts = NativeMemory.allocate(16).order(ByteOrder.nativeOrder());
        ts.putLong(0, timeoutNanos / 1_000_000_000L).putLong(8, timeoutNanos % 1_000_000_000L);
        long r = Sys.futex(address, FUTEX_WAIT, expected, NativeMemory.address(ts));
        Reference.reachabilityFence(ts);
        if (r < 0) {
            int e = Sys.errno();
            if (e != EAGAIN && e != ETIMEDOUT && e != EINTR) {
                throw new IOException("futex wait failed: " + describe(e));
            }
        }
    }

    /** {@code FUTEX_WAKE} of all sleepers on a 32-bit word. */
    public static void futexWake(long address) {
        Sys.futex(address, FUTEX_WAKE, Integer.MAX_VALUE, 0);
    }

    @Override
    public void wake(RingSide sleeper) {
        futexWake(controlAddress + RingDescriptor.wakeSeqOffset(sleeper.peer()));
    }

    /** On shm both sides may write every page: bump the word our sleeper waits on, then wake it. */
    @Override
    public void interrupt(RingSide sleeper) {
        SpscByteRing.bumpWakeSeq(control, sleeper.peer());
        futexWake(controlAddress + RingDescriptor.wakeSeqOffset(sleeper.peer()));
    }

    @Override
    public boolean isAlive(RingSide end) {
        int pid = SpscByteRing.ownerPid(control, end);
        if (pid == 0) {
            return true; // nobody recorded (not attached yet): nothing to judge
        }
        return owners.isAlive(pid, SpscByteRing.ownerStartTime(control, end));
    }
}
