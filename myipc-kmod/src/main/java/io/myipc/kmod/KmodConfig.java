package io.myipc.kmod;

import io.myipc.IpcConfigException;
import io.myipc.internal.WaitParameters;
import io.myipc.spi.ChannelAddress;

import java.util.Locale;

/**
 * The parsed parameters of a {@code kmod:} URI.
 *
 * @param path the device node, e.g. {@code /dev/myipc0}
 * @param size the ring capacity the writer sets, 0 to keep the driver's
 * @param spins the {@code spins} parameter (mode=mmap only), or {@link WaitParameters#ABSENT}
 * @param yields the {@code yields} parameter (mode=mmap only), or {@link WaitParameters#ABSENT}
 */
record KmodConfig(ChannelAddress address, String path, Mode mode, long size, int spins, int yields) {
    /** Prefix of the system properties {@code myipc.kmod.spins} and {@code myipc.kmod.yields}. */
    static final String WAIT_PROPERTY_PREFIX = "myipc.kmod";

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
        int spins = WaitParameters.count(a, "spins");
        int yields = WaitParameters.count(a, "yields");
        if (mode != Mode.MMAP && (spins != WaitParameters.ABSENT || yields != WaitParameters.ABSENT)) {
            throw new IpcConfigException("parameters 'spins' and 'yields' of " + a.describe() + " apply only to"
                    + " mode=mmap (mode=copy waits in the driver's read/write): add mode=mmap or remove them");
        }
        return new KmodConfig(a, path, mode, size, spins, yields);
    }
}
