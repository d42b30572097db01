package io.myipc.kmod;

import io.myipc.IpcConfigException;
import io.myipc.IpcException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.ErrnoException;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a {@code kmod:} path is a myipc device, and the driver's ioctls. Before the open: the node exists (else
 * the message says how to load the driver), is a character device, and — when sysfs tells — belongs to the myipc
 * class. After the open: the descriptor answers {@code MYIPC_IOC_GET_SIZE}, which only the driver does.
 */
final class KmodDevice {
    /** How to get the driver, for every "no device" message. */
    static final String LOAD_ADVICE = "load it as root with 'modprobe myipc' (install it once with DKMS:"
            + " myipc-kmod/README.md, \"Install on a host\")";
    private static final Pattern DEV_NUMBER = Pattern.compile(Pattern.quote(MyipcUapi.DEV_PREFIX) + "(\\d+)");
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final Path SYS_MODULE = Path.of("/sys/module/myipc");
    private static final Path SYS_DEV_CHAR = Path.of("/sys/dev/char");

    private KmodDevice() {
    }

    /** True if the myipc module is loaded in the running kernel. */
    static boolean driverLoaded() {
        return Files.isDirectory(SYS_MODULE);
    }

    /** Throws unless {@code cfg.path()} is (as far as can be seen without opening it) a myipc device node. */
    static void checkPath(KmodConfig cfg) throws IOException {
        Path p = Path.of(cfg.path());
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(p, "unix:mode,rdev");
        } catch (NoSuchFileException e) {
            throw missing(cfg);
        } catch (IOException e) {
            throw new IpcException("cannot look at " + cfg.path() + " of " + cfg.address().describe() + ": " + e
                    + ": check the path and the permissions of its directories", e);
        } catch (UnsupportedOperationException e) {
            return; // no unix attribute view: leave it to the ioctl check after the open
        }
        int mode = (Integer) attrs.get("mode");
        if ((mode & S_IFMT) != S_IFCHR) {
            throw new IpcConfigException(cfg.path() + " of " + cfg.address().describe() + " is " + kind(mode)
                    + ", not a myipc device: kmod: needs a device node of the myipc driver like /dev/myipc0"
                    + ((mode & S_IFMT) == 0010000 ? " (for a named pipe use pipe:" + cfg.path() + ")" : ""));
        }
        long rdev = (Long) attrs.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        String dev = major + ":" + minor;
        if (!Files.isDirectory(SYS_DEV_CHAR)) {
            return; // no sysfs (a container?): the ioctl check after the open decides
        }
        Path entry = SYS_DEV_CHAR.resolve(dev);
        if (!Files.exists(entry)) {
            throw new IpcException(cfg.path() + " of " + cfg.address().describe() + " is the character device "
                    + dev + ", which no driver provides (a stale node?): "
                    + (driverLoaded() ? "use a node the myipc driver created, like /dev/myipc0"
                    : "the myipc driver is not loaded: " + LOAD_ADVICE));
        }
        String subsystem;
        try {
            subsystem = entry.resolve("subsystem").toRealPath().getFileName().toString();
        } catch (IOException e) {
            return; // cannot tell; the ioctl check decides
        }
        if (!subsystem.equals("myipc")) {
            throw new IpcConfigException(cfg.path() + " of " + cfg.address().describe() + " is the character device "
                    + dev + " of the '" + subsystem + "' driver, not a myipc device: kmod: needs a device node of the"
                    + " myipc driver like /dev/myipc0");
        }
    }

    /** The message for a device node that does not exist. */
    static IpcException missing(KmodConfig cfg) {
        String what = cfg.path() + " of " + cfg.address().describe() + " does not exist: ";
        if (!driverLoaded()) {
            return new IpcException(what + "the myipc driver is not loaded: " + LOAD_ADVICE);
        }
        Matcher m = DEV_NUMBER.matcher(cfg.path());
        String nr = nrDevs();
        if (m.matches() && nr != null) {
            int n = Integer.parseInt(nr);
            long wanted = Long.parseLong(m.group(1));
            String devs = "the myipc driver is loaded with nr_devs=" + n + ", so its devices are "
                    + MyipcUapi.DEV_PREFIX + "0.." + MyipcUapi.DEV_PREFIX + (n - 1) + ": use one of those";
            return new IpcException(what + devs + (wanted < MyipcUapi.MAX_DEVS
                    ? ", or reload the driver with more (rmmod myipc; modprobe myipc nr_devs=" + (wanted + 1) + ")"
                    : " (the driver has at most " + MyipcUapi.MAX_DEVS + " devices)"));
        }
        return new IpcException(what + "the myipc driver is loaded" + (nr == null ? "" : " with nr_devs=" + nr)
                + ": use one of its devices, like " + MyipcUapi.DEV_PREFIX + "0");
    }

    private static String nrDevs() {
        try {
            return Files.readString(SYS_MODULE.resolve("parameters/nr_devs")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static String kind(int mode) {
        switch (mode & S_IFMT) {
            case 0100000: return "a regular file";
            case 0040000: return "a directory";
            case 0010000: return "a FIFO (named pipe)";
            case 0060000: return "a block device";
            case 0140000: return "a socket";
            default: return "not a character device";
        }
    }

    /**
     * Checks that the open descriptor is served by the myipc driver: it answers {@code MYIPC_IOC_GET_SIZE}. Returns
     * the ring capacity.
     */
    static long checkAnswers(KmodConfig cfg, int fd) throws IOException {
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U64);
        if (LibC.ioctl(fd, MyipcUapi.IOC_GET_SIZE, NativeMemory.address(arg)) < 0) {
            int err = LibC.errno();
            throw new IpcConfigException(cfg.path() + " of " + cfg.address().describe()
                    + " does not answer MYIPC_IOC_GET_SIZE (" + Errno.name(err) + "): it is not a myipc device;"
                    + " kmod: needs a device node of the myipc driver like /dev/myipc0");
        }
        return arg.getLong(0);
    }

    /** {@code MYIPC_IOC_SET_SIZE}: resizes the ring; returns the capacity in effect (rounded up by the driver). */
    static long setSize(KmodConfig cfg, int fd, long size) throws IOException {
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U64);
        arg.putLong(0, size);
        if (LibC.ioctl(fd, MyipcUapi.IOC_SET_SIZE, NativeMemory.address(arg)) < 0) {
            int err = LibC.errno();
            String msg = "cannot set the ring of " + cfg.path() + " (" + cfg.address().describe() + ") to " + size
                    + " bytes (" + Errno.name(err) + "): ";
            if (err == Errno.EBUSY) {
                throw new ErrnoException(err, msg + "more bytes are buffered than that holds; use a larger size=,"
                        + " or let the reader drain the channel first");
            }
            if (err == Errno.EINVAL) {
                throw new ErrnoException(err, msg + "the driver accepts " + MyipcUapi.MIN_SIZE + ".."
                        + MyipcUapi.MAX_SIZE + " bytes");
            }
            if (err == Errno.ENOMEM) {
                throw new ErrnoException(err, msg + "the kernel has no memory for that ring; use a smaller size=");
            }
            throw Errno.exception(err, "MYIPC_IOC_SET_SIZE on", cfg.path());
        }
        return arg.getLong(0);
    }
}
