package io.myipc.internal;

import io.myipc.Capability;
import io.myipc.IpcMetrics;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.ReaderEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The one {@link IpcReader} implementation: adds timeouts, ByteBuf adapters, copy-based views and framing.
 *
 * <p>Every call first tries without waiting (no clock, no lock: see {@link AbstractEnd}); only a call that must wait
 * becomes interruptible and reads the clock, and only if it has a deadline.
 */
public final class DefaultIpcReader extends AbstractEnd implements IpcReader {
    /** Largest view on a transport without shared memory (the end's own buffer). */
    public static final int COPY_MAX_VIEW = 256 * 1024;

    private final ReaderEnd end;
    private final int maxView;
    private final boolean kernelBlocks;
    private final FlyweightByteBuf viewBuf = new FlyweightByteBuf();
    /** Copy mode: bytes read from the transport but not yet consumed (read mode: position..limit). */
    private ByteBuffer pending;
    private boolean eof;
    private int viewed = -1;          // size of the outstanding view, -1 if none
    private int messageToRelease = -1; // bytes to release for the outstanding viewMessage, -1 if none
    private ByteBuffer msgBase;        // the last message(): header at msgStart
    private int msgStart;

    public DefaultIpcReader(ChannelAddress address, Set<Capability> capabilities, IpcOptions options, ReaderEnd end) {
        super(address, capabilities, options);
        this.end = end;
        this.maxView = zeroCopy ? end.maxViewSize() : COPY_MAX_VIEW;
        this.kernelBlocks = end.blocksInKernel();
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
    public int read(ByteBuffer dst) throws IOException {
        return readStream(dst, -1);
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        return readStream(dst, toNanos(timeout));
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        return readStream(dst, 0);
    }

    private int readStream(ByteBuffer dst, long timeoutNanos) throws IOException {
        enter();
        try {
            return readLoop(dst, timeoutNanos);
        } finally {
            exit();
        }
    }

    /** Reads at least one byte, -1 at EOF; {@code timeoutNanos == 0} returns 0 when nothing is there. */
    private int readLoop(ByteBuffer dst, long timeoutNanos) throws IOException {
        checkNoMessageView();
        viewed = -1;
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pending != null && pending.hasRemaining()) {
            int n = Math.min(pending.remaining(), dst.remaining());
            dst.put(dst.position(), pending, pending.position(), n);
            dst.position(dst.position() + n);
            pending.position(pending.position() + n);
            bytes += n;
            return n;
        }
        if (eof) {
            return -1;
        }
        int n;
        if (timeoutNanos < 0 && kernelBlocks) {
            n = readBlocking(dst, -1); // one system call; the kernel waits if it must
        } else {
            n = end.read(dst, 0);
            if (n == 0 && timeoutNanos != 0) {
                n = readBlocking(dst, timeoutNanos);
            }
        }
        if (n < 0) {
            eof = true;
            return -1;
        }
        bytes += n;
        return n;
    }

