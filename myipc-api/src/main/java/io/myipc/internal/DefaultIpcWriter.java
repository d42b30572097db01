package io.myipc.internal;

import io.myipc.Capability;
import io.myipc.IpcMetrics;
import io.myipc.IpcOptions;
import io.myipc.IpcTimeoutException;
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

/**
 * The one {@link IpcWriter} implementation: adds timeouts, ByteBuf adapters, copy-based claims and framing.
 *
 * <p>Every call first tries without waiting (no clock, no lock: see {@link AbstractEnd}); only a call that must wait
 * becomes interruptible and reads the clock, and only if it has a deadline.
 */
public final class DefaultIpcWriter extends AbstractEnd implements IpcWriter {
    /** Largest claim on a transport without shared memory (the end's own buffer). */
    public static final int COPY_MAX_CLAIM = 256 * 1024;

    private final WriterEnd end;
    private final int maxClaim;
    private final boolean kernelBlocks;
    private final boolean gathers;
    private final FlyweightByteBuf claimBuf = new FlyweightByteBuf();
    private final ByteBuffer header = ByteBuffer.allocateDirect(Framing.HEADER).order(ByteOrder.BIG_ENDIAN);
    private ByteBuffer copyBuffer; // copy mode: the claim buffer
    private int claimed = -1;     // size of the outstanding claim, -1 if none
    private ByteBuffer claimBase; // the outstanding claim: claimBase[claimStart, claimStart + claimed)
    private int claimStart;
    private boolean messageClaim;

    public DefaultIpcWriter(ChannelAddress address, Set<Capability> capabilities, IpcOptions options, WriterEnd end) {
        super(address, capabilities, options);
        this.end = end;
        this.maxClaim = zeroCopy ? end.maxClaimSize() : COPY_MAX_CLAIM;
        this.kernelBlocks = end.blocksInKernel();
        this.gathers = !zeroCopy && end.gathers();
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
        return writeStream(src, -1);
    }

    @Override
    public int write(ByteBuffer src, Duration timeout) throws IOException {
        return writeStream(src, toNanos(timeout));
    }

    @Override
    public int tryWrite(ByteBuffer src) throws IOException {
        return writeStream(src, 0);
    }

    private int writeStream(ByteBuffer src, long timeoutNanos) throws IOException {
        enter();
        try {
            checkNoClaim();
            return writeLoop(src, timeoutNanos);
        } finally {
            exit();
        }
    }

    /**
     * Writes {@code src}: {@code timeoutNanos == 0} what fits now; otherwise all of it, waiting forever ({@code < 0})
     * or until the deadline passes, which throws {@link IpcTimeoutException}. Runs inside enter/exit.
     */
    private int writeLoop(ByteBuffer src, long timeoutNanos) throws IOException {
        if (timeoutNanos < 0 && kernelBlocks) {
            return writeBlocking(src, -1, 0); // one system call; the kernel waits if it must
        }
        int total = 0;
        while (src.hasRemaining()) {
            int n = end.write(src, 0);
            if (n == 0) {
                break;
            }
            total += n;
        }
        bytes += total;
        if (!src.hasRemaining() || timeoutNanos == 0) {
            return total;
        }
        return writeBlocking(src, timeoutNanos, total);
    }

