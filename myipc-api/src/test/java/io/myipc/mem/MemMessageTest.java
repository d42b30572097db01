package io.myipc.mem;

import io.myipc.contract.MessageContract;

import java.util.concurrent.atomic.AtomicInteger;

/** The contract between threads over the in-process zero-copy test transport. */
class MemMessageTest extends MessageContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    protected String newChannelUri() {
        return "mem:Message" + COUNTER.incrementAndGet() + "?capacity=" + (COUNTER.get() % 2 == 0 ? "4096" : "64KiB");
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
