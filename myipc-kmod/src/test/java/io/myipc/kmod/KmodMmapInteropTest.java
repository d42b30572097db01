package io.myipc.kmod;

import io.myipc.IpcChannels;
import io.myipc.IpcException;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.WriterEnd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code mode=mmap} beyond the contract: a copy end and an mmap end on one device (the driver's {@code read(2)}/{@code
 * write(2)} and the mapped ring use the same indices), zero-copy through the SPI ends (a claim is the driver's
 * pages, a view shows them), and the driver's one-producer rule. Needs the driver (skipped without it).
 */
@ExtendWith(RequiresDriver.class)
@Tag(KmodDevices.MMAP_TAG)
@Timeout(120)
class KmodMmapInteropTest {
    /** More than a default ring (64 KiB) many times over, in odd-sized writes, so the indices wrap often. */
    private static final int TOTAL = 3 * 1024 * 1024 + 777;
    /** Open timeout: a broken peer fails the case instead of hanging it. */
    private static final Duration OPEN = Duration.ofSeconds(30);

    private static <T> CompletableFuture<T> async(Callable<T> c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    /** Writes TOTAL pattern bytes in writes of 1..9000 bytes, returns their CRC; closes the writer. */
    private static long writeAll(IpcWriter w) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocateDirect(9000);
        long i = 0;
        int step = 1;
        while (i < TOTAL) {
            int n = (int) Math.min(TOTAL - i, step);
            step = step * 7 % 9000 + 1;
            buf.clear().limit(n);
            for (int k = 0; k < n; k++) {
                buf.put(k, pattern(i + k));
            }
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) {
                w.write(buf);
            }
            i += n;
        }
        w.close();
        return crc.getValue();
    }

    /** Reads until end of stream, checking every byte against the pattern; returns the count. */
    private static long readAll(IpcReader r) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(5000);
        long i = 0;
        for (;;) {
            buf.clear();
            int n = r.read(buf);
            if (n < 0) {
                return i;
            }
            for (int k = 0; k < n; k++) {
                if (buf.get(k) != pattern(i + k)) {
                    throw new AssertionError("byte " + (i + k) + " is " + buf.get(k) + ", expected " + pattern(i + k));
                }
            }
            i += n;
        }
    }

    /**
     * Waits until the driver reports (sysfs) that the ring of {@code dev} has {@code capacity} bytes: the writer,
     * opening in {@code writer}, has set its {@code size=}. A reader must map only after that, since the driver
     * cannot resize a mapped ring.
     */
    private static void awaitCapacity(String dev, int capacity, CompletableFuture<?> writer) throws Exception {
        Path attr = Path.of("/sys/class/myipc", Path.of(dev).getFileName().toString(), "capacity");
        long deadline = System.nanoTime() + OPEN.toNanos();
        while (!Files.readString(attr).trim().equals(Integer.toString(capacity))) {
            assertThat(System.nanoTime()).as("the writer set the ring to %d bytes (%s)", capacity, attr)
                    .isLessThan(deadline);
            if (writer.isDone()) {
                writer.get(); // throws the writer's failure
            }
            Thread.sleep(10);
        }
    }

    private static void stream(String writerUri, String readerUri) throws Exception {
        CompletableFuture<Long> read = async(() -> {
            try (IpcReader r = IpcChannels.openReader(readerUri, OPEN)) {
                return readAll(r);
            }
        });
        try (IpcWriter w = IpcChannels.openWriter(writerUri, OPEN)) {
            writeAll(w);
        }
        assertThat(read.get()).as("bytes read up to end of stream").isEqualTo(TOTAL);
    }

    @Test
    void aCopyWriterFeedsAnMmapReader() throws Exception {
        String dev = KmodDevices.nextDevice();
        stream("kmod:" + dev, "kmod:" + dev + "?mode=mmap");
    }

    @Test
    void anMmapWriterFeedsACopyReader() throws Exception {
        String dev = KmodDevices.nextDevice();
        stream("kmod:" + dev + "?mode=mmap", "kmod:" + dev);
    }

    /**
     * A 4 KiB ring, so the indices wrap hundreds of times. The writer sets the size, which the driver refuses once
     * the ring is mapped; so the reader opens only after the driver reports the new capacity (sysfs).
     */
    @Test
    void anMmapWriterFeedsAnMmapReaderWithASmallRing() throws Exception {
        String dev = KmodDevices.nextDevice();
        CompletableFuture<Long> written = async(() -> {
            try (IpcWriter w = IpcChannels.openWriter("kmod:" + dev + "?mode=mmap&size=4096", OPEN)) {
                return writeAll(w);
            }
        });
        awaitCapacity(dev, 4096, written);
        try (IpcReader r = IpcChannels.openReader("kmod:" + dev + "?mode=mmap", OPEN)) {
            assertThat(readAll(r)).as("bytes read up to end of stream").isEqualTo(TOTAL);
        }
        written.get();
    }

    /** The FIFO meaning of a closed reader holds across the modes: the writer gets PeerClosedException (EPIPE). */
    @Test
    void aClosedReaderOfEitherModeStopsAWriterOfTheOther() throws Exception {
        String dev = KmodDevices.nextDevice();
        for (String[] modes : new String[][] {{"?mode=mmap", ""}, {"", "?mode=mmap"}}) {
            CompletableFuture<IpcReader> rf = async(() -> IpcChannels.openReader("kmod:" + dev + modes[1]));
            try (IpcWriter w = IpcChannels.openWriter("kmod:" + dev + modes[0])) {
                IpcReader r = rf.get();
                w.write(ByteBuffer.wrap(new byte[100]));
                r.close();
                assertThatThrownBy(() -> {
                    for (int k = 0; k < 10_000; k++) {
                        w.write(ByteBuffer.wrap(new byte[4096]));
                    }
                }).as("writer %s after reader %s closed", modes[0], modes[1]).isInstanceOf(PeerClosedException.class);
            }
        }
    }

    /**
     * The state words are the driver's: an mmap writer that closes while a copy-mode writer of the same device stays
     * open is not the end of the stream. The reader, asleep when the mmap writer goes, keeps waiting and then reads
     * the copy writer's bytes; end of stream comes when the last writer has closed.
     */
    @Test
    void anMmapWriterClosingIsNotEndOfStreamWhileACopyWriterRemains() throws Exception {
        String dev = KmodDevices.nextDevice();
        CompletableFuture<IpcReader> rf = async(() -> IpcChannels.openReader("kmod:" + dev + "?mode=mmap", OPEN));
        IpcWriter mmapWriter = IpcChannels.openWriter("kmod:" + dev + "?mode=mmap", OPEN);
        try (IpcReader r = rf.get();
             IpcWriter copyWriter = IpcChannels.openWriter("kmod:" + dev, OPEN)) {
            mmapWriter.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer first = ByteBuffer.allocate(3);
            while (first.hasRemaining()) {
                r.read(first);
            }
            CompletableFuture<byte[]> rest = async(() -> {
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(16);
                while (r.read(b.clear()) >= 0) {
                    got.write(b.array(), 0, b.position());
                }
                return got.toByteArray();
            });
            Thread.sleep(300); // the reader goes to sleep on the empty ring
            mmapWriter.close();
            Thread.sleep(500);
            assertThat(rest).as("the reader after the mmap writer closed, a copy writer still open").isNotDone();
            copyWriter.write(ByteBuffer.wrap(new byte[] {4, 5}));
            copyWriter.close();
            assertThat(rest.get()).containsExactly(4, 5);
        } finally {
            mmapWriter.close();
        }
    }

    /** One producer per device: a second mmap writer is refused with a message, the first one keeps working. */
    @Test
    void aSecondMmapWriterIsRefused() throws Exception {
        String uri = "kmod:" + KmodDevices.nextDevice() + "?mode=mmap";
        CompletableFuture<IpcReader> rf = async(() -> IpcChannels.openReader(uri));
        try (IpcWriter w = IpcChannels.openWriter(uri); IpcReader r = rf.get()) {
            assertThatThrownBy(() -> IpcChannels.openWriter(uri).close()).isInstanceOf(IpcException.class)
                    .hasMessageContaining("already has a mode=mmap writer");
            w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer got = ByteBuffer.allocate(3);
            while (got.hasRemaining()) {
                r.read(got);
            }
            assertThat(got.array()).containsExactly(1, 2, 3);
        }
    }

    /**
     * Zero-copy at the SPI: the writer's claim is the driver's data pages (bytes put there without any write call
     * reach the reader), the reader's view shows them in place, read-only; a claim is contiguous across the wrap.
     */
    @Test
    void claimAndViewAreTheDriversPages() throws Exception {
        String dev = KmodDevices.nextDevice();
        String uri = "kmod:" + dev + "?mode=mmap&size=4096";
        KmodTransport t = new KmodTransport();
        ChannelAddress a = ChannelAddress.parse(uri, uri);
        CompletableFuture<WriterEnd> wf = async(() -> t.openWriter(a, new OpenContext(IpcOptions.defaults())));
        awaitCapacity(dev, 4096, wf);
        ReaderEnd r = t.openReader(a, new OpenContext(IpcOptions.defaults()));
        WriterEnd w = wf.get();
        try {
            assertThat(w.maxClaimSize()).isEqualTo(4096);
            assertThat(r.maxViewSize()).isEqualTo(4096);
            long seq = 0;
            for (int round = 0; round < 40; round++) {
                int n = 1000 + round * 37; // 1000..2443: crosses the 4096-byte wrap in many rounds
                // the SPI contract: the bytes are position..limit of the buffer handed out
                ByteBuffer claim = w.claim(n, -1);
                assertThat(claim).isNotNull();
                assertThat(claim.isDirect()).isTrue();
                assertThat(claim.remaining()).isEqualTo(n);
                int at = claim.position();
                for (int k = 0; k < n; k++) {
                    claim.put(at + k, pattern(seq + k));
                }
                w.commit(n);
                ByteBuffer view = r.view(n, -1);
                assertThat(view).isNotNull();
                assertThat(view.isReadOnly()).isTrue();
                assertThat(view.remaining()).isEqualTo(n);
                int from = view.position();
                for (int k = 0; k < n; k++) {
                    assertThat(view.get(from + k)).isEqualTo(pattern(seq + k));
                }
                r.release(n);
                seq += n;
            }
            w.close();
            assertThat(r.read(ByteBuffer.allocate(1), -1)).as("end of stream after the writer closed").isEqualTo(-1);
        } finally {
            // an assertion here would hide the one that failed above; an open reader keeps the device's consumer role
            w.close();
            r.close();
        }
    }
}
