package io.myipc.internal.ring;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.ring.file.DoubleMapping;
import io.myipc.internal.ring.file.FutexRingWaiter;
import java.io.IOException;

/** Rings over an anonymous memfd, double-mapped like a /dev/shm segment, waking through futex. */
final class TestRings implements AutoCloseable {
    final RingMapping mapping;
    final SpscByteRing ring;

    private TestRings(RingMapping mapping, SpscByteRing ring) {
        this.mapping = mapping;
        this.ring = ring;
    }

    static TestRings create(int capacity, long initialIndex) throws IOException {
        return create(capacity, initialIndex, RingWaitPolicy.DEFAULT);
    }

    static TestRings create(int capacity, long initialIndex, RingWaitPolicy policy) throws IOException {
        int fd = LibC.memfd_create("myipc-ring-test", 1 /* MFD_CLOEXEC */);
        if (fd < 0) {
            throw new IOException("memfd_create: " + Errno.describe(LibC.errno()));
        }
        try {
            if (LibC.ftruncate(fd, RingDescriptor.backingSize(capacity)) != 0) {
                throw new IOException("ftruncate: " + Errno.describe(LibC.errno()));
            }
            RingMapping m = DoubleMapping.map(fd, capacity);
            SpscByteRing.initialise(m.control(), capacity, initialIndex);
            SpscByteRing.publish(m.control());
            FutexRingWaiter waiter = new FutexRingWaiter(m.address(), m.control());
            SpscByteRing ring = new SpscByteRing(m.control(), m.data(), waiter, policy);
            ring.setState(RingSide.PRODUCER, RingDescriptor.END_OPEN);
            ring.setState(RingSide.CONSUMER, RingDescriptor.END_OPEN);
            return new TestRings(m, ring);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public void close() {
        mapping.close();
    }
}
