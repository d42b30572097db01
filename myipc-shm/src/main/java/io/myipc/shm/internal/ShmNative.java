package io.myipc.shm.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls the shared-memory transport needs, JNA direct mapping. Kept in this module so it
 * does not depend on what the API's POSIX binding happens to offer. Calls return -1 (or an error
 * number for {@code posix_fallocate}); {@link #errno()} reads errno saved by JNA after the call.
 * x86-64 / arm64 Linux constants.
 */
public final class ShmNative {
    private ShmNative() {}

    static {
        if (!Platform.isLinux()) {
            throw new UnsupportedOperationException("the shm: transport needs Linux");
        }
        Native.register(ShmNative.class, "c");
    }

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_CLOEXEC = 02000000;

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final long MAP_FAILED = -1L;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ETIMEDOUT = 110;
    public static final int EWOULDBLOCK = EAGAIN;

    public static final long SYS_FUTEX = Platform.isARM() ? 98 : 202;
    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;

    public static native int open(String path, int flags, int mode);

    public static native int close(int fd);

    public static native int ftruncate(int fd, long length);

    /** Returns 0 or an error number (does not set errno). */
    public static native int posix_fallocate(int fd, long offset, long length);

    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long addr, long length);

    public static native int mprotect(long addr, long length, int prot);

    public static native int unlink(String path);

    public static native int flock(int fd, int operation);

    public static native int getpid();

    /** {@code lseek(fd, offset, whence)}; SEEK_END = 2 gives the file size. */
    public static native long lseek(int fd, long offset, int whence);

    public static final int SEEK_END = 2;

    public static native int memfd_create(String name, int flags);

    public static native int getpagesize();

    /** {@code syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3)}; {@code timespec} is {sec, nsec} or null. */
    public static native long syscall(long number, long uaddr, int op, int val, long[] timespec, long uaddr2, int val3);

    public static native String strerror(int errnum);

    /** errno of the last call on this thread. */
    public static int errno() {
        return Native.getLastError();
    }

    /** "ENOSPC (No space left on device)"-like text for an error number. */
    public static String describe(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }
}
