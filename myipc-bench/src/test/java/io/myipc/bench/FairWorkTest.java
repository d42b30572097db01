package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fair-work pattern and its checksum (SPEC C4), without a transport. */
class FairWorkTest {
    /** The stream of {@code bytes} bytes as the writer fills it, in chunks of {@code chunk}. */
    static ByteBuffer stream(int bytes, int chunk) {
        ByteBuffer all = FairWork.buffer(bytes);
        ByteBuffer c = FairWork.buffer(chunk);
        for (int off = 0; off < bytes; off += chunk) {
            int n = Math.min(chunk, bytes - off);
            FairWork.fill(c, 0, off, n);
            for (int i = 0; i < n; i++) {
                all.put(off + i, c.get(i));
            }
        }
        return all;
    }

    /** Folds {@code s} in reads of random sizes (split words included), as a reader gets them. */
    static long foldInRandomReads(ByteBuffer s, long seed) {
        Random rnd = new Random(seed);
        FairWork.Fold f = new FairWork.Fold();
        int off = 0;
        while (off < s.capacity()) {
            int n = Math.min(1 + rnd.nextInt(37), s.capacity() - off);
            f.add(s, off, n);
            off += n;
        }
        assertThat(f.bytes()).isEqualTo(s.capacity());
        return f.sum();
    }

    @Test
    void wordKHoldsKLittleEndian() {
        ByteBuffer s = stream(64, 64);
        for (int k = 0; k < 8; k++) {
            assertThat(s.getLong(8 * k)).isEqualTo(k);
        }
        assertThat(s.get(8)).isEqualTo((byte) 1);
        assertThat(FairWork.byteAt(8 * 258 + 1)).isEqualTo((byte) 1); // 258 = 0x0102
    }

    @Test
    void theClosedFormIsTheSumOfTheWords() {
        assertThat(FairWork.expectedSum(0)).isZero();
        assertThat(FairWork.expectedSum(8)).isZero();
        assertThat(FairWork.expectedSum(16)).isEqualTo(1);
        assertThat(FairWork.expectedSum(8 * 100)).isEqualTo(4950);
        // wraps mod 2^64 like the fold: n = 2^33 words
        long n = 1L << 33;
        assertThat(FairWork.expectedSum(8 * n)).isEqualTo((n / 2) * (n - 1));
    }

    @Test
    void foldOfSplitReadsEqualsTheClosedForm() {
        for (int chunk : new int[] {8, 64, 4096, 65536}) {
            ByteBuffer s = stream(1 << 18, chunk);
            for (long seed = 1; seed <= 3; seed++) {
                assertThat(foldInRandomReads(s, seed)).as("chunk " + chunk).isEqualTo(FairWork.expectedSum(1 << 18));
            }
        }
    }

    @Test
    void oneFlippedByteFailsTheChecksum() {
        ByteBuffer s = stream(1 << 16, 4096);
        for (int at : new int[] {0, 7, 40000, (1 << 16) - 1}) {
            ByteBuffer bad = FairWork.buffer(1 << 16);
            bad.put(s.duplicate().clear());
            bad.put(at, (byte) ~bad.get(at));
            assertThat(foldInRandomReads(bad, at)).as("flipped byte " + at).isNotEqualTo(FairWork.expectedSum(1 << 16));
        }
    }

    @Test
    void theByteBufPathsMatchTheByteBufferPaths() {
        int bytes = 1 << 14;
        ByteBuf claim = Unpooled.directBuffer(bytes, bytes);
        // the writer claims unaligned pieces (a ring claim may start anywhere in the stream)
        int off = 0;
        Random rnd = new Random(7);
        while (off < bytes) {
            int n = Math.min(1 + rnd.nextInt(100), bytes - off);
            FairWork.fill(claim, off, off, n);
            off += n;
        }
        ByteBuffer s = stream(bytes, 64);
        for (int i = 0; i < bytes; i++) {
            assertThat(claim.getByte(i)).as("byte " + i).isEqualTo(s.get(i));
        }
        FairWork.Fold f = new FairWork.Fold();
        off = 0;
        while (off < bytes) {
            int n = Math.min(1 + rnd.nextInt(100), bytes - off);
            f.add(claim, off, n);
            off += n;
        }
        assertThat(f.sum()).isEqualTo(FairWork.expectedSum(bytes));
        claim.release();
    }
}
