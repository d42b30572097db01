package io.myipc.pipe;

import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is particular to {@code pipe:}: the FIFO file, its parameters, and talking to plain FIFO users. */
@Timeout(60)
class PipeTransportTest {
    @TempDir
    Path dir;

    private static CompletableFuture<IpcReader> openReaderAsync(String uri) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return IpcChannels.openReader(uri, Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void theFifoIsCreatedWithTheRequestedModeAndWithKeepStaysForReuse() throws Exception {
        Path fifo = dir.resolve("o.fifo");
        String uri = "pipe:" + fifo + "?mode=0660&keep=true";
        CompletableFuture<IpcReader> rf = openReaderAsync(uri);
        try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30)); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            assertThat(Files.getPosixFilePermissions(fifo)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
            assertThat(Files.isRegularFile(fifo)).isFalse();
            w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer b = ByteBuffer.allocate(3);
            while (b.hasRemaining()) {
                r.read(b);
            }
            assertThat(b.array()).containsExactly(1, 2, 3);
        }
        assertThat(Files.exists(fifo)).isTrue();
        // a second session on the same FIFO
        CompletableFuture<IpcReader> rf2 = openReaderAsync(uri);
        IpcWriter w2 = IpcChannels.openWriter(uri + "&create=false", Duration.ofSeconds(30));
        try (IpcReader r = rf2.get(30, TimeUnit.SECONDS)) {
            w2.write(ByteBuffer.wrap(new byte[] {4}));
            w2.close();
            ByteBuffer b = ByteBuffer.allocate(2);
            assertThat(r.read(b)).isEqualTo(1);
            assertThat(r.read(b)).isEqualTo(-1);
        }
    }

    @Test
    void aMissingFifoWithCreateFalseSaysHowToCreateIt() {
        Path fifo = dir.resolve("missing.fifo");
        assertThatThrownBy(() -> IpcChannels.openReader("pipe:" + fifo + "?create=false"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("does not exist")
                .hasMessageContaining("mkfifo -m 600 " + fifo);
        assertThat(Files.exists(fifo)).isFalse();
    }

    @Test
    void aPathThatIsNotAFifoOrNotAbsoluteIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> IpcChannels.openWriter("pipe:" + file))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("regular file, not a FIFO");
        assertThatThrownBy(() -> IpcChannels.openWriter("pipe:" + dir))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("directory, not a FIFO");
        assertThatThrownBy(() -> IpcChannels.openWriter("pipe:relative/x.fifo"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("absolute file path");
        assertThatThrownBy(() -> IpcChannels.openWriter("pipe:" + dir.resolve("no/such/dir/x.fifo")))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("mkdir -p " + dir.resolve("no/such/dir"));
        assertThatThrownBy(() -> IpcChannels.openWriter("pipe:" + dir.resolve("x.fifo") + "?size=1k"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("parameter 'size'");
    }

    /** The pipe buffer holds exactly what {@code size=} asked for (default: the kernel's 64 KiB). */
    @Test
    void sizeSetsTheKernelPipeBuffer() throws Exception {
        for (long size : new long[] {0, 1 << 20}) {
            String uri = "pipe:" + dir.resolve("s" + size + ".fifo") + (size == 0 ? "" : "?size=1MiB");
            CompletableFuture<IpcReader> rf = openReaderAsync(uri);
            try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30)); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
                assertThat(r.isOpen()).isTrue(); // open, but not reading: the writer fills the buffer
                long held = 0;
                ByteBuffer page = ByteBuffer.allocateDirect(4096);
                int n;
                while ((n = w.tryWrite(page.clear())) > 0) {
                    held += n;
                }
                assertThat(held).isEqualTo(size == 0 ? 65536 : size);
            }
        }
    }

    @Test
    void aPlainShellWriterAndReaderInteroperate() throws Exception {
        Path fifo = dir.resolve("shell.fifo");
        String uri = "pipe:" + fifo + "?keep=true"; // the shell tools open the path after our ends
        // the shell writes into the FIFO once our reader has created it
        CompletableFuture<IpcReader> rf = openReaderAsync(uri);
        while (!Files.exists(fifo)) {
            Thread.sleep(5);
        }
        Process sh = new ProcessBuilder("sh", "-c", "printf 'hello fifo' > " + fifo).start();
        try (IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
            ByteBuffer b = ByteBuffer.allocate(64);
            int n;
            while ((n = r.read(b)) != -1) {
                assertThat(n).isPositive();
            }
            assertThat(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII)).isEqualTo("hello fifo");
        }
        assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path out = dir.resolve("out.txt");
        Process cat = new ProcessBuilder("sh", "-c", "cat " + fifo + " > " + out).start();
        try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30))) {
            w.write(ByteBuffer.wrap("to the shell".getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out)).isEqualTo("to the shell");
    }
}
