package io.myipc.pipe;

import io.myipc.contract.ConfigContract;

class PipeConfigTest extends ConfigContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
