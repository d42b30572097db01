package bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * FFM (JDK 22+) variants: plain downcall handles, with errno capture (what JNA always does, and what the library
 * needs for EAGAIN/EINTR/ETIMEDOUT), and with {@code Linker.Option.critical(false)} for the short non-blocking calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCalls {
    static final long SYS_FUTEX = 202;
    static final long FUTEX_WAKE = 1;
    static final int CLOCK_MONOTONIC = 1;

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final Linker.Option CRITICAL = Linker.Option.critical(false);
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final Linker.Option VARIADIC1 = Linker.Option.firstVariadicArg(1); // long syscall(long number, ...)

    static final FunctionDescriptor GETPID_D = FunctionDescriptor.of(JAVA_INT);
    static final FunctionDescriptor SYSCALL_D = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    static final FunctionDescriptor RW_D = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    static final FunctionDescriptor CLOCK_D = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);

    static MethodHandle h(String name, FunctionDescriptor d, Linker.Option... o) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, o);
    }

    static final MethodHandle ABS = h("abs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle ABS_CRIT = h("abs", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CRITICAL);
    static final MethodHandle GETPID = h("getpid", GETPID_D);
    static final MethodHandle GETPID_CRIT = h("getpid", GETPID_D, CRITICAL);
    static final MethodHandle SYSCALL = h("syscall", SYSCALL_D, VARIADIC1);
    static final MethodHandle SYSCALL_ERRNO = h("syscall", SYSCALL_D, VARIADIC1, ERRNO);
    static final MethodHandle SYSCALL_CRIT = h("syscall", SYSCALL_D, VARIADIC1, CRITICAL);
    static final MethodHandle SYSCALL_CRIT_ERRNO = h("syscall", SYSCALL_D, VARIADIC1, CRITICAL, ERRNO);
    static final MethodHandle READ = h("read", RW_D);
    static final MethodHandle WRITE = h("write", RW_D);
    static final MethodHandle READ_ERRNO = h("read", RW_D, ERRNO);
    static final MethodHandle WRITE_ERRNO = h("write", RW_D, ERRNO);
    static final MethodHandle CLOCK = h("clock_gettime", CLOCK_D);
    static final MethodHandle CLOCK_CRIT = h("clock_gettime", CLOCK_D, CRITICAL);
    static final MethodHandle PIPE = h("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    Arena arena;
    long futexWord;
    MemorySegment buf, ts, callState;
    int rfd, wfd;

    @Setup
    public void setup() throws Throwable {
        arena = Arena.ofConfined();
        futexWord = arena.allocate(64, 64).address();
        buf = arena.allocate(64, 64);
        ts = arena.allocate(64, 64);
        callState = arena.allocate(Linker.Option.captureStateLayout());
        MemorySegment fds = arena.allocate(8, 8);
        if ((int) PIPE.invokeExact(fds) != 0) {
            throw new IllegalStateException("pipe failed");
        }
        rfd = fds.get(JAVA_INT, 0);
        wfd = fds.get(JAVA_INT, 4);
    }

    @TearDown
    public void tearDown() throws Throwable {
        int a = (int) CLOSE.invokeExact(rfd);
        int b = (int) CLOSE.invokeExact(wfd);
        arena.close();
    }

    int arg = -7;

    @Benchmark
    public int noop_ffm() throws Throwable {
        return (int) ABS.invokeExact(arg);
    }

    @Benchmark
    public int noop_ffmCritical() throws Throwable {
        return (int) ABS_CRIT.invokeExact(arg);
    }

    @Benchmark
    public int getpid_ffm() throws Throwable {
        return (int) GETPID.invokeExact();
    }

    @Benchmark
    public int getpid_ffmCritical() throws Throwable {
        return (int) GETPID_CRIT.invokeExact();
    }

    @Benchmark
    public long futexWake_ffm() throws Throwable {
        return (long) SYSCALL.invokeExact(SYS_FUTEX, futexWord, FUTEX_WAKE, (long) Integer.MAX_VALUE, 0L, 0L, 0L);
    }

    @Benchmark
    public long futexWake_ffmErrno() throws Throwable {
        return (long) SYSCALL_ERRNO.invokeExact(callState, SYS_FUTEX, futexWord, FUTEX_WAKE, (long) Integer.MAX_VALUE,
                0L, 0L, 0L);
    }

    @Benchmark
    public long futexWake_ffmCritical() throws Throwable {
        return (long) SYSCALL_CRIT.invokeExact(SYS_FUTEX, futexWord, FUTEX_WAKE, (long) Integer.MAX_VALUE, 0L, 0L, 0L);
    }

    @Benchmark
    public long futexWake_ffmCriticalErrno() throws Throwable {
        return (long) SYSCALL_CRIT_ERRNO.invokeExact(callState, SYS_FUTEX, futexWord, FUTEX_WAKE,
                (long) Integer.MAX_VALUE, 0L, 0L, 0L);
    }

    @Benchmark
    public long pipeWriteRead_ffm() throws Throwable {
        long w = (long) WRITE.invokeExact(wfd, buf, 1L);
        return (long) READ.invokeExact(rfd, buf, 1L);
    }

    @Benchmark
    public long pipeWriteRead_ffmErrno() throws Throwable {
        long w = (long) WRITE_ERRNO.invokeExact(callState, wfd, buf, 1L);
        return (long) READ_ERRNO.invokeExact(callState, rfd, buf, 1L);
    }

    @Benchmark
    public int clock_ffm() throws Throwable {
        return (int) CLOCK.invokeExact(CLOCK_MONOTONIC, ts);
    }

    @Benchmark
    public int clock_ffmCritical() throws Throwable {
        return (int) CLOCK_CRIT.invokeExact(CLOCK_MONOTONIC, ts);
    }
}
