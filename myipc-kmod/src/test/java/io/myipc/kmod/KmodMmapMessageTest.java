package io.myipc.kmod;

import io.myipc.contract.MessageContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Message contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapMessageTest extends MessageContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
