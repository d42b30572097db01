package io.myipc.shm;

import io.myipc.contract.ZeroCopyContract;

class ShmZeroCopyTest extends ZeroCopyContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
