package io.myipc.shm.internal;

import static io.myipc.shm.internal.ShmNative.*;

import com.sun.jna.Pointer;
import io.myipc.internal.ring.RingDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A ring file mapped so its data pages appear twice back to back:
 *
 * <pre>
 *   base                 base+C               base+C+cap             base+C+2cap
 *   | control pages (C)  | data (file C..)    | data again (same pages) |
 *   C = RingDescriptor.CONTROL_SIZE (0x3000: header, producer and consumer pages)
 * </pre>
 *
 * One {@code PROT_NONE} anonymous reservation of {@code C + 2 x capacity} bytes first (so
 * nothing else can land in between), then the file's first {@code C + capacity} bytes {@code
 * MAP_SHARED|MAP_FIXED} at {@code base}, then its data pages {@code MAP_SHARED|MAP_FIXED} again at
 * {@code base + C + capacity}. {@link #close()} unmaps the whole range with one {@code munmap}.
 */
public final class DoubleMapping implements AutoCloseable {
    private final long base;
    private final long length;
    private final long capacity;
    private final ByteBuffer control;
    private final ByteBuffer data;
    private boolean closed;

    private DoubleMapping(long base, long capacity) {
        this.base = base;
        this.capacity = capacity;
        this.length = RingDescriptor.mappingSize(capacity);
        Pointer p = new Pointer(base);
        this.control = p.getByteBuffer(0, RingDescriptor.CONTROL_SIZE).order(RingDescriptor.BYTE_ORDER);
        this.data = p.getByteBuffer(RingDescriptor.CONTROL_SIZE, 2 * capacity).order(RingDescriptor.BYTE_ORDER);
    }

    /** Maps the control page and the data area of {@code fd} (at least {@code C + capacity} bytes long). */
    public static DoubleMapping map(int fd, long capacity) throws IOException {
        RingDescriptor.checkCapacity(capacity);
        int page = getpagesize();
        if (RingDescriptor.CONTROL_SIZE % page != 0 || capacity % page != 0) {
            throw new IOException("page size " + page + " does not divide the ring control page size "
                    + RingDescriptor.CONTROL_SIZE + " and the capacity " + capacity
                    + "; the shm: transport needs 4 KiB pages");
        }
        long total = RingDescriptor.mappingSize(capacity);
        long base = mmap(0, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) {
            throw new IOException("cannot reserve " + total + " bytes of address space: " + describe(errno()));
        }
        boolean ok = false;
        try {
            long first = RingDescriptor.CONTROL_SIZE + capacity;
            long r = mmap(base, first, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
            if (r != base) {
                throw new IOException("cannot map the ring segment: " + describe(errno()));
            }
            long second = base + first;
            r = mmap(second, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, RingDescriptor.CONTROL_SIZE);
            if (r != second) {
                throw new IOException("cannot map the ring data a second time: " + describe(errno()));
            }
            ok = true;
            return new DoubleMapping(base, capacity);
        } finally {
            if (!ok) {
                munmap(base, total);
            }
        }
    }

    /** Base address (control page). */
    public long address() {
        return base;
    }

    /** Address of a byte of the control page. */
    public long controlAddress(int offset) {
        return base + offset;
    }

    /** Bytes of address space covered. */
    public long length() {
        return length;
    }

    public long capacity() {
        return capacity;
    }

    /** The control page, little-endian direct buffer. */
    public ByteBuffer control() {
        return control;
    }

    /** The data area, {@code 2 x capacity} bytes, second half aliasing the first. */
    public ByteBuffer data() {
        return data;
    }

    /**
     * Unmaps everything. The buffers must not be used afterwards (a fault would crash the JVM);
     * callers make sure no thread still touches them.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            munmap(base, length);
        }
    }
}
