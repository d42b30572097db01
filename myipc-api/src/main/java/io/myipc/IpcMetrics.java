package io.myipc;

import java.util.Map;

/**
 * A snapshot of one end's counters, from {@link IpcEnd#metrics()}. The end's own thread counts in plain fields; a
 * snapshot taken from another thread may lag by the calls in flight.
 *
 * @param bytesWritten      bytes this end put into the channel (a writer; message headers of 4 bytes included)
 * @param messagesWritten   whole messages this end wrote ({@code writeMessage}, {@code commitMessage})
 * @param bytesRead         bytes this end consumed (a reader; message headers included)
 * @param messagesRead      whole messages this end read ({@code readMessage}, {@code viewMessage})
 * @param waits             times a call of this end found the channel full (writer) or empty (reader) and waited
 * @param wakeups           wake-ups this end sent to a sleeping peer; 0 where the kernel wakes the peer
 *                          ({@code pipe:}, {@code kmod:} copy mode: see {@code transportCounters})
 * @param transportCounters what the transport counts itself, by name, e.g. the driver's {@code MYIPC_IOC_GET_STATS}
 *                          for {@code kmod:} ({@code driver.bytes_written}, {@code driver.reader_sleeps}, ...);
 *                          empty for the others
 */
public record IpcMetrics(long bytesWritten, long messagesWritten, long bytesRead, long messagesRead, long waits,
                         long wakeups, Map<String, Long> transportCounters) {
    public IpcMetrics {
        transportCounters = Map.copyOf(transportCounters);
    }
}
