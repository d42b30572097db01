package io.myipc.pipe;

import io.myipc.contract.ByteStreamContract;

class PipeByteStreamTest extends ByteStreamContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
