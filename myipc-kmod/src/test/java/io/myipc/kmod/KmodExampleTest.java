package io.myipc.kmod;

import io.myipc.contract.ExampleContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Example contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodExampleTest extends ExampleContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
