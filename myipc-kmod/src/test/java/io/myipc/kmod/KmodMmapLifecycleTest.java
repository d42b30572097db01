package io.myipc.kmod;

import io.myipc.contract.LifecycleContract;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

/** The Lifecycle contract over {@code kmod:} in {@code mode=mmap}; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodMmapLifecycleTest extends LifecycleContract {
    /** As in {@link KmodLifecycleTest}: Netty initialised before the timed cases (slow under TCG). */
    @BeforeAll
    static void initialiseNettyBeforeTheTimedCases() {
        Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(16)).clear().writeZero(16).release();
    }

    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri() + "?mode=mmap";
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.newUri() + "?mode=mmap&size=lots";
    }
}
