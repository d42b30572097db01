package io.myipc.pipe;

import io.myipc.IpcConfigException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import io.myipc.pipe.PipeTransport.FifoConfig;
import io.myipc.spi.OpenContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What both FIFO ends share: the data descriptor (always {@code O_NONBLOCK}), an eventfd for wake-ups and the poll
 * set over both.
 *
 * <p>Waking: a blocked call sits in {@code poll} on the FIFO and on the eventfd. {@link #wakeup()} (from the
 * closing or interrupting thread) writes the eventfd, so the call returns at once, with no polling slices and no
 * CPU while idle. The eventfd is never drained: it is only written when the end is being closed, and every later
 * poll should return at once anyway. The FIFO descriptor itself is closed only after the call left (see the API
 * layer), so a descriptor number is never reused under a running poll.
 */
abstract class PipeEnd {
    static final int BOUNCE = 64 * 1024;

    final FifoConfig config;
    final int fd;
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

    PipeEnd(FifoConfig config, int fd) throws IOException {
        this.config = config;
        this.fd = fd;
        int e = LibC.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
        if (e < 0) {
            IOException ex = Errno.last("eventfd for", config.path());
            LibC.close(fd);
            throw ex;
        }
        this.efd = e;
        pollSet.order(ByteOrder.nativeOrder());
        pollSet.putInt(0, fd);
        pollSet.putInt(8, efd);
        pollSet.putShort(12, Posix.POLLIN);
    }

    /**
     * Polls the FIFO for {@code events} and the eventfd. Returns the FIFO's revents, 0 on timeout, wake-up or
     * {@code EINTR}. {@code timeoutNanos < 0} waits forever.
     */
    final int await(short events, long timeoutNanos) throws IOException {
        int ms;
        if (timeoutNanos < 0) {
            ms = -1;
        } else {
            long m = (timeoutNanos + 999_999) / 1_000_000;
            ms = (int) Math.min(m, Integer.MAX_VALUE);
        }
        pollSet.putShort(4, events);
        pollSet.putShort(6, (short) 0);
        pollSet.putShort(14, (short) 0);
        int r = LibC.poll(pollAddr, 2, ms);
        if (r < 0) {
            int err = LibC.errno();
            if (err == Errno.EINTR) {
                return 0;
            }
            throw Errno.exception(err, "poll on", config.path());
        }
        if (pollSet.getShort(14) != 0) {
            return 0; // woken
        }
        return pollSet.getShort(6);
    }

    /** Native address of {@code buf}'s position, or -1 if it is a heap buffer. */
    final long addressOf(ByteBuffer buf) {
        if (!buf.isDirect()) {
            return -1;
        }
        if (buf != lastBuffer) {
            lastAddress = NativeMemory.address(buf);
            lastBuffer = buf;
        }
        return lastAddress + buf.position();
    }

    final ByteBuffer bounce() {
        if (bounce == null) {
            bounce = NativeMemory.allocate(BOUNCE);
            bounceAddr = NativeMemory.address(bounce);
        }
        return bounce;
    }

    final long bounceAddress() {
        bounce();
        return bounceAddr;
    }

    public final void wakeup() {
        LibC.write(efd, wakeAddr, 8);
    }

    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        int r = LibC.close(fd);
        int err = r < 0 ? LibC.errno() : 0;
        LibC.close(efd);
        lastBuffer = null;
        if (r < 0 && err != Errno.EINTR) {
            throw Errno.exception(err, "close of", config.path());
        }
    }

    // ---- opening

    /** Creates the FIFO if asked and checks that the path is one. */
    static void prepare(FifoConfig cfg) throws IOException {
        Path p = Path.of(cfg.path());
        BasicFileAttributes attrs = attributes(p);
        if (attrs == null) {
            if (!cfg.create()) {
                throw new IpcConfigException("FIFO " + cfg.path() + " of " + cfg.address().describe()
                        + " does not exist: create it (mkfifo -m 600 " + cfg.path() + ") or drop create=false");
            }
            Path parent = p.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new IpcConfigException("the directory " + parent + " for the FIFO of " + cfg.address().describe()
                        + " does not exist: create it (mkdir -p " + parent + ") or choose another path");
            }
            if (LibC.mkfifo(cfg.path(), cfg.mode()) < 0) {
                int err = LibC.errno();
                if (err != Errno.EEXIST) { // EEXIST: the peer created it first
                    throw Errno.exception(err, "mkfifo", cfg.path());
                }
            } else {
                // mkfifo applies the umask; mode= means the exact bits
                try {
                    Files.setPosixFilePermissions(p, permissions(cfg.mode()));
                } catch (IOException | UnsupportedOperationException e) {
                    // the FIFO exists with the umask's bits; opening still works for this user
                }
            }
            attrs = attributes(p);
        }
        if (attrs != null && (attrs.isRegularFile() || attrs.isDirectory())) {
            throw new IpcConfigException(cfg.path() + " of " + cfg.address().describe() + " exists and is a "
                    + (attrs.isDirectory() ? "directory" : "regular file")
                    + ", not a FIFO: remove it or choose another path");
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> set =
                java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
        java.nio.file.attribute.PosixFilePermission[] order = {
            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE,
            java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
            java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
            java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
            java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
            java.nio.file.attribute.PosixFilePermission.GROUP_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
            java.nio.file.attribute.PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    static IOException openFailure(int err, String what, FifoConfig cfg, OpenContext ctx) {
        return Errno.exception(err, "open " + what + " of", cfg.path() + " (" + cfg.address().describe() + ")");
    }
}
