package io.myipc.mem;

import io.myipc.contract.ZeroCopyContract;

import java.util.concurrent.atomic.AtomicInteger;

/** The contract between threads over the in-process zero-copy test transport. */
class MemZeroCopyTest extends ZeroCopyContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected String newChannelUri() {
        return "mem:ZeroCopy" + COUNTER.incrementAndGet() + "?capacity=" + (COUNTER.get() % 2 == 0 ? "4096" : "64KiB");
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
