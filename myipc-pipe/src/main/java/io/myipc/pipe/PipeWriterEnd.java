package io.myipc.pipe;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.ErrnoException;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.pipe.PipeTransport.FifoConfig;
import io.myipc.spi.OpenContext;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.TimeUnit;

/** The writer end of a FIFO. */
final class PipeWriterEnd extends PipeEnd implements WriterEnd {

    private PipeWriterEnd(FifoConfig config, int fd) throws IOException {
        super(config, fd);
    }

    /**
     * FIFO rendezvous for the writer: {@code open(O_WRONLY|O_NONBLOCK)} fails with {@code ENXIO} while no reader has
     * the FIFO open, so retry with a growing pause (1 ms up to 20 ms) until a reader comes, the deadline passes or the
     * thread is interrupted. A blocking open could be ended by neither.
     */
    static PipeWriterEnd open(FifoConfig cfg, OpenContext ctx) throws IOException {
        prepare(cfg);
        long pauseMicros = 1000;
        int fd;
        while (true) {
            ctx.checkInterrupted();
            fd = LibC.open(cfg.path(), Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
            if (fd >= 0) {
                break;
            }
            int err = LibC.errno();
            if (err != Errno.ENXIO && err != Errno.EINTR) {
                throw openFailure(err, "for writing", cfg, ctx);
            }
            long left = ctx.remainingNanos();
            if (left == 0) {
                throw ctx.timeout("a reader to open " + cfg.address().uri());
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MICROSECONDS.toNanos(pauseMicros)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedByInterruptException();
            }
            pauseMicros = Math.min(pauseMicros * 2, 20_000);
        }
        if (cfg.size() > 0 && LibC.fcntl(fd, Posix.F_SETPIPE_SZ, cfg.size()) < 0) {
            int err = LibC.errno();
            LibC.close(fd);
            if (err == Errno.EPERM || err == Errno.EBUSY) {
                throw new ErrnoException(err, "cannot set the buffer of " + cfg.path() + " to " + cfg.size()
                        + " bytes (" + Errno.name(err) + "): an unprivileged process may not go over "
                        + "/proc/sys/fs/pipe-max-size or its user's pipe buffer quota; use a smaller size= or raise the limit");
            }
            throw Errno.exception(err, "F_SETPIPE_SZ on", cfg.path());
        }
        return new PipeWriterEnd(cfg, fd);
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

    /** One non-blocking write: the count, 0 if the pipe is full. */
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
        throw Errno.exception(err, "write to", config.path() + " (" + config.address().describe() + ")");
    }
}
