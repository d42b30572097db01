package io.myipc.kmod;

import io.myipc.contract.ConfigContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Config contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapConfigTest extends ConfigContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
