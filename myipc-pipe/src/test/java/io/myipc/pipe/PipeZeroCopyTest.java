package io.myipc.pipe;

import io.myipc.contract.ZeroCopyContract;

class PipeZeroCopyTest extends ZeroCopyContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
