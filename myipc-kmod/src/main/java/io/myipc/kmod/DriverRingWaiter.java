package io.myipc.kmod;

import io.myipc.IpcException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Sys;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWaiter;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link RingWaiter} of {@code mode=mmap}: sleeps in the driver with {@code MYIPC_IOC_WAIT} and wakes through
 * {@code MYIPC_IOC_WAKE} ({@code myipc-kmod/include/uapi/myipc.h}, "Wait/wake protocol").
 *
 * <ul>
 *   <li>{@link #await}: {@code MYIPC_IOC_WAIT { need, timeout, seq, MYIPC_WAIT_SEQ }}: returns when this role's end
 *       has {@code need} bytes (consumer) or room (producer), when the peer's {@code wake_seq} differs from {@code
 *       seq}, when the peer end has gone, on a self wake, or after the (bounded) timeout. The ring re-checks
 *       afterwards, so every return is just "look again";
 *   <li>{@link #wake}: {@code MYIPC_IOC_WAKE(MYIPC_WAKE_PEER)}; the ring calls it only after it saw the peer's
 *       {@code sleeping} word set (and bumped its own {@code wake_seq}), so a streaming side makes no system call;
 *   <li>{@link #interrupt}: {@code MYIPC_IOC_WAKE(MYIPC_WAKE_SELF)} from another thread of this end (close, wakeup):
 *       the current or next WAIT on this file returns. Nothing is written to the peer's page (it is read-only here).
 * </ul>
 *
 * <p>{@code EIO} from WAIT means the driver found the shared indices corrupted: it becomes an {@link IpcException}
 * saying so. Peer death needs no liveness probe: the driver stores {@code END_CLOSED} in the peer's state word when
 * its last file closes, also when its process is killed.
 */
final class DriverRingWaiter implements RingWaiter {
    private final int fd;
    private final String what;
    /** The WAIT argument; only the one thread that waits on this end uses it. */
    private final ByteBuffer waitArg = NativeMemory.allocate(MyipcUapi.WAIT_SIZE).order(ByteOrder.nativeOrder());
    private final long waitArgAddress = NativeMemory.address(waitArg);
    /** Constant WAKE arguments (the kernel only reads them), so any thread may use them. */
    private final ByteBuffer wakePeer = constant(MyipcUapi.WAKE_PEER);
    private final ByteBuffer wakeSelf = constant(MyipcUapi.WAKE_SELF);
    private final long wakePeerArg = NativeMemory.address(wakePeer);
    private final long wakeSelfArg = NativeMemory.address(wakeSelf);
    /** Set (under the lock) when the descriptor is closed. */
    private boolean closed;

    /**
     * @param fd the role end's descriptor; the waiter owns it from now on ({@link #closeDescriptor})
     * @param what names the channel in messages, e.g. {@code /dev/myipc0 (channel 'kmod:/dev/myipc0?mode=mmap')}
     */
    DriverRingWaiter(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    private static ByteBuffer constant(int value) {
        ByteBuffer b = NativeMemory.allocate(MyipcUapi.U32).order(ByteOrder.nativeOrder());
        b.putInt(0, value);
        return b;
    }

    @Override
    public void await(RingSide sleeper, int wakeSeq, int need, long timeoutNanos) throws IOException {
        waitArg.putLong(0, Math.max(1, need));
        waitArg.putLong(8, Math.max(1, timeoutNanos)); // bounded: the ring sleeps in slices (never 0 = "only check")
        waitArg.putInt(16, wakeSeq);
        waitArg.putInt(20, MyipcUapi.WAIT_SEQ);
        waitArg.putLong(24, 0);
        // No WAKE of our own here: the peer, mmap or kernel end (blocking read/write or poll), announces every sleep
        // with a fresh number in its sleeping word, and the ring wakes it after a publish only then (myipc.h).
        int rc = Sys.ioctl(fd, MyipcUapi.IOC_WAIT, waitArgAddress);
        int err = Sys.errno();
        Reference.reachabilityFence(waitArg); // the kernel reads *waitArg during the call
        if (rc >= 0) {
            return; // READY / PEER_GONE / WOKEN: the ring re-checks its words
        }
        switch (err) {
            case Errno.ETIMEDOUT:
            case Errno.EINTR:
                return;
            case Errno.EIO:
                throw corrupted(what);
            default:
                throw Errno.exception(err, "MYIPC_IOC_WAIT on", what);
        }
    }

    @Override
    public void wake(RingSide sleeper) {
        // Called by the end's own (single) calling thread, never concurrently with closeDescriptor (the API layer
        // closes an end only when no call is in flight).
        Sys.ioctl(fd, MyipcUapi.IOC_WAKE, wakePeerArg); // fails only without a role, which we have
        Reference.reachabilityFence(wakePeer);
    }

    /** From any thread; does nothing once the descriptor is closed (its number may belong to another file by then). */
    @Override
    public synchronized void interrupt(RingSide sleeper) {
        if (!closed) {
            LibC.ioctl(fd, MyipcUapi.IOC_WAKE, wakeSelfArg);
            Reference.reachabilityFence(wakeSelf);
        }
    }

    /** The driver's counters of this channel ({@code MYIPC_IOC_GET_STATS}); empty once the descriptor is closed. */
    synchronized java.util.Map<String, Long> stats() throws IOException {
        return closed ? java.util.Map.of() : KmodStats.read(fd, what);
    }

    /** Closes the descriptor (once); {@link #interrupt} is a no-op afterwards. */
    synchronized void closeDescriptor() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    /**
     * False: the driver stores END_CLOSED when the last file of a kind closes (after this end's {@code close(fd)}),
     * and OPEN while another one, a copy-mode file or a role-less {@code O_RDWR} opener, remains.
     */
    @Override
    public boolean closeStoresState() {
        return false;
    }

    /** The message when the driver reports the shared ring corrupted. */
    static IpcException corrupted(String what) {
        return new IpcException("the shared ring of " + what + " is corrupted (EIO from the myipc driver: a process"
                + " wrote impossible indices into the mapped pages); its data cannot be trusted. Close both ends;"
                + " the driver starts a fresh ring when the last end has closed");
    }
}
