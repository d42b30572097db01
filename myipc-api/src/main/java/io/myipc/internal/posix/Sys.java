package io.myipc.internal.posix;

/**
 * The native calls on the hot paths (data transfer, waiting, waking), behind one binding chosen once per JVM: FFM
 * downcall handles ({@code FfmCalls}) on JDK 22 and later when the jar was built with them, else JNA direct mapping
 * ({@link LibC}). On this project's host an FFM call costs about 90 ns less than a JNA one, and a system call through
 * it about 0.5 µs less ({@code myipc-bench/native-calls/README.md}). Everything off the hot paths stays on
 * {@link LibC}.
 *
 * <p>Read the errno of a failed call here with {@link #errno()}, never with {@link LibC#errno()}: the two bindings
 * keep it in different places. Pointers are native addresses ({@code long}); sizes are {@code long}.
 *
 * <p>The class is a static facade over a {@code static final} instance, so the JIT inlines the chosen binding. Why
 * not a multi-release jar: its {@code META-INF/versions} classes are only found in a jar, so the reactor's own tests
 * (which run from {@code target/classes}) would never load them.
 */
public final class Sys {
    /** What the bindings implement; the arguments are those of the C functions. */
    interface Calls {
        long read(int fd, long buf, long count);

        long write(int fd, long buf, long count);

        long writev(int fd, long iov, int iovcnt);

        int poll(long fds, long nfds, int timeoutMillis);

        int ioctl(int fd, long request, long arg);

        long futex(long uaddr, int op, int val, long timeout);

        int errno();

        String name();
    }

    /** The property that forces JNA ({@code -Dmyipc.native=jna}), e.g. to compare the two bindings. */
    public static final String BINDING_PROPERTY = "myipc.native";

    private static final Calls CALLS = choose();

    private Sys() {
    }

    private static Calls choose() {
        if (Runtime.version().feature() >= 22 && !"jna".equals(System.getProperty(BINDING_PROPERTY))) {
            try {
                return (Calls) Class.forName(Sys.class.getPackageName() + ".FfmCalls").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // not built with JDK 22+, or native access denied (--illegal-native-access=deny): JNA still works
            }
        }
        return new JnaCalls();
    }

    /** The binding in use, for tests that check both bindings alike. */
    static Calls chosen() {
        return CALLS;
    }

    /** The JNA binding, whatever {@link #chosen()} is, for tests that check both bindings alike. */
    static Calls jna() {
        return new JnaCalls();
    }

    /** {@code "ffm"} or {@code "jna"}: the binding this JVM uses (the benchmark records it). */
    public static String binding() {
        return CALLS.name();
    }

    public static long read(int fd, long buf, long count) {
        return CALLS.read(fd, buf, count);
    }

    public static long write(int fd, long buf, long count) {
        return CALLS.write(fd, buf, count);
    }

    /** {@code writev} of the {@code struct iovec} array at {@code iov}. */
    public static long writev(int fd, long iov, int iovcnt) {
        return CALLS.writev(fd, iov, iovcnt);
    }

    /** {@code poll} on the {@code struct pollfd} array at {@code fds}. */
    public static int poll(long fds, long nfds, int timeoutMillis) {
        return CALLS.poll(fds, nfds, timeoutMillis);
    }

    /** {@code ioctl} whose argument is an integer or a native address. */
    public static int ioctl(int fd, long request, long arg) {
        return CALLS.ioctl(fd, request, arg);
    }

    /** {@code futex(uaddr, op, val, timeout)}; {@code timeout} is the address of a {@code struct timespec} or 0. */
    public static long futex(long uaddr, int op, int val, long timeout) {
        return CALLS.futex(uaddr, op, val, timeout);
    }

    /** errno of this thread's last failed call through this class. */
    public static int errno() {
        return CALLS.errno();
    }

    /** JNA direct mapping: the binding on JDK 17 to 21. */
    private static final class JnaCalls implements Calls {
        @Override
        public long read(int fd, long buf, long count) {
            return LibC.read(fd, buf, count);
        }

        @Override
        public long write(int fd, long buf, long count) {
            return LibC.write(fd, buf, count);
        }

        @Override
        public long writev(int fd, long iov, int iovcnt) {
            return LibC.writev(fd, iov, iovcnt);
        }

        @Override
        public int poll(long fds, long nfds, int timeoutMillis) {
            return LibC.poll(fds, nfds, timeoutMillis);
        }

        @Override
        public int ioctl(int fd, long request, long arg) {
            return LibC.ioctl(fd, request, arg);
        }

        @Override
        public long futex(long uaddr, int op, int val, long timeout) {
            return LibC.syscall(Posix.SYS_FUTEX, uaddr, op, val, timeout, 0, 0);
        }

        @Override
        public int errno() {
            return LibC.errno();
        }

        @Override
        public String name() {
            return "jna";
        }
    }
}
