package io.myipc.shm;

import io.myipc.contract.LifecycleContract;

class ShmLifecycleTest extends LifecycleContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
