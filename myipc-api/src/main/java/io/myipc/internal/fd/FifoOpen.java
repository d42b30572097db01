package io.myipc.internal.fd;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The FIFO open rendezvous, for any file that opens like a FIFO (a named pipe, a {@code /dev/myipcN} device): the
 * reader's open waits for a writer, the writer's for a reader, both within the {@link OpenContext}'s deadline and
 * ended by an interrupt. Both return a descriptor in {@code O_NONBLOCK} mode.
 */
public final class FifoOpen {
    private static final long WATCH_MILLIS = 10;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "myipc-fifo-open-watchdog");
        t.setDaemon(true);
        return t;
    });

    private FifoOpen() {
    }

    /**
     * Opens {@code path} for reading. A non-blocking {@code open(O_RDONLY)} succeeds at once and nothing then tells
     * when a writer arrives (poll reports nothing until it writes), so the reader uses the blocking open, which
     * returns when a writer opens. Java cannot interrupt a thread in a native call, so a watchdog checks every 10 ms
     * whether the opening thread was interrupted or the deadline passed; if so it opens the file for writing itself
     * (which succeeds: the blocked reader already counts as a reader) and closes it again, which releases the open.
     * The opener then closes its descriptor and throws. Cost: nothing on the data path.
     *
     * @return the descriptor, switched to {@code O_NONBLOCK}
     */
    public static int openReader(String path, ChannelAddress address, OpenContext ctx) throws IOException {
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
            int w = LibC.open(path, Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
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
                fd = LibC.open(path, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
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
            throw ctx.timeout("a writer to open " + address.uri());
        }
        if (fd < 0) {
            throw failure(err, "for reading", path, address);
        }
        int flags = LibC.fcntl(fd, Posix.F_GETFL, 0);
        if (flags < 0 || LibC.fcntl(fd, Posix.F_SETFL, flags | Posix.O_NONBLOCK) < 0) {
            IOException e = Errno.last("fcntl(O_NONBLOCK) on", path);
            LibC.close(fd);
            throw e;
        }
        return fd;
    }

    /**
     * Opens {@code path} for writing: {@code open(O_WRONLY|O_NONBLOCK)} fails with {@code ENXIO} while no reader
     * has the file open, so retry with a growing pause (1 ms up to 20 ms) until a reader comes, the deadline passes or
     * the thread is interrupted. A blocking open could be ended by neither.
     *
     * @return the descriptor, in {@code O_NONBLOCK} mode
     */
    public static int openWriter(String path, ChannelAddress address, OpenContext ctx) throws IOException {
        long pauseMicros = 1000;
        while (true) {
            ctx.checkInterrupted();
            int fd = LibC.open(path, Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
            if (fd >= 0) {
                return fd;
            }
            int err = LibC.errno();
            if (err != Errno.ENXIO && err != Errno.EINTR) {
                throw failure(err, "for writing", path, address);
            }
            long left = ctx.remainingNanos();
            if (left == 0) {
                throw ctx.timeout("a reader to open " + address.uri());
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MICROSECONDS.toNanos(pauseMicros)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedByInterruptException();
            }
            pauseMicros = Math.min(pauseMicros * 2, 20_000);
        }
    }

    private static IOException failure(int err, String what, String path, ChannelAddress address) {
        return Errno.exception(err, "open " + what + " of", path + " (" + address.describe() + ")");
    }
}
