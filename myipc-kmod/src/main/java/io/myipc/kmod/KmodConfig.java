package io.myipc.kmod;

import io.myipc.IpcConfigException;
import io.myipc.spi.ChannelAddress;

import java.util.Locale;

/**
 * The parsed parameters of a {@code kmod:} URI.
 *
 * @param path the device node, e.g. {@code /dev/myipc0}
 * @param size the ring capacity the writer sets, 0 to keep the driver's
 */
record KmodConfig(ChannelAddress address, String path, Mode mode, long size) {
    /** How the bytes move. */
    enum Mode {
        /** {@code read(2)}/{@code write(2)}: the kernel copies once each way. */
        COPY,
        /** The driver's ring mapped into the process, the shm: ring code over it ({@link MmapMode}). */
        MMAP
    }

    static KmodConfig of(ChannelAddress a) throws IpcConfigException {
        String path = a.target();
        if (path.startsWith("//")) { // kmod:///dev/myipc0
            path = path.substring(2);
        }
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
            throw new IpcConfigException(a.describe() + " needs the absolute path of a myipc device after 'kmod:',"
                    + " like kmod:/dev/myipc0");
        }
        String m = a.param("mode", "copy").trim().toLowerCase(Locale.ROOT);
        Mode mode = switch (m) {
            case "copy" -> Mode.COPY;
            case "mmap" -> Mode.MMAP;
            default -> throw a.bad("mode", a.param("mode", ""),
                    "copy (read/write through the driver) or mmap (the driver's ring mapped, no copy in the kernel)");
        };
        long size = a.sizeParam("size", 0, MyipcUapi.MIN_SIZE, MyipcUapi.MAX_SIZE);
        return new KmodConfig(a, path, mode, size);
    }
}
