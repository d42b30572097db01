package io.myipc.shm;

import io.myipc.Capability;
import io.myipc.IpcConfigException;
import io.myipc.internal.WaitParameters;
import io.myipc.internal.ring.RingReaderEnd;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWriterEnd;
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
 * The {@code shm:} transport: an SPSC byte ring in a {@code /dev/shm} segment, zero-copy, waits on a
 * futex. URI: {@code shm:<name>[?capacity=1MiB&dir=/dev/shm&mode=0600&spins=200&yields=20]} ({@code spins} and
 * {@code yields}: the end's {@link io.myipc.WaitStrategy}).
 */
public final class ShmTransport implements Transport {
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.ZERO_COPY,
            Capability.CROSS_PROCESS, Capability.PEER_DEATH_DETECTION, Capability.KERNEL_WAIT));
    private static final List<TransportParameter> PARAMETERS = concat(List.of(
            new TransportParameter("capacity", "1MiB", "ring size in bytes, " + ShmAddress.CAPACITY_RULE
                    + "; an end that gives none uses the existing segment's"),
            new TransportParameter("dir", ShmAddress.DEFAULT_DIR + " (or system property " + ShmAddress.DIR_PROPERTY + ")",
                    "directory of the segment files, on a tmpfs"),
            new TransportParameter("mode", "0600",
                    "octal file mode of a new segment, e.g. 0660 to share with the group")),
            WaitParameters.parameters(ShmAddress.WAIT_PROPERTY_PREFIX, ""));

    public ShmTransport() {
    }

    private static List<TransportParameter> concat(List<TransportParameter> a, List<TransportParameter> b) {
        List<TransportParameter> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    @Override
    public String scheme() {
        return "shm";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** Parses the address as an open does, so a URI that the open rejects is rejected here too. */
    @Override
    public Set<Capability> capabilities(ChannelAddress address) throws IpcConfigException {
        ShmAddress.parse(address);
        return CAPABILITIES;
    }

    @Override
    public String syntax() {
        return "shm:<name> (name: " + ShmAddress.NAME_RULE + ")";
    }

    @Override
    public List<TransportParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WriterEnd openWriter(ChannelAddress address, OpenContext context) throws IOException {
        ShmAddress a = ShmAddress.parse(address);
        ShmSegment seg = ShmSegment.open(a, RingSide.PRODUCER, context);
        return new RingWriterEnd(seg.ring.producer(), seg, address.describe(),
                () -> "its process " + seg.pid(RingSide.CONSUMER));
    }

    @Override
    public ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException {
        ShmAddress a = ShmAddress.parse(address);
        ShmSegment seg = ShmSegment.open(a, RingSide.CONSUMER, context);
        return new RingReaderEnd(seg.ring.consumer(), seg);
    }
}
