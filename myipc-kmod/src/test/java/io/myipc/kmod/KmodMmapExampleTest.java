package io.myipc.kmod;

import io.myipc.contract.ExampleContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Example contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapExampleTest extends ExampleContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
