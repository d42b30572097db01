package io.myipc.kmod;

import static io.myipc.internal.posix.Errno.EBUSY;

import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Administration of the driver's devices for tools that set them up around their own ends (the benchmark): the copy
 * path's synchronisation per device, a ring size held until the tool lets go, and the open ends the driver counts.
 * Both setters retry {@code EBUSY} for {@link #BUSY_WAIT_NANOS}: the ends of the previous user of a device (another
 * process above all) may still be closing. The C benchmark follows the same rules ({@code set_sync},
 * {@code chan_create}).
 */
public final class KmodAdmin {
    /** The driver's device class in sysfs: {@code myipcN/sync}, {@code myipcN/readers}, {@code myipcN/writers}. */
    public static final Path CLASS_DIR = Path.of("/sys/class/myipc");
    /** The module parameter {@code sync=}, the mode of every device of a driver without the per-device attribute. */
    public static final Path MODULE_PARAM = Path.of("/sys/module/myipc/parameters/sync");
    /** How long {@code EBUSY} is retried before it counts. */
    public static final long BUSY_WAIT_NANOS = 30_000_000_000L;

    private KmodAdmin() {
    }

    /** What {@link #setSyncMode} did: a note for the records, or why the devices cannot run in that mode. */
    public record SyncResult(String note, String skipReason) {
    }

    /**
     * Puts {@code devices} (names such as {@code myipc0}) into the copy path's synchronisation {@code mode} ({@code
     * spsc} or {@code mutex}). Preferred: the per-device attribute {@code /sys/class/myipc/myipcN/sync} (root, device
     * closed). Without it (an older driver) the module parameter decides: the result has a skip reason unless it
     * matches.
     */
    public static SyncResult setSyncMode(String mode, List<String> devices) {
        return setSyncMode(mode, devices, CLASS_DIR, MODULE_PARAM);
    }

    /** {@link #setSyncMode(String, List)} with the sysfs paths as parameters (tests use a fake tree). */
    static SyncResult setSyncMode(String mode, List<String> devices, Path classDir, Path moduleParam) {
        int withAttr = 0;
        for (String dev : devices) {
            Path attr = classDir.resolve(dev).resolve("sync");
            String cur;
            try {
                cur = read(attr);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                return new SyncResult(null, "cannot read " + attr + ": " + e.getMessage());
            }
            withAttr++;
            if (cur.equals(mode)) {
                continue;
            }
            try {
                writeWhenFree(attr, mode);
                cur = read(attr);
            } catch (IOException e) {
                return new SyncResult(null, "cannot set " + attr + " to " + mode + ": " + e
                        + " (needs root, and the device closed)");
            }
            if (!cur.equals(mode)) {
                return new SyncResult(null, attr + " still reads '" + cur + "' after writing '" + mode + "'");
            }
        }
        if (withAttr == devices.size()) {
            return new SyncResult("driver sync=" + mode + " set per device (/sys/class/myipc/myipcN/sync)", null);
        }
        if (withAttr > 0) {
            return new SyncResult(null, "only some of " + devices + " have /sys/class/myipc/myipcN/sync");
        }
        String mod;
        try {
            mod = read(moduleParam);
        } catch (IOException e) {
            return new SyncResult(null, "cannot tell the driver's sync mode: no /sys/class/myipc/myipcN/sync and no "
                    + moduleParam);
        }
        if (!mod.equals(mode)) {
            return new SyncResult(null, "needs sync=" + mode + ", but the module was loaded with sync=" + mod
                    + " and this driver has no per-device /sys/class/myipc/myipcN/sync: reload it with sync=" + mode
                    + " (tools/vm/vm run --params sync=" + mode + " ...)");
        }
        return new SyncResult("driver sync=" + mod + " from the module parameter (no per-device attribute in this"
                + " driver)", null);
    }

    /** Writes the attribute, retrying EBUSY (an end of the device still open) for {@link #BUSY_WAIT_NANOS}. */
    private static void writeWhenFree(Path attr, String mode) throws IOException {
        long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
        while (true) {
            try {
                Files.writeString(attr, mode, StandardCharsets.US_ASCII);
                return;
            } catch (IOException e) {
                if (!isBusy(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            pause("waiting for " + attr + " to accept a write");
        }
    }

    /** EBUSY, as the JDK reports it: in the reason of a FileSystemException (open) or the message (write). */
    static boolean isBusy(IOException e) {
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return why != null && why.contains("resource busy");
    }

    /**
     * Sets the ring of each device (paths such as {@code /dev/myipc0}) to {@code capacity} bytes with {@code
     * MYIPC_IOC_SET_SIZE} through a file opened {@code O_RDWR} without a role, and keeps these files open until
     * {@link RingSizeHold#close}. The driver frees a ring, forgetting its size, at the last close, and cannot resize a
     * mapped one ({@code EBUSY}); so a tool whose reader may map a device before the writer sets {@code size=} sizes
     * it first, and the writer then finds the size in effect. While held, such a file counts as a reader and a
     * writer of the channel: the ends see their peer as present from the start, and no end of stream.
     */
    public static RingSizeHold holdRingSize(List<String> devices, long capacity) throws IOException {
        RingSizeHold hold = new RingSizeHold();
        try {
            for (String dev : devices) {
                int fd = LibC.open(dev, Posix.O_RDWR | Posix.O_CLOEXEC, 0);
                if (fd < 0) {
                    throw new IOException("cannot open " + dev + " to size its ring: errno " + LibC.errno());
                }
                hold.fds.add(fd);
                setRingSize(fd, dev, capacity);
            }
        } catch (IOException | RuntimeException e) {
            hold.close();
            throw e;
        }
        return hold;
    }

    /** The files of {@link #holdRingSize}; closing them lets the driver free the rings again. */
    public static final class RingSizeHold implements AutoCloseable {
        private final List<Integer> fds = new ArrayList<>();

        private RingSizeHold() {
        }

        @Override
        public void close() {
            for (int fd : fds) {
                LibC.close(fd);
            }
            fds.clear();
        }
    }

    /** {@code MYIPC_IOC_SET_SIZE}, retrying EBUSY (the ring still in use or mapped) for {@link #BUSY_WAIT_NANOS}. */
    private static void setRingSize(int fd, String dev, long capacity) throws IOException {
        long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U64).order(ByteOrder.nativeOrder());
        while (true) {
            arg.putLong(0, capacity); // the driver writes the capacity in effect back
            int rc = LibC.ioctl(fd, MyipcUapi.IOC_SET_SIZE, NativeMemory.address(arg));
            int e = LibC.errno();
            Reference.reachabilityFence(arg); // the kernel writes *arg during the call
            if (rc == 0) {
                return;
            }
            if (e != EBUSY || System.nanoTime() > deadline) {
                throw new IOException("MYIPC_IOC_SET_SIZE " + capacity + " on " + dev + " failed, errno " + e
                        + (e == EBUSY ? " (EBUSY for " + BUSY_WAIT_NANOS / 1_000_000_000L + " s: the ring is in"
                                + " use or still mapped by another process)" : ""));
            }
            pause("waiting for " + dev + " to be free");
        }
    }

    /**
     * The ends of device {@code device} (a name such as {@code myipc0}) the driver counts, as {@code readers=N
     * writers=M} from {@code /sys/class/myipc/myipcN}.
     */
    public static String openEnds(String device) throws IOException {
        Path dir = CLASS_DIR.resolve(device);
        return "readers=" + Files.readString(dir.resolve("readers")).trim() + " writers="
                + Files.readString(dir.resolve("writers")).trim();
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).trim();
    }

    private static void pause(String what) throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what, ie);
        }
    }
}
