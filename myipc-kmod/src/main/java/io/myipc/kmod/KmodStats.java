package io.myipc.kmod;

import io.myipc.internal.posix.Errno;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.WriterEnd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver's per-channel counters ({@code MYIPC_IOC_GET_STATS}, {@code struct myipc_stats}) as the
 * {@code transportCounters} of {@link io.myipc.IpcMetrics}, named {@code driver.<field>}; and the end wrappers that
 * report them. The wrappers only add {@code transportCounters()}: every data call goes straight to the wrapped end.
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

    /** Functional source of the counters: the end's descriptor, as long as it is open. */
    interface Source {
        Map<String, Long> get() throws IOException;
    }

    static WriterEnd writer(WriterEnd end, Source stats) {
        return new WriterEnd() {
            @Override
            public int write(ByteBuffer src, long timeoutNanos) throws IOException {
                return end.write(src, timeoutNanos);
            }

            @Override
            public ByteBuffer claim(int n, long timeoutNanos) throws IOException {
                return end.claim(n, timeoutNanos);
            }

            @Override
            public void commit(int n) throws IOException {
                end.commit(n);
            }

            @Override
            public int maxClaimSize() {
                return end.maxClaimSize();
            }

            @Override
            public long waits() {
                return end.waits();
            }

            @Override
            public long wakeups() {
                return end.wakeups();
            }

            @Override
            public Map<String, Long> transportCounters() throws IOException {
                return stats.get();
            }

            @Override
            public void wakeup() {
                end.wakeup();
            }

            @Override
            public void close() throws IOException {
                end.close();
            }
        };
    }

    static ReaderEnd reader(ReaderEnd end, Source stats) {
        return new ReaderEnd() {
            @Override
            public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
                return end.read(dst, timeoutNanos);
            }

            @Override
            public ByteBuffer view(int minBytes, long timeoutNanos) throws IOException {
                return end.view(minBytes, timeoutNanos);
            }

            @Override
            public void release(int n) throws IOException {
                end.release(n);
            }

            @Override
            public int maxViewSize() {
                return end.maxViewSize();
            }

            @Override
            public long waits() {
                return end.waits();
            }

            @Override
            public long wakeups() {
                return end.wakeups();
            }

            @Override
            public Map<String, Long> transportCounters() throws IOException {
                return stats.get();
            }

            @Override
            public void wakeup() {
                end.wakeup();
            }

            @Override
            public void close() throws IOException {
                end.close();
            }
        };
    }
}
