package io.myipc.pipe;

import io.myipc.contract.TransportContract;

/** The API contract over {@code pipe:}. */
class PipeContractTest extends TransportContract {
    @Override
    protected String newChannelUri() {
        return PipeChannels.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return PipeChannels.badValueUri();
    }
}
