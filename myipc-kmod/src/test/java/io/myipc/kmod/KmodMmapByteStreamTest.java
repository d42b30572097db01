package io.myipc.kmod;

import io.myipc.contract.ByteStreamContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ByteStream contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapByteStreamTest extends ByteStreamContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
