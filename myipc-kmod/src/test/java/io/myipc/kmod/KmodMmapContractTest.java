package io.myipc.kmod;

import org.junit.jupiter.api.Tag;

/**
 * The API contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). Tagged
 * {@value KmodDevices#MMAP_TAG} (its groups inherit the tag), so a run can leave out the configuration groups that
 * copy mode runs too ({@code --exclude-tag 'mmap & configuration'}).
 */
@Tag(KmodDevices.MMAP_TAG)
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
