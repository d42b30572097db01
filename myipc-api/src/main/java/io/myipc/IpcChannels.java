package io.myipc;

import io.myipc.internal.ChannelResolver;
import io.myipc.internal.DefaultIpcReader;
import io.myipc.internal.DefaultIpcWriter;
import io.myipc.internal.Transports;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.Transport;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Opens channel ends. {@code channel} is either a URI ({@code shm:orders?capacity=1MiB},
 * {@code pipe:/run/myipc/orders.fifo}, {@code kmod:/dev/myipc0}) or a logical name such as {@code orders}, looked up
 * in this order:
 * <ol>
 * <li>system property {@code myipc.channel.orders}</li>
 * <li>environment variable {@code MYIPC_CHANNEL_ORDERS} (name upper-cased, characters other than letters and digits
 *     replaced by {@code _})</li>
 * <li>entry {@code channel.orders} of the properties file named by system property {@code myipc.config} or
 *     environment variable {@code MYIPC_CONFIG}</li>
 * </ol>
 * Opening follows the FIFO rendezvous: it waits until the other end is open (forever unless
 * {@link IpcOptions#withOpenTimeout} is set, then {@link IpcTimeoutException}). An interrupt ends the wait with
 * {@link java.nio.channels.ClosedByInterruptException}. Configuration problems throw {@link IpcConfigException}.
 */
public final class IpcChannels {
    private IpcChannels() {
    }

    public static IpcWriter openWriter(String channel) throws IOException {
        return openWriter(channel, IpcOptions.defaults());
    }

    public static IpcWriter openWriter(String channel, Duration openTimeout) throws IOException {
        return openWriter(channel, IpcOptions.defaults().withOpenTimeout(openTimeout));
    }

    public static IpcWriter openWriter(String channel, IpcOptions options) throws IOException {
        ChannelAddress address = address(channel);
        Transport t = Transports.forAddress(address);
        Set<Capability> capabilities = t.capabilities(address); // before the open: a bad value fails at once
        WriterEnd end = t.openWriter(address, new OpenContext(options));
        return new DefaultIpcWriter(address, capabilities, options, end);
    }

    public static IpcReader openReader(String channel) throws IOException {
        return openReader(channel, IpcOptions.defaults());
    }

    public static IpcReader openReader(String channel, Duration openTimeout) throws IOException {
        return openReader(channel, IpcOptions.defaults().withOpenTimeout(openTimeout));
    }

    public static IpcReader openReader(String channel, IpcOptions options) throws IOException {
        ChannelAddress address = address(channel);
        Transport t = Transports.forAddress(address);
        Set<Capability> capabilities = t.capabilities(address); // before the open: a bad value fails at once
        ReaderEnd end = t.openReader(address, new OpenContext(options));
        return new DefaultIpcReader(address, capabilities, options, end);
    }

    /** The URI a channel name resolves to (a URI is returned unchanged). */
    public static String resolve(String channel) throws IpcConfigException {
        return ChannelResolver.system().resolve(channel, Transports.acceptedForms());
    }

    /**
     * What an end of {@code channel} can do: the capabilities its transport gives that address (a parameter may
     * change them, e.g. {@code kmod:...?mode=mmap} is {@code ZERO_COPY}); the ends opened for it report the same.
     * Validates {@code channel} as an open does, without opening anything: a URI that an open rejects with
     * {@link IpcConfigException} is rejected here with the same exception, so configuration can be checked at start-up.
     */
    public static Set<Capability> capabilities(String channel) throws IpcConfigException {
        ChannelAddress address = address(channel);
        return Transports.forAddress(address).capabilities(address);
    }

    /**
     * The transports on the class path, one line each: the URI form and every parameter with its default and
     * accepted values. Error messages name only the forms and point here.
     */
    public static String describeTransports() {
        return Transports.describeAll();
    }

    /** The schemes of the transports on the class path. */
    public static Set<String> schemes() {
        return Transports.all().keySet();
    }

    private static ChannelAddress address(String channel) throws IpcConfigException {
        String uri = ChannelResolver.system().resolve(channel, Transports.acceptedForms());
        return ChannelAddress.parse(uri, channel == null ? null : channel.trim());
    }
}
