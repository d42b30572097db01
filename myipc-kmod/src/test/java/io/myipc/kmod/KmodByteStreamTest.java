package io.myipc.kmod;

import io.myipc.contract.ByteStreamContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ByteStream contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodByteStreamTest extends ByteStreamContract {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
