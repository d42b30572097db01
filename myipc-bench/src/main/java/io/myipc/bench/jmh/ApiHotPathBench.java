package io.myipc.bench.jmh;

import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every hot call of the API in one thread, on {@code pipe:} and {@code shm:}: each benchmark writes and reads back
 * at once, so the channel never fills and never waits. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the
 * allocation per write+read pair (0 B/op is the goal); {@link RingBaselineBench} is the same work on the bare ring.
 * Every call family of {@link IpcWriter} and {@link IpcReader} is here, in its ByteBuffer and ByteBuf forms (the
 * timed forms through {@code write}/{@code read} with a {@code Duration}; the timed {@code claim}, {@code view} and
 * {@code viewMessage} are not measured apart), except {@code readMessage()}, which returns a new buffer owned by the
 * caller by contract: {@code readMessage(ByteBuf)} is its allocation-free form. {@code myipc-bench/jmh-alloc-check}
 * runs them all as the allocation gate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ApiHotPathBench {
    /** Message and claim size in bytes. */
    private static final int SIZE = 64;

    @Param({"pipe", "shm"})
    public String transport;

    private Channels.Pair ch;
    private IpcWriter w;
    private IpcReader r;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer oneIn = ByteBuffer.allocateDirect(1);
    private final ByteBuffer msg = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuf into = io.netty.buffer.Unpooled.buffer(SIZE);
    private final ByteBuf oneBuf = io.netty.buffer.Unpooled.directBuffer(1);
    private final ByteBuf oneBufIn = io.netty.buffer.Unpooled.directBuffer(1);
    private final ByteBuf msgBuf = io.netty.buffer.Unpooled.directBuffer(SIZE);
    private final Duration timeout = Duration.ofSeconds(10);

    @Setup(Level.Trial)
    public void open() throws Exception {
        ch = Channels.open(Channels.uri(transport, "64KiB", 0));
        w = ch.writer();
        r = ch.reader();
        for (int i = 0; i < SIZE; i++) {
            msg.put(i, (byte) i);
            msgBuf.setByte(i, i);
        }
        oneBuf.setByte(0, 1);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ch.close();
    }

    /** write(ByteBuffer) of 1 byte, then tryRead(ByteBuffer) of it. */
    @Benchmark
    public int writeTryRead() throws Exception {
        one.clear();
        w.write(one);
        oneIn.clear();
        return r.tryRead(oneIn);
    }

    /** tryWrite(ByteBuffer) of 1 byte, then read(ByteBuffer) of it. */
    @Benchmark
    public int tryWriteRead() throws Exception {
        one.clear();
        w.tryWrite(one);
        oneIn.clear();
        return r.read(oneIn);
    }

    /** write(ByteBuf) of 1 byte, then tryRead(ByteBuf) of it. */
    @Benchmark
    public int writeTryReadByteBuf() throws Exception {
        w.write(oneBuf.setIndex(0, 1));
        return r.tryRead(oneBufIn.clear());
    }

    /** tryWrite(ByteBuf) of 1 byte, then read(ByteBuf) of it. */
    @Benchmark
    public int tryWriteReadByteBuf() throws Exception {
        w.tryWrite(oneBuf.setIndex(0, 1));
        return r.read(oneBufIn.clear());
    }

    /** write(ByteBuffer, Duration) of 1 byte, then read(ByteBuffer, Duration) of it: the calls with a deadline. */
    @Benchmark
    public int writeReadTimeout() throws Exception {
        one.clear();
        w.write(one, timeout);
        oneIn.clear();
        return r.read(oneIn, timeout);
    }

    /** claim(64), one long written, commit; view, release. */
    @Benchmark
    public long claimCommitViewRelease() throws Exception {
        ByteBuf b = w.claim(SIZE);
        b.setLong(0, SIZE);
        w.commit(SIZE);
        ByteBuf v = r.view();
        long x = v.getByte(v.readerIndex());
        r.release(v.readableBytes());
        return x;
    }

    /** writeMessage(ByteBuffer) of 64 bytes, then viewMessage/releaseMessage. */
    @Benchmark
    public int writeMessageViewMessage() throws Exception {
        msg.clear();
        w.writeMessage(msg);
        ByteBuf m = r.viewMessage();
        int n = m.readableBytes();
        r.releaseMessage();
        return n;
    }

    /** writeMessage(ByteBuffer) of 64 bytes, then readMessage(ByteBuf) into one reused heap buffer. */
    @Benchmark
    public int writeMessageReadMessageInto() throws Exception {
        msg.clear();
        w.writeMessage(msg);
        return r.readMessage(into.clear());
    }

    /** writeMessage(ByteBuf) of 64 bytes, then readMessage(ByteBuf) into one reused heap buffer. */
    @Benchmark
    public int writeMessageByteBufReadMessageInto() throws Exception {
        w.writeMessage(msgBuf.setIndex(0, SIZE));
        return r.readMessage(into.clear());
    }

    /** claim(64) then abort(), claimMessage(64) then abort(): the abandoned claims, nothing published. */
    @Benchmark
    public int claimAbort() throws Exception {
        ByteBuf b = w.claim(SIZE);
        b.setLong(0, SIZE);
        int n = b.capacity();
        w.abort();
        ByteBuf m = w.claimMessage(SIZE);
        m.setLong(0, SIZE);
        n += m.capacity();
        w.abort();
        return n;
    }

    /** claimMessage(64), one long written, commitMessage; viewMessage/releaseMessage. */
    @Benchmark
    public int claimMessageViewMessage() throws Exception {
        ByteBuf b = w.claimMessage(SIZE);
        b.setLong(0, SIZE);
        w.commitMessage(SIZE);
        ByteBuf m = r.viewMessage();
        int n = m.readableBytes();
        r.releaseMessage();
        return n;
    }
}
