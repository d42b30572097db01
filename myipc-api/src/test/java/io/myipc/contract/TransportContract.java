package io.myipc.contract;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The whole API contract over one transport. A transport's test extends this class once and says how to name a
 * channel; every part of the contract then runs as a {@link Nested} group of that class. Class-wide set-up (a
 * {@code @BeforeAll}, an {@code @ExtendWith} condition) goes on the subclass and covers every group.
 *
 * <pre>{@code
 * class ShmContractTest extends TransportContract {
 *     protected String newChannelUri() { return ShmChannels.newUri(); }
 *     protected String uriWithBadParameterValue() { return ShmChannels.badValueUri(); }
 * }
 * }</pre>
 */
public abstract class TransportContract {
    /**
     * A URI for a channel no other test uses, e.g. {@code pipe:/tmp/x/c17.fifo}. The channel must hold less than
     * 64 MiB (the blocking tests write more than that to fill it).
     */
    protected abstract String newChannelUri();

    /** A URI of this transport with a parameter value the transport must reject (e.g. a malformed size). */
    protected abstract String uriWithBadParameterValue();

    /**
     * The tag of the groups that test how an application chooses a channel (configuration, the example
     * programs), not how the transport moves data: a transport with several modes may run them in one.
     */
    public static final String CONFIGURATION = "configuration";

    /** False for an in-process transport: the cases with a child JVM are then skipped. */
    protected boolean crossProcess() {
        return true;
    }

    @Nested
    class ByteStream extends ByteStreamContract {
        ByteStream() {
            super(TransportContract.this);
        }
    }

    @Nested
    @Tag(CONFIGURATION)
    class Config extends ConfigContract {
        Config() {
            super(TransportContract.this);
        }
    }

    @Nested
    @Tag(CONFIGURATION)
    class Example extends ExampleContract {
        Example() {
            super(TransportContract.this);
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        Lifecycle() {
            super(TransportContract.this);
        }
    }

    @Nested
    class Message extends MessageContract {
        Message() {
            super(TransportContract.this);
        }
    }

    @Nested
    class ZeroCopy extends ZeroCopyContract {
        ZeroCopy() {
            super(TransportContract.this);
        }
    }
}
