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

/** The one {@link IpcReader} implementation: adds timeouts, ByteBuf adapters, copy-based views and framing. */
public final class DefaultIpcReader extends AbstractEnd implements IpcReader {
    /** Largest view on a transport without shared memory (the end's own buffer). */
    public static final int COPY_MAX_VIEW = 256 * 1024;

    private final ReaderEnd end;
    private final int maxView;
    /** Copy mode: bytes read from the transport but not yet consumed (read mode: position..limit). */
    private ByteBuffer pending;
    private boolean eof;
    private int viewed = -1;          // size of the outstanding view, -1 if none
    private int messageToRelease = -1; // bytes to release for the outstanding viewMessage, -1 if none

    public DefaultIpcReader(ChannelAddress address, Set<Capability> capabilities, IpcOptions options, ReaderEnd end) {
        super(address, capabilities, options);
        this.end = end;
        this.maxView = zeroCopy ? end.maxViewSize() : COPY_MAX_VIEW;
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
        return call(() -> readLoop(dst, -1));
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> readLoop(dst, t));
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        return call(() -> readLoop(dst, 0));
    }

    /** Reads at least one byte, -1 at EOF; {@code timeoutNanos == 0} returns 0 when nothing is there. */
    private int readLoop(ByteBuffer dst, long timeoutNanos) throws IOException, Closed {
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
        long start = System.nanoTime();
        while (true) {
            checkOpen();
            long rem = remaining(timeoutNanos, start);
            int n = end.read(dst, rem);
            if (n < 0) {
                eof = true;
                return -1;
            }
            if (n > 0) {
                bytes += n;
                return n;
            }
            if (rem == 0) {
                if (timeoutNanos == 0) {
                    return 0;
                }
                checkOpen();
                throw timeout("read", timeoutNanos, 0);
            }
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
        return call(() -> {
            int w = dst.writableBytes();
            if (w == 0) {
                return 0;
            }
            int n;
            if (dst.nioBufferCount() == 1) {
                ByteBuffer b = dst.nioBuffer(dst.writerIndex(), w);
                n = readLoop(b, timeoutNanos);
                if (n > 0) {
                    if (!dst.hasArray() && !dst.isDirect()) {
                        dst.setBytes(dst.writerIndex(), b.flip());
                    }
                    dst.writerIndex(dst.writerIndex() + n);
                }
            } else {
                ByteBuffer b = ByteBuffer.allocate(w);
                n = readLoop(b, timeoutNanos);
                if (n > 0) {
                    dst.writeBytes(b.flip());
                }
            }
            return n;
        });
    }

    // ---- view / release

    @Override
    public ByteBuf view() throws IOException {
        return call(() -> viewBuf(1, -1));
    }

    @Override
    public ByteBuf view(Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> viewBuf(1, t));
    }

    private ByteBuf viewBuf(int min, long timeoutNanos) throws IOException, Closed {
        checkNoMessageView();
        ByteBuffer b = viewRaw(min, timeoutNanos, "view");
        return wrap(b).asReadOnly();
    }

    /**
     * A view (position 0) of at least {@code min} bytes, or fewer at end of stream. Throws a timeout exception when
     * the deadline passes first.
     */
    private ByteBuffer viewRaw(int min, long timeoutNanos, String what) throws IOException, Closed {
        if (min > maxView) {
            throw new IllegalArgumentException(what + " of " + min + " bytes exceeds " + maxView);
        }
        long start = System.nanoTime();
        if (zeroCopy) {
            while (true) {
                checkOpen();
                long rem = remaining(timeoutNanos, start);
                ByteBuffer b = end.view(min, rem);
                if (b != null) {
                    viewed = b.limit();
                    return b;
                }
                if (rem == 0) {
                    checkOpen();
                    throw timeout(what, timeoutNanos, 0);
                }
            }
        }
        if (pending == null) {
            pending = ByteBuffer.allocateDirect(Math.max(min, 64 * 1024)).order(ByteOrder.BIG_ENDIAN).limit(0);
        }
        while (pending.remaining() < min && !eof) {
            if (pending.capacity() < min) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(Math.min(maxView, Math.max(min, pending.capacity() * 2)));
                bigger.put(pending).flip();
                pending = bigger;
            }
            pending.compact(); // write mode
            checkOpen();
            long rem = remaining(timeoutNanos, start);
            int n;
            try {
                n = end.read(pending, rem);
            } finally {
                pending.flip();
            }
            if (n < 0) {
                eof = true;
            } else if (n == 0 && rem == 0) {
                checkOpen();
                throw timeout(what, timeoutNanos, 0);
            }
        }
        viewed = pending.remaining();
        return pending.slice();
    }

    @Override
    public void release(int n) throws IOException {
        call(() -> {
            checkNoMessageView();
            releaseRaw(n);
            return null;
        });
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
        return call(() -> message(-1, true));
    }

    @Override
    public ByteBuf readMessage(Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> message(t, true));
    }

    @Override
    public ByteBuf viewMessage() throws IOException {
        return call(() -> message(-1, false));
    }

    @Override
    public ByteBuf viewMessage(Duration timeout) throws IOException {
        long t = toNanos(timeout);
        return call(() -> message(t, false));
    }

    @Override
    public void releaseMessage() throws IOException {
        call(() -> {
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
            return null;
        });
    }

    private void checkNoMessageView() {
        if (messageToRelease >= 0) {
            throw new IllegalStateException("a message from viewMessage on channel '" + channel()
                    + "' is outstanding: call releaseMessage first");
        }
    }

    /** Reads one message; {@code copy} returns an owned buffer, otherwise a view released by releaseMessage. */
    private ByteBuf message(long timeoutNanos, boolean copy) throws IOException, Closed {
        checkNoMessageView();
        ByteBuffer h = viewRaw(Framing.HEADER, timeoutNanos, "readMessage");
        if (h.limit() < Framing.HEADER) {
            viewed = -1;
            if (h.limit() == 0) {
                return null;
            }
            throw Framing.truncated(channel(), h.limit(), Framing.HEADER);
        }
        int len = Framing.checkHeader(h.order(ByteOrder.BIG_ENDIAN).getInt(0), maxMessageSize(), channel());
        int total = len + Framing.HEADER;
        if (total <= maxView) {
            ByteBuffer b = h.limit() >= total ? h : viewRaw(total, -1, "readMessage");
            if (b.limit() < total) {
                viewed = -1;
                throw Framing.truncated(channel(), b.limit(), total);
            }
            if (copy) {
                ByteBuf out = Unpooled.buffer(len, len);
                out.writeBytes(b.duplicate().position(Framing.HEADER).limit(total));
                releaseRaw(total);
                messages++;
                return out;
            }
            messageToRelease = total;
            messages++;
            return wrap(b.duplicate().limit(total)).slice(Framing.HEADER, len).asReadOnly();
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
        ByteBuf result = Unpooled.wrappedBuffer(out.flip());
        messages++;
        if (!copy) {
            messageToRelease = 0;
        }
        return result;
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
