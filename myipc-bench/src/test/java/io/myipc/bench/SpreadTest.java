package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpreadTest {
    @Test
    void medianMinMaxAndSpread() {
        Spread s = Spread.of(100, 90, 110, 95, 105);
        assertThat(s.median()).isEqualTo(100);
        assertThat(s.min()).isEqualTo(90);
        assertThat(s.max()).isEqualTo(110);
        assertThat(s.repeats()).isEqualTo(5);
        assertThat(s.spreadPct()).isCloseTo(20.0, within(1e-9));
        assertThat(s.noisy()).isTrue();
        assertThat(Spread.medianIndex(100, 90, 110, 95, 105)).isZero();
    }

    @Test
    void tenPercentIsNotYetNoisyAndAnEvenCountAveragesTheMiddle() {
        assertThat(Spread.of(95, 105, 100).noisy()).isFalse();
        assertThat(Spread.of(1, 3).median()).isEqualTo(2);
        assertThat(Spread.medianIndex(3, 1)).isEqualTo(1);
        assertThat(Spread.of(7).spreadPct()).isZero();
    }
}
