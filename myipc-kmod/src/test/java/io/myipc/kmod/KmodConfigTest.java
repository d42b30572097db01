package io.myipc.kmod;

import io.myipc.contract.ConfigContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Config contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodConfigTest extends ConfigContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
