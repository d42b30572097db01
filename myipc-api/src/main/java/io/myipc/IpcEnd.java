package io.myipc;

import java.nio.channels.Channel;
import java.util.Set;

/** What both ends of a channel have in common. */
public interface IpcEnd extends Channel, AutoCloseable {
    /** The URI this end was opened with (after resolving a logical name), e.g. {@code pipe:/run/myipc/orders.fifo}. */
    String uri();

    /** The name the application passed to {@link IpcChannels} (a logical name or the URI itself). */
    String channel();

    /** The capabilities of this end's transport. */
    Set<Capability> capabilities();

    /** The maximum message payload size of this end. */
    int maxMessageSize();

    /** This end's counters now: bytes and messages, waits and wake-ups, and the transport's own counters. */
    IpcMetrics metrics();
}
