package io.myipc.internal.fd;

import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The signal that knocks a thread out of a blocking {@code read(2)}/{@code write(2)}, as NIO does: the JDK's own
 * interrupt signal ({@code SIGRTMAX - 2}, whose handler does nothing and is installed without {@code SA_RESTART}, so
 * the call returns {@code EINTR}). We install nothing: {@link #NUMBER} is the signal only if the JDK's handler is in
 * place (checked with {@code sigaction}), otherwise 0 and the ends keep waiting in {@code poll}.
 */
final class WakeSignal {
    /** The signal, or 0 when it cannot be used safely (then there is no blocking descriptor). */
    static final int NUMBER = find();
    /** {@code /dev/null}, opened once: {@code dup2}'d over a blocking descriptor, later calls on it return at once. */
    static final int DEV_NULL = NUMBER == 0 ? -1 : LibC.open("/dev/null", Posix.O_RDWR | Posix.O_CLOEXEC, 0);
    private static final int PID = LibC.getpid();

    private WakeSignal() {
    }

    private static int find() {
        try {
            // a FileChannel read makes the JDK install its handler (sun.nio.ch.NativeThread)
            try (FileChannel c = FileChannel.open(Path.of("/dev/null"))) {
                c.read(ByteBuffer.allocate(1));
            }
            int sig = LibC.__libc_current_sigrtmax() - 2;
            ByteBuffer old = NativeMemory.allocate(256).order(ByteOrder.nativeOrder());
            int rc = LibC.sigaction(sig, 0, NativeMemory.address(old));
            long handler = old.getLong(0); // struct sigaction starts with sa_handler on x86-64 and aarch64
            long flags = old.getInt(8 + 128) & 0xffffffffL;
            Reference.reachabilityFence(old);
            boolean restart = (flags & 0x10000000L) != 0; // SA_RESTART: the call would not return
            return rc == 0 && handler != 0 && handler != 1 && !restart ? sig : 0;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }

    /** The calling thread's kernel id. */
    static int gettid() {
        return (int) LibC.syscall(Posix.SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    /** Sends the signal to thread {@code tid} of this process. */
    static void send(int tid) {
        LibC.syscall(Posix.SYS_TGKILL, PID, tid, NUMBER, 0, 0, 0);
    }
}
