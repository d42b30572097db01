package io.myipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link Sys}'s binding on JDK 22+: one FFM downcall handle per function in a {@code static final} field, called with
 * {@code invokeExact}. Pointers go as {@code long} (an integer register either way), so a call allocates nothing.
 * errno is captured after every call into a segment per thread ({@code captureCallState}), which {@link #errno()}
 * reads. Compiled only when the build runs on JDK 22+ ({@code src/main/java22}); {@link Sys} loads it by name.
 */
@SuppressWarnings("restricted") // downcallHandle: the JVM must allow native access, as it must for JNA
final class FfmCalls implements Sys.Calls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE));

    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG,
            JAVA_LONG), ERRNO);
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG,
            JAVA_LONG), ERRNO);
    private static final MethodHandle WRITEV = handle("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG,
            JAVA_INT), ERRNO);
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG,
            JAVA_INT), ERRNO);
    private static final MethodHandle IOCTL = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG,
            JAVA_LONG), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SYSCALL = handle("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG), ERRNO, Linker.Option.firstVariadicArg(1));

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    @Override
    public long read(int fd, long buf, long count) {
        try {
            return (long) READ.invokeExact(CALL_STATE.get(), fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long write(int fd, long buf, long count) {
        try {
            return (long) WRITE.invokeExact(CALL_STATE.get(), fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long writev(int fd, long iov, int iovcnt) {
        try {
            return (long) WRITEV.invokeExact(CALL_STATE.get(), fd, iov, iovcnt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int poll(long fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(CALL_STATE.get(), fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int ioctl(int fd, long request, long arg) {
        try {
            return (int) IOCTL.invokeExact(CALL_STATE.get(), fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long futex(long uaddr, int op, int val, long timeout) {
        try {
            return (long) SYSCALL.invokeExact(CALL_STATE.get(), Posix.SYS_FUTEX, uaddr, (long) op, (long) val,
                    timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int errno() {
        return CALL_STATE.get().get(JAVA_INT, ERRNO_OFFSET);
    }

    @Override
    public String name() {
        return "ffm";
    }

    /** A downcall throws only what the JVM throws (no C function throws): pass errors on, wrap the impossible. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
