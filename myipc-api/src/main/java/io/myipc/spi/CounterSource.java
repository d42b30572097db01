package io.myipc.spi;

import java.io.IOException;
import java.util.Map;

/**
 * Where an end's {@link WriterEnd#transportCounters()} / {@link ReaderEnd#transportCounters()} come from, for ends
 * shared by several transports (the descriptor ends, the ring ends) that only one of them gives counters to, e.g. the
 * driver's {@code MYIPC_IOC_GET_STATS}. Read on demand (may make a system call), never on the data path.
 */
@FunctionalInterface
public interface CounterSource {
    /** No counters. */
    CounterSource NONE = Map::of;

    /** The counters by name, now. */
    Map<String, Long> read() throws IOException;
}
