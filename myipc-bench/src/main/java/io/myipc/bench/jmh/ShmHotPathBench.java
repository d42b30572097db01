package io.myipc.bench.jmh;

import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The hot paths of the shm: transport in one thread (the ring never fills: every write is read back at once):
 * claim/commit then view/release, and message framing (writeMessage/viewMessage, claimMessage/commitMessage).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShmHotPathBench {
    @Param({"64", "4096"})
    public int size;

    private Channels.Pair ch;
    private IpcWriter w;
    private IpcReader r;
    private ByteBuffer msg;

    @Setup(Level.Trial)
    public void open() throws Exception {
        ch = Channels.open(Channels.uri("shm", "1MiB", 0));
        w = ch.writer();
        r = ch.reader();
        msg = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) msg.put(i, (byte) i);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ch.close();
    }

    /** claim(size), one long written, commit; view, release: the zero-copy byte stream round trip in one thread. */
    @Benchmark
    public long claimCommitViewRelease() throws Exception {
        ByteBuf b = w.claim(size);
        b.setLong(0, size);
        w.commit(size);
        ByteBuf v = r.view();
        long x = v.getByte(v.readerIndex());
        r.release(v.readableBytes());
        return x;
    }

    /** Framing: writeMessage (header + payload) then viewMessage/releaseMessage. */
    @Benchmark
    public int writeMessageViewMessage() throws Exception {
        msg.clear();
        w.writeMessage(msg);
        ByteBuf m = r.viewMessage();
        int n = m.readableBytes();
        r.releaseMessage();
        return n;
    }

    /** Framing without a copy on the writer: claimMessage/commitMessage then viewMessage/releaseMessage. */
    @Benchmark
    public int claimMessageViewMessage() throws Exception {
        ByteBuf b = w.claimMessage(size);
        b.setLong(0, size);
        w.commitMessage(size);
        ByteBuf m = r.viewMessage();
        int n = m.readableBytes();
        r.releaseMessage();
        return n;
    }
}
