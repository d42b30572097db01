package io.myipc.bench;

import io.myipc.Capability;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The two sides of every measurement, used by the runner (pinger / writer) and by the peer JVM (ponger / reader).
 *
 * <p>Ping-pong protocol, 1-byte messages: data bytes 1..250; {@link #MARK} starts the measured part (the ponger
 * snapshots its CPU time and clock), {@link #END} ends it; both are echoed like data.
 */
public final class Measure {
    public static final byte MARK = (byte) 254;
    public static final byte END = 0;

    private Measure() {
    }

    /** User+system CPU time of this process in ns (all threads: JIT and GC included), -1 when unknown. */
    public static long processCpuNs() {
        return CpuClock.processCpuNs();
    }

    /** CPU time of the calling (measuring) thread in ns, -1 when unknown. */
    public static long threadCpuNs() {
        var t = java.lang.management.ManagementFactory.getThreadMXBean();
        return t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : -1;
    }

    static long diff(long a, long b) {
        return a < 0 || b < 0 ? -1 : b - a;
    }

    /** The byte at stream offset {@code o} of the correctness pattern: not periodic within 2^32 bytes. */
    public static byte pattern(long o) {
        return (byte) (((o * 0x9E3779B97F4A7C15L) >>> 56) ^ (o >>> 32));
    }

    static void pause(boolean yield) {
        if (yield) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    /** Reads exactly one byte (spinning on tryRead or blocking in read); throws at end of stream. */
    static byte readOne(IpcReader r, ByteBuffer one, boolean spin, boolean yield) throws IOException {
        one.clear();
        int n;
        if (spin) {
            while ((n = r.tryRead(one)) == 0) {
                pause(yield);
            }
        } else {
            n = r.read(one);
        }
        if (n < 0) {
            throw new IOException("the peer closed " + r.uri() + " in the middle of a ping-pong");
        }
        return one.get(0);
    }

    static void writeOne(IpcWriter w, ByteBuffer one, byte b) throws IOException {
        one.clear();
        one.put(0, b);
        w.write(one);
    }

    /** Result of the ponger (peer side of rtt and rate). */
    public record EchoResult(long count, long cpuNs, long wallNs, long threadCpuNs) {
    }

    /** The ponger: echoes every byte from {@code in} to {@code out} until {@link #END}. */
    public static EchoResult echo(IpcReader in, IpcWriter out, boolean spin, boolean yield) throws IOException {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        long count = 0, cpu0 = -1, t0 = 0, tc0 = -1;
        while (true) {
            byte b = readOne(in, one, spin, yield);
            if (b == MARK) {
                tc0 = threadCpuNs();
                cpu0 = processCpuNs();
                t0 = System.nanoTime();
                count = 0;
            }
            writeOne(out, one, b);
            if (b == END) {
                long t1 = System.nanoTime();
                long cpu1 = processCpuNs();
                long tc1 = threadCpuNs();
                if (t0 == 0) {
                    throw new IOException("ping-pong ended without its start mark");
                }
                return new EchoResult(count, diff(cpu0, cpu1), t1 - t0, diff(tc0, tc1));
            }
            count++;
        }
    }

    /** Result of the pinger. */
    public record PingResult(Histogram histogram, long count, long cpuNs, long wallNs, double achievedPerS,
                             long threadCpuNs) {
    }

    private static void roundTrip(IpcWriter out, IpcReader in, ByteBuffer one, byte b, boolean spin, boolean yield)
            throws IOException {
        writeOne(out, one, b);
        byte e = readOne(in, one, spin, yield);
        if (e != b) {
            throw new IOException("ping-pong over " + out.uri() + " / " + in.uri() + ": sent " + (b & 0xff)
                    + ", got " + (e & 0xff) + " back");
        }
    }

    /**
     * The pinger: {@code warmup} round trips, then the measured ones. {@code ratePerS > 0}: message i is sent at
     * {@code t0 + i/rate} and its latency counted from that intended time (no coordinated omission); {@code 0} with
     * {@code seconds > 0}: back to back for that long; otherwise {@code count} back-to-back round trips.
     */
    public static PingResult ping(IpcWriter out, IpcReader in, boolean spin, boolean yield, int warmup, long count,
                                  int ratePerS, double seconds) throws IOException {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < warmup; i++) {
            roundTrip(out, in, one, (byte) (1 + i % 250), spin, yield);
        }
        roundTrip(out, in, one, MARK, spin, yield);
        Histogram h = new Histogram(1, 3_600_000_000_000L, 3);
        long tc0 = threadCpuNs();
        long cpu0 = processCpuNs();
        long t0 = System.nanoTime();
        long n = 0;
        if (ratePerS > 0) {
            double interval = 1e9 / ratePerS;
            // A side that cannot keep up would otherwise stretch a point without bound (under TCG a 0.2 s point
            // at 100k/s took minutes); stop at twice the planned time, and not before a second more than planned
            // (a short point must survive a JIT or scheduling hiccup): the achieved rate then shows the overload.
            long planned = (long) (count * interval);
            long stop = t0 + Math.max(2 * planned, planned + 1_000_000_000L);
            for (long i = 0; i < count && System.nanoTime() < stop; i++) {
                long intended = t0 + (long) (i * interval);
                waitUntil(intended);
                roundTrip(out, in, one, (byte) (1 + i % 250), spin, yield);
                h.recordValue(Math.max(1, System.nanoTime() - intended));
                n++;
            }
        } else if (seconds > 0) {
            long deadline = t0 + (long) (seconds * 1e9);
            long now = t0;
            while (now < deadline) {
                roundTrip(out, in, one, (byte) (1 + n % 250), spin, yield);
                long t = System.nanoTime();
                h.recordValue(Math.max(1, t - now));
                now = t;
                n++;
            }
        } else {
            for (long i = 0; i < count; i++) {
                long s = System.nanoTime();
                roundTrip(out, in, one, (byte) (1 + i % 250), spin, yield);
                h.recordValue(Math.max(1, System.nanoTime() - s));
                n++;
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = processCpuNs();
        long tc1 = threadCpuNs();
        roundTrip(out, in, one, END, spin, yield);
        long wall = t1 - t0;
        return new PingResult(h, n, diff(cpu0, cpu1), wall, n * 1e9 / Math.max(1, wall), diff(tc0, tc1));
    }

    /** Parks until shortly before {@code deadline}, then spins to it (parkNanos alone overshoots by tens of µs). */
    static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 150_000) {
            LockSupport.parkNanos(left - 100_000);
        }
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }

    public static boolean zeroCopy(IpcWriter w) {
        return w.capabilities().contains(Capability.ZERO_COPY);
    }

    public static boolean zeroCopy(IpcReader r) {
        return r.capabilities().contains(Capability.ZERO_COPY);
    }

    /** Result of the throughput writer. */
    public record WriteResult(long bytes, long count, long cpuNs, long wallNs, long threadCpuNs) {
    }

    /**
     * Writes {@code total} bytes in {@code chunk}-byte writes, then waits for the reader's 1-byte acknowledgement
     * (so the time runs from the first write to the reader's last byte). Zero-copy transports: claim, write the chunk
     * in place, commit — split into claims of at most {@code maxClaimSize()}. Others: fill the write buffer, then
     * {@code write}. {@code verify}: every chunk carries the correctness pattern ({@link #pattern}); otherwise (a
     * timed run) every 8-byte word carries its sequence number ({@link FairWork}). {@code corruptAt >= 0} flips that
     * byte after filling (test hook).
     */
    public static WriteResult write(IpcWriter w, IpcReader ack, int chunk, long total, boolean verify, long corruptAt)
            throws IOException {
        ByteBuffer src = FairWork.buffer(chunk);
        boolean zc = zeroCopy(w);
        int maxClaim = zc ? w.maxClaimSize() : 0;
        long tc0 = threadCpuNs();
        long cpu0 = processCpuNs();
        long t0 = System.nanoTime();
        long off = 0, count = 0;
        while (off < total) {
            int n = (int) Math.min(chunk, total - off);
            if (zc) {
                int done = 0;
                while (done < n) {
                    int c = Math.min(n - done, maxClaim);
                    ByteBuf b = w.claim(c);
                    long at = off + done;
                    if (verify) {
                        for (int i = 0; i < c; i++) {
                            b.setByte(i, pattern(at + i));
                        }
                    } else {
                        FairWork.fill(b, 0, at, c);
                    }
                    if (corruptAt >= at && corruptAt < at + c) {
                        int k = (int) (corruptAt - at);
                        b.setByte(k, ~b.getByte(k));
                    }
                    w.commit(c);
                    done += c;
                }
            } else {
                if (verify) {
                    for (int i = 0; i < n; i++) {
                        src.put(i, pattern(off + i));
                    }
                } else {
                    FairWork.fill(src, 0, off, n);
                }
                if (corruptAt >= off && corruptAt < off + n) {
                    int k = (int) (corruptAt - off);
                    src.put(k, (byte) ~src.get(k));
                }
                src.clear().limit(n);
                w.write(src);
            }
            off += n;
            count++;
        }
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        if (ack.read(one) != 1 || one.get(0) != 1) {
            throw new IOException("the reader of " + w.uri() + " did not acknowledge the transfer");
        }
        long t1 = System.nanoTime();
        long cpu1 = processCpuNs();
        long tc1 = threadCpuNs();
        return new WriteResult(off, count, diff(cpu0, cpu1), t1 - t0, diff(tc0, tc1));
    }

    /**
     * Result of the throughput reader: {@code badOffset} is the first wrong byte of a correctness pass, or -1;
     * {@code sum} the fold of a timed run ({@link FairWork.Fold}), 0 for a correctness pass.
     */
    public record ReadResult(long bytes, long cpuNs, long wallNs, long badOffset, String badDetail, long threadCpuNs,
                             long sum) {
    }

    /**
     * Reads {@code total} bytes (views released whole on zero-copy transports, {@code read} into a chunk-sized
     * buffer otherwise), checking each against the pattern when {@code verify}, else folding every byte where it lies
     * (the read buffer, or the view in place) into the checksum of {@link FairWork}; then acknowledges with one byte.
     */
    public static ReadResult read(IpcReader r, IpcWriter ack, int chunk, long total, boolean verify)
            throws IOException {
        boolean zc = zeroCopy(r);
        ByteBuffer dst = zc ? null : FairWork.buffer(chunk);
        FairWork.Fold fold = new FairWork.Fold();
        long off = 0, bad = -1;
        String detail = null;
        long cpu0 = -1, t0 = 0, tc0 = -1;
        while (off < total) {
            if (zc) {
                ByteBuf v = r.view();
                if (t0 == 0) {
                    tc0 = threadCpuNs();
                    cpu0 = processCpuNs();
                    t0 = System.nanoTime();
                }
                int n = (int) Math.min(v.readableBytes(), total - off);
                if (n == 0) {
                    throw new IOException(r.uri() + " ended after " + off + " of " + total + " bytes");
                }
                if (verify && bad < 0) {
                    int base = v.readerIndex();
                    for (int i = 0; i < n; i++) {
                        byte want = pattern(off + i), got = v.getByte(base + i);
                        if (got != want) {
                            bad = off + i;
                            detail = "byte " + bad + " is " + (got & 0xff) + ", expected " + (want & 0xff);
                            break;
                        }
                    }
                } else if (!verify) {
                    fold.add(v, v.readerIndex(), n);
                }
                r.release(n);
                off += n;
            } else {
                dst.clear().limit((int) Math.min(chunk, total - off));
                int n = r.read(dst);
                if (t0 == 0) {
                    tc0 = threadCpuNs();
                    cpu0 = processCpuNs();
                    t0 = System.nanoTime();
                }
                if (n < 0) {
                    throw new IOException(r.uri() + " ended after " + off + " of " + total + " bytes");
                }
                if (verify && bad < 0) {
                    for (int i = 0; i < n; i++) {
                        byte want = pattern(off + i), got = dst.get(i);
                        if (got != want) {
                            bad = off + i;
                            detail = "byte " + bad + " is " + (got & 0xff) + ", expected " + (want & 0xff);
                            break;
                        }
                    }
                } else if (!verify) {
                    fold.add(dst, 0, n);
                }
                off += n;
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = processCpuNs();
        long tc1 = threadCpuNs();
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        one.put(0, (byte) 1);
        ack.write(one);
        return new ReadResult(off, diff(cpu0, cpu1), t1 - t0, bad, detail, diff(tc0, tc1), fold.sum());
    }
}
