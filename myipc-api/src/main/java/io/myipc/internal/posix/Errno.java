package io.myipc.internal.posix;

import io.myipc.IpcTimeoutException;
import io.myipc.PeerClosedException;

import java.io.IOException;

/** errno values, their names, and the Java exception (with a message that says what to do) for each. */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, ENOTDIR = 20,
            EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29,
            EROFS = 30, EPIPE = 32, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38, ELOOP = 40,
            EPROTO = 71, EOVERFLOW = 75, EOPNOTSUPP = 95, ETIMEDOUT = 110;

    private static final String[] NAMES = new String[134];

    static {
        String[][] table = {{"EPERM", "1"}, {"ENOENT", "2"}, {"ESRCH", "3"}, {"EINTR", "4"}, {"EIO", "5"},
                {"ENXIO", "6"}, {"E2BIG", "7"}, {"EBADF", "9"}, {"ECHILD", "10"}, {"EAGAIN", "11"}, {"ENOMEM", "12"},
                {"EACCES", "13"}, {"EFAULT", "14"}, {"EBUSY", "16"}, {"EEXIST", "17"}, {"EXDEV", "18"},
                {"ENODEV", "19"}, {"ENOTDIR", "20"}, {"EISDIR", "21"}, {"EINVAL", "22"}, {"ENFILE", "23"},
                {"EMFILE", "24"}, {"ENOTTY", "25"}, {"ETXTBSY", "26"}, {"EFBIG", "27"}, {"ENOSPC", "28"},
                {"ESPIPE", "29"}, {"EROFS", "30"}, {"EMLINK", "31"}, {"EPIPE", "32"}, {"EDOM", "33"},
                {"ERANGE", "34"}, {"EDEADLK", "35"}, {"ENAMETOOLONG", "36"}, {"ENOLCK", "37"}, {"ENOSYS", "38"},
                {"ENOTEMPTY", "39"}, {"ELOOP", "40"}, {"EPROTO", "71"}, {"EOVERFLOW", "75"}, {"EOPNOTSUPP", "95"},
                {"ECONNRESET", "104"}, {"ENOTCONN", "107"}, {"ETIMEDOUT", "110"}, {"ECANCELED", "125"},
                {"EOWNERDEAD", "130"}};
        for (String[] e : table) {
            NAMES[Integer.parseInt(e[1])] = e[0];
        }
    }

    /** The name and the C library's text, e.g. {@code "ENOSPC (No space left on device)"}. */
    public static String describe(int errno) {
        return name(errno) + " (" + LibC.strerror(errno) + ")";
    }

    /** The symbolic name of {@code errno}, e.g. {@code "ENOENT"}, or {@code "errno 123"}. */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
    }

    /** What to do about {@code errno} (appended to messages), or an empty string. */
    public static String advice(int errno) {
        switch (errno) {
            case ENOENT: return "the path does not exist: check it, create it, or let the transport create it";
            case EACCES: case EPERM: return "permission denied: check the owner and mode (ls -l) and run as a user allowed to open it, or change the mode";
            case ENXIO: return "no process has the other end open (or the device has no driver behind it)";
            case EPIPE: return "the reader has gone away";
            case ENOSPC: return "no space left: free space on the file system (for /dev/shm: delete stale segments or remount it with a larger size=)";
            case ENOMEM: return "out of memory or over a memory limit: use a smaller capacity or raise the limit";
            case EMFILE: case ENFILE: return "too many open files: close some or raise the limit (ulimit -n)";
            case ENODEV: return "the device has no driver: load the myipc module";
            case EEXIST: return "it already exists";
            case EBUSY: return "the resource is in use by another process";
            case ENOTDIR: return "a component of the path is not a directory";
            case EISDIR: return "the path is a directory, give a file path";
            case EROFS: return "the file system is read-only: choose a writable directory";
            case ENAMETOOLONG: return "the path is too long: use a shorter one";
            case EINVAL: return "an argument was rejected by the kernel: check the parameters";
            case ENOTTY: return "the file does not support this request: is it the right kind of file?";
            case EFBIG: return "the size is over the system limit (for pipes see /proc/sys/fs/pipe-max-size)";
            default: return "";
        }
    }

    /**
     * The exception for a failed call: {@code EPIPE} gives {@link PeerClosedException}, {@code ETIMEDOUT}
     * {@link IpcTimeoutException}, everything else an {@link ErrnoException}. The message reads
     * {@code "<operation> <target> failed: ENOENT (advice)"}.
     */
    public static IOException exception(int errno, String operation, String target) {
        String advice = advice(errno);
        String msg = operation + (target == null ? "" : " " + target) + " failed: " + name(errno)
                + (advice.isEmpty() ? "" : " (" + advice + ")");
        switch (errno) {
            case EPIPE:
                return new PeerClosedException(operation + (target == null ? "" : " " + target)
                        + ": the reader has closed the channel or its process died (EPIPE): close this writer");
            case ETIMEDOUT:
                return new IpcTimeoutException(msg);
            default:
                return new ErrnoException(errno, msg);
        }
    }

    /** {@link #exception(int, String, String)} with the calling thread's last errno. */
    public static IOException last(String operation, String target) {
        return exception(LibC.errno(), operation, target);
    }
}
