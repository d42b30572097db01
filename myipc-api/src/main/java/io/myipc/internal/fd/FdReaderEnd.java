package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
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

    @Override
    public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
        int n = readNow(dst);
        if (n != 0 || timeoutNanos == 0) {
            return n;
        }
        await(Posix.POLLIN, timeoutNanos);
        return readNow(dst);
    }

    /** One non-blocking read: the count, 0 if the channel is empty, -1 at EOF (no writer and empty). */
    private int readNow(ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        long addr = addressOf(dst);
        long r;
        if (addr >= 0) {
            r = LibC.read(fd, addr, len);
        } else {
            ByteBuffer b = bounce();
            r = LibC.read(fd, bounceAddress(), Math.min(len, b.capacity()));
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
        int err = LibC.errno();
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "read from", name);
    }
}
