package io.myipc.internal;

import io.myipc.Capability;
import io.myipc.IpcMetrics;
import io.myipc.IpcOptions;
import io.myipc.IpcWriter;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.WriterEnd;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The one {@link IpcWriter} implementation: adds timeouts, ByteBuf adapters, copy-based claims and framing. */
public final class DefaultIpcWriter extends AbstractEnd implements IpcWriter {
    /** Largest claim on a transport without shared memory (the end's own buffer). */
    public static final int COPY_MAX_CLAIM = 256 * 1024;

    private final WriterEnd end;
    private final int maxClaim;
    private ByteBuffer copyBuffer; // copy mode: the claim buffer
    private int claimed = -1;     // size of the outstanding claim, -1 if none
    private ByteBuffer zcClaim;   // zero-copy mode: the outstanding claim
    private boolean messageClaim;

    public DefaultIpcWriter(ChannelAddress address, Set<Capability> capabilities, IpcOptions options, WriterEnd end) {
        super(address, capabilities, options);
        this.end = end;
        this.maxClaim = zeroCopy ? end.maxClaimSize() : COPY_MAX_CLAIM;
    }

    @Override
    void spiWakeup() {
        end.wakeup();
    }

    @Override
    void spiClose() throws IOException {
        end.close();
    }

    // ---- byte stream

    @Override
    public int write(ByteBuffer src) throws IOException {
        return call(() -> writeLoop(src, -1, true));
    }

