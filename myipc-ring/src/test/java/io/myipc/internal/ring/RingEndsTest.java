package io.myipc.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SPI ends over a ring ({@link RingWriterEnd}, {@link RingReaderEnd}): claims and views are position..limit
 * of one reused buffer, contiguous across the wrap, and a view is read-only (the driver maps the consumer's data
 * pages read-only, so a put through a writable view would kill the JVM there).
 */
@Timeout(60)
class RingEndsTest {
    private static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    @Test
    void claimsAndViewsCarryEveryByteAcrossTheWrapAndViewsAreReadOnly() throws IOException {
        try (TestRings t = TestRings.create(SpscByteRingTest.CAP, 0)) {
            RingWriterEnd w = new RingWriterEnd(t.ring.producer(), () -> { }, "test ring", () -> "test");
            RingReaderEnd r = new RingReaderEnd(t.ring.consumer(), () -> { });
            long seq = 0;
            for (int round = 0; round < 40; round++) {
                int n = 1000 + round * 37; // 1000..2443 bytes: many claims cross the 4096-byte wrap
                ByteBuffer claim = w.claim(n, -1);
                assertThat(claim.remaining()).isEqualTo(n);
                int at = claim.position();
                for (int k = 0; k < n; k++) {
                    claim.put(at + k, pattern(seq + k));
                }
                w.commit(n);
                ByteBuffer view = r.view(n, -1);
                assertThat(view.remaining()).isEqualTo(n);
                assertThat(view.isReadOnly()).isTrue();
                int from = view.position();
                assertThatThrownBy(() -> view.put(from, (byte) 0)).isInstanceOf(ReadOnlyBufferException.class);
                for (int k = 0; k < n; k++) {
                    if (view.get(from + k) != pattern(seq + k)) {
                        throw new AssertionError("round " + round + ": byte " + (seq + k) + " is " + view.get(from + k));
                    }
                }
                r.release(n);
                seq += n;
            }
            assertThat(w.transportCounters()).isEmpty(); // none unless the transport gives a source
            r.countersFrom(() -> Map.of("driver.bytes_read", 7L));
            assertThat(r.transportCounters()).containsEntry("driver.bytes_read", 7L);
            w.close();
            assertThat(r.read(ByteBuffer.allocate(1), -1)).as("end of stream after the writer closed").isEqualTo(-1);
            r.close();
        }
    }
}
