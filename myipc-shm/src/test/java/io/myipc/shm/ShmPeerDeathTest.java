package io.myipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer killed with SIGKILL is noticed within a second (the contract's bound). */
@Timeout(60)
class ShmPeerDeathTest {
    Path dir;
    ExecutorService pool;

    @BeforeEach
    void setUp() throws Exception {
        dir = ShmTestDirs.create();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        ShmTestDirs.delete(dir);
    }

    @Test
    void readerGetsEndOfStreamWithinASecondWhenTheWriterIsKilled() throws Exception {
        String uri = "shm:killw?capacity=64KiB&dir=" + dir;
        Process child = ShmChild.start("writer-hang", uri, "1000");
        try (IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(30))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertThat(out.readLine()).isEqualTo("wrote");
            ByteBuffer b = ByteBuffer.allocate(2000);
            while (b.position() < 1000) {
                assertThat(r.read(b)).isPositive();
            }
            Future<Integer> blocked = pool.submit(() -> r.read(b)); // sleeps: the writer is idle
            Thread.sleep(300);
            assertThat(blocked).isNotDone();
            long t0 = System.nanoTime();
            child.destroyForcibly(); // SIGKILL
            int n = blocked.get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[shm] reader saw end of stream " + ms + " ms after kill -9 of the writer");
            assertThat(n).isEqualTo(-1);
            assertThat(ms).isLessThan(1000);
            assertThat(b.position()).isEqualTo(1000); // everything written before the kill was delivered
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty(); // the survivor removed the segment
    }

    @Test
    void closingOneEndRemovesTheNameSoAPeerKilledLaterLeavesNothingBehind() throws Exception {
        String uri = "shm:early-close?capacity=64KiB&dir=" + dir;
        Process child = ShmChild.start("writer-hang", uri, "10");
        try {
            try (IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(30))) {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
                assertThat(out.readLine()).isEqualTo("wrote");
                assertThat(ShmTestDirs.list(dir)).containsExactly("myipc-early-close");
            }
            assertThat(child.isAlive()).isTrue();
            assertThat(ShmTestDirs.list(dir)).isEmpty(); // removed by our close, while the writer still runs
            // a new reader does not find the old, half-used segment: it starts a new one and waits for a writer
            assertThatThrownBy(() -> IpcChannels.openReader(uri, Duration.ofMillis(300)))
                    .hasMessageContaining("timed out");
        } finally {
            child.destroyForcibly().waitFor(); // dies without closing its end
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void writerGetsPeerClosedWithinASecondWhenTheReaderIsKilled() throws Exception {
        String uri = "shm:killr?capacity=64KiB&dir=" + dir;
        Process child = ShmChild.start("reader-hang", uri);
        try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertThat(out.readLine()).startsWith("open");
            Future<Integer> blocked = pool.submit(() -> w.write(ByteBuffer.allocate(1 << 20))); // fills the ring, then sleeps
            Thread.sleep(300);
            assertThat(blocked).isNotDone();
            long t0 = System.nanoTime();
            child.destroyForcibly();
            assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PeerClosedException.class)
                    .hasMessageContaining("died without closing");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[shm] writer got PeerClosedException " + ms + " ms after kill -9 of the reader");
            assertThat(ms).isLessThan(1000);
            // and every later write fails the same way
            assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1))).isInstanceOf(PeerClosedException.class);
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void aSegmentWhoseCreatorWasKilledBeforeItsPeerCameIsRemovedByTheNextOpenOfAnyNameInItsDirectory()
            throws Exception {
        String uri = "shm:lost?capacity=64KiB&dir=" + dir;
        Path file = dir.resolve("myipc-lost");
        Process child = ShmChild.start("writer-hang", uri, "10"); // waits in its open: no reader comes
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!initialised(file)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(ShmTestDirs.list(dir)).containsExactly("myipc-lost");
        assertThatThrownBy(() -> IpcChannels.openReader("shm:other?dir=" + dir, Duration.ofMillis(200)))
                .hasMessageContaining("timed out");
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    /** True once the creator has published the segment's header (ready word 1). */
    private static boolean initialised(Path file) throws java.io.IOException {
        if (!java.nio.file.Files.exists(file)) {
            return false;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(io.myipc.internal.ring.RingDescriptor.BYTE_ORDER);
            return ch.read(b, io.myipc.internal.ring.RingDescriptor.READY_OFFSET) == 4
                    && b.getInt(0) == io.myipc.internal.ring.RingDescriptor.READY;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }
}
