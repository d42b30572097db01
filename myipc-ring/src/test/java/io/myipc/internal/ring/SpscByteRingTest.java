package io.myipc.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class SpscByteRingTest {
    static final int CAP = 4096;
    static final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ring-test");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void dataAreaIsMappedTwiceBackToBack() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            ByteBuffer d = t.ring.data();
            assertThat(d.capacity()).isEqualTo(2 * CAP);
            d.put(10, (byte) 42);
            assertThat(d.get(CAP + 10)).isEqualTo((byte) 42);
            d.put(2 * CAP - 1, (byte) 7);
            assertThat(d.get(CAP - 1)).isEqualTo((byte) 7);
        }
    }

    @Test
    void emptyAndFull() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            assertThat(c.available()).isZero();
            assertThat(c.await(1, 0)).isZero();
            assertThat(p.writable()).isEqualTo(CAP);
            byte[] all = pattern(CAP + 100, 1);
            assertThat(p.write(all, 0, all.length)).isEqualTo(CAP);
            assertThat(p.writable()).isZero();
            assertThat(p.write(all, CAP, 100)).isZero();
            assertThat(p.await(1, 0)).isZero();
            assertThat(c.available()).isEqualTo(CAP);
            byte[] got = new byte[CAP];
            assertThat(c.read(got, 0, CAP)).isEqualTo(CAP);
            assertThat(got).isEqualTo(Arrays.copyOf(all, CAP));
            assertThat(c.available()).isZero();
            assertThat(p.writable()).isEqualTo(CAP);
        }
    }

    @Test
    void claimsAndViewsAreContiguousAcrossTheWrap() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            ByteBuffer d = t.ring.data();
            byte[] first = pattern(3000, 2);
            p.write(first, 0, first.length);
            c.read(new byte[3000], 0, 3000);
            // 3000 bytes starting at offset 3000 cross the end of the data area
            assertThat(p.writeOffset()).isEqualTo(3000);
            assertThat(p.writable()).isEqualTo(CAP);
            byte[] second = pattern(3000, 3);
            d.put(p.writeOffset(), second, 0, 3000); // one contiguous copy into the claim
            p.commit(3000);
            // the part past the end landed at the start of the first copy
            byte[] wrapped = new byte[3000 - (CAP - 3000)];
            d.get(0, wrapped);
            assertThat(wrapped).isEqualTo(Arrays.copyOfRange(second, CAP - 3000, 3000));
            // and the reader sees one contiguous view
            assertThat(c.available()).isEqualTo(3000);
            assertThat(c.readOffset()).isEqualTo(3000);
            byte[] view = new byte[3000];
            d.get(c.readOffset(), view);
            assertThat(view).isEqualTo(second);
            c.release(3000);
            assertThat(c.available()).isZero();
        }
    }

    /** Indices are free-running 64-bit counters; only differences and masks matter, also across 2^32, 2^63 and 2^64. */
    @ParameterizedTest
    @ValueSource(longs = {0L, (1L << 32) - 1000, Long.MAX_VALUE - 1000, -1000L})
    void indicesNearOverflowBoundaries(long start) throws IOException {
        try (TestRings t = TestRings.create(CAP, start)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            Random r = new Random(start);
            long moved = 0;
            for (int round = 0; round < 50; round++) {
                int n = 1 + r.nextInt(CAP);
                byte[] b = pattern(n, round);
                assertThat(p.write(b, 0, n)).isEqualTo(n);
                assertThat(c.available()).isEqualTo(n);
                byte[] got = new byte[n];
                assertThat(c.read(got, 0, n)).isEqualTo(n);
                assertThat(got).isEqualTo(b);
                moved += n;
            }
            assertThat(p.tail()).isEqualTo(start + moved);
            assertThat(c.head()).isEqualTo(start + moved);
            assertThat(moved).isGreaterThan(1000); // the boundary was crossed
        }
    }

    @Test
    void commitAndReleaseRejectMoreThanAvailable() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            assertThatThrownBy(() -> p.commit(CAP + 1)).isInstanceOf(IllegalArgumentException.class);
            p.commit(10);
            c.available();
            assertThatThrownBy(() -> c.release(11)).isInstanceOf(IllegalArgumentException.class);
            c.release(10);
        }
    }

    @Test
    void corruptIndicesAreReportedNotFollowed() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingConsumer c = t.ring.consumer();
            SpscByteRing.LONG.setVolatile(t.ring.control(), RingDescriptor.TAIL_OFFSET, (long) CAP + 1);
            assertThatThrownBy(c::available).isInstanceOf(IOException.class).hasMessageContaining("corrupted");
            RingProducer p = t.ring.producer(); // tail is CAP + 1 now
            SpscByteRing.LONG.setVolatile(t.ring.control(), RingDescriptor.HEAD_OFFSET, (long) CAP + 2);
            assertThatThrownBy(p::writable).isInstanceOf(IOException.class).hasMessageContaining("corrupted");
        }
    }

    @Test
    void producerCloseGivesRemainingBytesThenEndOfStream() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            p.write(pattern(100, 4), 0, 100);
            p.close();
            assertThat(c.isPeerGone()).isTrue();
            assertThat(c.await(1, -1)).isEqualTo(100);
            assertThat(c.await(101, -1)).isEqualTo(-1); // fewer than asked and no more will come
            c.read(new byte[100], 0, 100);
            assertThat(c.await(1, -1)).isEqualTo(-1);
        }
    }

    @Test
    void consumerCloseEndsTheProducersWaitWithPeerGone() throws Exception {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            p.write(pattern(CAP, 5), 0, CAP); // full
            Future<Integer> blocked = pool.submit(() -> p.await(1, -1));
            Thread.sleep(200); // let it sleep in the futex
            assertThat(blocked).isNotDone();
            c.close();
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(p.isPeerGone()).isTrue();
        }
    }

    @Test
    void sleepingConsumerIsWokenByCommit() throws Exception {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            Future<Integer> blocked = pool.submit(() -> c.await(1, -1));
            Thread.sleep(200);
            assertThat(blocked).isNotDone();
            p.write(new byte[] {1, 2, 3}, 0, 3);
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }

    @Test
    void sleepingProducerIsWokenByRelease() throws Exception {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            p.write(pattern(CAP, 6), 0, CAP);
            Future<Integer> blocked = pool.submit(() -> p.await(1000, -1));
            Thread.sleep(200);
            assertThat(blocked).isNotDone();
            c.read(new byte[1000], 0, 1000);
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void awaitTimesOutWithFewerBytes() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            p.write(new byte[5], 0, 5);
            assertThat(c.await(10, TimeUnit.MILLISECONDS.toNanos(150))).isEqualTo(5);
        }
    }

    @Test
    void closingTheOwnEndEndsABlockedWait() throws Exception {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingConsumer c = t.ring.consumer();
            Future<Integer> blocked = pool.submit(() -> c.await(1, -1));
            Thread.sleep(200);
            c.close();
            assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
            // the producer now sees the consumer gone
            assertThat(t.ring.producer().isPeerGone()).isTrue();
        }
    }

    @Test
    void interruptEndsABlockedWait() throws Exception {
        try (TestRings t = TestRings.create(CAP, 0)) {
            RingConsumer c = t.ring.consumer();
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            Future<Integer> blocked = pool.submit(() -> {
                thread.complete(Thread.currentThread());
                return c.await(1, -1);
            });
            Thread.sleep(200);
            thread.get().interrupt();
            assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InterruptedIOException.class);
        }
    }

    @Test
    void headerChecksNameTheProblem() throws IOException {
        try (TestRings t = TestRings.create(CAP, 0)) {
            ByteBuffer ctl = t.ring.control();
            SpscByteRing.INT.set(ctl, RingDescriptor.VERSION_OFFSET, 99);
            assertThatThrownBy(() -> SpscByteRing.checkHeader(ctl))
                    .isInstanceOf(RingFormatException.class)
                    .hasMessageContaining("version 99")
                    .hasMessageContaining("layout version " + RingDescriptor.LAYOUT_VERSION);
            SpscByteRing.INT.set(ctl, RingDescriptor.MAGIC_OFFSET, 0x12345678);
            assertThatThrownBy(() -> SpscByteRing.checkHeader(ctl)).hasMessageContaining("not a myipc ring");
            SpscByteRing.INT.set(ctl, RingDescriptor.READY_OFFSET, 0);
            assertThatThrownBy(() -> SpscByteRing.checkHeader(ctl)).hasMessageContaining("not initialised");
        }
    }

    /** Two threads move 64 MiB in random-size pieces, one side zero-copy, one side copying; CRC32 on both sides. */
    @ParameterizedTest
    @ValueSource(ints = {4096, 65536})
    void concurrentTransferKeepsEveryByte(int capacity) throws Exception {
        final long total = 64L << 20;
        try (TestRings t = TestRings.create(capacity, Long.MAX_VALUE - 12345)) {
            RingProducer p = t.ring.producer();
            RingConsumer c = t.ring.consumer();
            ByteBuffer data = t.ring.data();
            Future<Long> producer = pool.submit(() -> {
                CRC32 crc = new CRC32();
                Random r = new Random(7);
                byte[] chunk = new byte[capacity];
                long sent = 0;
                while (sent < total) {
                    int want = (int) Math.min(1 + r.nextInt(capacity), total - sent);
                    r.nextBytes(chunk);
                    int n = p.await(want, -1); // wait for room for the whole piece
                    assertThat(n).isGreaterThanOrEqualTo(want);
                    data.put(p.writeOffset(), chunk, 0, want); // zero-copy claim of `want` contiguous bytes
                    crc.update(chunk, 0, want);
                    p.commit(want);
                    sent += want;
                }
                p.close();
                return crc.getValue();
            });
            CRC32 crc = new CRC32();
            ByteBuffer dst = ByteBuffer.allocate(capacity / 3 + 1);
            long received = 0;
            for (;;) {
                int n = c.await(1, -1);
                if (n < 0) {
                    break;
                }
                dst.clear();
                int got = c.read(dst);
                crc.update(dst.array(), 0, got);
                received += got;
            }
            assertThat(received).isEqualTo(total);
            assertThat(crc.getValue()).isEqualTo(producer.get());
        }
    }
}
