package io.myipc.bench;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * CPU time of this process from clock_gettime(CLOCK_PROCESS_CPUTIME_ID): nanosecond resolution, where the JVM's
 * OperatingSystemMXBean.getProcessCpuTime() counts in scheduler ticks (10 ms here), too coarse for short runs.
 */
final class CpuClock {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final boolean NATIVE;

    static {
        boolean ok;
        try {
            Native.register(CpuClock.class, Platform.C_LIBRARY_NAME);
            ok = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, new long[2]) == 0;
        } catch (Throwable t) {
            ok = false;
        }
        NATIVE = ok;
    }

    private CpuClock() {
    }

    private static native int clock_gettime(int clock, long[] timespec);

    /** Where the figure comes from, for the result file. */
    static String source() {
        return NATIVE ? "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)" : "OperatingSystemMXBean.getProcessCpuTime()";
    }

    /** User+system CPU time of the whole process in ns, -1 when unknown. */
    static long processCpuNs() {
        if (NATIVE) {
            long[] ts = new long[2];
            if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts) == 0) {
                return ts[0] * 1_000_000_000L + ts[1];
            }
        }
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
