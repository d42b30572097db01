package io.myipc.kmod;

import io.myipc.contract.LifecycleContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Lifecycle contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodLifecycleTest extends LifecycleContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
