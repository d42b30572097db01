package io.myipc.contract;

/** The data the contract tests send: every byte is a function of its position, so every byte can be checked. */
public final class Patterns {
    private Patterns() {
    }

    /** Byte {@code i} of a byte stream (period far longer than 256). */
    public static byte streamByte(long i) {
        return (byte) ((i ^ (i >>> 9) ^ (i >>> 17)) * 31 + 7);
    }

    /** Size of message {@code k} in {@code [min, max]}. */
    public static int messageSize(long k, int min, int max) {
        long h = k * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return min + (int) Long.remainderUnsigned(h, (long) max - min + 1);
    }

    /** Byte {@code j} of message {@code k}. */
    public static byte messageByte(long k, int j) {
        return (byte) (k * 131 + j * 7 + (k >>> 8));
    }
}
