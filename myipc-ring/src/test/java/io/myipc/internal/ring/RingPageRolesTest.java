package io.myipc.internal.ring;

import static io.myipc.internal.posix.Posix.PROT_READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.ring.file.DoubleMapping;
import io.myipc.internal.ring.file.FutexRingWaiter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each side writes only its own page (and the producer the data pages), as a driver enforcing the
 * roles with page protections requires: here each half runs over its own mapping in which every page
 * the side must not write is read-only (a write there would fault). The waiter, like a driver's, never
 * writes the other side's page, not even to interrupt.
 */
@Timeout(60)
class RingPageRolesTest {

    static void protect(RingMapping m, long offset, long length) throws IOException {
        if (LibC.mprotect(m.address() + offset, length, PROT_READ) != 0) {
            throw new IOException("mprotect: " + Errno.describe(LibC.errno()));
        }
    }

    /** A futex waiter that wakes but never bumps the peer's word (a driver's interrupt is an ioctl). */
    static RingWaiter readOnlyPeerWaiter(RingMapping m) {
        FutexRingWaiter futex = new FutexRingWaiter(m.address(), m.control());
        return new RingWaiter() {
            @Override
            public void await(RingSide sleeper, int wakeSeq, int need, long timeoutNanos) throws IOException {
                futex.await(sleeper, wakeSeq, need, timeoutNanos);
            }

            @Override
            public void wake(RingSide sleeper) {
                futex.wake(sleeper);
            }

            @Override
            public void interrupt(RingSide sleeper) {
                FutexRingWaiter.futexWake(m.address() + RingDescriptor.wakeSeqOffset(sleeper.peer()));
            }
        };
    }

    @Test
    void eachSideWritesOnlyItsOwnPage() throws Exception {
        final int capacity = 4096; // small: many full/empty waits, so the wake path is exercised
        final long total = 16L << 20;
        int fd = LibC.memfd_create("myipc-roles-test", 1);
        assertThat(fd).isNotNegative();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RingMapping pm = mapped(fd, capacity); RingMapping cm = DoubleMapping.map(fd, capacity)) {
            // producer's mapping: header and consumer page read-only
            protect(pm, 0, RingDescriptor.PAGE);
            protect(pm, RingDescriptor.CONSUMER_PAGE, RingDescriptor.PAGE);
            // consumer's mapping: header, producer page and both copies of the data read-only
            protect(cm, 0, RingDescriptor.CONSUMER_PAGE);
            protect(cm, RingDescriptor.DATA_OFFSET, 2L * capacity);

            // no spinning: every wait announces and sleeps, so every wake-up path runs many times
            RingWaitPolicy sleepAtOnce = new RingWaitPolicy(0, 0, 50_000_000L, 100_000_000L);
            SpscByteRing pr = new SpscByteRing(pm.control(), pm.data(), readOnlyPeerWaiter(pm), sleepAtOnce);
            SpscByteRing cr = new SpscByteRing(cm.control(), cm.data(), readOnlyPeerWaiter(cm), sleepAtOnce);
            pr.setState(RingSide.PRODUCER, RingDescriptor.END_OPEN);
            cr.setState(RingSide.CONSUMER, RingDescriptor.END_OPEN);
            RingProducer p = pr.producer();
            RingConsumer c = cr.consumer();
            ByteBuffer data = pr.data();
            Future<Long> sent = pool.submit(() -> {
                CRC32 crc = new CRC32();
                Random r = new Random(3);
                byte[] chunk = new byte[capacity];
                long n = 0;
                while (n < total) {
                    int want = (int) Math.min(1 + r.nextInt(capacity), total - n);
                    r.nextBytes(chunk);
                    assertThat(p.await(want, -1)).isGreaterThanOrEqualTo(want);
                    data.put(p.writeOffset(), chunk, 0, want);
                    crc.update(chunk, 0, want);
                    p.commit(want);
                    n += want;
                }
                p.close();
                return crc.getValue();
            });
            CRC32 crc = new CRC32();
            byte[] buf = new byte[1000];
            long got = 0;
            while (c.await(1, -1) > 0) {
                int n = c.read(buf, 0, buf.length);
                crc.update(buf, 0, n);
                got += n;
            }
            assertThat(got).isEqualTo(total);
            assertThat(crc.getValue()).isEqualTo(sent.get());
            c.close();
            assertThat(p.isPeerGone()).isTrue();
        } finally {
            pool.shutdownNow();
            LibC.close(fd);
        }
    }

    /** Sizes the memfd, maps it and initialises the ring through this (still writable) mapping. */
    static RingMapping mapped(int fd, int capacity) throws IOException {
        if (LibC.ftruncate(fd, RingDescriptor.backingSize(capacity)) != 0) {
            throw new IOException("ftruncate: " + Errno.describe(LibC.errno()));
        }
        RingMapping m = DoubleMapping.map(fd, capacity);
        SpscByteRing.initialise(m.control(), capacity, 0);
        SpscByteRing.publish(m.control());
        return m;
    }
}
