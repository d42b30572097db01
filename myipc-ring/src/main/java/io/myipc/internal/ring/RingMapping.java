package io.myipc.internal.ring;

import java.nio.ByteBuffer;

/**
 * A ring's pages mapped in the layout of {@link RingDescriptor}: the control pages at the start of
 * a {@link MappedRegion}, the data area twice back to back after them, so a run of up to {@code
 * capacity} bytes is contiguous from any offset. Who maps the pieces differs ({@code shm:} maps its
 * file read-write, the driver's transport maps each page with its role's protection); what they
 * give the ring is this. {@link #close()} releases the pages ({@link MappedRegion#close()}): a
 * buffer still held afterwards sees private zero pages, never unmapped or reused memory.
 */
public final class RingMapping implements AutoCloseable {
    private final MappedRegion region;
    private final long capacity;
    private final ByteBuffer control;
    private final ByteBuffer data;

    /**
     * @param region holds the control pages at 0 and the data area at {@link
     *     RingDescriptor#CONTROL_SIZE}, twice ({@code 2 x capacity} bytes), mapped already
     */
    public RingMapping(MappedRegion region, long capacity) {
        this.region = region;
        this.capacity = capacity;
        this.control = region.buffer(0, RingDescriptor.CONTROL_SIZE).order(RingDescriptor.BYTE_ORDER);
        this.data = region.buffer(RingDescriptor.CONTROL_SIZE, (int) (2 * capacity))
                .order(RingDescriptor.BYTE_ORDER);
    }

    /** Base address (control pages). */
    public long address() {
        return region.address();
    }

    /** Address of a byte of the control pages. */
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

    /** The header, producer and consumer pages, little-endian. */
    public ByteBuffer control() {
        return control;
    }

    /** The data area, {@code 2 x capacity} bytes, the second half showing the same pages as the first. */
    public ByteBuffer data() {
        return data;
    }

    /** Releases the ring's pages; idempotent. */
    @Override
    public void close() {
        region.close();
    }
}
