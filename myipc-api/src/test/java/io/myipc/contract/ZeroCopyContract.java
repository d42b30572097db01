package io.myipc.contract;

import io.myipc.Capability;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** claim/commit and view/release: zero-copy where the transport has {@code ZERO_COPY}, one copy otherwise. */
@Timeout(120)
public abstract class ZeroCopyContract extends ContractBase {
    ZeroCopyContract(TransportContract transport) {
        super(transport);
    }


    @ParameterizedTest
    @EnumSource(Mode.class)
    void claimedBytesArriveThroughViews(Mode mode) throws Exception {
        String uri = newChannelUri();
        long total = volume(5_000_000);
        PeerHandle peer = peer(mode, "writer", uri, "open", "claim-pattern=" + total + ",0", "close");
        try (IpcReader r = openReader(uri)) {
            long i = 0;
            while (true) {
                ByteBuf v = r.view();
                if (v.readableBytes() == 0) {
                    break; // end of stream
                }
                assertThat(v.isReadOnly()).isTrue();
                int n = v.readableBytes();
                int take = n > 1 ? n / 2 + 1 : 1; // consume part of it: the rest must still be there next time
                for (int j = 0; j < take; j++) {
                    if (v.getByte(v.readerIndex() + j) != Patterns.streamByte(i + j)) {
                        throw new AssertionError("byte " + (i + j) + " is wrong");
                    }
                }
                r.release(take);
                i += take;
            }
            assertThat(i).isEqualTo(total);
            assertThat(r.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void localClaimsArriveAtAPeerReadingViews(Mode mode) throws Exception {
        String uri = newChannelUri();
        long total = volume(3_000_000);
        PeerHandle peer = peer(mode, "reader", uri, "open", "view-verify=" + total, "expect-eof");
        try (IpcWriter w = openWriter(uri)) {
            long i = 0;
            int[] sizes = {1, 4096, 100, w.maxClaimSize(), 7, 65536};
            int k = 0;
            while (i < total) {
                int n = (int) Math.min(sizes[k++ % sizes.length], total - i);
                ByteBuf c = w.claim(n);
                assertThat(c.writerIndex()).isZero();
                assertThat(c.capacity()).isEqualTo(n);
                for (int j = 0; j < n; j++) {
                    c.writeByte(Patterns.streamByte(i + j));
                }
                // a commit of part of the claim publishes only that part
                int commit = n > 10 ? n - 3 : n;
                w.commit(commit);
                i += commit;
            }
            // commit(0) abandons a claim: nothing is written
            ByteBuf c = w.claim(100);
            c.writeZero(100);
            w.commit(0);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClaimWithATimeoutOnAFullChannelTimesOutOnlyWhereItWaits(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "ready", "hang");
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("READY", OPEN);
            ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
            while (w.tryWrite(chunk.clear()) > 0) {
                // fill the channel
            }
            int n = Math.min(4096, w.maxClaimSize());
            if (w.capabilities().contains(Capability.ZERO_COPY)) {
                // the claim is transport memory: there is none free
                assertThatThrownBy(() -> w.claim(n, Duration.ofMillis(200))).isInstanceOf(IpcTimeoutException.class)
                        .isInstanceOf(io.myipc.IpcException.class);
                assertThatThrownBy(() -> w.commit(0)).as("no claim is outstanding after a timeout")
                        .isInstanceOf(IllegalStateException.class);
            } else {
                // the claim is the end's own buffer: it does not wait; abandoning it writes nothing
                assertThat(w.claim(n, Duration.ofMillis(200)).capacity()).isEqualTo(n);
                w.commit(0);
            }
            assertThat(w.isOpen()).isTrue();
        }
    }

    @Test
    void misuseOfClaimAndViewIsRejectedClearly() throws Exception {
        String uri = newChannelUri();
        CompletableFuture<IpcReader> rf = CompletableFuture.supplyAsync(() -> {
            try {
                return openReader(uri);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (IpcWriter w = openWriter(uri); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            assertThat(w.maxClaimSize()).isPositive();
            assertThatThrownBy(() -> w.claim(w.maxClaimSize() + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxClaimSize");
            assertThatThrownBy(() -> w.commit(1)).isInstanceOf(IllegalStateException.class);
            w.claim(10).writeLong(0x0102030405060708L).writeShort(0x090a);
            assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("commit");
            assertThatThrownBy(() -> w.commit(11)).isInstanceOf(IllegalArgumentException.class);
            w.commit(10);
            assertThatThrownBy(() -> r.release(1)).isInstanceOf(IllegalStateException.class);
            ByteBuf v = r.view();
            while (v.readableBytes() < 10) {
                v = r.view();
            }
            assertThat(v.getLong(v.readerIndex())).isEqualTo(0x0102030405060708L);
            assertThatThrownBy(() -> r.release(11)).isInstanceOf(IllegalArgumentException.class);
            r.release(8);
            ByteBuf rest = r.view();
            assertThat(rest.readableBytes()).isEqualTo(2);
            assertThat(rest.getShort(rest.readerIndex())).isEqualTo((short) 0x090a);
            r.release(2);
        }
    }

    @Test
    void anAbortedClaimPublishesNothingAndTheClaimBufferIsReusedByTheEnd() throws Exception {
        String uri = newChannelUri();
        CompletableFuture<IpcReader> rf = CompletableFuture.supplyAsync(() -> {
            try {
                return openReader(uri);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (IpcWriter w = openWriter(uri); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            w.abort(); // nothing outstanding: does nothing
            ByteBuf first = w.claim(8);
            first.writeLong(-1L);
            w.abort();
            ByteBuf second = w.claim(8);
            assertThat(second).as("one claim buffer per end").isSameAs(first);
            assertThat(second.release()).as("the end owns it: release() does nothing").isFalse();
            second.writeLong(42L);
            w.commit(8);
            ByteBuf v = r.view();
            while (v.readableBytes() < 8) {
                v = r.view();
            }
            assertThat(v.readableBytes()).as("the aborted claim left no bytes").isEqualTo(8);
            assertThat(v.getLong(v.readerIndex())).isEqualTo(42L);
            assertThat(v.isReadOnly()).isTrue();
            r.release(8);
        }
    }
}
