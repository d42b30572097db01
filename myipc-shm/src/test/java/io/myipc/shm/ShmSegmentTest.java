package io.myipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcException;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.internal.ring.RingSide;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ShmSegmentTest {
    Path dir;
    ExecutorService pool;

    @BeforeEach
    void setUp() throws IOException {
        dir = ShmTestDirs.create();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        ShmTestDirs.delete(dir);
    }

    String uri(String name, String params) {
        return "shm:" + name + "?dir=" + dir + (params.isEmpty() ? "" : "&" + params);
    }

    static final Duration OPEN = Duration.ofSeconds(10);

    Future<byte[]> readAll(String uri) {
        return pool.submit(() -> {
            try (IpcReader r = IpcChannels.openReader(uri, OPEN)) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(8192);
                while (r.read(b) >= 0) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
                return out.toByteArray();
            }
        });
    }

    /** Writes a segment file as a crashed or foreign program would have left it. */
    void craft(String name, int magic, int version, long capacity, int pid, int state) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(RingDescriptor.CONTROL_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(RingDescriptor.MAGIC_OFFSET, magic);
        h.putInt(RingDescriptor.VERSION_OFFSET, version);
        h.putLong(RingDescriptor.CAPACITY_OFFSET, capacity);
        h.putInt(RingDescriptor.DATA_OFFSET_OFFSET, RingDescriptor.CONTROL_SIZE);
        h.putInt(RingDescriptor.READY_OFFSET, RingDescriptor.READY);
        h.putLong(RingDescriptor.TAIL_OFFSET, 100);
        h.putLong(RingDescriptor.HEAD_OFFSET, 40);
        for (RingSide s : RingSide.values()) {
            h.putInt(RingDescriptor.stateOffset(s), state);
            h.putInt(RingDescriptor.pidOffset(s), pid);
            h.putLong(RingDescriptor.startTimeOffset(s), 12345);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("myipc-" + name), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ch.write(h, 0);
            ch.write(ByteBuffer.allocate(1), RingDescriptor.CONTROL_SIZE + capacity - 1);
        }
    }

    static int deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return (int) p.pid();
    }

    void transferOnce(String uri, int round) throws Exception {
        Future<byte[]> got = readAll(uri);
        byte[] msg = ("round " + round).getBytes();
        try (IpcWriter w = IpcChannels.openWriter(uri, OPEN)) {
            w.write(ByteBuffer.wrap(msg));
        }
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(msg);
    }

    @Test
    void createAndAttachRaceBetweenTwoThreads() throws Exception {
        Random random = new Random(1);
        for (int round = 0; round < 40; round++) {
            String u = uri("race", "capacity=4KiB");
            CyclicBarrier start = new CyclicBarrier(2);
            int delayW = random.nextInt(3);
            int delayR = random.nextInt(3);
            Future<byte[]> got = pool.submit(() -> {
                start.await();
                Thread.sleep(delayR);
                try (IpcReader r = IpcChannels.openReader(u, OPEN)) {
                    ByteBuffer b = ByteBuffer.allocate(64);
                    while (r.read(b) >= 0) {
                    }
                    return java.util.Arrays.copyOf(b.array(), b.position());
                }
            });
            start.await();
            Thread.sleep(delayW);
            byte[] msg = ("round " + round).getBytes();
            try (IpcWriter w = IpcChannels.openWriter(u, OPEN)) {
                w.write(ByteBuffer.wrap(msg));
            }
            assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(msg);
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void createAndAttachRaceBetweenTwoProcesses() throws Exception {
        for (int round = 0; round < 2; round++) {
            String u = uri("xproc", "capacity=64KiB");
            Process child = ShmChild.start("reader-echo", u);
            try {
                if (round == 1) {
                    // the child creates the segment first this time
                    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
                    Future<String> first = pool.submit(out::readLine);
                    try (IpcWriter w = IpcChannels.openWriter(u, OPEN)) {
                        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("open");
                        w.write(ByteBuffer.allocate(1 << 20));
                    }
                    assertThat(out.readLine()).isEqualTo("read " + (1 << 20));
                } else {
                    try (IpcWriter w = IpcChannels.openWriter(u, OPEN)) {
                        w.write(ByteBuffer.allocate(1 << 20));
                    }
                    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
                    assertThat(out.readLine()).isEqualTo("open");
                    assertThat(out.readLine()).isEqualTo("read " + (1 << 20));
                }
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void aSecondWriterIsRefused() throws Exception {
        String u = uri("two-writers", "");
        Future<byte[]> got = readAll(u);
        try (IpcWriter w = IpcChannels.openWriter(u, OPEN)) {
            assertThatThrownBy(() -> IpcChannels.openWriter(u, Duration.ofSeconds(2)))
                    .isInstanceOf(IpcException.class)
                    .hasMessageContaining("already has a writer")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        assertThat(got.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void aSecondReaderIsRefused() throws Exception {
        String u = uri("two-readers", "");
        Future<byte[]> got = readAll(u);
        try (IpcWriter w = IpcChannels.openWriter(u, OPEN)) {
            assertThatThrownBy(() -> IpcChannels.openReader(u, Duration.ofSeconds(2)))
                    .isInstanceOf(IpcException.class)
                    .hasMessageContaining("already has a reader");
            w.write(ByteBuffer.wrap(new byte[] {4}));
        }
        assertThat(got.get(10, TimeUnit.SECONDS)).containsExactly(4);
    }

    @Test
    void aCapacityMismatchIsAConfigErrorForBothEndsAtOnce() throws Exception {
        String u = uri("cap", "capacity=64KiB");
        Future<IpcWriter> writer = pool.submit(() -> IpcChannels.openWriter(u, Duration.ofSeconds(60)));
        while (!Files.exists(dir.resolve("myipc-cap"))) {
            Thread.sleep(5);
        }
        assertThatThrownBy(() -> IpcChannels.openReader(uri("cap", "capacity=128KiB"), Duration.ofSeconds(2)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("asks for capacity 131072")
                .hasMessageContaining("with 65536")
                .hasMessageContaining("same capacity=");
        // the waiting writer fails now, long before its 60 s open timeout
        assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IpcConfigException.class)
                .cause().hasMessageContaining("same capacity=");
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void anEndWithoutCapacityAdoptsTheSegments() throws Exception {
        String u = uri("adopt", "capacity=64KiB");
        Future<IpcWriter> writer = pool.submit(() -> IpcChannels.openWriter(u, OPEN));
        while (!Files.exists(dir.resolve("myipc-adopt"))) {
            Thread.sleep(5);
        }
        try (IpcReader r = IpcChannels.openReader(uri("adopt", ""), OPEN); IpcWriter w = writer.get(10, TimeUnit.SECONDS)) {
            assertThat(w.maxClaimSize()).isEqualTo(65536);
            w.write(ByteBuffer.wrap(new byte[] {9}));
            ByteBuffer b = ByteBuffer.allocate(1);
            assertThat(r.read(b)).isEqualTo(1);
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void wrongVersionIsAClearErrorAndLeavesNoStrayFile() throws Exception {
        craft("old", RingDescriptor.MAGIC, 99, 65536, ProcessHandle.current().pid() > 0 ? 1 : 1, RingDescriptor.END_OPEN);
        assertThatThrownBy(() -> IpcChannels.openWriter(uri("old", ""), Duration.ofSeconds(2)))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("layout version 99")
                .hasMessageContaining("remove the file");
        assertThat(ShmTestDirs.list(dir)).containsExactly("myipc-old");
    }

    @Test
    void aFileThatIsNoRingIsAClearError() throws Exception {
        craft("junk", 0x6b6e756a, 1, 65536, 1, RingDescriptor.END_OPEN);
        assertThatThrownBy(() -> IpcChannels.openReader(uri("junk", ""), Duration.ofSeconds(2)))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("not a myipc ring");
        assertThat(ShmTestDirs.list(dir)).containsExactly("myipc-junk");
    }

    @Test
    void aStaleSegmentOfDeadProcessesIsReclaimed() throws Exception {
        craft("stale", RingDescriptor.MAGIC, RingDescriptor.LAYOUT_VERSION, 65536, deadPid(), RingDescriptor.END_OPEN);
        transferOnce(uri("stale", ""), 1);
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void aSegmentLeftHalfInitialisedIsReclaimed() throws Exception {
        Files.createFile(dir.resolve("myipc-half")); // creator died right after O_EXCL
        transferOnce(uri("half", ""), 2);
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    /**
     * An opener that waited out the grace on one half-made file must not spend it on the file that replaced it: a
     * creator between its {@code O_EXCL} and its lock looks just as half-made, and removing its file strands it.
     */
    @Test
    void theGraceForAHalfMadeFileDoesNotCarryOverToItsReplacement() throws Exception {
        Path half = dir.resolve("myipc-swap");
        Files.createFile(half);
        Future<byte[]> got = readAll(uri("swap", "")); // polls the empty file; removes it after the grace
        Thread.sleep(300);
        int oldFd = LibC.open(half.toString(), Posix.O_RDWR, 0);
        assertThat(oldFd).isNotNegative();
        Object replacement;
        try {
            assertThat(LibC.flock(oldFd, Posix.LOCK_EX)).isZero(); // the reader now waits for this lock
            Thread.sleep(1200); // its grace on the old file is over
            Files.delete(half);
            Files.createFile(half); // a new creator, between its O_EXCL and its lock
            replacement = Files.readAttributes(half, "unix:ino").get("ino");
        } finally {
            LibC.close(oldFd);
        }
        // within the new file's grace: the old code removed it ~15 ms after the unlock; a stall of the
        // test thread past the grace (900 ms more) would fail it wrongly, one much shorter than that does not
        Thread.sleep(100);
        assertThat(Files.exists(half) ? Files.readAttributes(half, "unix:ino").get("ino") : null)
                .as("the reader left the new creator's file alone")
                .isEqualTo(replacement);
        byte[] msg = "after the swap".getBytes();
        try (IpcWriter w = IpcChannels.openWriter(uri("swap", ""), OPEN)) {
            w.write(ByteBuffer.wrap(msg));
        }
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(msg);
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void openTimesOutWithoutPeerAndLeavesNoFile() {
        assertThatThrownBy(() -> IpcChannels.openWriter(uri("lonely", ""), Duration.ofMillis(300)))
                .isInstanceOf(IpcTimeoutException.class)
                .hasMessageContaining("a reader to open");
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }

    @Test
    void fullTmpfsGivesAClearErrorAndNoStrayFile() throws Exception {
        Path tiny = Files.createTempDirectory("myipc-tiny");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", tiny.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "needs root to mount a tmpfs: " + new String(mount.getInputStream().readAllBytes()));
        try {
            String u = "shm:big?capacity=64KiB&dir=" + tiny; // needs 64 KiB + 4 KiB header: one page too many
            assertThatThrownBy(() -> IpcChannels.openWriter(u, Duration.ofSeconds(2)))
                    .isInstanceOf(IpcException.class)
                    .hasMessageContaining("no space for shared-memory segment " + tiny.resolve("myipc-big"))
                    .hasMessageContaining("ENOSPC")
                    .hasMessageContaining("smaller capacity=");
            assertThat(ShmTestDirs.list(tiny)).isEmpty();
            // a ring that fits still works there
            String small = "shm:small?capacity=32KiB&dir=" + tiny;
            Future<byte[]> got = pool.submit(() -> {
                try (IpcReader r = IpcChannels.openReader(small, OPEN)) {
                    ByteBuffer b = ByteBuffer.allocate(5);
                    while (r.read(b) >= 0) {
                    }
                    return java.util.Arrays.copyOf(b.array(), b.position());
                }
            });
            try (IpcWriter w = IpcChannels.openWriter(small, OPEN)) {
                w.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
            }
            assertThat(got.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4);
            assertThat(ShmTestDirs.list(tiny)).isEmpty();
        } finally {
            Process umount = new ProcessBuilder("umount", tiny.toString()).redirectErrorStream(true).start();
            String out = new String(umount.getInputStream().readAllBytes());
            assertThat(umount.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(umount.exitValue()).as("umount: " + out).isZero();
            Files.deleteIfExists(tiny);
        }
    }

    static long fdCount() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static List<long[]> mappings() throws IOException {
        List<long[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String range = line.substring(0, line.indexOf(' '));
            int dash = range.indexOf('-');
            out.add(new long[] {Long.parseUnsignedLong(range.substring(0, dash), 16),
                    Long.parseUnsignedLong(range.substring(dash + 1), 16)});
        }
        return out;
    }

    @Test
    void closingLeavesNoMappingsDescriptorsOrFiles() throws Exception {
        String u = uri("leak", "capacity=1MiB");
        transferOnce(u, 0); // warm up class loading, thread pool, JNA
        long fds = fdCount();
        for (int i = 0; i < 20; i++) {
            transferOnce(u, i);
        }
        assertThat(fdCount()).isEqualTo(fds);
        assertThat(Files.readString(Path.of("/proc/self/maps"))).doesNotContain(dir.toString());

        // Close releases the file's pages at once; the whole reservation (control page + 2 x capacity) goes
        // once no buffer over it is reachable (MappedRegion: a stale buffer must never reach reused memory).
        ShmAddress a = ShmAddress.parse(ChannelAddress.parse(u, u));
        OpenContext ctx = new OpenContext(IpcOptions.defaults().withOpenTimeout(OPEN));
        ShmSegment w = ShmSegment.openNoRendezvous(a, RingSide.PRODUCER, ctx);
        ShmSegment r = ShmSegment.openNoRendezvous(a, RingSide.CONSUMER, ctx);
        long[][] ranges = {{w.mapping.address(), w.mapping.address() + w.mapping.length()},
                {r.mapping.address(), r.mapping.address() + r.mapping.length()}};
        assertThat(Files.readString(Path.of("/proc/self/maps"))).contains(dir.toString());
        w.close();
        r.close();
        assertThat(Files.readString(Path.of("/proc/self/maps"))).doesNotContain(dir.toString());
        w = null;
        r = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (;;) {
            List<String> left = overlapping(ranges);
            if (left.isEmpty()) {
                break;
            }
            assertThat(System.nanoTime()).as("the closed rings' address ranges are still mapped after GC: %s", left)
                    .isLessThan(deadline);
            System.gc();
            Thread.sleep(20);
        }
        assertThat(ShmTestDirs.list(dir)).isEmpty();
        // Other threads of this JVM (earlier test classes' process reapers, the Cleaner) may hold a
        // descriptor for a moment: wait for the count to come back; a descriptor we leaked never does.
        while (fdCount() != fds && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fdCount()).isEqualTo(fds);
    }

    private static List<String> overlapping(long[][] ranges) throws IOException {
        List<String> out = new ArrayList<>();
        for (long[] m : mappings()) {
            for (long[] gone : ranges) {
                if (m[1] > gone[0] && m[0] < gone[1]) {
                    out.add(String.format("%x-%x overlaps %x-%x", m[0], m[1], gone[0], gone[1]));
                }
            }
        }
        return out;
    }

    @Test
    void badAddressesNameTheAcceptedForms() {
        assertThatThrownBy(() -> IpcChannels.openWriter("shm:bad/name", Duration.ofSeconds(1)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> IpcChannels.openWriter(uri("x", "capacity=1000"), Duration.ofSeconds(1)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("capacity")
                .hasMessageContaining("64KiB");
        assertThatThrownBy(() -> IpcChannels.openWriter(uri("x", "capacity=3MiB"), Duration.ofSeconds(1)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> IpcChannels.openWriter(uri("x", "capacity=1GiB"), Duration.ofSeconds(1)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> IpcChannels.openWriter("shm:x?dir=relative/dir", Duration.ofSeconds(1)))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("absolute directory");
        assertThat(ShmTestDirs.list(dir)).isEmpty();
    }
}
