package io.myipc.shm;

import io.myipc.contract.ConfigContract;

class ShmConfigTest extends ConfigContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