    /** The part of a read that waits: interruptible, closeable, the clock read only for a deadline. */
    private int readBlocking(ByteBuffer dst, long timeoutNanos) throws IOException {
        boolean completed = false;
        beginBlocking();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            while (isOpen()) {
                long rem = timeoutNanos < 0 ? -1 : remaining(timeoutNanos, start);
                int n = end.read(dst, rem);
                if (n != 0) {
                    completed = true;
                    return n;
                }
                if (rem == 0 && isOpen()) {
                    completed = true;
                    throw timeout("read", timeoutNanos, 0);
                }
            }
            return 0; // closed: endBlocking throws
        } finally {
            endBlocking(completed);
        }
    }

    @Override
    public int read(ByteBuf dst) throws IOException {
        return readBuf(dst, -1);
    }

    @Override
    public int read(ByteBuf dst, Duration timeout) throws IOException {
        return readBuf(dst, toNanos(timeout));
    }

    @Override
    public int tryRead(ByteBuf dst) throws IOException {
        return readBuf(dst, 0);
    }

    private int readBuf(ByteBuf dst, long timeoutNanos) throws IOException {
        enter();
        try {
            int w = dst.writableBytes();
            if (w == 0) {
                return 0;
            }
            int n;
            if (dst.nioBufferCount() == 1) {
                int index = dst.writerIndex();
                ByteBuffer b = dst.internalNioBuffer(index, w); // the buffer's own cached NIO view
                int p = b.position();
                n = readLoop(b, timeoutNanos);
                if (n > 0) {
                    if (!dst.hasArray() && !dst.isDirect()) {
                        dst.setBytes(index, b.flip().position(p));
                    }
                    dst.writerIndex(index + n);
                }
            } else {
                ByteBuffer b = ByteBuffer.allocate(w);
                n = readLoop(b, timeoutNanos);
                if (n > 0) {
                    dst.writeBytes(b.flip());
                }
            }
            return n;
        } finally {
            exit();
        }
    }

    // ---- view / release

    /**
     * {@inheritDoc}
     *
     * <p>The returned buffer belongs to this end and is reused by its next view: it is valid until {@link #release}
     * (or the next call on this end), and the caller never {@code release()}s it.
     */
    @Override
    public ByteBuf view() throws IOException {
        return viewBuf(-1);
    }

    @Override
    public ByteBuf view(Duration timeout) throws IOException {
        return viewBuf(toNanos(timeout));
    }

    private ByteBuf viewBuf(long timeoutNanos) throws IOException {
        enter();
        try {
            checkNoMessageView();
            ByteBuffer b = viewRaw(1, timeoutNanos, "view");
            return viewBuf.reset(b, b.position(), b.remaining(), true);
        } finally {
            exit();
        }
    }

    /**
     * A view (position..limit) of at least {@code min} bytes, or fewer at end of stream. Throws a timeout exception
     * when the deadline passes first. The buffer is the transport's or this end's, reused by the next call.
     */
    private ByteBuffer viewRaw(int min, long timeoutNanos, String what) throws IOException {
        if (min > maxView) {
            throw new IllegalArgumentException(what + " of " + min + " bytes exceeds " + maxView);
        }
        if (zeroCopy) {
            ByteBuffer b = end.view(min, 0);
            if (b == null && timeoutNanos != 0) {
                b = viewBlocking(min, timeoutNanos);
            }
            if (b == null) {
                throw timeout(what, timeoutNanos, 0);
            }
            viewed = b.remaining();
            return b;
        }
        if (pending == null) {
            pending = ByteBuffer.allocateDirect(Math.max(min, 64 * 1024)).order(ByteOrder.BIG_ENDIAN).limit(0);
        }
        if (pending.remaining() < min && !eof) {
            fillPending(min, timeoutNanos, what);
        }
        viewed = pending.remaining();
        return pending;
    }

    private ByteBuffer viewBlocking(int min, long timeoutNanos) throws IOException {
        boolean completed = false;
        beginBlocking();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            while (isOpen()) {
                long rem = timeoutNanos < 0 ? -1 : remaining(timeoutNanos, start);
                ByteBuffer b = end.view(min, rem);
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

    /** Copy mode: reads into {@link #pending} until it holds {@code min} bytes or the stream ends. */
    private void fillPending(int min, long timeoutNanos, String what) throws IOException {
        if (pending.capacity() < min) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.min(maxView, Math.max(min, pending.capacity() * 2)))
                    .order(ByteOrder.BIG_ENDIAN);
            bigger.put(pending).flip();
            pending = bigger;
        }
        int n;
        if (timeoutNanos >= 0 || !kernelBlocks) { // else the blocking read below is the only system call
            pending.compact(); // write mode
            try {
                n = end.read(pending, 0);
            } finally {
                pending.flip();
            }
            if (n < 0) {
                eof = true;
                return;
            }
            if (pending.remaining() >= min || timeoutNanos == 0) {
                return;
            }
        }
        boolean completed = false;
        beginBlocking();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            while (pending.remaining() < min && !eof) {
                if (!isOpen()) {
                    return; // endBlocking throws
                }
                long rem = timeoutNanos < 0 ? -1 : remaining(timeoutNanos, start);
                pending.compact();
                try {
                    n = end.read(pending, rem);
                } finally {
                    pending.flip();
                }
                if (n < 0) {
                    eof = true;
                } else if (n == 0 && rem == 0 && isOpen()) {
                    completed = true;
                    throw timeout(what, timeoutNanos, 0);
                }
            }
            completed = true;
        } finally {
            endBlocking(completed);
        }
    }

    @Override
    public void release(int n) throws IOException {
        enter();
        try {
            checkNoMessageView();
            releaseRaw(n);
        } finally {
            exit();
        }
    }

    private void releaseRaw(int n) throws IOException {
        if (viewed < 0) {
            throw new IllegalStateException("release without a view on channel '" + channel() + "'");
        }
        if (n < 0 || n > viewed) {
            throw new IllegalArgumentException("release of " + n + " bytes, but the view had " + viewed);
        }
        viewed = -1;
        if (n == 0) {
            return;
        }
        bytes += n;
        if (zeroCopy) {
            end.release(n);
        } else {
            pending.position(pending.position() + n);
        }
    }

    // ---- messages

    @Override
    public ByteBuf readMessage() throws IOException {
        return readMessageCopy(-1);
    }

    @Override
    public ByteBuf readMessage(Duration timeout) throws IOException {
        return readMessageCopy(toNanos(timeout));
    }

    private ByteBuf readMessageCopy(long timeoutNanos) throws IOException {
        enter();
        try {
            int len = message(timeoutNanos);
            if (len < 0) {
                return null;
            }
            ByteBuf out = Unpooled.buffer(len, len);
            out.writeBytes(msgBase.duplicate().limit(msgStart + Framing.HEADER + len)
                    .position(msgStart + Framing.HEADER));
            releaseRaw(len + Framing.HEADER);
            messages++;
            return out;
        } catch (LargeMessage m) {
            messages++;
            return Unpooled.wrappedBuffer(m.payload);
        } finally {
            exit();
        }
    }

    /**
     * Reads the next message into the writable bytes of {@code dst} (growing it as {@link ByteBuf#ensureWritable(int)}
     * does) and advances its writer index. Returns the message length, or -1 at end of stream.
     */
    @Override
    public int readMessage(ByteBuf dst) throws IOException {
        enter();
        try {
            int len = message(-1);
            if (len < 0) {
                return -1;
            }
            dst.ensureWritable(len);
            int w = dst.writerIndex();
            dst.setBytes(w, viewBuf.reset(msgBase, msgStart + Framing.HEADER, len, true), 0, len);
            dst.writerIndex(w + len);
            releaseRaw(len + Framing.HEADER);
            messages++;
            return len;
        } catch (LargeMessage m) {
            messages++;
            dst.writeBytes(m.payload);
            return m.payload.capacity();
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The returned buffer belongs to this end and is reused by its next view: it is valid until {@link
     * #releaseMessage()}, and the caller never {@code release()}s it.
     */
    @Override
    public ByteBuf viewMessage() throws IOException {
        return viewMessage(-1);
    }

    @Override
    public ByteBuf viewMessage(Duration timeout) throws IOException {
        return viewMessage(toNanos(timeout));
    }

    private ByteBuf viewMessage(long timeoutNanos) throws IOException {
        enter();
        try {
            int len = message(timeoutNanos);
            if (len < 0) {
                return null;
            }
            messageToRelease = len + Framing.HEADER;
            messages++;
            return viewBuf.reset(msgBase, msgStart + Framing.HEADER, len, true);
        } catch (LargeMessage m) {
            messageToRelease = 0;
            messages++;
            return Unpooled.wrappedBuffer(m.payload).asReadOnly();
        } finally {
            exit();
        }
    }

    @Override
    public void releaseMessage() throws IOException {
        enter();
        try {
            if (messageToRelease < 0) {
                throw new IllegalStateException("releaseMessage without viewMessage on channel '" + channel() + "'");
            }
            int n = messageToRelease;
            messageToRelease = -1;
            if (n > 0) {
                releaseRaw(n);
            } else {
                viewed = -1;
            }
        } finally {
            exit();
        }
    }

    private void checkNoMessageView() {
        if (messageToRelease >= 0) {
            throw new IllegalStateException("a message from viewMessage on channel '" + channel()
                    + "' is outstanding: call releaseMessage first");
        }
    }

    /** A message larger than the contiguous window, read into a buffer of its own (header consumed). */
    private static final class LargeMessage extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ByteBuffer payload;

        LargeMessage(ByteBuffer payload) {
            super(null, null, false, false);
            this.payload = payload;
        }
    }

    /**
     * Views the next message: returns its length, header and payload being {@code msgBase[msgStart, msgStart + 4 +
     * length)} (viewed, not yet released), or -1 at end of stream. A message larger than the window is copied out
     * and thrown as {@link LargeMessage}.
     */
    private int message(long timeoutNanos) throws IOException, LargeMessage {
        checkNoMessageView();
        ByteBuffer h = viewRaw(Framing.HEADER, timeoutNanos, "readMessage");
        int have = h.remaining();
        if (have < Framing.HEADER) {
            viewed = -1;
            if (have == 0) {
                return -1;
            }
            throw Framing.truncated(channel(), have, Framing.HEADER);
        }
        int len = Framing.checkHeader(h.order(ByteOrder.BIG_ENDIAN).getInt(h.position()), maxMessageSize(),
                channel());
        int total = len + Framing.HEADER;
        if (total <= maxView) {
            ByteBuffer b = have >= total ? h : viewRaw(total, -1, "readMessage");
            if (b.remaining() < total) {
                viewed = -1;
                throw Framing.truncated(channel(), b.remaining(), total);
            }
            msgBase = b;
            msgStart = b.position();
            return len;
        }
        // larger than the contiguous window: header consumed, payload copied out by stream reads
        releaseRaw(Framing.HEADER);
        ByteBuffer out = ByteBuffer.allocate(len);
        while (out.hasRemaining()) {
            int n = readLoop(out, -1);
            if (n < 0) {
                throw Framing.truncated(channel(), Framing.HEADER + out.position(), total);
            }
        }
        throw new LargeMessage(out.flip());
    }

    @Override
    public IpcMetrics metrics() {
        Map<String, Long> counters;
        try {
            counters = isOpen() ? end.transportCounters() : Map.of();
        } catch (IOException | RuntimeException e) {
            counters = Map.of();
        }
        return new IpcMetrics(0, 0, bytes, messages, end.waits(), end.wakeups(), counters);
    }

    @Override
    public String toString() {
        return "IpcReader[" + channel() + (channel().equals(uri()) ? "" : " -> " + uri()) + "]";
    }
}
