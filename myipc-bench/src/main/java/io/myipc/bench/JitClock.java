package io.myipc.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Time this JVM's JIT compilers have spent compiling. A timed pass during which they compiled shared the CPUs with
 * them: under QEMU icount (two vCPUs taking turns) such passes ran at a third to two thirds of the others' speed.
 */
final class JitClock {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private JitClock() {
    }

    /** Milliseconds spent compiling so far, summed over the compiler threads; 0 without a JIT or its clock. */
    static long millis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }
}
