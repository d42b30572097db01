package io.myipc.bench.jmh;

import io.myipc.internal.posix.LibC;
import io.myipc.internal.ring.RingConsumer;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingMapping;
import io.myipc.internal.ring.RingProducer;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWaitPolicy;
import io.myipc.internal.ring.SpscByteRing;
import io.myipc.internal.ring.file.DoubleMapping;
import io.myipc.internal.ring.file.FutexRingWaiter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link ApiHotPathBench}: the same work on the bare ring ({@link RingProducer}/{@link RingConsumer}
 * over a double-mapped memfd, futex waiter), in one thread, no API layer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RingBaselineBench {
    private static final int CAPACITY = 64 * 1024;
    private static final int SIZE = 64;

    private RingMapping mapping;
    private RingProducer producer;
    private RingConsumer consumer;
    private ByteBuffer data;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer oneIn = ByteBuffer.allocateDirect(1);

    @Setup(Level.Trial)
    public void open() throws IOException {
        int fd = LibC.memfd_create("myipc-jmh-ring", 1 /* MFD_CLOEXEC */);
        if (fd < 0) {
            throw new IOException("memfd_create failed");
        }
        try {
            if (LibC.ftruncate(fd, RingDescriptor.backingSize(CAPACITY)) != 0) {
                throw new IOException("ftruncate failed");
            }
            mapping = DoubleMapping.map(fd, CAPACITY);
        } finally {
            LibC.close(fd);
        }
        SpscByteRing.initialise(mapping.control(), CAPACITY, 0);
        SpscByteRing.publish(mapping.control());
        SpscByteRing ring = new SpscByteRing(mapping.control(), mapping.data(),
                new FutexRingWaiter(mapping.address(), mapping.control()), RingWaitPolicy.DEFAULT);
        ring.setState(RingSide.PRODUCER, RingDescriptor.END_OPEN);
        ring.setState(RingSide.CONSUMER, RingDescriptor.END_OPEN);
        producer = ring.producer();
        consumer = ring.consumer();
        data = ring.data();
    }

    @TearDown(Level.Trial)
    public void close() {
        mapping.close();
    }

    /** write of 1 byte, then read of it: the floor of ApiHotPathBench.writeTryRead. */
    @Benchmark
    public int writeRead() throws IOException {
        one.clear();
        producer.write(one);
        oneIn.clear();
        return consumer.read(oneIn);
    }

    /** 64 bytes claimed (one long written), committed, viewed, released. */
    @Benchmark
    public long claimCommitViewRelease() throws IOException {
        if (producer.writable(SIZE) >= SIZE) {
            data.putLong(producer.writeOffset(), SIZE);
            producer.commit(SIZE);
        }
        int n = consumer.available();
        long x = data.get(consumer.readOffset());
        consumer.release(n);
        return x;
    }
}
