package io.myipc.shm.internal;

import static io.myipc.internal.posix.Errno.*;
import static io.myipc.internal.posix.LibC.*;
import static io.myipc.internal.posix.Posix.*;

import io.myipc.internal.ring.MappedRegion;
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
 * {@code base + C + capacity}. The reservation and its release are {@link MappedRegion}'s, shared
 * with the driver transport's mapping.
 */
public final class DoubleMapping implements AutoCloseable {
    private final MappedRegion region;
    private final long capacity;
    private final ByteBuffer control;
    private final ByteBuffer data;

    private DoubleMapping(MappedRegion region, long capacity) {
        this.region = region;
        this.capacity = capacity;
        this.control = region.buffer(0, RingDescriptor.CONTROL_SIZE).order(RingDescriptor.BYTE_ORDER);
        this.data = region.buffer(RingDescriptor.CONTROL_SIZE, (int) (2 * capacity)).order(RingDescriptor.BYTE_ORDER);
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
        MappedRegion region = MappedRegion.reserve(total);
        if (region == null) {
            throw new IOException("cannot reserve " + total + " bytes of address space: " + describe(errno()));
        }
        boolean ok = false;
        try {
            int rw = PROT_READ | PROT_WRITE;
            long first = RingDescriptor.CONTROL_SIZE + capacity;
            if (!region.mapShared(0, first, rw, fd, 0)) {
                throw new IOException("cannot map the ring segment: " + describe(errno()));
            }
            if (!region.mapShared(first, capacity, rw, fd, RingDescriptor.CONTROL_SIZE)) {
                throw new IOException("cannot map the ring data a second time: " + describe(errno()));
            }
            DoubleMapping m = new DoubleMapping(region, capacity);
            ok = true;
            return m;
        } finally {
            if (!ok) {
                region.close();
            }
        }
    }

    /** Base address (control page). */
    public long address() {
        return region.address();
    }

    /** Address of a byte of the control page. */
    public long controlAddress(int offset) {
        return region.address() + offset;
    }

    /** Bytes of address space covered. */
    public long length() {
        return region.length();
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
     * Releases the file's pages. Buffers over the mapping stay harmless (private zero pages until
     * they are unreachable, {@link MappedRegion}), so a late access never reaches unmapped or
     * reused memory. Idempotent.
     */
    @Override
    public void close() {
        region.close();
    }
}
