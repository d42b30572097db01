package io.myipc.bench;

import com.sun.jna.Memory;
import io.myipc.internal.posix.LibC;

/** Pins the calling thread to one CPU with sched_setaffinity(2) (pid 0 = the calling thread). */
public final class Affinity {
    private Affinity() {
    }

    /** Returns null on success, otherwise what went wrong. */
    public static String pinCurrentThread(int cpu) {
        if (cpu < 0) {
            return "not pinned";
        }
        if (cpu >= 1024) {
            return "cpu " + cpu + " is beyond the 1024-CPU mask";
        }
        try (Memory mask = new Memory(128)) {
            mask.clear();
            mask.setByte(cpu / 8, (byte) (1 << (cpu % 8)));
            int rc = LibC.sched_setaffinity(0, 128, mask);
            return rc == 0 ? null : "sched_setaffinity(cpu " + cpu + ") failed, errno " + LibC.errno();
        } catch (Throwable t) {
            return "sched_setaffinity(cpu " + cpu + ") failed: " + t;
        }
    }
}
