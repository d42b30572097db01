package io.myipc.kmod;

import io.myipc.Capability;
import io.myipc.IpcConfigException;
import io.myipc.internal.WaitParameters;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.Transport;
import io.myipc.spi.TransportParameter;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kmod:/dev/myipcN}: a channel of the myipc driver ({@code myipc-kmod/driver}), a character device with the
 * semantics of a Linux FIFO: the open rendezvous, blocking and non-blocking I/O, end of stream and {@code EPIPE} when
 * the peer goes away (also when it was killed), kernel wake-ups.
 *
 * <p>Modes ({@code mode=}): {@code copy} (default) moves bytes with {@code read(2)}/{@code write(2)}, one copy each
 * way, through the shared descriptor ends of {@link io.myipc.internal.fd} ({@link CopyMode}); {@code mmap} maps the
 * driver's ring and runs the {@code shm:} ring code over it ({@link MmapMode}). A new mode is a new
 * {@link KmodConfig.Mode} constant and a class like {@link CopyMode}, dispatched in {@link #openWriter} and
 * {@link #openReader}.
 *
 * <p>When the device does not exist the open says how to build and load the driver; a path that is not a myipc
 * device is rejected before any byte moves ({@link KmodDevice}).
 */
public final class KmodTransport implements Transport {
    static final List<TransportParameter> PARAMETERS = concat(List.of(
            new TransportParameter("mode", "copy",
                    "copy: read/write through the driver; mmap: the driver's ring mapped into the process"
                            + " (the shm: ring code, no system call while streaming; the ends mix with copy ends)"),
            new TransportParameter("size", null,
                    "ring capacity in bytes like 65536 or 1MiB, " + MyipcUapi.MIN_SIZE + ".." + MyipcUapi.MAX_SIZE
                            + ", rounded up to a power of two by the driver (MYIPC_IOC_SET_SIZE); set by the writer;"
                            + " default: the module's buf_size")),
            WaitParameters.parameters(KmodConfig.WAIT_PROPERTY_PREFIX, "mode=mmap only: "));

    private static List<TransportParameter> concat(List<TransportParameter> a, List<TransportParameter> b) {
        List<TransportParameter> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    @Override
    public String scheme() {
        return "kmod";
    }

    /** Copy mode, the default: no {@link Capability#ZERO_COPY} (claims and views are the API layer's copies). */
    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CROSS_PROCESS, Capability.PEER_DEATH_DETECTION, Capability.KERNEL_WAIT);
    }

    /** {@code mode=mmap} adds {@link Capability#ZERO_COPY}: claims and views are the driver's mapped pages. */
    @Override
    public Set<Capability> capabilities(ChannelAddress address) throws IpcConfigException {
        Set<Capability> c = capabilities();
        if (KmodConfig.of(address).mode() == KmodConfig.Mode.MMAP) {
            c.add(Capability.ZERO_COPY);
        }
        return c;
    }

    @Override
    public String syntax() {
        return "kmod:/dev/myipcN";
    }

    @Override
    public List<TransportParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WriterEnd openWriter(ChannelAddress address, OpenContext context) throws IOException {
        KmodConfig cfg = KmodConfig.of(address);
        return switch (cfg.mode()) {
            case COPY -> CopyMode.openWriter(cfg, context);
            case MMAP -> MmapMode.openWriter(cfg, context);
        };
    }

    @Override
    public ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException {
        KmodConfig cfg = KmodConfig.of(address);
        return switch (cfg.mode()) {
            case COPY -> CopyMode.openReader(cfg, context);
            case MMAP -> MmapMode.openReader(cfg, context);
        };
    }
}
