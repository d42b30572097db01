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
 */
public final class PipeTransport implements Transport {
    static final List<TransportParameter> PARAMETERS = List.of(
            new TransportParameter("create", "true", "true|false: mkfifo the path if it does not exist"),
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
        PipeFiles.prepare(cfg);
        int fd = FifoOpen.openWriter(cfg.path(), address, context);
        PipeFiles.applySize(cfg, fd);
        return new FdWriterEnd(fd, cfg.path(), address.describe());
    }

    @Override
    public ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException {
        FifoConfig cfg = FifoConfig.of(address);
        PipeFiles.prepare(cfg);
        int fd = FifoOpen.openReader(cfg.path(), address, context);
        return new FdReaderEnd(fd, cfg.path(), address.describe());
    }

    /** The parsed parameters of a {@code pipe:} URI. */
    record FifoConfig(ChannelAddress address, String path, boolean create, int mode, long size) {
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
            int mode = a.modeParam("mode", 0600);
            long size = a.sizeParam("size", 0, 4096, 1L << 30);
            return new FifoConfig(a, path, create, mode, size);
        }
    }
}
