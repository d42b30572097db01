package io.myipc.internal.posix;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc ({@link Native#register}): the system calls every transport needs. Each call costs roughly
 * 50 ns of JNA overhead: keep them off hot paths. Functions return -1 on failure as in C; the errno is then
 * {@link Native#getLastError()} (see {@link Errno}). Sizes ({@code size_t}, {@code off_t}, {@code ssize_t}) are
 * {@code long}: Linux 64-bit only (checked at class init).
 *
 * <p>The variadic C functions ({@code open}, {@code fcntl}, {@code ioctl}, {@code syscall}) are bound with a fixed
 * argument list, which matches the x86-64 and aarch64 calling conventions for integer and pointer arguments.
 */
public final class LibC {
    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("myipc needs 64-bit Linux, this is " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch"));
        }
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    // ---- files
    public static native int open(String path, int flags, int mode);

    /** {@code open} of a NUL-terminated path at a native address: no String conversion, no allocation. */
    public static native int open(long pathAddress, int flags, int mode);

    public static native int close(int fd);

    public static native long read(int fd, Pointer buf, long count);

    public static native long write(int fd, Pointer buf, long count);

    /** {@code read} into native memory at {@code address} (no {@link Pointer} allocation). */
    public static native long read(int fd, long address, long count);

    /** {@code write} from native memory at {@code address} (no {@link Pointer} allocation). */
    public static native long write(int fd, long address, long count);

    /** {@code fds} points to {@code nfds} {@code struct pollfd} (8 bytes each: int fd, short events, short revents). */
    public static native int poll(Pointer fds, long nfds, int timeoutMillis);

    /** {@code poll} on the {@code struct pollfd} array at native address {@code fds}. */
    public static native int poll(long fds, long nfds, int timeoutMillis);

    public static native int mkfifo(String path, int mode);

    public static native int unlink(String path);

    public static native int fcntl(int fd, int cmd, long arg);

    public static native int ioctl(int fd, long request, long arg);

    public static native int ioctl(int fd, long request, Pointer arg);

    public static native int ftruncate(int fd, long length);

    /** Returns 0 or an errno value directly (it does not set errno). */
    public static native int posix_fallocate(int fd, long offset, long len);

    public static native long lseek(int fd, long offset, int whence);

    public static native int fchmod(int fd, int mode);

    // ---- shared memory
    public static native int shm_open(String name, int oflag, int mode);

    public static native int shm_unlink(String name);

    /** Returns the address, or {@link Posix#MAP_FAILED} (-1) on failure. */
    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long addr, long length);

    public static native int mprotect(long addr, long length, int prot);

    public static native int getpagesize();

    public static native int flock(int fd, int operation);

    public static native int memfd_create(String name, int flags);

    // ---- processes, scheduling, waiting
    /** {@code syscall(2)} with six integer arguments (pass pointers as addresses, unused ones as 0). */
    public static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    public static native String strerror(int errnum);

    public static native int getpid();

    public static native int dup2(int oldfd, int newfd);

    /** {@code writev} of the {@code struct iovec} array at native address {@code iov}. */
    public static native long writev(int fd, long iov, int iovcnt);

    /** {@code sigaction} with {@code act} and {@code oldact} as native addresses (0 for none). */
    public static native int sigaction(int sig, long act, long oldact);

    /** glibc's {@code SIGRTMAX}. */
    public static native int __libc_current_sigrtmax();

    public static native int kill(int pid, int sig);

    public static native int eventfd(int initval, int flags);

    public static native int sched_setaffinity(int pid, long cpusetsize, Pointer mask);

    /** errno of the last failed call of this thread. */
    public static int errno() {
        return Native.getLastError();
    }
}
