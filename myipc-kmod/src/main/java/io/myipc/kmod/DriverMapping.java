package io.myipc.kmod;

import static io.myipc.internal.posix.Posix.PROT_READ;
import static io.myipc.internal.posix.Posix.PROT_WRITE;

import io.myipc.IpcException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.ring.MappedRegion;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingMapping;
import io.myipc.internal.ring.RingSide;


/**
 * The driver's ring mapped for one role, as {@code myipc-kmod/include/uapi/myipc.h} lays it out: one {@code
 * PROT_NONE} reservation of {@code 0x3000 + 2 * capacity} bytes, then {@code MAP_SHARED|MAP_FIXED} pieces of the
 * device on region boundaries:
 *
 * <pre>
 *   offset          producer                      consumer
 *   0x0000 header   PROT_READ                     PROT_READ  (one piece [0, 0x2000) for the consumer)
 *   0x1000 producer PROT_READ|PROT_WRITE          PROT_READ
 *   0x2000 consumer PROT_READ                     PROT_READ|PROT_WRITE
 *   0x3000 data x2  PROT_READ|PROT_WRITE          PROT_READ  (the driver maps the data pages twice in this region)
 * </pre>
 *
 * The driver refuses a writable mapping of a page the role may not write, and clears {@code VM_MAYWRITE} on the
 * read-only ones; so the consumer's {@link #data()} buffer must never be written (the JVM would crash):
 * {@link io.myipc.internal.ring.RingReaderEnd} hands out read-only views only. Closing the {@link RingMapping} unmaps
 * the whole reservation: the driver's pages at once, the address range once no buffer over it is reachable
 * ({@link MappedRegion}), so a view or claim still held after close never reaches unmapped or reused memory.
 */
final class DriverMapping {
    private DriverMapping() {
    }

    /**
     * Maps the ring of {@code fd} (a role end, opened {@code O_RDWR}) for {@code side}. The pieces and their lengths
     * are those of {@code myipc.h} ({@link RingDescriptor}): every piece starts and ends on a region boundary of the
     * uapi layout, the data piece is {@code [DATA_OFFSET, DATA_OFFSET + 2 * capacity)} with {@code capacity} the
     * value of {@code MYIPC_IOC_GET_SIZE}.
     *
     * @param what names the device and channel in messages
     */
    static RingMapping map(int fd, long capacity, RingSide side, String what) throws IpcException {
        if (capacity < MyipcUapi.MIN_SIZE || capacity > MyipcUapi.MAX_SIZE || Long.bitCount(capacity) != 1) {
            throw new IpcException("the driver reports a ring of " + capacity + " bytes for " + what + ", which is not"
                    + " a power of two in " + MyipcUapi.MIN_SIZE + ".." + MyipcUapi.MAX_SIZE + ": is the loaded"
                    + " myipc.ko from this myipc version?");
        }
        long total = RingDescriptor.mappingSize(capacity);
        MappedRegion region = MappedRegion.reserve(total);
        if (region == null) {
            throw new IpcException("cannot reserve " + total + " bytes of address space for the ring of " + what
                    + ": " + Errno.name(LibC.errno()));
        }
        boolean ok = false;
        try {
            int rw = PROT_READ | PROT_WRITE;
            int page = RingDescriptor.PAGE;
            int producer = RingDescriptor.PRODUCER_PAGE;
            int consumer = RingDescriptor.CONSUMER_PAGE;
            long data = RingDescriptor.DATA_OFFSET;
            if (side == RingSide.PRODUCER) {
                piece(region, fd, 0, page, PROT_READ, what, "header page");
                piece(region, fd, producer, page, rw, what, "producer page");
                piece(region, fd, consumer, page, PROT_READ, what, "consumer page");
                piece(region, fd, data, 2 * capacity, rw, what, "data pages");
            } else {
                piece(region, fd, 0, consumer, PROT_READ, what, "header and producer pages");
                piece(region, fd, consumer, page, rw, what, "consumer page");
                piece(region, fd, data, 2 * capacity, PROT_READ, what, "data pages");
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

    private static void piece(MappedRegion region, int fd, long offset, long len, int prot, String what, String name)
            throws IpcException {
        if (!region.mapShared(offset, len, prot, fd, offset)) {
            int err = LibC.errno();
            String why = switch (err) {
                case Errno.EACCES -> "the driver refused the protection for this end's role (or the file has no role)";
                case Errno.EINVAL -> "the driver refused the range: the ring size changed under us?";
                case Errno.ENOMEM -> "out of memory or address space";
                default -> Errno.advice(err);
            };
            throw new IpcException("cannot map the " + name + " of " + what + " (offset 0x" + Long.toHexString(offset)
                    + ", " + len + " bytes" + ((prot & PROT_WRITE) != 0 ? ", writable" : ", read-only") + "): "
                    + Errno.name(err) + (why.isEmpty() ? "" : " (" + why + ")"));
        }
    }
}
