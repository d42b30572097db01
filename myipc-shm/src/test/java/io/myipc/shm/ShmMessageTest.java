package io.myipc.shm;

import io.myipc.contract.MessageContract;

class ShmMessageTest extends MessageContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
