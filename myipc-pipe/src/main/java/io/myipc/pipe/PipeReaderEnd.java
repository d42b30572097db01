package io.myipc.pipe;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.pipe.PipeTransport.FifoConfig;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The reader end of a FIFO. */
final class PipeReaderEnd extends PipeEnd implements ReaderEnd {
    private static final long WATCH_MILLIS = 10;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "myipc-pipe-open-watchdog");
        t.setDaemon(true);
        return t;
    });

    private PipeReaderEnd(FifoConfig config, int fd) throws IOException {
        super(config, fd);
    }

    /**
     * FIFO rendezvous for the reader. A non-blocking {@code open(O_RDONLY)} succeeds at once and nothing then tells
     * when a writer arrives (poll reports nothing until it writes), so the reader uses the blocking open, which
     * returns when a writer opens. Java cannot interrupt a thread in a native call, so a watchdog checks every 10 ms
     * whether the opening thread was interrupted or the deadline passed; if so it opens the FIFO for writing itself
     * (which succeeds: the blocked reader already counts as a reader) and closes it again, which releases the open.
     * The opener then closes its descriptor and throws. Cost: nothing on the data path.
     */
    static PipeReaderEnd open(FifoConfig cfg, OpenContext ctx) throws IOException {
        prepare(cfg);
        ctx.checkInterrupted();
        Thread opener = Thread.currentThread();
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        Runnable watch = () -> {
            if (done.get()) {
                return;
            }
            if (opener.isInterrupted()) {
                interrupted.set(true);
            } else if (ctx.remainingNanos() == 0) {
                timedOut.set(true);
            } else {
                return;
            }
            int w = LibC.open(cfg.path(), Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
            if (w >= 0) {
                LibC.close(w);
            }
        };
        ScheduledFuture<?> task = WATCHDOG.scheduleWithFixedDelay(watch, WATCH_MILLIS, WATCH_MILLIS,
                TimeUnit.MILLISECONDS);
        int fd;
        int err;
        try {
            do {
                fd = LibC.open(cfg.path(), Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
                err = fd < 0 ? LibC.errno() : 0;
            } while (fd < 0 && err == Errno.EINTR && !timedOut.get() && !interrupted.get());
        } finally {
            done.set(true);
            task.cancel(false);
        }
        if (interrupted.get() || timedOut.get()) {
            if (fd >= 0) {
                LibC.close(fd);
            }
            if (interrupted.get()) {
                throw new ClosedByInterruptException();
            }
            throw ctx.timeout("a writer to open " + cfg.address().uri());
        }
        if (fd < 0) {
            throw openFailure(err, "for reading", cfg, ctx);
        }
        int flags = LibC.fcntl(fd, Posix.F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(fd, Posix.F_SETFL, flags | Posix.O_NONBLOCK) < 0) {
            IOException e = Errno.last("fcntl(O_NONBLOCK) on", cfg.path());
            LibC.close(fd);
            throw e;
        }
        return new PipeReaderEnd(cfg, fd);
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

    /** One non-blocking read: the count, 0 if the pipe is empty, -1 at EOF (no writer and empty). */
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
        throw Errno.exception(err, "read from", config.path() + " (" + config.address().describe() + ")");
    }
}
