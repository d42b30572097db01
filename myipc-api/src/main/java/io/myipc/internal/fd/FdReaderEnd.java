package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.Posix;
import io.myipc.internal.posix.Sys;
import io.myipc.spi.ReaderEnd;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A reader end over a non-blocking FIFO-like descriptor: {@code read(2)}, and {@code poll} for {@code POLLIN} when
 * empty. {@code read} returning 0 is end of stream (no writer and nothing buffered), {@code EAGAIN} means empty.
 */
public final class FdReaderEnd extends FdEnd implements ReaderEnd {

    /** Takes ownership of {@code fd}, which must be open for reading with {@code O_NONBLOCK}. */
    public FdReaderEnd(int fd, String path, String description) throws IOException {
        super(fd, path, description);
    }

    /** As {@link #FdReaderEnd(int, String, String)}; {@code blockingCalls}: see {@link FdEnd}. */
    public FdReaderEnd(int fd, String path, String description, boolean blockingCalls) throws IOException {
        super(fd, path, description, blockingCalls);
    }

    @Override
    public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
        if (timeoutNanos < 0 && blockingFd >= 0) {
            return readBlocking(dst);
        }
        int n = readNow(dst);
        if (n != 0 || timeoutNanos == 0) {
            return n;
        }
        await(Posix.POLLIN, timeoutNanos);
        return readNow(dst);
    }

    /** One blocking read: the count, -1 at EOF, 0 when woken or interrupted by a signal. */
    private int readBlocking(ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        long addr = addressOf(dst);
        if (addr < 0) {
            len = Math.min(len, bounce().capacity());
            addr = bounceAddress();
        }
        if (!enterBlocking()) {
            return 0;
        }
        long r = Sys.read(blockingFd, addr, len);
        int err = r < 0 ? Sys.errno() : 0;
        if (leaveBlocking() && r <= 0) {
            return 0; // closing (the end of /dev/null is no end of stream): the API layer throws
        }
        if (r > 0) {
            if (!dst.isDirect()) {
                dst.put(dst.position(), bounce(), 0, (int) r);
            }
            dst.position(dst.position() + (int) r);
            return (int) r;
        }
        if (r == 0) {
            return -1;
        }
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "read from", name);
    }

    /** One non-blocking read: the count, 0 if the channel is empty, -1 at EOF (no writer and empty). */
    private int readNow(ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        long addr = addressOf(dst);
        long r;
        if (addr >= 0) {
            r = Sys.read(fd, addr, len);
        } else {
            ByteBuffer b = bounce();
            r = Sys.read(fd, bounceAddress(), Math.min(len, b.capacity()));
            if (r > 0) {
                dst.put(dst.position(), b, 0, (int) r);
            }
        }
        if (r > 0) {
            dst.position(dst.position() + (int) r);
            return (int) r;
        }
        if (r == 0) {
            return -1;
        }
        int err = Sys.errno();
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "read from", name);
    }
}
