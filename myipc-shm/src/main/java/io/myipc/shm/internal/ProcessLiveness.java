package io.myipc.shm.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process recorded as (pid, start time) still runs. The start time (field 22 of {@code
 * /proc/<pid>/stat}, clock ticks after boot) tells a reused pid from the original process. A zombie
 * (state Z or X) counts as dead: it will never touch the ring again.
 */
public final class ProcessLiveness {
    private ProcessLiveness() {}

    private static final int SELF_PID = io.myipc.internal.posix.LibC.getpid();
    private static final long SELF_START = startTimeOrThrow(SELF_PID);

    /** This process's pid. */
    public static int selfPid() {
        return SELF_PID;
    }

    /** This process's start time. */
    public static long selfStartTime() {
        return SELF_START;
    }

    /**
     * True if {@code pid} runs and started at {@code startTime}. A ring's writer asks this on its hot path (about
     * every 100 ms), so it reads {@code /proc/<pid>/stat} through a reused native buffer per thread and parses the
     * bytes in place: no allocation. A process that cannot be judged (the file unreadable for another reason than
     * the process being gone) counts as alive.
     */
    public static boolean isAlive(int pid, long startTime) {
        return STAT.get().isAlive(pid, startTime);
    }

    private static final ThreadLocal<StatReader> STAT = ThreadLocal.withInitial(StatReader::new);

    /** One thread's buffer for {@code /proc/<pid>/stat}: the path at offset 0, the file's bytes after it. */
    private static final class StatReader {
        private static final int PATH = 0, DATA = 64, SIZE = 1024;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(SIZE);
        private final long address = Pointer.nativeValue(Native.getDirectBufferPointer(buf));

        boolean isAlive(int pid, long startTime) {
            writePath(pid);
            int fd = LibC.open(address + PATH, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
            if (fd < 0) {
                return !gone(LibC.errno());
            }
            long n;
            try {
                n = LibC.read(fd, address + DATA, SIZE - DATA);
            } finally {
                LibC.close(fd);
            }
            if (n < 0) {
                return !gone(LibC.errno());
            }
            return parse((int) n, startTime);
        }

        /** Writes "/proc/<pid>/stat", NUL-terminated, at {@link #PATH}. */
        private void writePath(int pid) {
            int at = put(PATH, "/proc/");
            int digits = 1;
            for (int v = pid; v >= 10; v /= 10) {
                digits++;
            }
            for (int i = digits - 1, v = pid; i >= 0; i--, v /= 10) {
                buf.put(at + i, (byte) ('0' + v % 10));
            }
            buf.put(put(at + digits, "/stat"), (byte) 0);
        }

        private int put(int at, String ascii) {
            for (int i = 0; i < ascii.length(); i++) {
                buf.put(at + i, (byte) ascii.charAt(i));
            }
            return at + ascii.length();
        }

        /** Fields after the last ')': state (3), ..., starttime (22). */
        private boolean parse(int n, long startTime) {
            int close = -1;
            for (int i = DATA + n - 1; i >= DATA; i--) {
                if (buf.get(i) == ')') {
                    close = i;
                    break;
                }
            }
            int end = DATA + n;
            if (close < 0 || close + 2 >= end) {
                return true; // cannot tell: do not declare a peer dead on a read problem
            }
            byte state = buf.get(close + 2);
            if (state == 'Z' || state == 'X' || state == 'x') {
                return false;
            }
            int field = 3, i = close + 2;
            while (field < 22 && i < end) {
                if (buf.get(i++) == ' ') {
                    field++;
                }
            }
            if (field < 22 || i >= end) {
                return true; // cannot tell
            }
            long v = 0;
            for (byte b; i < end && (b = buf.get(i)) >= '0' && b <= '9'; i++) {
                v = v * 10 + (b - '0');
            }
            return v == startTime;
        }

        private static boolean gone(int errno) {
            return errno == Errno.ENOENT || errno == Errno.ESRCH;
        }
    }

    /** Start time of a live process, or -1 if there is no such process. */
    public static long startTime(int pid) {
        String stat = readStat(pid);
        if (stat == null || stat.isEmpty()) {
            return -1;
        }
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split(" ");
        return Long.parseLong(f[19]);
    }

    private static long startTimeOrThrow(int pid) {
        long t = startTime(pid);
        if (t < 0) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat; is /proc mounted?");
        }
        return t;
    }

    /** Marker: the stat file could not be read for another reason than the process being gone. */
    private static final String UNKNOWN = "";

    /**
     * Reads {@code /proc/<pid>/stat} with a plain (not interruptible) stream, so an interrupted
     * caller does not mistake its own interrupt for a dead peer. Returns null if the process is
     * gone, {@link #UNKNOWN} if the file could not be read for another reason.
     */
    private static String readStat(int pid) {
        Path p = Path.of("/proc", Integer.toString(pid), "stat");
        try (InputStream in = new FileInputStream(p.toFile())) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (FileNotFoundException e) {
            return Files.exists(Path.of("/proc", Integer.toString(pid))) ? UNKNOWN : null;
        } catch (IOException e) {
            // ESRCH while reading: the process exited between open and read
            return Files.exists(Path.of("/proc", Integer.toString(pid))) ? UNKNOWN : null;
        }
    }
}
