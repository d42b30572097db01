package io.myipc.bench;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The work of every timed throughput run (SPEC C4): the stream is a sequence of little-endian 64-bit words, word k
 * (stream offset 8k) holds k. The writer writes every word of every chunk into the memory it hands over; the reader
 * folds every byte it got, where it lies, into a wrapping 64-bit sum (a word split across two reads is completed from
 * the bytes of both), and the sum must equal n(n-1)/2 for n words.
 */
public final class FairWork {
    /** The label of every record whose run did this work. */
    public static final String WORK = "every byte written and read";

    private FairWork() {
    }

    /** The byte at stream offset {@code o} of the timed pattern. */
    static byte byteAt(long o) {
        return (byte) ((o >>> 3) >>> (8 * (o & 7)));
    }

    /** n(n-1)/2 mod 2^64 for the words of a {@code bytes}-byte stream (a multiple of 8). */
    public static long expectedSum(long bytes) {
        long n = bytes >>> 3;
        return (n & 1) == 0 ? (n >>> 1) * (n - 1) : n * ((n - 1) >>> 1);
    }

    /** Writes the pattern of stream offsets {@code off .. off+n} at {@code b[at .. at+n]} ({@code b} little-endian). */
    static void fill(ByteBuffer b, int at, long off, int n) {
        int i = 0;
        while (i < n && ((off + i) & 7) != 0) {
            b.put(at + i, byteAt(off + i));
            i++;
        }
        for (; i + 8 <= n; i += 8) {
            b.putLong(at + i, (off + i) >>> 3);
        }
        for (; i < n; i++) {
            b.put(at + i, byteAt(off + i));
        }
    }

    /** As {@link #fill(ByteBuffer, int, long, int)} into a claimed buffer, in place. */
    static void fill(ByteBuf b, int at, long off, int n) {
        int i = 0;
        while (i < n && ((off + i) & 7) != 0) {
            b.setByte(at + i, byteAt(off + i));
            i++;
        }
        for (; i + 8 <= n; i += 8) {
            b.setLongLE(at + i, (off + i) >>> 3);
        }
        for (; i < n; i++) {
            b.setByte(at + i, byteAt(off + i));
        }
    }

    /** A new direct buffer in the pattern's byte order. */
    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The reader's fold: feed it every byte in stream order, then {@link #sum()}. */
    public static final class Fold {
        private long off;
        private long sum;
        private long partial;

        /** Folds {@code b[at .. at+n]}, the next {@code n} bytes of the stream ({@code b} little-endian). */
        public void add(ByteBuffer b, int at, int n) {
            int i = 0;
            while (i < n && (off & 7) != 0) {
                one(b.get(at + i));
                i++;
            }
            long s = 0;
            int words = (n - i) >>> 3;
            for (int k = 0; k < words; k++, i += 8) {
                s += b.getLong(at + i);
            }
            sum += s;
            off += 8L * words;
            for (; i < n; i++) {
                one(b.get(at + i));
            }
        }

        /** As {@link #add(ByteBuffer, int, int)} for a view, read in place. */
        public void add(ByteBuf b, int at, int n) {
            int i = 0;
            while (i < n && (off & 7) != 0) {
                one(b.getByte(at + i));
                i++;
            }
            long s = 0;
            int words = (n - i) >>> 3;
            for (int k = 0; k < words; k++, i += 8) {
                s += b.getLongLE(at + i);
            }
            sum += s;
            off += 8L * words;
            for (; i < n; i++) {
                one(b.getByte(at + i));
            }
        }

        private void one(byte v) {
            partial |= (v & 0xffL) << (8 * (off & 7));
            off++;
            if ((off & 7) == 0) {
                sum += partial;
                partial = 0;
            }
        }

        /** The sum of the words folded so far (an incomplete last word counts with the bytes it has). */
        public long sum() {
            return sum + partial;
        }

        public long bytes() {
            return off;
        }
    }
}
