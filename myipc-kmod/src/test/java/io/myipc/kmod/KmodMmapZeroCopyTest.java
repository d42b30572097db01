package io.myipc.kmod;

import io.myipc.contract.ZeroCopyContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ZeroCopy contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapZeroCopyTest extends ZeroCopyContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
