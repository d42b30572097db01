package io.myipc.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

/**
 * In-process ping-pong of 1-byte messages between two threads over two channels of one transport ({@code @Group}):
 * the time per operation of each thread is one round trip. Both threads poll with tryRead (spinning), and give up
 * when JMH ends the iteration. {@code -p transport=kmod} needs /dev/myipc0 and /dev/myipc1.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PingPongBench {
    @Param({"pipe", "shm"})
    public String transport;

    private Channels.Pair a, b;
    private final ByteBuffer pingBuf = ByteBuffer.allocateDirect(1);
    private final ByteBuffer pongBuf = ByteBuffer.allocateDirect(1);

    @Setup(Level.Trial)
    public void open() throws Exception {
        a = Channels.open(Channels.uri(transport, "64KiB", 0));
        b = Channels.open(Channels.uri(transport, "64KiB", 1));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        a.close();
        b.close();
    }

    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public int ping(Control control) throws Exception {
        pingBuf.clear();
        a.writer().write(pingBuf);
        int n = 0;
        while (!control.stopMeasurement) {
            pingBuf.clear();
            if ((n = b.reader().tryRead(pingBuf)) != 0) {
                break;
            }
            Thread.onSpinWait();
        }
        return n;
    }

    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public int pong(Control control) throws Exception {
        while (!control.stopMeasurement) {
            pongBuf.clear();
            if (a.reader().tryRead(pongBuf) != 0) {
                pongBuf.flip();
                b.writer().write(pongBuf);
                return 1;
            }
            Thread.onSpinWait();
        }
        return 0;
    }
}
