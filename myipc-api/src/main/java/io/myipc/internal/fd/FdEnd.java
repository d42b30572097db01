package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import io.myipc.internal.posix.Sys;
import io.myipc.spi.CounterSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * What both ends over a FIFO-like descriptor share: the data descriptor (always {@code O_NONBLOCK}), an eventfd for
 * wake-ups and the poll set over both, and (for {@code pipe:} and {@code kmod:} copy mode) a blocking twin of the
 * descriptor for untimed calls.
 *
 * <p>Waking: a blocked call sits in {@code poll} on the data descriptor and on the eventfd. {@link #wakeup()} (from
 * the closing or interrupting thread) writes the eventfd, so the call returns at once, with no polling slices and no
 * CPU while idle. The eventfd is never drained: it is only written when the end is being closed or interrupted, and
 * every later poll should return at once anyway. The data descriptor itself is closed only after the call left (the
 * API layer defers {@link #close()}), so a descriptor number is never reused under a running poll.
 */
public abstract class FdEnd {
    /** Size of the bounce buffer used for heap buffers. */
    public static final int BOUNCE = 64 * 1024;

    /** The data descriptor, non-blocking. */
    protected final int fd;
    /** The file for messages, e.g. {@code /dev/myipc0 (channel 'kmod:/dev/myipc0')}. */
    protected final String name;
    private final int efd;
    private final ByteBuffer pollSet = NativeMemory.allocate(16); // two struct pollfd
    private final long pollAddr = NativeMemory.address(pollSet);
    private final ByteBuffer wakeValue = NativeMemory.allocate(8).putLong(0, 1);
    private final long wakeAddr = NativeMemory.address(wakeValue);
    private ByteBuffer bounce;
    private long bounceAddr;
    private ByteBuffer lastBuffer; // address cache for the caller's direct buffer
    private long lastAddress;
    private boolean closed;
    private long waits; // polls for room or data; counted by the calling thread
    /** A blocking descriptor on the same file ({@code pipe:}), or -1: untimed calls block in the kernel on it. */
    protected final int blockingFd;
    private volatile int blockedTid; // kernel id of the thread in a call on blockingFd, 0 if none
    private volatile boolean woken;
    private Thread tidThread;
    private CounterSource counters = CounterSource.NONE;
    private int tid;

    /**
     * Takes ownership of {@code fd} (already {@code O_NONBLOCK}); closes it if the eventfd cannot be created.
     *
     * @param path        the file, for messages
     * @param description the channel, e.g. {@code ChannelAddress.describe()}
     */
    protected FdEnd(int fd, String path, String description) throws IOException {
        this(fd, path, description, false);
    }

    /**
     * As {@link #FdEnd(int, String, String)}; with {@code blockingCalls}, untimed reads and writes are one blocking
     * system call on a second, blocking descriptor of the same FIFO ({@code /proc/self/fd/<fd>} opened again). A
     * close or interrupt then wakes the blocked call as NIO does: {@code dup2} of {@code /dev/null} over that
     * descriptor (later calls return at once), then the JDK's interrupt signal to the blocked thread ({@code
     * EINTR}). Without the signal (see {@link WakeSignal}) the end keeps waiting in {@code poll}.
     */
    protected FdEnd(int fd, String path, String description, boolean blockingCalls) throws IOException {
        this.fd = fd;
        this.name = path + " (" + description + ")";
        int e = LibC.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
        if (e < 0) {
            IOException ex = Errno.last("eventfd for", path);
            LibC.close(fd);
            throw ex;
        }
        this.efd = e;
        pollSet.order(ByteOrder.nativeOrder());
        pollSet.putInt(0, fd);
        pollSet.putInt(8, efd);
        pollSet.putShort(12, Posix.POLLIN);
        this.blockingFd = blockingCalls && WakeSignal.NUMBER != 0 && WakeSignal.DEV_NULL >= 0 ? openBlocking(fd) : -1;
    }

    /** A second descriptor of {@code fd}'s file, same access mode, blocking; -1 if it cannot be had. */
    private static int openBlocking(int fd) {
        int flags = LibC.fcntl(fd, Posix.F_GETFL, 0);
        if (flags < 0) {
            return -1;
        }
        int b = LibC.open("/proc/self/fd/" + fd, (flags & 3) | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
        if (b < 0) {
            return -1;
        }
        if (LibC.fcntl(b, Posix.F_SETFL, flags & 3) < 0) {
            LibC.close(b);
            return -1;
        }
        return b;
    }

    /** Whether untimed calls block in the kernel (on {@link #blockingFd}) rather than in {@code poll}. */
    public final boolean blocksInKernel() {
        return blockingFd >= 0;
    }

    /**
     * Before a call on {@link #blockingFd}: publishes the thread's id for {@link #wakeup()}. Returns false (do not
     * make the call) when the end is already being woken.
     */
    protected final boolean enterBlocking() {
        Thread t = Thread.currentThread();
        if (t != tidThread) {
            tid = WakeSignal.gettid();
            tidThread = t;
        }
        blockedTid = tid;
        if (woken) { // pairs with wakeup(): it stores woken, then loads blockedTid
            blockedTid = 0;
            return false;
        }
        return true;
    }

    /** After a call on {@link #blockingFd}; returns whether a wake-up came (then the call's result is void). */
    protected final boolean leaveBlocking() {
        blockedTid = 0;
        return woken;
    }

    /**
     * Where {@link #transportCounters()} reads from (none by default); set once by the transport, before the end is
     * handed to the API layer.
     */
    public final void countersFrom(CounterSource source) {
        this.counters = source;
    }

    /** The counters of {@link #countersFrom}, read now. */
    public final Map<String, Long> transportCounters() throws IOException {
        return counters.read();
    }

    /** The data descriptor (for transport-specific ioctls). */
    public final int fd() {
        return fd;
    }

    /**
     * Polls the data descriptor for {@code events} and the eventfd. Returns the descriptor's revents, 0 on timeout,
     * wake-up or {@code EINTR}. {@code timeoutNanos < 0} waits forever.
     */
    protected final int await(short events, long timeoutNanos) throws IOException {
        int ms;
        if (timeoutNanos < 0) {
            ms = -1;
        } else {
            long m = (timeoutNanos + 999_999) / 1_000_000;
            ms = (int) Math.min(m, Integer.MAX_VALUE);
        }
        waits++;
        pollSet.putShort(4, events);
        pollSet.putShort(6, (short) 0);
        pollSet.putShort(14, (short) 0);
        int r = Sys.poll(pollAddr, 2, ms);
        if (r < 0) {
            int err = Sys.errno();
            if (err == Errno.EINTR) {
                return 0;
            }
            throw Errno.exception(err, "poll on", name);
        }
        if (pollSet.getShort(14) != 0) {
            return 0; // woken
        }
        return pollSet.getShort(6);
    }

    /** Native address of {@code buf}'s position, or -1 if it is a heap buffer. */
    protected final long addressOf(ByteBuffer buf) {
        if (!buf.isDirect()) {
            return -1;
        }
        if (buf != lastBuffer) {
            lastAddress = NativeMemory.address(buf);
            lastBuffer = buf;
        }
        return lastAddress + buf.position();
    }

    /** A direct buffer of {@link #BOUNCE} bytes for heap buffers, allocated on first use. */
    protected final ByteBuffer bounce() {
        if (bounce == null) {
            bounce = NativeMemory.allocate(BOUNCE);
            bounceAddr = NativeMemory.address(bounce);
        }
        return bounce;
    }

    protected final long bounceAddress() {
        bounce();
        return bounceAddr;
    }

    /** Times a call polled for room or data (see {@code IpcMetrics#waits}). */
    public final long waits() {
        return waits;
    }

    public final void wakeup() {
        woken = true;
        LibC.write(efd, wakeAddr, 8);
        if (blockingFd >= 0) {
            LibC.dup2(WakeSignal.DEV_NULL, blockingFd); // a call made from now on returns at once
            int t = blockedTid;
            if (t != 0) {
                WakeSignal.send(t); // a call already in the kernel returns EINTR
            }
        }
    }

    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        int r = LibC.close(fd);
        int err = r < 0 ? LibC.errno() : 0;
        LibC.close(efd);
        if (blockingFd >= 0) {
            LibC.close(blockingFd);
        }
        lastBuffer = null;
        if (r < 0 && err != Errno.EINTR) {
            throw Errno.exception(err, "close of", name);
        }
    }
}
