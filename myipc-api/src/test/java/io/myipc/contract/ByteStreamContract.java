package io.myipc.contract;

import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-stream semantics: order, EOF, EPIPE, timeouts, non-blocking calls, ByteBuf overloads. */
@Timeout(120)
public abstract class ByteStreamContract extends ContractBase {
    ByteStreamContract(TransportContract transport) {
        super(transport);
    }


    private static void verify(ByteBuffer buf, int n, long offset) {
        for (int j = 0; j < n; j++) {
            if (buf.get(j) != Patterns.streamByte(offset + j)) {
                throw new AssertionError("byte " + (offset + j) + " is " + buf.get(j) + ", expected "
                        + Patterns.streamByte(offset + j));
            }
        }
    }

    /** Reads {@code total} pattern bytes starting at {@code offset} with buffers of {@code chunk} bytes. */
    static long readVerify(IpcReader r, long total, int chunk, long offset) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(chunk, 1));
        long i = 0;
        while (i < total) {
            buf.clear().limit((int) Math.min(chunk, total - i));
            int n = r.read(buf);
            assertThat(n).as("read after %d of %d bytes", i, total).isPositive();
            verify(buf, n, offset + i);
            i += n;
        }
        return i;
    }

    static ByteBuffer pattern(long offset, int n, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        for (int j = 0; j < n; j++) {
            b.put(j, Patterns.streamByte(offset + j));
        }
        return b;
    }

    @ParameterizedTest(name = "{0}: peer writes {1}-byte chunks, local reads {2}-byte buffers")
    @CsvSource({"THREAD,1,3", "THREAD,7,4096", "THREAD,65539,1000", "THREAD,0,65536",
                "PROCESS,1,3", "PROCESS,7,4096", "PROCESS,65539,1000", "PROCESS,0,65536"})
    void bytesArriveInOrderWhateverTheChunkSizes(Mode mode, int writeChunk, int readChunk) throws Exception {
        String uri = newChannelUri();
        long total = writeChunk == 1 || readChunk < 10 ? 20_000 : volume(4_000_000);
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-pattern=" + total + "," + writeChunk, "close");
        try (IpcReader r = openReader(uri)) {
            readVerify(r, total, readChunk, 0);
            assertThat(r.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest(name = "{0}: local writes {1}-byte chunks, peer reads {2}-byte buffers")
    @CsvSource({"THREAD,1,1", "THREAD,1000,7", "THREAD,70000,0", "PROCESS,1,1", "PROCESS,1000,7", "PROCESS,70000,0"})
    void localWritesArriveInOrder(Mode mode, int writeChunk, int readChunk) throws Exception {
        String uri = newChannelUri();
        long total = writeChunk == 1 || readChunk == 1 ? 10_000 : volume(3_000_000);
        PeerHandle peer = peer(mode, "reader", uri, "open", "read-verify=" + total + "," + readChunk, "expect-eof");
        try (IpcWriter w = openWriter(uri)) {
            long i = 0;
            boolean direct = false;
            while (i < total) {
                int n = (int) Math.min(writeChunk, total - i);
                ByteBuffer b = pattern(i, n, direct);
                direct = !direct;
                assertThat(w.write(b)).isEqualTo(n);
                assertThat(b.hasRemaining()).isFalse();
                i += n;
            }
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void endOfStreamComesAfterTheWriterClosedAndTheDataIsDrained(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-pattern=3000,1000", "close");
        try (IpcReader r = openReader(uri)) {
            peer.expect("CLOSED", OPEN); // the writer is gone, its 3000 bytes are still in the channel
            readVerify(r, 3000, 512, 0);
            assertThat(r.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(r.read(ByteBuffer.allocate(10))).as("end of stream stays").isEqualTo(-1);
            assertThat(r.tryRead(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void writingAfterTheReaderClosedThrowsPeerClosed(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "close");
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("CLOSED", OPEN);
            peer.assertSuccess(OPEN);
            ByteBuffer b = ByteBuffer.allocate(4096);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100_000; i++) { // bounded: a transport that never notices fails here
                    w.write(b.clear());
                }
            }).isInstanceOf(PeerClosedException.class).hasMessageContaining("reader");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockedPeerWriterGetsPeerClosedWhenTheReaderCloses(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "write-until-epipe");
        try (IpcReader r = openReader(uri)) {
            assertThat(r.read(ByteBuffer.allocate(100))).isPositive(); // the writer is writing (zeros)
        }
        peer.expect("EPIPE", OPEN);
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void readWithTimeoutThrowsWhenNothingComesAndTheChannelStaysUsable(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "await", "write-pattern=100,100", "close");
        try (IpcReader r = openReader(uri)) {
            peer.expect("READY", OPEN);
            ByteBuffer b = ByteBuffer.allocate(100);
            assertThatThrownBy(() -> r.read(b, Duration.ofMillis(200))).isInstanceOf(IpcTimeoutException.class)
                    .hasMessageContaining("timed out");
            assertThatThrownBy(() -> r.view(Duration.ofMillis(50))).isInstanceOf(IpcTimeoutException.class);
            assertThatThrownBy(() -> r.readMessage(Duration.ofMillis(50))).isInstanceOf(IpcTimeoutException.class);
            assertThat(r.isOpen()).isTrue();
            peer.send("go");
            int n = r.read(b, Duration.ofSeconds(30));
            assertThat(n).isPositive();
            verify(b, n, 0);
            readVerify(r, 100 - n, 100, n);
            assertThat(r.read(b.clear(), Duration.ofSeconds(30))).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void writeWithTimeoutThrowsWhenTheReaderDoesNotReadAndReportsTheBytesWritten(Mode mode) throws Exception {
        String uri = newChannelUri();
        int total = 64 << 20; // more than any transport buffers
        PeerHandle peer = peer(mode, "reader", uri, "open", "ready", "await", "read-verify=" + total + ",0",
                "expect-eof");
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("READY", OPEN);
            ByteBuffer b = pattern(0, total, true);
            IpcTimeoutException e = org.junit.jupiter.api.Assertions.assertThrows(IpcTimeoutException.class,
                    () -> w.write(b, Duration.ofMillis(300)));
            assertThat(e.bytesTransferred).isEqualTo(b.position()).isLessThan(total);
            assertThat(w.isOpen()).isTrue();
            peer.send("go");
            assertThat(w.write(b, Duration.ofSeconds(60))).isEqualTo(total - e.bytesTransferred);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tryReadReturnsZeroWhenEmptyAndMinusOneAtTheEnd(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "writer", uri, "open", "ready", "await", "write-pattern=10,10", "close");
        try (IpcReader r = openReader(uri)) {
            peer.expect("READY", OPEN);
            ByteBuffer b = ByteBuffer.allocate(10);
            assertThat(r.tryRead(b)).isZero();
            peer.send("go");
            peer.expect("CLOSED", OPEN);
            int got = 0;
            while (got < 10) {
                int n = r.tryRead(b);
                assertThat(n).as("tryRead with data waiting").isPositive();
                got += n;
            }
            verify(b, 10, 0);
            assertThat(r.tryRead(b.clear())).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tryWriteWritesWhatFitsAndReturnsZeroWhenFull(Mode mode) throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(mode, "reader", uri, "open", "ready", "await", "drain-verify");
        long written = 0;
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("READY", OPEN);
            ByteBuffer b = ByteBuffer.allocateDirect(10_000);
            while (true) {
                for (int j = 0; j < b.capacity(); j++) {
                    b.put(j, Patterns.streamByte(written + j));
                }
                int n = w.tryWrite(b.clear());
                assertThat(n).isBetween(0, b.capacity());
                written += n;
                if (n < b.capacity()) {
                    break; // full: the rest did not fit
                }
                assertThat(written).as("a transport buffers a bounded amount").isLessThan(1L << 30);
            }
            ByteBuffer more = pattern(written, 1 << 16, true);
            int n = w.tryWrite(more);
            assertThat(n).as("still full").isLessThan(1 << 16);
            written += n;
            peer.send("go");
        }
        String total = peer.expectPrefix("TOTAL", OPEN);
        assertThat(Long.parseLong(total.substring(6))).isEqualTo(written);
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void byteBufOverloadsWriteAndReadEveryKindOfBuffer(Mode mode) throws Exception {
        String uri = newChannelUri();
        int part = 50_000;
        PeerHandle peer = peer(mode, "reader", uri, "open", "read-verify=" + (3 * part) + ",0", "expect-eof");
        try (IpcWriter w = openWriter(uri)) {
            ByteBuf heap = Unpooled.wrappedBuffer(pattern(0, part, false));
            ByteBuf direct = Unpooled.directBuffer(part).writeBytes(pattern(part, part, false));
            CompositeByteBuf composite = Unpooled.compositeBuffer();
            composite.addComponent(true, Unpooled.wrappedBuffer(pattern(2L * part, part / 2, false)));
            composite.addComponent(true, Unpooled.wrappedBuffer(pattern(2L * part + part / 2, part - part / 2, true)));
            assertThat(w.write(heap)).isEqualTo(part);
            assertThat(heap.readableBytes()).isZero();
            assertThat(w.write(direct, Duration.ofSeconds(30))).isEqualTo(part);
            assertThat(direct.readableBytes()).isZero();
            assertThat(w.write(composite)).isEqualTo(part);
            assertThat(composite.readableBytes()).isZero();
            direct.release();
            composite.release();
        }
        peer.assertSuccess(OPEN);

        String uri2 = newChannelUri();
        PeerHandle peer2 = peer(mode, "writer", uri2, "open", "write-pattern=" + (2 * part) + ",0", "close");
        try (IpcReader r = openReader(uri2)) {
            ByteBuf heap = Unpooled.buffer(part, part);
            ByteBuf direct = Unpooled.directBuffer(part, part);
            long offset = 0;
            for (ByteBuf dst : new ByteBuf[] {heap, direct}) {
                while (dst.isWritable()) {
                    int n = r.read(dst);
                    assertThat(n).isPositive();
                }
                for (int j = 0; j < part; j++) {
                    assertThat(dst.getByte(j)).isEqualTo(Patterns.streamByte(offset + j));
                }
                offset += part;
            }
            assertThat(r.read(Unpooled.buffer(10))).isEqualTo(-1);
            direct.release();
        }
        peer2.assertSuccess(OPEN);
    }
}
