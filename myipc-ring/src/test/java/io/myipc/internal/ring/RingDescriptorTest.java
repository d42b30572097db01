package io.myipc.internal.ring;

import static io.myipc.internal.ring.RingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The layout is the one of myipc-kmod/include/uapi/myipc.h, the reference ({@code MyipcUapiMmapTest}
 * in myipc-kmod compares these constants with the compiled header). The literals here guard the
 * constants in this module alone: they may only change together with LAYOUT_VERSION and the header.
 */
class RingDescriptorTest {

    @Test
    void offsetsAreTheDocumentedOnes() {
        assertThat(new int[] {MAGIC_OFFSET, VERSION_OFFSET, CAPACITY_OFFSET, DATA_OFFSET_OFFSET, READY_OFFSET,
                FLAGS_OFFSET, CLOSED_ENDS_OFFSET, PRODUCER_PID_OFFSET, PRODUCER_START_TIME_OFFSET, CONSUMER_PID_OFFSET,
                CONSUMER_START_TIME_OFFSET})
                .containsExactly(0x000, 0x004, 0x008, 0x010, 0x014, 0x018, 0x01C, 0x040, 0x048, 0x080, 0x088);
        assertThat(new int[] {TAIL_OFFSET, PRODUCER_STATE_OFFSET, PRODUCER_SLEEPING_OFFSET, PRODUCER_WAKE_SEQ_OFFSET})
                .containsExactly(0x1000, 0x1080, 0x1084, 0x1088);
        assertThat(new int[] {HEAD_OFFSET, CONSUMER_STATE_OFFSET, CONSUMER_SLEEPING_OFFSET, CONSUMER_WAKE_SEQ_OFFSET})
                .containsExactly(0x2000, 0x2080, 0x2084, 0x2088);
        assertThat(DATA_OFFSET).isEqualTo(0x3000);
        assertThat(MAGIC).isEqualTo(0x4350494D);
        assertThat(LAYOUT_VERSION).isEqualTo(1);
    }

    @Test
    void eachSideWritesWithinItsOwnPageOnLinesApartFromItsIndex() {
        for (RingSide s : RingSide.values()) {
            int page = pageOffset(s);
            for (int off : new int[] {stateOffset(s), sleepingOffset(s), wakeSeqOffset(s)}) {
                assertThat(off / PAGE).isEqualTo(page / PAGE);
                assertThat(off / 64).as("wait words on another cache line than the index").isNotEqualTo(page / 64);
            }
        }
        assertThat(PRODUCER_PAGE / PAGE).isNotEqualTo(CONSUMER_PAGE / PAGE);
        assertThat(DATA_OFFSET % PAGE).isZero();
        assertThat(backingSize(65536)).isEqualTo(0x3000 + 65536);
        assertThat(mappingSize(65536)).isEqualTo(0x3000 + 2 * 65536);
    }

    @Test
    void capacityMustBeAPowerOfTwoInRange() {
        checkCapacity(4096);
        checkCapacity(1 << 29);
        for (long bad : new long[] {0, 2048, 4097, 3 << 20, 1L << 30}) {
            assertThatThrownBy(() -> checkCapacity(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("power of two");
        }
    }
}
