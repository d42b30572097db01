package io.myipc.internal.fd;

import static org.assertj.core.api.Assertions.assertThat;

import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocking descriptor of a FIFO end: one system call per untimed call, and a wake-up still ends it. */
@Timeout(30)
class BlockingCallsTest {
    Path dir;
    FdReaderEnd reader;
    FdWriterEnd writer;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("myipc-blocking");
        String fifo = dir.resolve("f.fifo").toString();
        assertThat(LibC.mkfifo(fifo, 0600)).isZero();
        int r = LibC.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
        int w = LibC.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
        assertThat(r).isNotNegative();
        assertThat(w).isNotNegative();
        reader = new FdReaderEnd(r, fifo, "test", true);
        writer = new FdWriterEnd(w, fifo, "test", true);
    }

    @AfterEach
    void close() throws Exception {
        reader.close();
        writer.close();
        Files.deleteIfExists(dir.resolve("f.fifo"));
        Files.deleteIfExists(dir);
    }

    @Test
    void theJdkInterruptSignalIsUsableSoFifoEndsBlockInTheKernel() {
        assertThat(WakeSignal.NUMBER).isPositive();
        assertThat(reader.blocksInKernel()).isTrue();
        assertThat(writer.blocksInKernel()).isTrue();
    }

    @Test
    void anUntimedReadReturnsWhatTheWriterWrote() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(ByteBuffer.allocateDirect(16), -1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertThat(writer.write(ByteBuffer.allocateDirect(5), -1)).isEqualTo(5);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void aWakeupEndsAReadBlockedInTheKernel() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(ByteBuffer.allocate(16), -1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300); // in read(2) by now
        assertThat(read).isNotDone();
        long t0 = System.nanoTime();
        reader.wakeup();
        assertThat(read.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
        assertThat(reader.read(ByteBuffer.allocate(16), -1)).as("later calls return at once").isZero();
    }

    @Test
    void aWakeupEndsAWriteBlockedInTheKernelAndReportsWhatWentIn() throws Exception {
        ByteBuffer big = ByteBuffer.allocateDirect(8 << 20);
        CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.write(big, -1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertThat(write).isNotDone();
        writer.wakeup();
        int n = write.get(5, TimeUnit.SECONDS);
        assertThat(n).isEqualTo(big.position()).isPositive().isLessThan(8 << 20);
    }
}