    /** The part of a write that waits: interruptible, closeable, the clock read only for a deadline. */
    private int writeBlocking(ByteBuffer src, long timeoutNanos, int done) throws IOException {
        int total = done;
        boolean completed = false;
        beginBlocking();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            while (src.hasRemaining()) {
                if (!isOpen()) {
                    return total; // endBlocking throws
                }
                long rem = timeoutNanos < 0 ? -1 : remaining(timeoutNanos, start);
                int n = end.write(src, rem);
                total += n;
                bytes += n;
                if (n == 0 && rem == 0) {
                    if (!isOpen()) {
                        return total;
                    }
                    completed = true;
                    throw timeout("write", timeoutNanos, total);
                }
            }
            completed = true;
            return total;
        } finally {
            endBlocking(completed);
        }
    }

    @Override
    public int write(ByteBuf src) throws IOException {
        return writeBuf(src, -1);
    }

    @Override
    public int write(ByteBuf src, Duration timeout) throws IOException {
        return writeBuf(src, toNanos(timeout));
    }

    @Override
    public int tryWrite(ByteBuf src) throws IOException {
        return writeBuf(src, 0);
    }

    private int writeBuf(ByteBuf src, long timeoutNanos) throws IOException {
        enter();
        try {
            checkNoClaim();
            int len = src.readableBytes();
            if (len == 0) {
                return 0;
            }
            int index = src.readerIndex();
            if (src.nioBufferCount() == 1) {
                ByteBuffer b = src.internalNioBuffer(index, len); // the buffer's own cached NIO view
                int p = b.position();
                try {
                    return writeLoop(b, timeoutNanos);
                } finally {
                    src.readerIndex(index + (b.position() - p));
                }
            }
            int total = 0;
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            try {
                for (ByteBuffer b : src.nioBuffers(index, len)) {
                    long rem = timeoutNanos <= 0 ? timeoutNanos : Math.max(1, remaining(timeoutNanos, start));
                    int p = b.position();
                    try {
                        writeLoop(b, rem);
                    } catch (IpcTimeoutException e) {
                        total += b.position() - p;
                        throw timeout("write", timeoutNanos, total);
                    }
                    total += b.position() - p;
                    if (b.hasRemaining()) {
                        break;
                    }
                }
            } finally {
                src.readerIndex(index + total);
            }
            return total;
        } finally {
            exit();
        }
    }

    // ---- claim / commit

    /**
     * {@inheritDoc}
     *
     * <p>The returned buffer belongs to this end and is reused by its next claim: it is valid until {@link #commit}
     * or {@link #abort()}, and the caller never {@code release()}s it.
     */
    @Override
    public ByteBuf claim(int n) throws IOException {
        return claimBuf(n, -1);
    }

    @Override
    public ByteBuf claim(int n, Duration timeout) throws IOException {
        return claimBuf(n, toNanos(timeout));
    }

    private ByteBuf claimBuf(int n, long timeoutNanos) throws IOException {
        enter();
        try {
            claimRaw(n, timeoutNanos);
            return claimBuf.reset(claimBase, claimStart, n, false);
        } finally {
            exit();
        }
    }

    /** Claims {@code n} bytes: sets {@link #claimBase}, {@link #claimStart} and {@link #claimed}. */
    private void claimRaw(int n, long timeoutNanos) throws IOException {
        checkNoClaim();
        if (n < 0 || n > maxClaim) {
            throw new IllegalArgumentException("claim of " + n + " bytes on channel '" + channel()
                    + "': must be in 0.." + maxClaim + " (maxClaimSize of this transport)");
        }
        ByteBuffer b;
        if (zeroCopy) {
            b = end.claim(n, 0);
            if (b == null && timeoutNanos != 0) {
                b = claimBlocking(n, timeoutNanos);
            }
            if (b == null) {
                throw timeout("claim of " + n + " bytes", timeoutNanos, 0);
            }
            claimBase = b;
            claimStart = b.position();
        } else {
            if (copyBuffer == null || copyBuffer.capacity() < n) {
                copyBuffer = ByteBuffer.allocateDirect(Math.max(n, 4096)).order(ByteOrder.BIG_ENDIAN);
            }
            claimBase = copyBuffer.clear();
            claimStart = 0;
        }
        claimed = n;
    }

    private ByteBuffer claimBlocking(int n, long timeoutNanos) throws IOException {
        boolean completed = false;
        beginBlocking();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            while (isOpen()) {
                long rem = timeoutNanos < 0 ? -1 : remaining(timeoutNanos, start);
                ByteBuffer b = end.claim(n, rem);
                if (b != null || (rem == 0 && isOpen())) {
                    completed = true;
                    return b;
                }
            }
            return null; // closed: endBlocking throws
        } finally {
            endBlocking(completed);
        }
    }

    @Override
    public void commit(int n) throws IOException {
        enter();
        try {
            commitRaw(n);
        } finally {
            exit();
        }
    }

    /** Abandons the outstanding claim (or claimMessage) without publishing anything; does nothing without one. */
    @Override
    public void abort() throws IOException {
        enter();
        try {
            if (claimed >= 0) {
                commitRaw(0);
            }
        } finally {
            exit();
        }
    }

    private void commitRaw(int n) throws IOException {
        if (claimed < 0) {
            throw new IllegalStateException("commit without a claim on channel '" + channel() + "'");
        }
        if (n < 0 || n > claimed) {
            throw new IllegalArgumentException("commit of " + n + " bytes, but " + claimed + " were claimed");
        }
        claimed = -1;
        messageClaim = false;
        if (zeroCopy) {
            claimBase = null;
            end.commit(n);
            bytes += n;
        } else {
            claimBase = null;
            ByteBuffer b = copyBuffer.clear().limit(n);
            writeLoop(b, -1);
        }
    }

    private void checkNoClaim() {
        if (claimed >= 0) {
            throw new IllegalStateException("a claim of " + claimed + " bytes on channel '" + channel()
                    + "' is outstanding: commit it (or abort() it) before writing");
        }
    }

    @Override
    public int maxClaimSize() {
        return maxClaim;
    }

    // ---- messages

    @Override
    public void writeMessage(ByteBuffer message) throws IOException {
        enter();
        try {
            writeMessageRaw(message);
        } finally {
            exit();
        }
    }

    private void writeMessageRaw(ByteBuffer message) throws IOException {
        checkNoClaim();
        int len = message.remaining();
        Framing.checkWritable(len, maxMessageSize());
        if (gathers && message.isDirect()) {
            header.clear().putInt(0, len);
            writeGathering(header, message);
        } else if (len + Framing.HEADER <= maxClaim) {
            claimRaw(len + Framing.HEADER, -1);
            ByteBuffer b = claimBase;
            int at = claimStart;
            b.order(ByteOrder.BIG_ENDIAN).putInt(at, len);
            b.put(at + Framing.HEADER, message, message.position(), len);
            message.position(message.limit());
            commitRaw(len + Framing.HEADER);
        } else {
            header.clear().putInt(0, len);
            writeLoop(header, -1);
            writeLoop(message, -1);
        }
        messages++;
    }

    /** Header and payload in one system call ({@code writev}) where the transport gathers; no copy. */
    private void writeGathering(ByteBuffer h, ByteBuffer m) throws IOException {
        int total = h.remaining() + m.remaining();
        if (!kernelBlocks) {
            end.write(h, m, 0);
        }
        if (h.hasRemaining() || m.hasRemaining()) {
            boolean completed = false;
            beginBlocking();
            try {
                while (h.hasRemaining() || m.hasRemaining()) {
                    if (!isOpen()) {
                        return; // endBlocking throws
                    }
                    end.write(h, m, -1);
                }
                completed = true;
            } finally {
                endBlocking(completed);
            }
        }
        bytes += total;
    }

    @Override
    public void writeMessage(ByteBuf message) throws IOException {
        enter();
        try {
            int len = message.readableBytes();
            Framing.checkWritable(len, maxMessageSize());
            if (message.nioBufferCount() == 1) {
                ByteBuffer b = message.internalNioBuffer(message.readerIndex(), len);
                writeMessageRaw(b);
            } else {
                ByteBuffer copy = ByteBuffer.allocate(len);
                message.getBytes(message.readerIndex(), copy);
                writeMessageRaw(copy.flip());
            }
            message.skipBytes(len);
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The returned buffer belongs to this end and is reused by its next claim: it is valid until {@link
     * #commitMessage} or {@link #abort()}, and the caller never {@code release()}s it.
     */
    @Override
    public ByteBuf claimMessage(int maxLength) throws IOException {
        enter();
        try {
            Framing.checkWritable(maxLength, maxMessageSize());
            if (maxLength < 0 || maxLength + Framing.HEADER > maxClaim) {
                throw new IllegalArgumentException("claimMessage(" + maxLength + ") on channel '" + channel()
                        + "': must be in 0.." + (maxClaim - Framing.HEADER)
                        + " (maxClaimSize - 4); use writeMessage for larger messages");
            }
            claimRaw(maxLength + Framing.HEADER, -1);
            messageClaim = true;
            return claimBuf.reset(claimBase, claimStart + Framing.HEADER, maxLength, false);
        } finally {
            exit();
        }
    }

    @Override
    public void commitMessage(int length) throws IOException {
        enter();
        try {
            if (!messageClaim) {
                throw new IllegalStateException("commitMessage without claimMessage on channel '" + channel() + "'");
            }
            if (length < 0 || length + Framing.HEADER > claimed) {
                throw new IllegalArgumentException("commitMessage(" + length + "), but room for "
                        + (claimed - Framing.HEADER) + " bytes was claimed");
            }
            claimBase.order(ByteOrder.BIG_ENDIAN).putInt(claimStart, length);
            commitRaw(length + Framing.HEADER);
            messages++;
        } finally {
            exit();
        }
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
