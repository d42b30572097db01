package io.myipc.mem;

import io.myipc.contract.TransportContract;

import java.util.concurrent.atomic.AtomicInteger;

/** The contract between threads over the in-process zero-copy test transport (no child JVMs: it has none). */
class MemContractTest extends TransportContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected String newChannelUri() {
        int n = COUNTER.incrementAndGet();
        return "mem:c" + n + "?capacity=" + (n % 2 == 0 ? "4096" : "64KiB");
    }

    @Override
    protected String uriWithBadParameterValue() {
        return "mem:x?capacity=huge";
    }

    @Override
    protected boolean crossProcess() {
        return false;
    }
}
