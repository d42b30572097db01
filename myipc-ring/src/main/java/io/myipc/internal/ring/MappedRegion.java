package io.myipc.internal.ring;

import static io.myipc.internal.posix.Posix.MAP_ANONYMOUS;
import static io.myipc.internal.posix.Posix.MAP_FAILED;
import static io.myipc.internal.posix.Posix.MAP_FIXED;
import static io.myipc.internal.posix.Posix.MAP_NORESERVE;
import static io.myipc.internal.posix.Posix.MAP_PRIVATE;
import static io.myipc.internal.posix.Posix.MAP_SHARED;
import static io.myipc.internal.posix.Posix.PROT_NONE;
import static io.myipc.internal.posix.Posix.PROT_READ;
import static io.myipc.internal.posix.Posix.PROT_WRITE;

import com.sun.jna.Pointer;
import io.myipc.internal.posix.LibC;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * A reserved range of address space with pieces of a file mapped into it ({@code MAP_FIXED}), and
 * direct buffers over it that can never touch memory that is no longer ours. The double mapping of
 * a ring (layout: myipc-kmod/include/uapi/myipc.h) is built on it by {@code shm:} ({@code DoubleMapping}) and by the
 * driver's transport ({@code DriverMapping}).
 *
 * <p>Why not simply {@code munmap} on close: a buffer over the range (a view or claim a caller still
 * holds, a ring half another thread still looks at) would then point at unmapped address space,
 * which the kernel hands out again for the next mapping, a thread stack or the malloc arena; a late
 * access through the stale buffer then crashes the JVM or silently corrupts that other memory. So
 * {@link #close()} replaces the whole range, in one {@code mmap(MAP_FIXED)}, with private anonymous
 * memory: the file's pages are released at once (the file, e.g. the driver's end, sees the mapping
 * gone), while a stale buffer reads zeros and writes to pages only it sees. The address range
 * itself is unmapped by a {@link Cleaner} once no buffer over it is reachable: every buffer this
 * class hands out is a slice of one root buffer, and slices (and their slices, duplicates and
 * read-only views, also Netty's wrappers) keep the root reachable.
 */
public final class MappedRegion implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final long base;
    private final long length;
    private final Unmapper unmapper;
    private ByteBuffer root;
    private boolean closed;

    private MappedRegion(long base, long length) {
        this.base = base;
        this.length = length;
        this.unmapper = new Unmapper(base, length);
    }

    /**
     * Reserves {@code length} bytes of address space ({@code PROT_NONE}, anonymous, no swap
     * reserved), so the pieces mapped into it cannot collide with anything else.
     *
     * @return the region, or {@code null} if the reservation failed ({@code LibC.errno()} tells why)
     */
    public static MappedRegion reserve(long length) {
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region length " + length + " outside 1.." + Integer.MAX_VALUE);
        }
        long base = LibC.mmap(0, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        return base == MAP_FAILED ? null : new MappedRegion(base, length);
    }

    /**
     * Maps {@code len} bytes of {@code fd} from {@code fileOffset} {@code MAP_SHARED} at {@code
     * offset} in this region.
     *
     * @return true on success; false with {@code LibC.errno()} set otherwise
     */
    public synchronized boolean mapShared(long offset, long len, int prot, int fd, long fileOffset) {
        if (closed || root != null) {
            throw new IllegalStateException("the region is closed or in use");
        }
        if (offset < 0 || len <= 0 || offset + len > length) {
            throw new IllegalArgumentException("piece [" + offset + ", " + (offset + len) + ") outside the region of "
                    + length + " bytes");
        }
        return LibC.mmap(base + offset, len, prot, MAP_SHARED | MAP_FIXED, fd, fileOffset) == base + offset;
    }

    /** The start address. */
    public long address() {
        return base;
    }

    /** The length in bytes. */
    public long length() {
        return length;
    }

    /**
     * A direct buffer over {@code [offset, offset + len)} of the region (big-endian, as every new
     * buffer; set the order). It keeps the region's address range reserved while reachable.
     */
    public synchronized ByteBuffer buffer(long offset, int len) {
        if (closed) {
            throw new IllegalStateException("the region is closed");
        }
        if (offset < 0 || len < 0 || offset + len > length) {
            throw new IllegalArgumentException("buffer [" + offset + ", " + (offset + len) + ") outside the region of "
                    + length + " bytes");
        }
        if (root == null) {
            root = new Pointer(base).getByteBuffer(0, length);
            CLEANER.register(root, unmapper);
        }
        return root.slice((int) offset, len);
    }

    /**
     * Releases the mapped pieces (the file's pages): at once if no buffer was handed out, else by
     * replacing the range with anonymous memory that is unmapped once the buffers are unreachable.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (root == null) {
            unmapper.run();
            return;
        }
        long r = LibC.mmap(base, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
                | MAP_FIXED, -1, 0);
        if (r != base) {
            // Out of memory even for the replacement: release the file's pages anyway (the end
            // must close); a stale buffer access would then fault instead of reading zeros.
            unmapper.run();
        }
        root = null; // the buffers handed out keep it reachable as long as they are
    }

    /** The cleaning action; holds no reference to the region or its buffers. */
    private static final class Unmapper implements Runnable {
        private final long base;
        private final long length;
        private boolean done;

        Unmapper(long base, long length) {
            this.base = base;
            this.length = length;
        }

        @Override
        public synchronized void run() {
            if (!done) {
                done = true;
                LibC.munmap(base, length);
            }
        }
    }
}
