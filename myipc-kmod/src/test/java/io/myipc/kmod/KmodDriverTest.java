package io.myipc.kmod;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.myipc.internal.posix.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is particular to {@code kmod:} with the driver loaded: {@code size=} and plain device users. */
@Timeout(120)
@ExtendWith(RequiresDriver.class)
class KmodDriverTest {
    private static final Duration OPEN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static CompletableFuture<IpcReader> openReaderAsync(String uri) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return IpcChannels.openReader(uri, OPEN);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** Bytes a writer can put in without a reader reading: the ring capacity. */
    private static long fill(IpcWriter w) throws Exception {
        long held = 0;
        ByteBuffer page = ByteBuffer.allocateDirect(4096);
        int n;
        while ((n = w.tryWrite(page.clear())) > 0) {
            held += n;
        }
        return held;
    }

    /**
     * The ring holds what {@code size=} asked for, rounded up to a power of two; after the last close the device
     * starts again with the module's {@code buf_size} (as a FIFO's pipe buffer is freed).
     */
    @Test
    void sizeSetsTheRingAndTheNextSessionStartsWithTheDefault() throws Exception {
        String dev = KmodDevices.nextDevice();
        long bufSize = Long.parseLong(Files.readString(Path.of("/sys/module/myipc/parameters/buf_size")).trim());
        String[] params = {"?size=1MiB", "", "?size=5000", ""};
        long[] expected = {1 << 20, bufSize, 8192, bufSize};
        for (int i = 0; i < params.length; i++) {
            String uri = "kmod:" + dev + params[i];
            CompletableFuture<IpcReader> rf = openReaderAsync("kmod:" + dev);
            try (IpcWriter w = IpcChannels.openWriter(uri, OPEN); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
                assertThat(r.isOpen()).isTrue(); // open, but not reading: the writer fills the ring
                assertThat(fill(w)).as("bytes held with %s", uri).isEqualTo(expected[i]);
            }
        }
    }

    /** A second writer cannot shrink the ring below what is buffered: EBUSY, with what to do. */
    @Test
    void shrinkingBelowTheBufferedBytesIsRefused() throws Exception {
        String dev = KmodDevices.nextDevice();
        CompletableFuture<IpcReader> rf = openReaderAsync("kmod:" + dev);
        IpcWriter w = IpcChannels.openWriter("kmod:" + dev + "?size=64KiB", OPEN);
        try (IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            w.write(ByteBuffer.allocate(20_000));
            assertThatThrownBy(() -> IpcChannels.openWriter("kmod:" + dev + "?size=8KiB", OPEN).close())
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("EBUSY")
                    .hasMessageContaining("more bytes are buffered than that holds");
            // the channel is unharmed: the reader gets the bytes, then EOF once the first writer closes
            w.close();
            ByteBuffer b = ByteBuffer.allocate(32_768);
            long got = 0;
            int n;
            while ((n = r.read(b.clear())) != -1) {
                got += n;
            }
            assertThat(got).isEqualTo(20_000);
        } finally {
            w.close();
        }
    }

    /** The device is a FIFO for plain programs too: the shell writes to a kmod: reader and reads from a writer. */
    @Test
    void aPlainShellWriterAndReaderInteroperate() throws Exception {
        String dev = KmodDevices.nextDevice();
        CompletableFuture<IpcReader> rf = openReaderAsync("kmod:" + dev);
        Process sh = new ProcessBuilder("sh", "-c", "printf 'hello kmod' > " + dev).start();
        try (IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            ByteBuffer b = ByteBuffer.allocate(64);
            int n;
            while ((n = r.read(b)) != -1) {
                assertThat(n).isPositive();
            }
            assertThat(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII)).isEqualTo("hello kmod");
        }
        assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path out = dir.resolve("out.txt");
        Process cat = new ProcessBuilder("sh", "-c", "cat " + dev + " > " + out).start();
        try (IpcWriter w = IpcChannels.openWriter("kmod:" + dev, OPEN)) {
            w.write(ByteBuffer.wrap("to the shell".getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out)).isEqualTo("to the shell");
    }
}
