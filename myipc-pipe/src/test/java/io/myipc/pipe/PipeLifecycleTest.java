package io.myipc.pipe;

import io.myipc.contract.LifecycleContract;

class PipeLifecycleTest extends LifecycleContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
