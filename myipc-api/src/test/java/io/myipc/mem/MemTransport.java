package io.myipc.mem;

import io.myipc.Capability;
import io.myipc.IpcConfigException;
import io.myipc.PeerClosedException;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.Transport;
import io.myipc.spi.TransportParameter;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Test-only in-process transport {@code mem:<name>?capacity=<bytes>} with {@link Capability#ZERO_COPY}, so that
 * the API layer's zero-copy paths (claim/commit/view/release handed to the transport, framing over views) run in
 * myipc-api's own build. Not published: the test-jar excludes its service entry.
 *
 * <p>The ring is a buffer of twice the capacity kept mirrored (byte {@code x} equals byte {@code x + capacity}
 * over the readable region), so every claim and view is contiguous, like the double mapping of the real rings.
 * A lock and two conditions do the waiting; it is a test double, not a fast path.
 */
public final class MemTransport implements Transport {
    private static final Map<String, Channel> CHANNELS = new HashMap<>();

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ZERO_COPY);
    }

    /** {@code zerocopy=false} drops ZERO_COPY for that address: the API layer then copies (per-address capabilities). */
    @Override
    public Set<Capability> capabilities(ChannelAddress address) throws IpcConfigException {
        return address.booleanParam("zerocopy", true) ? capabilities() : EnumSet.noneOf(Capability.class);
    }

    @Override
    public String syntax() {
        return "mem:<name>";
    }

    @Override
    public List<TransportParameter> parameters() {
        return List.of(new TransportParameter("capacity", "65536", "ring size in bytes like 4096 or 64KiB"),
                new TransportParameter("zerocopy", "true", "false: the ends do not declare ZERO_COPY"));
    }

    private static Channel channel(ChannelAddress a) throws IpcConfigException {
        int capacity = (int) a.sizeParam("capacity", 65536, 16, 1 << 28);
        synchronized (CHANNELS) {
            return CHANNELS.computeIfAbsent(a.target(), n -> new Channel(n, capacity));
        }
    }

    @Override
    public WriterEnd openWriter(ChannelAddress address, OpenContext context) throws IOException {
        Channel c = channel(address);
        c.rendezvous(true, context);
        return c.new Writer();
    }

    @Override
    public ReaderEnd openReader(ChannelAddress address, OpenContext context) throws IOException {
        Channel c = channel(address);
        c.rendezvous(false, context);
        return c.new Reader();
    }

    static final class Channel {
        final String name;
        final int capacity;
        final ByteBuffer buf;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        long head; // consumed
        long tail; // committed
        boolean writer;
        boolean reader;
        boolean writerGone;
        boolean readerGone;
        int wakeups;

        Channel(String name, int capacity) {
            this.name = name;
            this.capacity = capacity;
            this.buf = ByteBuffer.allocateDirect(2 * capacity);
        }

        void rendezvous(boolean isWriter, OpenContext ctx) throws IOException {
            lock.lock();
            try {
                if (isWriter ? writer : reader) {
                    throw new IOException("mem:" + name + " already has a " + (isWriter ? "writer" : "reader"));
                }
                if (isWriter) {
                    writer = true;
                } else {
                    reader = true;
                }
                changed.signalAll();
                while (!(isWriter ? reader : writer)) {
                    long left = ctx.remainingNanos();
                    if (left == 0) {
                        if (isWriter) {
                            writer = false;
                        } else {
                            reader = false;
                        }
                        throw ctx.timeout("a " + (isWriter ? "reader" : "writer") + " to open mem:" + name);
                    }
                    try {
                        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ctx.checkInterrupted();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits for a change; false if the wait should end (timeout, wakeup). */
        boolean await(long timeoutNanos, int wakeupsAtStart) {
            if (timeoutNanos == 0 || wakeups != wakeupsAtStart) {
                return false;
            }
            try {
                if (timeoutNanos < 0) {
                    changed.await();
                } else {
                    changed.awaitNanos(timeoutNanos);
                }
            } catch (InterruptedException e) {
                return false; // the API layer's interrupt handling wakes us; don't eat the status
            }
            return false; // one wait per call; the API layer loops
        }

        /** Copies the committed region {@code [start, start + n)} (start < capacity) to its mirror. */
        void mirror(int start, int n) {
            ByteBuffer src = buf.duplicate();
            int low = Math.min(n, capacity - start);
            buf.put(start + capacity, src, start, low);
            if (n > low) {
                buf.put(0, src, capacity, n - low);
            }
        }

        void closeEnd(boolean isWriter) {
            lock.lock();
            try {
                if (isWriter) {
                    writerGone = true;
                } else {
                    readerGone = true;
                }
                changed.signalAll();
                if (writerGone && readerGone) {
                    synchronized (CHANNELS) {
                        CHANNELS.remove(name, this);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        void wakeupAll() {
            lock.lock();
            try {
                wakeups++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        final class Writer implements WriterEnd {
            private int claimStart = -1;

            @Override
            public int write(ByteBuffer src, long timeoutNanos) throws IOException {
                ByteBuffer c = claim(Math.min(src.remaining(), capacity), timeoutNanos, false);
                if (c == null) {
                    return 0;
                }
                int n = c.remaining();
                c.put(0, src, src.position(), n);
                src.position(src.position() + n);
                commit(n);
                return n;
            }

            @Override
            public ByteBuffer claim(int n, long timeoutNanos) throws IOException {
                return claim(n, timeoutNanos, true);
            }

            private ByteBuffer claim(int n, long timeoutNanos, boolean exact) throws IOException {
                lock.lock();
                try {
                    int w = wakeups;
                    while (true) {
                        if (readerGone) {
                            throw new PeerClosedException("mem:" + name + ": the reader has closed");
                        }
                        int free = (int) (capacity - (tail - head));
                        if (exact ? free >= n : free > 0) {
                            int size = exact ? n : Math.min(n, free);
                            claimStart = (int) (tail % capacity);
                            return buf.duplicate().position(claimStart).limit(claimStart + size).slice();
                        }
                        await(timeoutNanos, w);
                        if (timeoutNanos >= 0 || wakeups != w) {
                            if (readerGone) {
                                throw new PeerClosedException("mem:" + name + ": the reader has closed");
                            }
                            free = (int) (capacity - (tail - head));
                            if (!(exact ? free >= n : free > 0)) {
                                return null;
                            }
                        }
                    }
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void commit(int n) {
                lock.lock();
                try {
                    mirror(claimStart, n);
                    tail += n;
                    claimStart = -1;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public int maxClaimSize() {
                return capacity;
            }

            @Override
            public void wakeup() {
                wakeupAll();
            }

            @Override
            public void close() {
                closeEnd(true);
            }
        }

        final class Reader implements ReaderEnd {
            @Override
            public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
                ByteBuffer v = view(1, timeoutNanos);
                if (v == null) {
                    return 0;
                }
                if (!v.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(v.remaining(), dst.remaining());
                dst.put(dst.position(), v, 0, n);
                dst.position(dst.position() + n);
                release(n);
                return n;
            }

            @Override
            public ByteBuffer view(int minBytes, long timeoutNanos) {
                lock.lock();
                try {
                    int w = wakeups;
                    while (true) {
                        int avail = (int) (tail - head);
                        if (avail >= minBytes || writerGone) {
                            int start = (int) (head % capacity);
                            return buf.duplicate().position(start).limit(start + avail).slice().asReadOnlyBuffer();
                        }
                        await(timeoutNanos, w);
                        if (timeoutNanos >= 0 || wakeups != w) {
                            avail = (int) (tail - head);
                            if (avail < minBytes && !writerGone) {
                                return null;
                            }
                        }
                    }
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void release(int n) {
                lock.lock();
                try {
                    head += n;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public int maxViewSize() {
                return capacity;
            }

            @Override
            public void wakeup() {
                wakeupAll();
            }

            @Override
            public void close() {
                closeEnd(false);
            }
        }
    }
}
