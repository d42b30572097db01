package io.myipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An idle blocked reader sleeps in the kernel: under 50 ms of CPU in 2 s. */
@Timeout(60)
class ShmIdleCpuTest {
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = ShmTestDirs.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        ShmTestDirs.delete(dir);
    }

    @Test
    void anIdleBlockedReaderCostsNoCpu() throws Exception {
        String uri = "shm:idle?dir=" + dir;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assertThat(mx.isCurrentThreadCpuTimeSupported()).isTrue();
        CompletableFuture<IpcWriter> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return IpcChannels.openWriter(uri, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(10)); IpcWriter w = writer.get(10, TimeUnit.SECONDS)) {
            ByteBuffer b = ByteBuffer.allocate(16);
            assertThatThrownBy(() -> r.read(b, Duration.ofMillis(1))) // warm up the read path
                    .isInstanceOf(IpcTimeoutException.class);
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            // nothing comes: blocks the full 2 s
            assertThatThrownBy(() -> r.read(b, Duration.ofSeconds(2))).isInstanceOf(IpcTimeoutException.class);
            long wall = System.nanoTime() - wall0;
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("[shm] idle blocked reader: %.1f ms CPU in %.0f ms%n", cpu / 1e6, wall / 1e6);
            assertThat(wall).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1990));
            assertThat(cpu).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
            // and it still works afterwards
            w.write(ByteBuffer.wrap(new byte[] {5}));
            b.clear();
            assertThat(r.read(b)).isEqualTo(1);
        }
    }
}
