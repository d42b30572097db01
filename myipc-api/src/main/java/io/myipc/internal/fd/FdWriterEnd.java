package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import io.myipc.internal.posix.Sys;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A writer end over a non-blocking FIFO-like descriptor: {@code write(2)}, and {@code poll} for {@code POLLOUT}
 * when full. {@code EPIPE} (no reader) becomes {@link io.myipc.PeerClosedException}; the JVM ignores
 * {@code SIGPIPE}.
 */
public final class FdWriterEnd extends FdEnd implements WriterEnd {
    private final ByteBuffer iov = NativeMemory.allocate(32).order(ByteOrder.nativeOrder()); // two struct iovec
    private final long iovAddress = NativeMemory.address(iov);
    private ByteBuffer firstBuffer; // address cache for the first buffer of a writev (the API layer's header)
    private long firstAddress;

    /** Takes ownership of {@code fd}, which must be open for writing with {@code O_NONBLOCK}. */
    public FdWriterEnd(int fd, String path, String description) throws IOException {
        super(fd, path, description);
    }

    /** As {@link #FdWriterEnd(int, String, String)}; {@code blockingCalls}: see {@link FdEnd}. */
    public FdWriterEnd(int fd, String path, String description, boolean blockingCalls) throws IOException {
        super(fd, path, description, blockingCalls);
    }

    @Override
    public int write(ByteBuffer src, long timeoutNanos) throws IOException {
        if (timeoutNanos < 0 && blockingFd >= 0) {
            return writeBlocking(src);
        }
        int n = writeNow(src);
        if (n > 0 || timeoutNanos == 0) {
            return n;
        }
        await(Posix.POLLOUT, timeoutNanos);
        return writeNow(src); // POLLERR (no reader) shows up here as EPIPE
    }

    /**
     * One blocking write: the count, 0 when woken or interrupted by a signal before any byte moved. After a wake-up
     * the count may include bytes that went to {@code /dev/null} (the channel is closing; nobody reads them).
     */
    private int writeBlocking(ByteBuffer src) throws IOException {
        int len = src.remaining();
        long addr = addressOf(src);
        if (addr < 0) {
            ByteBuffer b = bounce();
            len = Math.min(len, b.capacity());
            b.clear().put(0, src, src.position(), len);
            addr = bounceAddress();
        }
        if (!enterBlocking()) {
            return 0;
        }
        long r = Sys.write(blockingFd, addr, len);
        int err = r < 0 ? Sys.errno() : 0;
        if (leaveBlocking() && r <= 0) {
            return 0; // closing: the API layer throws
        }
        if (r >= 0) { // also when closing: the bytes before the wake-up went in
            src.position(src.position() + (int) r);
            return (int) r;
        }
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "write to", name);
    }

    /**
     * {@code writev} when both buffers are direct ({@link #write(ByteBuffer, ByteBuffer, long)}), on the FIFO ends
     * that have a blocking twin ({@code pipe:}, {@code kmod:} copy mode).
     */
    @Override
    public boolean gathers() {
        return blockingFd >= 0;
    }

    /** Header and payload in one {@code writev}; heap buffers fall back to one write each. */
    @Override
    public int write(ByteBuffer first, ByteBuffer second, long timeoutNanos) throws IOException {
        if (!first.isDirect() || !second.isDirect()) {
            return WriterEnd.super.write(first, second, timeoutNanos);
        }
        boolean blocking = timeoutNanos < 0 && blockingFd >= 0;
        int n = writevNow(first, second, blocking);
        if (n > 0 || timeoutNanos == 0 || blocking) {
            return n;
        }
        await(Posix.POLLOUT, timeoutNanos);
        return writevNow(first, second, false);
    }

    private int writevNow(ByteBuffer first, ByteBuffer second, boolean blocking) throws IOException {
        int a = first.remaining();
        int b = second.remaining();
        if (first != firstBuffer) {
            firstAddress = NativeMemory.address(first);
            firstBuffer = first;
        }
        iov.putLong(0, firstAddress + first.position());
        iov.putLong(8, a);
        iov.putLong(16, addressOf(second));
        iov.putLong(24, b);
        long r;
        int err;
        if (blocking) {
            if (!enterBlocking()) {
                return 0;
            }
            r = Sys.writev(blockingFd, iovAddress, 2);
            err = r < 0 ? Sys.errno() : 0;
            if (leaveBlocking() && r <= 0) {
                return 0;
            }
        } else {
            r = Sys.writev(fd, iovAddress, 2);
            err = r < 0 ? Sys.errno() : 0;
        }
        Reference.reachabilityFence(first);
        Reference.reachabilityFence(second);
        if (r >= 0) {
            int inFirst = (int) Math.min(r, a);
            first.position(first.position() + inFirst);
            second.position(second.position() + (int) (r - inFirst));
            return (int) r;
        }
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "write to", name);
    }

    /** One non-blocking write: the count, 0 if the channel is full. */
    private int writeNow(ByteBuffer src) throws IOException {
        int len = src.remaining();
        long addr = addressOf(src);
        long r;
        if (addr >= 0) {
            r = Sys.write(fd, addr, len);
        } else {
            ByteBuffer b = bounce();
            int n = Math.min(len, b.capacity());
            b.clear().put(0, src, src.position(), n);
            r = Sys.write(fd, bounceAddress(), n);
        }
        if (r >= 0) {
            src.position(src.position() + (int) r);
            return (int) r;
        }
        int err = Sys.errno();
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "write to", name);
    }
}
