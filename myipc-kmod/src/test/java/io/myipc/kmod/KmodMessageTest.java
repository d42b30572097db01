package io.myipc.kmod;

import io.myipc.contract.MessageContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Message contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMessageTest extends MessageContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
