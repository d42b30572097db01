package io.myipc.internal.posix;

/** Linux constants (x86-64 / generic values) used with {@link LibC}. */
public final class Posix {
    private Posix() {
    }

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;

    public static final short POLLIN = 0x1;
    public static final short POLLPRI = 0x2;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final long MAP_FAILED = -1L;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    public static final int MFD_CLOEXEC = 1;

    public static final int SEEK_SET = 0;
    public static final int SEEK_END = 2;

    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    /** {@code SYS_futex}: 202 on x86-64, 98 on aarch64. */
    public static final long SYS_FUTEX = "aarch64".equals(System.getProperty("os.arch")) ? 98 : 202;
    /** {@code SYS_gettid}: 186 on x86-64, 178 on aarch64. */
    public static final long SYS_GETTID = "aarch64".equals(System.getProperty("os.arch")) ? 178 : 186;
    /** {@code SYS_tgkill}: 234 on x86-64, 131 on aarch64. */
    public static final long SYS_TGKILL = "aarch64".equals(System.getProperty("os.arch")) ? 131 : 234;
    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;
    public static final int FUTEX_PRIVATE_FLAG = 128;
}
