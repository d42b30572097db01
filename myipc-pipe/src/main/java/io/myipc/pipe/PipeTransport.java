package io.myipc.pipe;

import io.myipc.Capability;
import io.myipc.IpcConfigException;
import io.myipc.internal.fd.FdReaderEnd;
import io.myipc.internal.fd.FdWriterEnd;
import io.myipc.internal.fd.FifoOpen;
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
 * {@code pipe:/absolute/path.fifo}: a POSIX named pipe (FIFO). The kernel copies the bytes (no zero-copy; claim and
 * view work with one copy in the API layer), wakes sleepers and gives EOF / EPIPE when the peer goes away, also when
 * it was killed. The ends are the shared descriptor ends of {@link io.myipc.internal.fd}.
 *
 * <p>A FIFO that an end created ({@code create=true}, the default, and the path did not exist) is removed by that end
 * as soon as its open succeeded: both ends then hold the FIFO open and the path is no longer needed, so nothing is
 * left behind after a close or the death of either process. An open that fails or times out removes the FIFO it
 * created too. {@code keep=true} leaves the FIFO in place; a FIFO that existed before is never removed.
 */
public final class PipeTransport implements Transport {
    static final List<TransportParameter> PARAMETERS = List.of(
            new TransportParameter("create", "true", "true|false: mkfifo the path if it does not exist"),
            new TransportParameter("keep", "false",
                    "true|false: keep a FIFO this library created; by default it is removed once both ends are"
                            + " connected, or when the open that created it fails or times out"),
            new TransportParameter("mode", "0600", "octal permission bits for a created FIFO, e.g. 0660"),
            new TransportParameter("size", null,
                    "kernel pipe buffer in bytes (F_SETPIPE_SZ) like 65536 or 1MiB, at most /proc/sys/fs/pipe-max-size"
                            + " unless privileged; set by the writer"));

    @Override
    public String scheme() {
        return "pipe";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CROSS_PROCESS, Capability.PEER_DEATH_DETECTION, Capability.KERNEL_WAIT);
    }

    /** Parses the address as an open does, so a URI that the open rejects is rejected here too. */
    @Override
    public Set<Capability> capabilities(ChannelAddress address) throws IpcConfigException {
        FifoConfig.of(address);
        return capabilities();
    }

    @Override
    public String syntax() {
        return "pipe:/absolute/path.fifo";
    }

    @Override
    public List<TransportParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WriterEnd openWriter(ChannelAddress address, OpenContext context) throws IOException {
        FifoConfig cfg = FifoConfig.of(address);
        boolean created = PipeFiles.prepare(cfg);
        int fd;
        try {
            fd = FifoOpen.openWriter(cfg.path(), address, context);
        } finally {
            removeIfCreated(cfg, created); // connected or failed: the path has done its job either way
        }
        PipeFiles.applySize(cfg, fd);
        return new FdWriterEnd(fd, cfg.path(), address.describe(), true);
    }

    @Override
    public ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException {
        FifoConfig cfg = FifoConfig.of(address);
        boolean created = PipeFiles.prepare(cfg);
        int fd;
        try {
            fd = FifoOpen.openReader(cfg.path(), address, context);
        } finally {
            removeIfCreated(cfg, created);
        }
        return new FdReaderEnd(fd, cfg.path(), address.describe(), true);
    }

    /**
     * Removes the FIFO this end created unless {@code keep=true}. Safe once this end's open has returned: the peer's
     * open of the path is then complete too (a FIFO open returns only when both ends have it open).
     */
    private static void removeIfCreated(FifoConfig cfg, boolean created) {
        if (created && !cfg.keep()) {
            PipeFiles.remove(cfg);
        }
    }

    /** The parsed parameters of a {@code pipe:} URI. */
    record FifoConfig(ChannelAddress address, String path, boolean create, boolean keep, int mode, long size) {
        static FifoConfig of(ChannelAddress a) throws IpcConfigException {
            String path = a.target();
            if (path.startsWith("//")) { // pipe:///abs/path
                path = path.substring(2);
            }
            if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
                throw new IpcConfigException(a.describe() + " needs an absolute file path"
                        + " after 'pipe:', like pipe:/run/myipc/orders.fifo");
            }
            boolean create = a.booleanParam("create", true);
            boolean keep = a.booleanParam("keep", false);
            int mode = a.modeParam("mode", 0600);
            long size = a.sizeParam("size", 0, 4096, 1L << 30);
            return new FifoConfig(a, path, create, keep, mode, size);
        }
    }
}
