package io.myipc.pipe;

import io.myipc.contract.ExampleContract;

class PipeExampleTest extends ExampleContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
