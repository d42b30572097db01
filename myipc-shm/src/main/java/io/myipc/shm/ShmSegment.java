package io.myipc.shm;

import static io.myipc.internal.ring.RingDescriptor.*;
import static io.myipc.internal.posix.Errno.*;
import static io.myipc.internal.posix.LibC.*;
import static io.myipc.internal.posix.Posix.*;

import io.myipc.IpcConfigException;
import io.myipc.IpcException;
import io.myipc.WaitStrategy;
import io.myipc.internal.WaitParameters;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingFormatException;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWaitPolicy;
import io.myipc.internal.ring.SpscByteRing;
import io.myipc.internal.ring.file.DoubleMapping;
import io.myipc.internal.ring.RingMapping;
import io.myipc.internal.ring.file.FutexRingWaiter;
import io.myipc.shm.internal.ProcessLiveness;
import io.myipc.internal.posix.LibC;
import io.myipc.spi.OpenContext;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One end's hold on a segment file {@code <dir>/myipc-<name>}: control page and ring, double mapped.
 *
 * <p>Lifecycle (see RING.md):
 *
 * <ul>
 *   <li>create: {@code O_CREAT|O_EXCL}, {@code flock(LOCK_EX)}, {@code posix_fallocate} (so a full
 *       tmpfs fails here, with {@code ENOSPC}, and the file is removed), map, initialise, claim our
 *       end, publish {@code ready} (release store), unlock;
 *   <li>attach: open, {@code flock(LOCK_SH)} (waits while the creator initialises), check {@code
 *       ready}, magic, version and capacity, claim our end by CAS on its pid word;
 *   <li>stale: no end is live (state OPEN and the recorded process, by pid and start time, runs):
 *       under {@code flock(LOCK_EX)} and after checking the path still names the same inode, the
 *       file is unlinked and the open starts over;
 *   <li>half-made: a file still not ready after a grace of one second of polling <em>that same
 *       inode</em> lost its creator between {@code O_EXCL} and {@code ready}; it is unlinked like a
 *       stale one. A file that replaced it gets its own grace: its creator may be just before its lock;
 *   <li>rendezvous: after claiming, wait (futex on the peer's state word) until the peer end has
 *       claimed too, like opening a FIFO;
 *   <li>close: state CLOSED, count the closed end, unlink the file if the name still refers to it
 *       (the first end to close removes it; the name is only needed to attach); then unmap and
 *       close the descriptor.
 * </ul>
 */
final class ShmSegment implements java.io.Closeable {
    private static final long NOT_READY_GRACE_NANOS = 1_000_000_000L;
    private static final long SLICE_NANOS = 50_000_000L;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, BYTE_ORDER);
    /**
     * Bit of the header's {@code flags} word (shm only; a driver leaves it 0): an end asked for another capacity than
     * the segment's and was refused. The end waiting in its open for that peer sees it and fails too.
     */
    static final int FLAG_CAPACITY_REFUSED = 1;

    final ShmAddress address;
    final RingSide side;
    final Path path;
    final RingMapping mapping;
    final SpscByteRing ring;
    private int fd;
    private boolean closed;

    private ShmSegment(ShmAddress address, RingSide side, int fd, RingMapping mapping, OpenContext ctx)
            throws IOException {
        this.address = address;
        this.side = side;
        this.path = address.path();
        this.fd = fd;
        this.mapping = mapping;
        this.ring = new SpscByteRing(mapping.control(), mapping.data(),
                new FutexRingWaiter(mapping.address(), mapping.control(), ProcessLiveness::isAlive),
                policy(address, ctx));
    }

    /**
     * The end's wait policy: URI {@code spins}/{@code yields}, else {@code IpcOptions.waitStrategy()}, else the system
     * properties {@code myipc.shm.spins}/{@code myipc.shm.yields}, else {@link WaitStrategy#hybrid()} (more spinning:
     * fewer futex calls when both sides stream, more CPU burnt by a waiting side on a busy machine).
     */
    static RingWaitPolicy policy(ShmAddress address, OpenContext ctx) throws IOException {
        return RingWaitPolicy.of(WaitParameters.resolve(address.spins(), address.yields(), ctx.options(),
                ShmAddress.WAIT_PROPERTY_PREFIX));
    }

    // ---- open ---------------------------------------------------------------------------------

    private enum Outcome { ATTACHED, RETRY, RECLAIM, NOT_READY }

    /** Opens (creating if needed) the segment and claims {@code side}, then waits for the peer end. */
    static ShmSegment open(ShmAddress address, RingSide side, OpenContext ctx) throws IOException {
        ShmSegment seg = openNoRendezvous(address, side, ctx);
        try {
            seg.awaitPeer(ctx);
        } catch (IOException | RuntimeException | Error e) {
            seg.close();
            throw e;
        }
        return seg;
    }

    static ShmSegment openNoRendezvous(ShmAddress address, RingSide side, OpenContext ctx) throws IOException {
        policy(address, ctx); // a bad system property fails before any file is touched
        reclaimStale(address.dir());
        String p = address.path().toString();
        boolean exclusive = false;
        Object notReadyFile = null; // the file (dev, ino) the two variables above and below are about
        long notReadySince = 0;
        for (;;) {
            ctx.checkInterrupted();
            int fd = LibC.open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, address.mode());
            if (fd >= 0) {
                return create(address, side, fd, ctx);
            }
            int e = errno();
            if (e != EEXIST) {
                throw openError(address, "create", e);
            }
            fd = LibC.open(p, O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                e = errno();
                if (e == ENOENT) {
                    continue; // removed between our two opens: try to create it again
                }
                throw openError(address, "open", e);
            }
            ShmSegment[] result = new ShmSegment[1];
            Outcome o;
            Object file = fileKey(fd);
            if (file == null || !file.equals(notReadyFile)) {
                // a new creator between its O_EXCL and its lock looks half-made too: what was decided about
                // the file before (its grace, taking it exclusively) does not carry over to this one
                notReadyFile = file;
                notReadySince = 0;
                exclusive = false;
            }
            try {
                boolean graceOver = notReadySince != 0 && System.nanoTime() - notReadySince > NOT_READY_GRACE_NANOS;
                o = attach(address, side, fd, exclusive, graceOver, ctx, result);
            } catch (IOException | RuntimeException | Error ex) {
                closeFd(fd);
                throw ex;
            }
            if (o == Outcome.ATTACHED) {
                return result[0];
            }
            closeFd(fd);
            switch (o) {
                case RECLAIM:
                    exclusive = true;
                    break;
                case NOT_READY:
                    if (notReadySince == 0) {
                        notReadySince = System.nanoTime();
                    } else if (System.nanoTime() - notReadySince > NOT_READY_GRACE_NANOS) {
                        exclusive = true;
                    }
                    if (ctx.remainingNanos() == 0) {
                        throw ctx.timeout("the creator of " + address.path() + " to initialise it");
                    }
                    LockSupport.parkNanos(10_000_000L);
                    break;
                default: // RETRY: the file was removed (by us or someone else): start over
                    exclusive = false;
                    notReadySince = 0;
                    break;
            }
        }
    }

    /**
     * Removes every segment file in {@code dir} whose ends are all gone (closed, or their processes dead by pid and
     * start time), e.g. one whose creator was killed before its peer came. Skips a file that is being set up or
     * opened (its lock is taken), one that is not initialised and one of another layout version. Best effort: a file it cannot read is left alone.
     *
     * @return the number of files removed
     */
    static int reclaimStale(Path dir) {
        int removed = 0;
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, ShmAddress.FILE_PREFIX + "*")) {
            for (Path f : files) {
                if (reclaimIfStale(f)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: an unreadable directory fails the open itself with a clear message
        }
        return removed;
    }

    private static boolean reclaimIfStale(Path file) {
        int fd = LibC.open(file.toString(), O_RDWR | O_CLOEXEC | O_NONBLOCK, 0);
        if (fd < 0) {
            return false;
        }
        try {
            if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
                return false; // being created, attached or closed right now
            }
            long size = lseek(fd, 0, SEEK_END);
            if (size < CONTROL_SIZE) {
                return false;
            }
            long hdr = mmap(0, CONTROL_SIZE, PROT_READ, MAP_SHARED, fd, 0);
            if (hdr == MAP_FAILED) {
                return false;
            }
            boolean stale;
            try {
                ByteBuffer h = new Pointer(hdr).getByteBuffer(0, CONTROL_SIZE).order(BYTE_ORDER);
                stale = isOurRing(h) && SpscByteRing.ownerPid(h, RingSide.PRODUCER) + SpscByteRing.ownerPid(h, RingSide.CONSUMER) != 0
                        && !isLive(h, RingSide.PRODUCER) && !isLive(h, RingSide.CONSUMER);
            } finally {
                munmap(hdr, CONTROL_SIZE);
            }
            if (stale && sameFile(fd, file)) {
                return unlink(file.toString()) == 0;
            }
            return false;
        } finally {
            closeFd(fd); // drops the lock
        }
    }

    /** A ready ring of this layout version (a file of another version or no ring at all is left alone). */
    private static boolean isOurRing(ByteBuffer h) {
        try {
            SpscByteRing.checkHeader(h);
            return true;
        } catch (RingFormatException e) {
            return false;
        }
    }

    private static ShmSegment create(ShmAddress address, RingSide side, int fd, OpenContext ctx) throws IOException {
        String p = address.path().toString();
        RingMapping m = null;
        boolean ok = false;
        try {
            lock(fd, LOCK_EX, address, ctx);
            long size = backingSize(address.capacity());
            int err;
            do {
                err = posix_fallocate(fd, 0, size);
            } while (err == EINTR);
            if (err == 95 /* EOPNOTSUPP: not a tmpfs-like file system */) {
                err = ftruncate(fd, size) == 0 ? 0 : errno();
            }
            if (err != 0) {
                throw spaceError(address, size, err);
            }
            m = DoubleMapping.map(fd, address.capacity());
            ByteBuffer c = m.control();
            SpscByteRing.initialise(c, address.capacity(), 0);
            claim(c, m, side);
            SpscByteRing.publish(c); // release store: the header and our end record are visible first
            ShmSegment seg = new ShmSegment(address, side, fd, m, ctx);
            flock(fd, LOCK_UN);
            ok = true;
            return seg;
        } finally {
            if (!ok) {
                unlink(p); // never leave a half-made file behind
                if (m != null) {
                    m.close();
                }
                closeFd(fd);
            }
        }
    }

    private static Outcome attach(ShmAddress address, RingSide side, int fd, boolean exclusive, boolean graceOver,
                                  OpenContext ctx, ShmSegment[] result) throws IOException {
        lock(fd, exclusive ? LOCK_EX : LOCK_SH, address, ctx);
        try {
            long size = lseek(fd, 0, SEEK_END);
            long capacity;
            long hdr = size >= CONTROL_SIZE ? mmap(0, CONTROL_SIZE, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
            if (hdr == MAP_FAILED) {
                return notReady(address, fd, exclusive, graceOver);
            }
            try {
                ByteBuffer h = new Pointer(hdr).getByteBuffer(0, CONTROL_SIZE).order(BYTE_ORDER);
                if (!SpscByteRing.isReady(h)) {
                    return notReady(address, fd, exclusive, graceOver);
                }
                try {
                    capacity = SpscByteRing.checkHeader(h);
                } catch (RingFormatException e) {
                    throw new IpcException("cannot use shared-memory segment " + address.path() + " for "
                            + address.describe() + ": " + e.getMessage() + ". If no program uses it any more, remove "
                            + "the file and open again.");
                }
            } finally {
                munmap(hdr, CONTROL_SIZE);
            }
            boolean mismatch = address.capacityGiven() && capacity != address.capacity();
            if (size < backingSize(capacity)) {
                throw new IpcException("shared-memory segment " + address.path() + " is " + size + " bytes, shorter than "
                        + backingSize(capacity) + " for its capacity " + capacity + ": it is damaged; if no program uses "
                        + "it any more, remove the file and open again");
            }
            RingMapping m = DoubleMapping.map(fd, capacity);
            boolean keep = false;
            try {
                ByteBuffer c = m.control();
                boolean mineLive = isLive(c, side);
                boolean peerLive = isLive(c, side.peer());
                if (mismatch) {
                    if (peerLive && SpscByteRing.state(c, side) == END_ABSENT) {
                        // the peer waits in its open for this end: tell it, it fails with the same advice
                        refuseCapacity(c, m, side);
                    }
                    throw new IpcConfigException(address.describe() + " asks for capacity " + address.capacity()
                            + " but its other end made the segment with " + capacity
                            + ": give both ends the same capacity= (or leave it out on one end)");
                }
                if (!mineLive && !peerLive) {
                    // nobody uses it: left behind by programs that died (or closed while it was being opened)
                    if (!exclusive) {
                        return Outcome.RECLAIM;
                    }
                    if (sameFile(fd, address.path())) {
                        unlink(address.path().toString());
                    }
                    return Outcome.RETRY;
                }
                if (SpscByteRing.state(c, side) == END_ABSENT && SpscByteRing.ownerPid(c, side) == 0
                        && claim(c, m, side)) {
                    ShmSegment seg = new ShmSegment(address, side, fd, m, ctx);
                    keep = true;
                    result[0] = seg;
                    return Outcome.ATTACHED;
                }
                String role = side == RingSide.PRODUCER ? "writer" : "reader";
                String peerRole = side == RingSide.PRODUCER ? "reader" : "writer";
                if (isLive(c, side)) {
                    throw new IpcException(address.describe() + " already has a "
                            + role + " (pid " + SpscByteRing.ownerPid(c, side) + "): a channel has one writer and one "
                            + "reader; close the other " + role + " first");
                }
                throw new IpcException(address.describe() + " is still held by its "
                        + peerRole + " (pid " + SpscByteRing.ownerPid(c, side.peer()) + ") whose " + role
                        + " has gone; open a new " + role + " after that " + peerRole + " has closed");
            } finally {
                if (!keep) {
                    m.close();
                }
            }
        } finally {
            flock(fd, LOCK_UN);
        }
    }

    private static Outcome notReady(ShmAddress address, int fd, boolean exclusive, boolean graceOver) throws IOException {
        if (exclusive && graceOver) {
            // the creator died while initialising (it held the lock; we hold it now, and ready is still 0)
            if (sameFile(fd, address.path())) {
                unlink(address.path().toString());
            }
            return Outcome.RETRY;
        }
        return Outcome.NOT_READY;
    }

    /** Claims {@code side}: CAS of its pid word, then start time and state OPEN, then wakes a peer waiting in open. */
    private static boolean claim(ByteBuffer c, RingMapping m, RingSide side) {
        if (!SpscByteRing.claimOwner(c, side, ProcessLiveness.selfPid())) {
            return false;
        }
        SpscByteRing.setOwner(c, side, ProcessLiveness.selfPid(), ProcessLiveness.selfStartTime());
        if (!SpscByteRing.casState(c, side, END_ABSENT, END_OPEN)) {
            return false;
        }
        FutexRingWaiter.futexWake(m.controlAddress(stateOffset(side)));
        return true;
    }

    /** Sets {@link #FLAG_CAPACITY_REFUSED} and wakes the peer that waits on {@code side}'s state word. */
    private static void refuseCapacity(ByteBuffer c, RingMapping m, RingSide side) {
        int f;
        do {
            f = (int) INT.getVolatile(c, FLAGS_OFFSET);
        } while (!INT.compareAndSet(c, FLAGS_OFFSET, f, f | FLAG_CAPACITY_REFUSED));
        FutexRingWaiter.futexWake(m.controlAddress(stateOffset(side)));
    }

    /** An end is live if it is not closed and the process recorded for it still runs. */
    private static boolean isLive(ByteBuffer c, RingSide side) {
        int pid = SpscByteRing.ownerPid(c, side);
        if (pid == 0 || SpscByteRing.state(c, side) == END_CLOSED) {
            return false;
        }
        long start = SpscByteRing.ownerStartTime(c, side);
        if (start == 0) {
            return ProcessLiveness.startTime(pid) >= 0; // claim in progress: the start time comes next
        }
        return ProcessLiveness.isAlive(pid, start);
    }

    private void awaitPeer(OpenContext ctx) throws IOException {
        RingSide peer = side.peer();
        long word = mapping.controlAddress(stateOffset(peer));
        while (ring.state(peer) == END_ABSENT) {
            if (((int) INT.getVolatile(mapping.control(), FLAGS_OFFSET) & FLAG_CAPACITY_REFUSED) != 0) {
                throw new IpcConfigException(address.describe() + ": the other end asked for a capacity other than "
                        + ring.capacity() + " bytes and was refused: give both ends the same capacity= "
                        + "(or leave it out on one end)");
            }
            ctx.checkInterrupted();
            long left = ctx.remainingNanos();
            if (left == 0) {
                throw ctx.timeout((side == RingSide.PRODUCER ? "a reader" : "a writer") + " to open " + address.uri());
            }
            FutexRingWaiter.futexWait(word, END_ABSENT, Math.min(left, SLICE_NANOS));
        }
    }

    private static void lock(int fd, int op, ShmAddress address, OpenContext ctx) throws IOException {
        while (flock(fd, op | LOCK_NB) != 0) {
            int e = errno();
            if (e != EAGAIN && e != EINTR) {
                throw new IpcException("cannot lock " + address.path() + ": " + describe(e));
            }
            ctx.checkInterrupted();
            if (ctx.remainingNanos() == 0) {
                throw ctx.timeout("another process to finish setting up " + address.path());
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }

    private static boolean lockWithin(int fd, int op, long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (flock(fd, op | LOCK_NB) != 0) {
            int e = errno();
            if ((e != EAGAIN && e != EINTR) || System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    private static boolean sameFile(int fd, Path path) {
        try {
            Map<String, Object> named = Files.readAttributes(path, "unix:dev,ino");
            return named.equals(fileKey(fd));
        } catch (IOException e) {
            return false;
        }
    }

    /** The open file's device and inode, or null if they cannot be read. */
    private static Map<String, Object> fileKey(int fd) {
        try {
            return Files.readAttributes(Path.of("/proc/self/fd/" + fd), "unix:dev,ino");
        } catch (IOException e) {
            return null;
        }
    }

    private static IpcException openError(ShmAddress address, String what, int errno) {
        String hint = switch (errno) {
            case EACCES, EPERM -> ": permission denied; the segment belongs to another user (use mode= when creating it, "
                    + "e.g. mode=0660) or remove it";
            case ENOSPC -> ": " + address.dir() + " is full";
            default -> "";
        };
        return new IpcException("cannot " + what + " shared-memory segment " + address.path() + " for "
                + address.describe() + ": " + describe(errno) + hint);
    }

    private static IpcException spaceError(ShmAddress address, long size, int errno) {
        if (errno == ENOSPC) {
            return new IpcException("no space for shared-memory segment " + address.path() + " of "
                    + address.describe() + ": it needs " + size + " bytes (capacity " + address.capacity()
                    + " + " + RingDescriptor.CONTROL_SIZE / 1024 + " KiB of control pages) and " + address.dir() + " is full (ENOSPC). Free space there (remove "
                    + "unused myipc-* files), enlarge the tmpfs (mount -o remount,size=...), or use a smaller "
                    + "capacity= (" + ShmAddress.CAPACITY_RULE + ")");
        }
        return new IpcException("cannot allocate " + size + " bytes for shared-memory segment " + address.path()
                + ": " + describe(errno));
    }

    // ---- close --------------------------------------------------------------------------------

    /**
     * Marks our end closed and removes the file, unmaps everything and closes the descriptor. The
     * ring's buffers must no longer be used.
     *
     * <p>The first end to close removes the name: it is only needed to attach, and both ends keep
     * their mappings. So a peer that is killed later leaves nothing behind in {@code /dev/shm}, and
     * a new writer (reader) after this one starts a new segment instead of finding a half-used one.
     * Only if both ends die without closing does a stale file stay; the next open of the name
     * reclaims it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuffer c = mapping.control();
        ring.setState(side, END_CLOSED);
        FutexRingWaiter.futexWake(mapping.controlAddress(stateOffset(side)));
        SpscByteRing.countClosedEnd(c);
        // LOCK_EX: no opener is between its open and its claim; same inode: never remove a newer file.
        // Bounded: a stopped process holding the lock must not hang close (the file then stays as a
        // stale segment, reclaimed by the next open).
        if (lockWithin(fd, LOCK_EX, 1_000_000_000L)) {
            if (sameFile(fd, path)) {
                unlink(path.toString());
            }
            flock(fd, LOCK_UN);
        }
        mapping.close();
        closeFd(fd);
        fd = -1;
    }

    private static void closeFd(int fd) {
        LibC.close(fd);
    }

    int pid(RingSide end) {
        return SpscByteRing.ownerPid(mapping.control(), end);
    }
}
