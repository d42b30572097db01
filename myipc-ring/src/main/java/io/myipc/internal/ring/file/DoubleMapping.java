package io.myipc.internal.ring.file;

import static io.myipc.internal.posix.Errno.*;
import static io.myipc.internal.posix.LibC.*;
import static io.myipc.internal.posix.Posix.*;

import io.myipc.internal.ring.MappedRegion;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingMapping;
import java.io.IOException;

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
 * {@code base + C + capacity}. The reservation and its release are {@link MappedRegion}'s, the
 * buffers the ring uses {@link RingMapping}'s, both shared with the driver transport's mapping.
 * Both ends may write every page here: {@code shm:} maps its {@code /dev/shm} file this way, the
 * ring's tests an anonymous memfd.
 */
public final class DoubleMapping {
    private DoubleMapping() {
    }

    /** Maps the control page and the data area of {@code fd} (at least {@code C + capacity} bytes long). */
    public static RingMapping map(int fd, long capacity) throws IOException {
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
            RingMapping m = new RingMapping(region, capacity);
            ok = true;
            return m;
        } finally {
            if (!ok) {
                region.close();
            }
        }
    }
}
