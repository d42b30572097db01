package io.myipc.kmod;

import io.myipc.contract.TransportContract;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

/** The API contract over {@code kmod:} copy mode; needs the driver (skipped without it). */
@ExtendWith(RequiresDriver.class)
class KmodContractTest extends TransportContract {
    /**
     * The contract's blocked-call cases give the call 300 ms to reach its blocking point before closing the end. In
     * the VM (QEMU/TCG, several times slower) the first use of Netty's {@code ByteBuf} in this JVM — class
     * initialisation in {@code claim} — alone takes longer, so the close came before the call and the case saw
     * {@code ClosedChannelException}. Initialise Netty here, before any case.
     */
    @BeforeAll
    static void initialiseNettyBeforeTheTimedCases() {
        Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(16)).clear().writeZero(16).release();
    }

    @Override
    protected String newChannelUri() {
        return KmodDevices.newUri();
    }

    @Override
    protected String uriWithBadParameterValue() {
        return KmodDevices.badValueUri();
    }
}
