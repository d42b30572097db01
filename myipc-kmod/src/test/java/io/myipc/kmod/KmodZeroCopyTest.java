package io.myipc.kmod;

import io.myipc.contract.ZeroCopyContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ZeroCopy contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodZeroCopyTest extends ZeroCopyContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
