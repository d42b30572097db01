package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A writer end over a non-blocking FIFO-like descriptor: {@code write(2)}, and {@code poll} for {@code POLLOUT}
 * when full. {@code EPIPE} (no reader) becomes {@link io.myipc.PeerClosedException}; the JVM ignores
 * {@code SIGPIPE}.
 */
public final class FdWriterEnd extends FdEnd implements WriterEnd {

    /** Takes ownership of {@code fd}, which must be open for writing with {@code O_NONBLOCK}. */
    public FdWriterEnd(int fd, String path, String description) throws IOException {
        super(fd, path, description);
    }

    @Override
    public int write(ByteBuffer src, long timeoutNanos) throws IOException {
        int n = writeNow(src);
        if (n > 0 || timeoutNanos == 0) {
            return n;
        }
        await(Posix.POLLOUT, timeoutNanos);
        return writeNow(src); // POLLERR (no reader) shows up here as EPIPE
    }

    /** One non-blocking write: the count, 0 if the channel is full. */
    private int writeNow(ByteBuffer src) throws IOException {
        int len = src.remaining();
        long addr = addressOf(src);
        long r;
        if (addr >= 0) {
            r = LibC.write(fd, addr, len);
        } else {
            ByteBuffer b = bounce();
            int n = Math.min(len, b.capacity());
            b.clear().put(0, src, src.position(), n);
            r = LibC.write(fd, bounceAddress(), n);
        }
        if (r >= 0) {
            src.position(src.position() + (int) r);
            return (int) r;
        }
        int err = LibC.errno();
        if (err == Errno.EAGAIN || err == Errno.EINTR) {
            return 0;
        }
        throw Errno.exception(err, "write to", name);
    }
}
