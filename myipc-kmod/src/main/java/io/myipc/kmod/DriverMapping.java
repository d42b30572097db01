package io.myipc.kmod;

import static io.myipc.internal.posix.Posix.MAP_ANONYMOUS;
import static io.myipc.internal.posix.Posix.MAP_FIXED;
import static io.myipc.internal.posix.Posix.MAP_NORESERVE;
import static io.myipc.internal.posix.Posix.MAP_PRIVATE;
import static io.myipc.internal.posix.Posix.MAP_SHARED;
import static io.myipc.internal.posix.Posix.PROT_NONE;
import static io.myipc.internal.posix.Posix.PROT_READ;
import static io.myipc.internal.posix.Posix.PROT_WRITE;

import com.sun.jna.Pointer;
import io.myipc.IpcException;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingSide;

import java.nio.ByteBuffer;

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
 * {@link io.myipc.internal.ring.RingReaderEnd} hands out read-only views only. {@link #close()} unmaps the whole
 * reservation with one {@code munmap}.
 */
final class DriverMapping implements AutoCloseable {
    private final long base;
    private final long length;
    private final long capacity;
    private final ByteBuffer control;
    private final ByteBuffer data;
    private boolean closed;

    private DriverMapping(long base, long capacity) {
        this.base = base;
        this.capacity = capacity;
        this.length = RingDescriptor.mappingSize(capacity);
        Pointer p = new Pointer(base);
        this.control = p.getByteBuffer(0, RingDescriptor.CONTROL_SIZE).order(RingDescriptor.BYTE_ORDER);
        this.data = p.getByteBuffer(RingDescriptor.DATA_OFFSET, 2 * capacity).order(RingDescriptor.BYTE_ORDER);
    }

    /**
     * Maps the ring of {@code fd} (a role end, opened {@code O_RDWR}) for {@code side}.
     *
     * @param what names the device and channel in messages
     */
    static DriverMapping map(int fd, long capacity, RingSide side, String what) throws IpcException {
        long total = RingDescriptor.mappingSize(capacity);
        long base = LibC.mmap(0, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == -1) {
            throw new IpcException("cannot reserve " + total + " bytes of address space for the ring of " + what
                    + ": " + Errno.name(LibC.errno()));
        }
        boolean ok = false;
        try {
            int rw = PROT_READ | PROT_WRITE;
            long data = RingDescriptor.DATA_OFFSET;
            if (side == RingSide.PRODUCER) {
                piece(fd, base, 0x0000, 0x1000, PROT_READ, what, "header page");
                piece(fd, base, 0x1000, 0x1000, rw, what, "producer page");
                piece(fd, base, 0x2000, 0x1000, PROT_READ, what, "consumer page");
                piece(fd, base, data, 2 * capacity, rw, what, "data pages");
            } else {
                piece(fd, base, 0x0000, 0x2000, PROT_READ, what, "header and producer pages");
                piece(fd, base, 0x2000, 0x1000, rw, what, "consumer page");
                piece(fd, base, data, 2 * capacity, PROT_READ, what, "data pages");
            }
            ok = true;
            return new DriverMapping(base, capacity);
        } finally {
            if (!ok) {
                LibC.munmap(base, total);
            }
        }
    }

    private static void piece(int fd, long base, long offset, long len, int prot, String what, String name)
            throws IpcException {
        long r = LibC.mmap(base + offset, len, prot, MAP_SHARED | MAP_FIXED, fd, offset);
        if (r != base + offset) {
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

    /** The header, producer and consumer pages (0x3000 bytes), little-endian. */
    ByteBuffer control() {
        return control;
    }

    /** The data area, {@code 2 x capacity} bytes, the second half showing the same pages as the first. */
    ByteBuffer data() {
        return data;
    }

    long capacity() {
        return capacity;
    }

    /** Unmaps everything; the buffers must not be used afterwards. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.munmap(base, length);
        }
    }
}
