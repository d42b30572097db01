package io.myipc.pipe;

import io.myipc.contract.MessageContract;

class PipeMessageTest extends MessageContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
