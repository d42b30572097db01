package io.myipc.kmod;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver's per-channel counters ({@code MYIPC_IOC_GET_STATS}, {@code struct myipc_stats}) as the
 * {@code transportCounters} of {@link io.myipc.IpcMetrics}, named {@code driver.<field>}. Both modes' ends read them
 * through {@code countersFrom} (no wrapper between the API layer and the end).
 */
final class KmodStats {
    /** The fields of {@code struct myipc_stats} in order (the reserved slots follow). */
    private static final String[] FIELDS = {"bytes_written", "bytes_read", "write_calls", "read_calls",
        "writer_sleeps", "reader_sleeps", "writer_wakeups", "reader_wakeups", "high_water", "capacity", "buffered"};

    private KmodStats() {
    }

    static Map<String, Long> read(int fd, String what) throws IOException {
        ByteBuffer b = NativeMemory.allocate(MyipcUapi.STATS_SIZE).order(ByteOrder.nativeOrder());
        if (LibC.ioctl(fd, MyipcUapi.IOC_GET_STATS, NativeMemory.address(b)) < 0) {
            throw Errno.last("MYIPC_IOC_GET_STATS on", what);
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS.length; i++) {
            m.put("driver." + FIELDS[i], b.getLong(i * MyipcUapi.U64));
        }
        return m;
    }
}
