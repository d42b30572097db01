package io.myipc.contract;

import io.myipc.IpcMetrics;
import io.myipc.IpcOptions;
import io.myipc.IpcProtocolException;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.MessageTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Length-prefixed messages on every transport. */
@Timeout(300)
public abstract class MessageContract extends ContractBase {
    MessageContract(TransportContract transport) {
        super(transport);
    }

    static final int MAX = IpcOptions.DEFAULT_MAX_MESSAGE_SIZE;
    static final int[] SIZES = {0, 1, 2, 3, 4, 5, 100, 4095, 4096, 4097, 65535, 65536, 65537, 262_140, 262_141,
            1 << 20, 0, MAX - 1, MAX, 7};

    static String sizes() {
        return Arrays.stream(SIZES).mapToObj(Integer::toString).collect(Collectors.joining("/"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messagesOfEverySizeUpToTheMaximumArriveWhole(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-sized=" + sizes(), "close");
        try (IpcReader r = openReader(uri)) {
            for (int k = 0; k < SIZES.length; k++) {
                ByteBuf m = r.readMessage();
                assertThat(m).as("message %d", k).isNotNull();
                Peer.checkMessage(k, SIZES[k], m);
            }
            assertThat(r.readMessage()).isNull();
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messagesOfEverySizeArriveWholeInOneBufferOfTheCaller(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-sized=" + sizes(), "close");
        try (IpcReader r = openReader(uri)) {
            ByteBuf dst = Unpooled.buffer(16);
            for (int k = 0; k < SIZES.length; k++) {
                dst.clear();
                assertThat(r.readMessage(dst)).as("message %d", k).isEqualTo(SIZES[k]);
                Peer.checkMessage(k, SIZES[k], dst);
            }
            assertThat(r.readMessage(dst.clear())).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void localMessagesOfEverySizeArriveWhole(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "read-sized=" + sizes(), "expect-message-eof");
        try (IpcWriter w = openWriter(uri)) {
            for (int k = 0; k < SIZES.length; k++) {
                if (k % 2 == 0) {
                    ByteBuffer m = Peer.message(k, SIZES[k]);
                    w.writeMessage(m);
                    assertThat(m.hasRemaining()).isFalse();
                } else {
                    ByteBuf m = Unpooled.wrappedBuffer(Peer.message(k, SIZES[k]));
                    w.writeMessage(m);
                    assertThat(m.readableBytes()).isZero();
                }
            }
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aMessageOverTheMaximumIsRejectedAndNothingIsWritten(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "read-sized=10", "expect-message-eof");
        try (IpcWriter w = openWriter(uri)) {
            assertThatThrownBy(() -> w.writeMessage(ByteBuffer.allocate(MAX + 1)))
                    .isInstanceOf(MessageTooLargeException.class).hasMessageContaining(String.valueOf(MAX))
                    .hasMessageContaining("withMaxMessageSize");
            assertThatThrownBy(() -> w.claimMessage(MAX + 1)).isInstanceOf(MessageTooLargeException.class);
            w.writeMessage(Peer.message(0, 10));
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aReaderRejectsAHeaderOverItsMaximumAndATruncatedMessage(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-sized=5000", "close");
        try (IpcReader r = io.myipc.IpcChannels.openReader(uri,
                IpcOptions.defaults().withOpenTimeout(OPEN).withMaxMessageSize(1000))) {
            assertThatThrownBy(r::readMessage).isInstanceOf(IpcProtocolException.class)
                    .hasMessageContaining("5000").hasMessageContaining("withMaxMessageSize");
        }
        peer.waitFor(OPEN);

        String uri2 = newChannelUri();
        PeerHandle peer2 = peer(mode, "writer", uri2, "open", "write-pattern=2,2", "close");
        try (IpcReader r = openReader(uri2)) {
            peer2.expect("CLOSED", OPEN);
            assertThatThrownBy(r::readMessage).isInstanceOf(IpcProtocolException.class)
                    .hasMessageContaining("ended inside a message");
        }
        peer2.assertSuccess(OPEN);
    }

    @Test
    void metricsCountAKnownTransferExactly() throws Exception {
        String uri = newChannelUri();
        java.util.concurrent.CompletableFuture<IpcReader> rf = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return openReader(uri);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (IpcWriter w = openWriter(uri); IpcReader r = rf.get(OPEN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            for (int k = 0; k < 10; k++) {
                w.writeMessage(ByteBuffer.allocate(100));
            }
            for (int k = 0; k < 10; k++) {
                ByteBuf m = r.readMessage(OPEN);
                assertThat(m.readableBytes()).isEqualTo(100);
                m.release();
            }
            IpcMetrics wm = w.metrics();
            IpcMetrics rm = r.metrics();
            assertThat(wm.messagesWritten()).isEqualTo(10);
            assertThat(wm.bytesWritten()).isEqualTo(10 * (100 + 4)); // each message has a 4-byte length header
            assertThat(wm.messagesRead()).isZero();
            assertThat(wm.bytesRead()).isZero();
            assertThat(rm.messagesRead()).isEqualTo(10);
            assertThat(rm.bytesRead()).isEqualTo(10 * (100 + 4));
            assertThat(rm.messagesWritten()).isZero();
            assertThat(rm.bytesWritten()).isZero();
            assertThat(wm.waits()).isNotNegative();
            assertThat(rm.wakeups()).isNotNegative();
            if (uri.startsWith("kmod:")) {
                assertThat(wm.transportCounters()).containsKey("driver.bytes_written");
                assertThat(rm.transportCounters()).containsKey("driver.reader_sleeps");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void viewMessageWithTimeoutThrowsWhenNothingComesAndTheChannelStaysUsable(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "await", "write-messages=3,0,3000", "close");
        try (IpcReader r = openReader(uri)) {
            peer.expect("READY", OPEN);
            assertThatThrownBy(() -> r.viewMessage(Duration.ofMillis(50))).isInstanceOf(IpcTimeoutException.class)
                    .hasMessageContaining("timed out");
            assertThat(r.isOpen()).isTrue();
            peer.send("go");
            for (int k = 0; k < 3; k++) {
                ByteBuf m = r.viewMessage(OPEN);
                assertThat(m).isNotNull();
                Peer.checkMessage(k, Patterns.messageSize(k, 0, 3000), m);
                r.releaseMessage();
            }
            assertThat(r.viewMessage(OPEN)).isNull();
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void claimedMessagesArriveAsViewsAndTheOtherWayRound(Mode mode) throws Exception {
        String uri = newChannelUri();
        int count = (int) volume(20_000);
        PeerHandle peer = peer(mode, "writer", uri, "open", "claim-messages=" + count + ",0,3000", "close");
        try (IpcReader r = openReader(uri)) {
            for (int k = 0; k < count; k++) {
                ByteBuf m = r.viewMessage();
                assertThat(m).isNotNull();
                assertThat(m.isReadOnly()).isTrue();
                Peer.checkMessage(k, Patterns.messageSize(k, 0, 3000), m);
                assertThatThrownBy(r::readMessage).isInstanceOf(IllegalStateException.class);
                r.releaseMessage();
            }
            assertThat(r.viewMessage()).isNull();
        }
        peer.assertSuccess(OPEN);

        String uri2 = newChannelUri();
        PeerHandle peer2 = peer(mode, "reader", uri2, "open", "view-messages=" + count + ",0,3000",
                "expect-message-eof");
        try (IpcWriter w = openWriter(uri2)) {
            for (int k = 0; k < count; k++) {
                int size = Patterns.messageSize(k, 0, 3000);
                ByteBuf c = w.claimMessage(3000);
                for (int j = 0; j < size; j++) {
                    c.writeByte(Patterns.messageByte(k, j));
                }
                w.commitMessage(size);
            }
        }
        peer2.assertSuccess(OPEN);
    }

    /**
     * Cross-process stress: 10 million messages of 1..256 bytes, every byte checked on arrival. Tagged so it can be
     * run alone ({@code -Dgroups=stress}) or left out ({@code -DexcludedGroups=stress}); runs by default.
     */
    @Test
    @Tag("stress")
    @Timeout(600)
    void tenMillionMessagesBetweenProcessesArriveIntact() throws Exception {
        String uri = newChannelUri();
        long count = Long.getLong("myipc.stress.messages", 10_000_000L);
        PeerHandle peer = peer(Mode.PROCESS, "writer", uri, "open", "write-messages=" + count + ",1,256", "close");
        long t0 = System.nanoTime();
        long bytes = 0;
        try (IpcReader r = openReader(uri)) {
            for (long k = 0; k < count; k++) {
                ByteBuf m = r.viewMessage();
                if (m == null) {
                    throw new AssertionError("end of stream after " + k + " of " + count + " messages");
                }
                int size = Patterns.messageSize(k, 1, 256);
                if (m.readableBytes() != size) {
                    throw new AssertionError("message " + k + " has " + m.readableBytes() + " bytes, expected " + size);
                }
                int ri = m.readerIndex();
                for (int j = 0; j < size; j++) {
                    if (m.getByte(ri + j) != Patterns.messageByte(k, j)) {
                        throw new AssertionError("message " + k + " byte " + j + " is wrong");
                    }
                }
                bytes += size;
                r.releaseMessage();
            }
            assertThat(r.viewMessage()).isNull();
        }
        peer.assertSuccess(OPEN);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("stress %s: %d messages, %d payload bytes in %.1f s (%.2f M msg/s)%n", uri, count, bytes, s,
                count / s / 1e6);
    }
}
