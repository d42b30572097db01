package io.myipc.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one naming table of the benchmark: which C transport ({@code myipc-bench/native}) measures the same kernel
 * mechanism as which Java transport. The report's "Java vs C" column pairs records only through this table, and
 * {@code RESULTS.md} prints it.
 */
public final class TransportNames {
    private TransportNames() {
    }

    /** One pairing: the Java runner's name, the C benchmark's name, and what both measure. */
    public record Pair(String java, String c, String mechanism) {
    }

    /** Every pairing, in report order. C-only transports (vmsplice, unix, memcpy, cacheline) have no Java twin. */
    public static final List<Pair> PAIRS = List.of(
            new Pair("pipe", "pipe", "Linux pipe, 64 KiB (Java: a named FIFO through JNA)"),
            new Pair("pipe-1m", "pipe-1m", "Linux pipe enlarged to 1 MiB with F_SETPIPE_SZ"),
            new Pair("shm", "shm", "SPSC ring of 64 KiB in shared memory, futex wake-ups (C: the benchmark's own ring;"
                    + " Java: shm:)"),
            new Pair("shm-1m", "shm-1m", "the same ring with 1 MiB"),
            new Pair("kmod-spsc", "dev-spsc", "driver copy mode, sync=spsc (lock-free), 64 KiB ring; write -> read"),
            new Pair("kmod-mutex", "dev-mutex", "driver copy mode, sync=mutex (one lock), 64 KiB ring; write -> read"),
            new Pair("kmod-1m", "dev-1m", "driver copy mode, sync=spsc, 1 MiB ring (as pipe-1m)"),
            new Pair("kmod-mmap", "dev-mmap", "driver ring mapped by both ends (Java kmod:?mode=mmap), 64 KiB:"
                    + " claim/commit -> view/release"),
            new Pair("kmod-mmap-1m", "dev-mmap-1m", "the same with a 1 MiB ring"));

    private static final Map<String, String> JAVA_TO_C = new LinkedHashMap<>();

    static {
        for (Pair p : PAIRS) JAVA_TO_C.put(p.java(), p.c());
    }

    /** The C transport measuring the same mechanism as the Java transport {@code java}, or null. */
    public static String cOf(String java) {
        return JAVA_TO_C.get(java);
    }

    /** The table as markdown (for RESULTS.md and the report). */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("| Java runner | C benchmark | what both measure |\n|---|---|---|\n");
        for (Pair p : PAIRS) sb.append("| `").append(p.java()).append("` | `").append(p.c()).append("` | ")
                .append(p.mechanism()).append(" |\n");
        return sb.toString();
    }
}
