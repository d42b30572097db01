package io.myipc.shm.internal;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
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

    /** True if {@code pid} runs and started at {@code startTime}. */
    public static boolean isAlive(int pid, long startTime) {
        String stat = readStat(pid);
        if (stat == null) {
            return false;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return true; // cannot tell: do not declare a peer dead on a read problem
        }
        // after ") " come fields 3 (state), 4, ...; field 22 is index 19 after the state
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 20) {
            return true; // cannot tell
        }
        char state = f[0].charAt(0);
        if (state == 'Z' || state == 'X' || state == 'x') {
            return false;
        }
        return Long.parseLong(f[19]) == startTime;
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
