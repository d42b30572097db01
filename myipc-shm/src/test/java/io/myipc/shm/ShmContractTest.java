package io.myipc.shm;

import io.myipc.contract.TransportContract;

/** The API contract over {@code shm:}. */
class ShmContractTest extends TransportContract {
    @Override
    protected String newChannelUri() {
        return ShmChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return ShmChannels.badValueUri();
    }
}
