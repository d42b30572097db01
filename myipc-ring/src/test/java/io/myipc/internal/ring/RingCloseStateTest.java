package io.myipc.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Who stores END_CLOSED when an end closes: the end itself for {@code shm:}, nobody in user space
 * when the waiter says the kernel keeps the state words (the driver: another end of the same kind
 * may still be open, and a store of ours would tell the peer "end of stream" too early).
 */
class RingCloseStateTest {
    /** A waiter that never sleeps and leaves the state words to "the kernel". */
    private static final RingWaiter KERNEL_KEEPS_STATE = new RingWaiter() {
        @Override
        public void await(RingSide sleeper, int wakeSeq, int need, long timeoutNanos) throws IOException {
        }

        @Override
        public void wake(RingSide sleeper) {
        }

        @Override
        public void interrupt(RingSide sleeper) {
        }

        @Override
        public boolean closeStoresState() {
            return false;
        }
    };

    @Test
    void anEndStoresClosedWhenItsWaiterSaysSo() throws Exception {
        try (TestRings t = TestRings.create(4096, 0)) {
            t.ring.producer().close();
            t.ring.consumer().close();
            assertThat(t.ring.state(RingSide.PRODUCER)).isEqualTo(RingDescriptor.END_CLOSED);
            assertThat(t.ring.state(RingSide.CONSUMER)).isEqualTo(RingDescriptor.END_CLOSED);
        }
    }

    @Test
    void anEndLeavesTheKernelsStateWordAlone() throws Exception {
        try (TestRings t = TestRings.create(4096, 0)) {
            SpscByteRing ring = new SpscByteRing(t.mapping.control(), t.mapping.data(), KERNEL_KEEPS_STATE,
                    RingWaitPolicy.DEFAULT);
            RingProducer p = ring.producer();
            RingConsumer c = ring.consumer();
            p.close();
            c.close();
            assertThat(p.isClosed()).isTrue();
            assertThat(ring.state(RingSide.PRODUCER)).isEqualTo(RingDescriptor.END_OPEN);
            assertThat(ring.state(RingSide.CONSUMER)).isEqualTo(RingDescriptor.END_OPEN);
        }
    }
}
