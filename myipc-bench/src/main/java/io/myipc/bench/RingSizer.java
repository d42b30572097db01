package io.myipc.bench;

import com.sun.jna.Memory;
import io.myipc.internal.posix.LibC;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes the driver's rings before the two mmap ends attach, and keeps them so until both ends have closed.
 *
 * <p>A mapped ring cannot be resized ({@code EBUSY}), and the driver frees a ring (forgetting its size) at the last
 * close. In a ping-pong the peer's reader may map a device before the writer has set {@code size=}: so the runner
 * opens each device {@code O_RDWR} without a role, sets the size with {@code MYIPC_IOC_SET_SIZE}, and closes these
 * files only after the measurement (the writers then find the size already in effect). Such a file counts as a
 * reader and a writer of the channel, so the ends see their peer as present from the start and no end of stream
 * while it is open: the benchmark's exchanges end by their own messages, not by end of stream. The C benchmark
 * does the same ({@code chan_create}, dev-mmap).
 */
final class RingSizer implements AutoCloseable {
    /** {@code MYIPC_IOC_SET_SIZE} = {@code _IOWR(0xE7, 0x02, __u64)} (myipc.h; checked against it by a test). */
    static final long IOC_SET_SIZE = 0xC008E702L;
    static final int O_RDWR = 2, O_CLOEXEC = 0x80000, EBUSY = 16;
    private static final long BUSY_WAIT_NANOS = 30_000_000_000L;

    private final List<Integer> fds = new ArrayList<>();

    RingSizer(List<String> devices, long capacity) throws IOException {
        try {
            for (String dev : devices) {
                int fd = LibC.open(dev, O_RDWR | O_CLOEXEC, 0);
                if (fd < 0) throw new IOException("cannot open " + dev + " to size its ring: errno " + LibC.errno());
                fds.add(fd);
                setSize(fd, dev, capacity);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The previous measurement's ends (the peer process above all) may still be closing when the next one starts:
     * their ring stays busy until its last user is gone, so EBUSY is retried for a while before it counts.
     */
    private static void setSize(int fd, String dev, long capacity) throws IOException {
        long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
        try (Memory arg = new Memory(8)) {
            arg.setLong(0, capacity);
            while (LibC.ioctl(fd, IOC_SET_SIZE, arg) != 0) {
                int e = LibC.errno();
                if (e != EBUSY || System.nanoTime() > deadline) {
                    throw new IOException("MYIPC_IOC_SET_SIZE " + capacity + " on " + dev + " failed, errno " + e
                            + (e == EBUSY ? " (EBUSY for " + BUSY_WAIT_NANOS / 1_000_000_000L + " s: the ring is in"
                                    + " use or still mapped by another process)" : ""));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + dev + " to be free", ie);
                }
            }
        }
    }

    @Override
    public void close() {
        for (int fd : fds) LibC.close(fd);
        fds.clear();
    }
}
