package io.myipc.kmod;

/** The API contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
class KmodMmapContractTest extends KmodContractTest {
    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
