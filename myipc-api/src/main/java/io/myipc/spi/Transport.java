package io.myipc.spi;

import io.myipc.Capability;
import io.myipc.IpcConfigException;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * A transport behind a URI scheme, found with {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/io.myipc.spi.Transport}; it needs a public no-argument constructor).
 *
 * <p>The API layer does the rest: it resolves names, rejects unknown parameters (from {@link #parameters()}), adds
 * timeouts loops, interrupt and asynchronous-close handling, {@code ByteBuf} adapters, copy-based claim/view for
 * transports without {@link Capability#ZERO_COPY}, and message framing. A transport supplies only the ends.
 */
public interface Transport {
    /** The URI scheme, lower case, without the colon, e.g. {@code "pipe"}. */
    String scheme();

    /**
     * What this transport's channels can do with their default parameters. {@link Capability#ZERO_COPY} means the
     * ends implement claim/commit/view/release.
     */
    Set<Capability> capabilities();

    /**
     * What a channel at {@code address} can do, where a parameter changes it (e.g. {@code kmod:} with {@code
     * mode=mmap} is {@link Capability#ZERO_COPY}, with {@code mode=copy} not). The API layer asks this, not {@link
     * #capabilities()}, for {@link io.myipc.IpcChannels#capabilities} and for the ends it opens, so the ends opened for
     * {@code address} must do what it returns. The default: {@link #capabilities()} for every address.
     *
     * @throws IpcConfigException if a parameter that decides the capabilities has a bad value
     */
    default Set<Capability> capabilities(ChannelAddress address) throws IpcConfigException {
        return capabilities();
    }

    /** The form of the part after the scheme, for error messages, e.g. {@code "pipe:/absolute/path.fifo"}. */
    String syntax();

    /** The accepted query parameters; any other parameter is rejected by the API layer with the list of these. */
    List<TransportParameter> parameters();

    /**
     * Opens the writer end. Follows the FIFO rendezvous: waits until a reader end is open (or was open and has data)
     * within {@link OpenContext#remainingNanos()}; throws {@link io.myipc.IpcTimeoutException} (use
     * {@link OpenContext#timeout(String)}) when the time is up and
     * {@link java.nio.channels.ClosedByInterruptException} (use {@link OpenContext#checkInterrupted()}) when the
     * thread is interrupted.
     */
    WriterEnd openWriter(ChannelAddress address, OpenContext context) throws IOException;

    /** Opens the reader end; waits for a writer like {@link #openWriter}. */
    ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException;
}
