package io.myipc.kmod;

import io.myipc.IpcException;
import io.myipc.internal.WaitParameters;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.internal.ring.RingFormatException;
import io.myipc.internal.ring.RingMapping;
import io.myipc.internal.ring.RingReaderEnd;
import io.myipc.internal.ring.RingSide;
import io.myipc.internal.ring.RingWaitPolicy;
import io.myipc.internal.ring.RingWriterEnd;
import io.myipc.internal.ring.SpscByteRing;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.WriterEnd;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code mode=mmap}: the driver's ring mapped into this process and driven by the same SPSC ring code as {@code shm:}
 * ({@link SpscByteRing}, {@link RingWriterEnd}, {@link RingReaderEnd}); the driver's pages have the layout of
 * {@link RingDescriptor}. While streaming no system call is made; a side that must wait sleeps in the driver
 * ({@link DriverRingWaiter}).
 *
 * <p>Open: {@code open(O_RDWR)} (never blocks, like a FIFO opened read-write), {@code MYIPC_IOC_SET_ROLE} (producer for
 * a writer, consumer for a reader; the driver then counts the file only as that), {@code size=} for a writer, map
 * ({@link DriverMapping}), and then the FIFO rendezvous: wait until the peer's state word, which the driver keeps,
 * leaves {@code END_ABSENT} (a peer of either mode, copy or mmap, has opened). End of stream and a closed reader are
 * the state words too: the driver stores {@code END_CLOSED} when the peer's last file closes, also when its process
 * dies. A copy-mode peer ({@code read(2)}/{@code write(2)}) works on the very same indices, so the modes mix.
 */
final class MmapMode {
    /**
     * The end's wait policy before it sleeps in the driver: URI {@code spins}/{@code yields}, else {@code
     * IpcOptions.waitStrategy()}, else the system properties {@code myipc.kmod.spins}/{@code myipc.kmod.yields}, else
     * {@link io.myipc.WaitStrategy#hybrid()}. Sleeps last at most 50 ms (the ring then re-checks), so a close or an
     * interrupt is never missed for long.
     */
    static RingWaitPolicy policy(KmodConfig cfg, OpenContext ctx) throws IOException {
        return RingWaitPolicy.of(WaitParameters.resolve(cfg.spins(), cfg.yields(), ctx.options(),
                KmodConfig.WAIT_PROPERTY_PREFIX));
    }

    /** Longest pause between two looks at the peer's state word while opening. */
    private static final long RENDEZVOUS_SLICE_NANOS = 2_000_000L;

    private MmapMode() {
    }

    static WriterEnd openWriter(KmodConfig cfg, OpenContext ctx) throws IOException {
        Attached a = attach(cfg, RingSide.PRODUCER, ctx);
        RingWriterEnd end = new RingWriterEnd(a.ring.producer(), a, a.what, () -> "the reader's process");
        end.countersFrom(a.waiter::stats);
        return end;
    }

    static ReaderEnd openReader(KmodConfig cfg, OpenContext ctx) throws IOException {
        Attached a = attach(cfg, RingSide.CONSUMER, ctx);
        RingReaderEnd end = new RingReaderEnd(a.ring.consumer(), a);
        end.countersFrom(a.waiter::stats);
        return end;
    }

    /**
     * The descriptor, the mapping and the ring of one end. Closing it (once; later calls do nothing) releases the
     * mapping, then closes the descriptor through the waiter, which from then on refuses to touch it: another
     * thread's late {@code wakeup()} must never reach a descriptor number the process has reused.
     */
    private static final class Attached implements Closeable {
        final String what;
        final RingMapping mapping;
        final DriverRingWaiter waiter;
        final SpscByteRing ring;
        private boolean closed;

        Attached(String what, RingMapping mapping, DriverRingWaiter waiter, SpscByteRing ring) {
            this.what = what;
            this.mapping = mapping;
            this.waiter = waiter;
            this.ring = ring;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            mapping.close();
            waiter.closeDescriptor();
        }
    }

    private static Attached attach(KmodConfig cfg, RingSide side, OpenContext ctx) throws IOException {
        RingWaitPolicy policy = policy(cfg, ctx);
        KmodDevice.checkPath(cfg);
        String what = cfg.path() + " (" + cfg.address().describe() + ")";
        ctx.checkInterrupted();
        int fd = LibC.open(cfg.path(), Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            int err = LibC.errno();
            if (err == Errno.ENOENT) {
                throw KmodDevice.missing(cfg);
            }
            throw new IpcException("cannot open " + what + " read-write (mode=mmap maps the ring, which needs"
                    + " O_RDWR): " + Errno.name(err) + (err == Errno.EACCES
                    ? " (permission denied: mode=mmap needs read and write permission on the device node even for"
                    + " a reader; use mode=copy or change the node's permissions)" : ""));
        }
        RingMapping mapping = null;
        boolean ok = false;
        try {
            KmodDevice.checkAnswers(cfg, fd);
            setRole(cfg, fd, side, what);
            if (side == RingSide.PRODUCER && cfg.size() > 0) {
                resize(cfg, fd, what);
            }
            DriverRingWaiter waiter = new DriverRingWaiter(fd, what);
            SpscByteRing ring = null;
            for (int attempt = 0; ring == null; attempt++) {
                long capacity = capacity(fd, what);
                mapping = DriverMapping.map(fd, capacity, side, what);
                if (SpscByteRing.capacityOf(mapping.control()) != capacity && attempt < 3) {
                    mapping.close(); // resized between our look and the map (the driver refuses once mapped)
                    mapping = null;
                    continue;
                }
                try {
                    ring = new SpscByteRing(mapping.control(), mapping.data(), waiter, policy);
                } catch (RingFormatException | IllegalArgumentException e) {
                    throw new IpcException("the mapped ring of " + what + " is not usable: " + e.getMessage()
                            + ". Is the loaded myipc.ko from this myipc version?");
                }
            }
            awaitPeer(ring, side, cfg, ctx);
            ok = true;
            return new Attached(what, mapping, waiter, ring);
        } finally {
            if (!ok) {
                if (mapping != null) {
                    mapping.close();
                }
                LibC.close(fd);
            }
        }
    }

