package io.myipc.pipe;

import io.myipc.IpcConfigException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.ErrnoException;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.pipe.PipeTransport.FifoConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** The FIFO file itself: creating and checking it before the open, sizing its buffer after. */
final class PipeFiles {
    private PipeFiles() {
    }

    /** Creates the FIFO if asked and checks that the path is one; true if this call created it. */
    static boolean prepare(FifoConfig cfg) throws IOException {
        boolean created = false;
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
                created = true;
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
        return created;
    }

    /** Unlinks the FIFO; a path that is already gone is fine. */
    static void remove(FifoConfig cfg) {
        LibC.unlink(cfg.path());
    }

    /** Applies {@code size=} with {@code F_SETPIPE_SZ} on the writer's descriptor; closes it on failure. */
    static void applySize(FifoConfig cfg, int fd) throws IOException {
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
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
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
}
