package io.myipc.shm;

import io.myipc.contract.ByteStreamContract;

class ShmByteStreamTest extends ByteStreamContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
