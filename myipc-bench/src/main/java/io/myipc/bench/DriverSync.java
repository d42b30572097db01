package io.myipc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The driver's copy-path synchronisation ({@code sync=spsc|mutex}) for the {@code kmod-spsc} / {@code kmod-mutex}
 * rows, so both are measured in one run. Preferred: the per-device attribute {@code /sys/class/myipc/myipcN/sync}
 * (root, device closed). Without it (an older driver) the module parameter decides: a row runs only when it matches,
 * and is skipped with the reason otherwise. The same rules as the C benchmark's {@code set_sync}.
 */
final class DriverSync {
    static final Path CLASS_DIR = Path.of("/sys/class/myipc");
    static final Path MODULE_PARAM = Path.of("/sys/module/myipc/parameters/sync");

    private DriverSync() {
    }

    /** What {@link #apply} did: a note for the records, or why the row cannot run. */
    record Result(String note, String skipReason) {
    }

    /**
     * Puts {@code devices} (e.g. myipc0, myipc1) into {@code mode}. {@code classDir} and {@code moduleParam} are
     * parameters for tests.
     */
    static Result apply(String mode, List<String> devices, Path classDir, Path moduleParam) {
        int withAttr = 0;
        for (String dev : devices) {
            Path attr = classDir.resolve(dev).resolve("sync");
            String cur;
            try {
                cur = read(attr);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                return new Result(null, "cannot read " + attr + ": " + e.getMessage());
            }
            withAttr++;
            if (cur.equals(mode)) continue;
            try {
                writeWhenFree(attr, mode);
                cur = read(attr);
            } catch (IOException e) {
                return new Result(null, "cannot set " + attr + " to " + mode + ": " + e
                        + " (needs root, and the device closed)");
            }
            if (!cur.equals(mode)) {
                return new Result(null, attr + " still reads '" + cur + "' after writing '" + mode + "'");
            }
        }
        if (withAttr == devices.size()) {
            return new Result("driver sync=" + mode + " set per device (/sys/class/myipc/myipcN/sync)", null);
        }
        if (withAttr > 0) return new Result(null, "only some of " + devices + " have /sys/class/myipc/myipcN/sync");
        String mod;
        try {
            mod = read(moduleParam);
        } catch (IOException e) {
            return new Result(null, "cannot tell the driver's sync mode: no /sys/class/myipc/myipcN/sync and no "
                    + moduleParam);
        }
        if (!mod.equals(mode)) {
            return new Result(null, "needs sync=" + mode + ", but the module was loaded with sync=" + mod
                    + " and this driver has no per-device /sys/class/myipc/myipcN/sync: reload it with sync=" + mode
                    + " (tools/vm/vm run --params sync=" + mode + " ...)");
        }
        return new Result("driver sync=" + mod + " from the module parameter (no per-device attribute in this driver)",
                null);
    }

    static Result apply(String mode, List<String> devices) {
        return apply(mode, devices, CLASS_DIR, MODULE_PARAM);
    }

    /** How long EBUSY from the attribute is retried: the previous row's ends (the peer's above all) may still close. */
    static final long BUSY_WAIT_NANOS = 30_000_000_000L;

    /** Writes the attribute, retrying EBUSY (an end of the device still open) for {@link #BUSY_WAIT_NANOS}. */
    private static void writeWhenFree(Path attr, String mode) throws IOException {
        long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
        while (true) {
            try {
                Files.writeString(attr, mode, StandardCharsets.US_ASCII);
                return;
            } catch (IOException e) {
                if (!isBusy(e) || System.nanoTime() - deadline > 0) throw e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + attr + " to accept a write", ie);
            }
        }
    }

    /** EBUSY, as the JDK reports it: in the reason of a FileSystemException (open) or the message (write). */
    static boolean isBusy(IOException e) {
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return why != null && why.contains("resource busy");
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).trim();
    }
}