    private static void setRole(KmodConfig cfg, int fd, RingSide side, String what) throws IOException {
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U32).order(ByteOrder.nativeOrder());
        arg.putInt(0, side == RingSide.PRODUCER ? MyipcUapi.ROLE_PRODUCER : MyipcUapi.ROLE_CONSUMER);
        int rc = LibC.ioctl(fd, MyipcUapi.IOC_SET_ROLE, NativeMemory.address(arg));
        int err = LibC.errno();
        Reference.reachabilityFence(arg);
        if (rc == 0) {
            return;
        }
        String role = side == RingSide.PRODUCER ? "writer" : "reader";
        if (err == Errno.EBUSY) {
            throw new IpcException(what + " already has a mode=mmap " + role + " (the driver allows one producer and"
                    + " one consumer per device): close that " + role + " first, or use another device");
        }
        if (err == Errno.ENOTTY || err == Errno.EINVAL) {
            throw new IpcException("the myipc driver serving " + what + " does not know MYIPC_IOC_SET_ROLE ("
                    + Errno.name(err) + "): it is older than mode=mmap; load the myipc.ko built from this tree,"
                    + " or use mode=copy");
        }
        throw Errno.exception(err, "MYIPC_IOC_SET_ROLE on", what);
    }

    private static long capacity(int fd, String what) throws IOException {
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U64).order(ByteOrder.nativeOrder());
        int rc = LibC.ioctl(fd, MyipcUapi.IOC_GET_SIZE, NativeMemory.address(arg));
        int err = LibC.errno();
        Reference.reachabilityFence(arg); // the kernel writes *arg during the call: arg must not be freed before
        if (rc < 0) {
            throw Errno.exception(err, "MYIPC_IOC_GET_SIZE on", what);
        }
        return arg.getLong(0);
    }

    /**
     * {@code size=} of a writer. The driver refuses to resize a mapped ring ({@code EBUSY}): when the reader has
     * mapped it already, that is fine if it already has the wanted capacity, otherwise the message says what to do.
     */
    private static void resize(KmodConfig cfg, int fd, String what) throws IOException {
        long wanted = Math.max(MyipcUapi.MIN_SIZE, Long.highestOneBit(cfg.size() - 1) << 1);
        if (capacity(fd, what) == wanted) {
            return;
        }
        ByteBuffer arg = NativeMemory.allocate(MyipcUapi.U64).order(ByteOrder.nativeOrder());
        arg.putLong(0, cfg.size());
        int rc = LibC.ioctl(fd, MyipcUapi.IOC_SET_SIZE, NativeMemory.address(arg));
        int err = LibC.errno();
        // SET_SIZE writes the capacity back into *arg: without this fence nothing uses arg after the call, so the
        // collector could free the direct buffer while the kernel still writes into it (heap corruption).
        Reference.reachabilityFence(arg);
        if (rc == 0) {
            return;
        }
        if (err == Errno.EBUSY) {
            throw new IpcException("cannot set the ring of " + what + " to " + cfg.size() + " bytes: the reader"
                    + " has mapped it already with " + capacity(fd, what) + " bytes (EBUSY: the driver cannot resize"
                    + " a mapped ring). Open the writer first, or give no size= (or that size) to this writer");
        }
        KmodDevice.setSize(cfg, fd, cfg.size()); // throws its message for the other errors
    }

    /**
     * The FIFO rendezvous: waits until the peer end has opened, i.e. its state word has left END_ABSENT. A peer that
     * opened and closed while our own {@code open(O_RDWR)} still counted as both kinds of end (before SET_ROLE) has
     * left END_CLOSED there (the driver tells it from "never came"), so the reader then gets its bytes and end of
     * stream instead of waiting.
     */
    private static void awaitPeer(SpscByteRing ring, RingSide side, KmodConfig cfg, OpenContext ctx)
            throws IOException {
        RingSide peer = side.peer();
        long pause = 50_000L;
        while (ring.state(peer) == RingDescriptor.END_ABSENT) {
            ctx.checkInterrupted();
            long left = ctx.remainingNanos();
            if (left == 0) {
                throw ctx.timeout((side == RingSide.PRODUCER ? "a reader" : "a writer") + " to open "
                        + cfg.address().uri());
            }
            LockSupport.parkNanos(left < 0 ? pause : Math.min(left, pause));
            pause = Math.min(2 * pause, RENDEZVOUS_SLICE_NANOS);
        }
    }
}