    @Override
    public int write(ByteBuffer src, Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> writeLoop(src, t, true));
    }

    @Override
    public int tryWrite(ByteBuffer src) throws IOException {
        return call(() -> writeLoop(src, 0, false));
    }

    /**
     * Writes {@code src}; {@code timeoutNanos < 0} waits forever. With {@code all}, a deadline that passes before
     * everything is written throws {@link io.myipc.IpcTimeoutException}; without, returns what fit.
     */
    private int writeLoop(ByteBuffer src, long timeoutNanos, boolean all) throws IOException, Closed {
        checkNoClaim();
        int total = 0;
        long start = System.nanoTime();
        while (src.hasRemaining()) {
            checkOpen();
            long rem = remaining(timeoutNanos, start);
            int n = end.write(src, rem);
            total += n;
            bytes += n;
            if (rem == 0 && src.hasRemaining() && (n == 0 || !all)) {
                if (all) {
                    checkOpen();
                    throw timeout("write", timeoutNanos, total);
                }
                if (n == 0) {
                    break;
                }
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuf src) throws IOException {
        return writeBuf(src, -1, true);
    }

    @Override
    public int write(ByteBuf src, Duration timeout) throws IOException {
        return writeBuf(src, toNanos(timeout), true);
    }

    @Override
    public int tryWrite(ByteBuf src) throws IOException {
        return writeBuf(src, 0, false);
    }

    private int writeBuf(ByteBuf src, long timeoutNanos, boolean all) throws IOException {
        return call(() -> {
            int total = 0;
            long start = System.nanoTime();
            try {
                for (ByteBuffer b : src.nioBuffers(src.readerIndex(), src.readableBytes())) {
                    long rem = timeoutNanos < 0 ? -1 : Math.max(0, timeoutNanos - (System.nanoTime() - start));
                    int n;
                    try {
                        n = writeLoop(b, rem, all);
                    } catch (io.myipc.IpcTimeoutException e) {
                        total += e.bytesTransferred;
                        io.myipc.IpcTimeoutException t = timeout("write", timeoutNanos, total);
                        throw t;
                    }
                    total += n;
                    if (b.hasRemaining()) {
                        break;
                    }
                }
            } finally {
                src.skipBytes(total);
            }
            return total;
        });
    }

    // ---- claim / commit

    @Override
    public ByteBuf claim(int n) throws IOException {
        return call(() -> wrapClaim(claimRaw(n, -1), n));
    }

    @Override
    public ByteBuf claim(int n, Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> wrapClaim(claimRaw(n, t), n));
    }

    private static ByteBuf wrapClaim(ByteBuffer b, int n) {
        ByteBuf buf = wrap(b.duplicate().limit(n));
        return buf.clear();
    }

    private ByteBuffer claimRaw(int n, long timeoutNanos) throws IOException, Closed {
        checkNoClaim();
        if (n < 0 || n > maxClaim) {
            throw new IllegalArgumentException("claim of " + n + " bytes on channel '" + channel()
                    + "': must be in 0.." + maxClaim + " (maxClaimSize of this transport)");
        }
        ByteBuffer b;
        if (zeroCopy) {
            long start = System.nanoTime();
            while (true) {
                checkOpen();
                long rem = remaining(timeoutNanos, start);
                b = end.claim(n, rem);
                if (b != null) {
                    break;
                }
                if (rem == 0) {
                    checkOpen();
                    throw timeout("claim of " + n + " bytes", timeoutNanos, 0);
                }
            }
            zcClaim = b;
        } else {
            if (copyBuffer == null || copyBuffer.capacity() < n) {
                copyBuffer = ByteBuffer.allocateDirect(Math.max(n, 4096)).order(ByteOrder.BIG_ENDIAN);
            }
            b = copyBuffer.clear().limit(n);
        }
        claimed = n;
        return b;
    }

    @Override
    public void commit(int n) throws IOException {
        call(() -> {
            commitRaw(n);
            return null;
        });
    }

    private void commitRaw(int n) throws IOException, Closed {
        if (claimed < 0) {
            throw new IllegalStateException("commit without a claim on channel '" + channel() + "'");
        }
        if (n < 0 || n > claimed) {
            throw new IllegalArgumentException("commit of " + n + " bytes, but " + claimed + " were claimed");
        }
        claimed = -1;
        messageClaim = false;
        if (zeroCopy) {
            zcClaim = null;
            end.commit(n);
            bytes += n;
        } else {
            ByteBuffer b = copyBuffer.clear().limit(n);
            writeLoop(b, -1, true);
        }
    }

    private void checkNoClaim() {
        if (claimed >= 0) {
            throw new IllegalStateException("a claim of " + claimed + " bytes on channel '" + channel()
                    + "' is outstanding: commit it (commit(0) abandons it) before writing");
        }
    }

    @Override
    public int maxClaimSize() {
        return maxClaim;
    }

    // ---- messages

    @Override
    public void writeMessage(ByteBuffer message) throws IOException {
        call(() -> {
            writeMessageRaw(message);
            return null;
        });
    }

    private void writeMessageRaw(ByteBuffer message) throws IOException, Closed {
        int len = message.remaining();
        Framing.checkWritable(len, maxMessageSize());
        if (len + Framing.HEADER <= maxClaim) {
            ByteBuffer b = claimRaw(len + Framing.HEADER, -1);
            b.order(ByteOrder.BIG_ENDIAN).putInt(0, len);
            b.put(Framing.HEADER, message, message.position(), len);
            message.position(message.limit());
            commitRaw(len + Framing.HEADER);
        } else {
            ByteBuffer h = ByteBuffer.allocate(Framing.HEADER).putInt(0, len);
            writeLoop(h, -1, true);
            writeLoop(message, -1, true);
        }
        messages++;
    }

    @Override
    public void writeMessage(ByteBuf message) throws IOException {
        call(() -> {
            int len = message.readableBytes();
            Framing.checkWritable(len, maxMessageSize());
            if (message.nioBufferCount() == 1) {
                writeMessageRaw(message.nioBuffer(message.readerIndex(), len));
            } else {
                ByteBuffer copy = ByteBuffer.allocate(len);
                message.getBytes(message.readerIndex(), copy);
                writeMessageRaw(copy.flip());
            }
            message.skipBytes(len);
            return null;
        });
    }

    @Override
    public ByteBuf claimMessage(int maxLength) throws IOException {
        return call(() -> {
            Framing.checkWritable(maxLength, maxMessageSize());
            if (maxLength < 0 || maxLength + Framing.HEADER > maxClaim) {
                throw new IllegalArgumentException("claimMessage(" + maxLength + ") on channel '" + channel()
                        + "': must be in 0.." + (maxClaim - Framing.HEADER)
                        + " (maxClaimSize - 4); use writeMessage for larger messages");
            }
            ByteBuffer b = claimRaw(maxLength + Framing.HEADER, -1);
            messageClaim = true;
            return wrap(b.duplicate().limit(maxLength + Framing.HEADER)).slice(Framing.HEADER, maxLength).clear();
        });
    }

    @Override
    public void commitMessage(int length) throws IOException {
        call(() -> {
            if (!messageClaim) {
                throw new IllegalStateException("commitMessage without claimMessage on channel '" + channel() + "'");
            }
            if (length < 0 || length + Framing.HEADER > claimed) {
                throw new IllegalArgumentException("commitMessage(" + length + "), but room for "
                        + (claimed - Framing.HEADER) + " bytes was claimed");
            }
            ByteBuffer b = zeroCopy ? zcClaim : copyBuffer;
            b.order(ByteOrder.BIG_ENDIAN).putInt(0, length);
            commitRaw(length + Framing.HEADER);
            messages++;
            return null;
        });
    }

    @Override
    public IpcMetrics metrics() {
        Map<String, Long> counters;
        try {
            counters = isOpen() ? end.transportCounters() : Map.of();
        } catch (IOException | RuntimeException e) {
            counters = Map.of();
        }
        return new IpcMetrics(bytes, messages, 0, 0, end.waits(), end.wakeups(), counters);
    }

    @Override
    public String toString() {
        return "IpcWriter[" + channel() + (channel().equals(uri()) ? "" : " -> " + uri()) + "]";
    }
}
