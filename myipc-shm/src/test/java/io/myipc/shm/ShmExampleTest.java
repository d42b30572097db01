package io.myipc.shm;

import io.myipc.contract.ExampleContract;

class ShmExampleTest extends ExampleContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
