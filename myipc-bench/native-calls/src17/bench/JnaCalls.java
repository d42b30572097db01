package bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * JNA (direct and interface mapping) and plain-JDK variants of the native calls on myipc's paths. Compiled with
 * {@code --release 17}: runs on JDK 17 and JDK 25. Method names are {@code <call>_<variant>}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JnaCalls {
    static final long SYS_FUTEX = 202; // x86-64
    static final long FUTEX_WAKE = 1;  // shared (not PRIVATE), as FutexRingWaiter uses it on the ring's memory
    static final int CLOCK_MONOTONIC = 1;

    /** Direct mapping, as io.myipc.internal.posix.LibC. */
    public static final class Direct {
        static {
            Native.register(Direct.class, Platform.C_LIBRARY_NAME);
        }

        public static native int getpid();

        public static native int abs(int x);

        public static native long syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);

        /** The overload FutexRingWaiter.wake uses today (a4 = null long[]). */
        public static native long syscall(long n, long a1, long a2, long a3, long[] a4, long a5, long a6);

        public static native long read(int fd, long addr, long count);

        public static native long write(int fd, long addr, long count);

        public static native int clock_gettime(int clk, long tsAddr);

        public static native int pipe(int[] fds);

        public static native int close(int fd);
    }

    /** Interface mapping (Native.load), for reference. */
    public interface Iface extends Library {
        Iface C = Native.load(Platform.C_LIBRARY_NAME, Iface.class);

        int getpid();

        int abs(int x);

        long syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);

        long read(int fd, long addr, long count);

        long write(int fd, long addr, long count);

        int clock_gettime(int clk, long tsAddr);
    }

    long futexWord; // 4-byte word nobody waits on
    long buf;       // 1-byte pipe buffer
    long ts;        // struct timespec
    int rfd, wfd;
    FileChannel fcOut, fcIn;
    Pipe nioPipe;
    ByteBuffer bb;

    @Setup
    public void setup() throws IOException {
        futexWord = Native.malloc(64);
        buf = Native.malloc(64);
        ts = Native.malloc(64);
        new com.sun.jna.Pointer(futexWord).clear(64);
        int[] fds = new int[2];
        if (Direct.pipe(fds) != 0) {
            throw new IOException("pipe failed");
        }
        rfd = fds[0];
        wfd = fds[1];
        // Plain JDK: FileChannels over the same pipe (re-opened through /proc/self/fd) and an NIO Pipe.
        fcOut = new FileOutputStream("/proc/self/fd/" + wfd).getChannel();
        fcIn = new FileInputStream("/proc/self/fd/" + rfd).getChannel();
        nioPipe = Pipe.open();
        bb = ByteBuffer.allocateDirect(1);
    }

    @TearDown
    public void tearDown() throws IOException {
        fcOut.close();
        fcIn.close();
        nioPipe.sink().close();
        nioPipe.source().close();
        Direct.close(rfd);
        Direct.close(wfd);
        Native.free(futexWord);
        Native.free(buf);
        Native.free(ts);
    }

    // ---- abs(3): no kernel entry, the cost of the Java-to-native transition alone
    int arg = -7;

    @Benchmark
    public int noop_jnaDirect() {
        return Direct.abs(arg);
    }

    @Benchmark
    public int noop_jnaIface() {
        return Iface.C.abs(arg);
    }

    // ---- getpid: the floor of a system call
    @Benchmark
    public int getpid_jnaDirect() {
        return Direct.getpid();
    }

    @Benchmark
    public int getpid_jnaIface() {
        return Iface.C.getpid();
    }

    // ---- futex(FUTEX_WAKE) on a word nobody waits on: a ring waker's call
    @Benchmark
    public long futexWake_jnaDirect() {
        return Direct.syscall(SYS_FUTEX, futexWord, FUTEX_WAKE, Integer.MAX_VALUE, 0, 0, 0);
    }

    @Benchmark
    public long futexWake_jnaDirectNullArray() {
        return Direct.syscall(SYS_FUTEX, futexWord, FUTEX_WAKE, Integer.MAX_VALUE, (long[]) null, 0, 0);
    }

    @Benchmark
    public long futexWake_jnaIface() {
        return Iface.C.syscall(SYS_FUTEX, futexWord, FUTEX_WAKE, Integer.MAX_VALUE, 0, 0, 0);
    }

    // ---- write(2) 1 byte to a pipe + read(2) it back: pipe:'s per-call work
    @Benchmark
    public long pipeWriteRead_jnaDirect() {
        Direct.write(wfd, buf, 1);
        return Direct.read(rfd, buf, 1);
    }

    @Benchmark
    public long pipeWriteRead_jnaIface() {
        Iface.C.write(wfd, buf, 1);
        return Iface.C.read(rfd, buf, 1);
    }

    @Benchmark
    public int pipeWriteRead_jdkFileChannel() throws IOException {
        bb.clear();
        fcOut.write(bb);
        bb.clear();
        return fcIn.read(bb);
    }

    @Benchmark
    public int pipeWriteRead_jdkNioPipe() throws IOException {
        bb.clear();
        nioPipe.sink().write(bb);
        bb.clear();
        return nioPipe.source().read(bb);
    }

    // ---- clock_gettime(CLOCK_MONOTONIC) (vDSO, no kernel entry)
    @Benchmark
    public int clock_jnaDirect() {
        return Direct.clock_gettime(CLOCK_MONOTONIC, ts);
    }

    @Benchmark
    public int clock_jnaIface() {
        return Iface.C.clock_gettime(CLOCK_MONOTONIC, ts);
    }

    @Benchmark
    public long clock_jdkNanoTime() {
        return System.nanoTime();
    }
}
