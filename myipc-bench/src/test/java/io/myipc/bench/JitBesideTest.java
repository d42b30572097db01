package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A timed pass that the JIT compilers ran beside for half its length or more is measured again. */
class JitBesideTest {
    private static BenchRunner.Transfer pass(long wallMs, long jitMs) {
        Measure.WriteResult w = new Measure.WriteResult(16 << 20, 256, 0, wallMs * 1_000_000L, 0);
        return new BenchRunner.Transfer(w, 0, 0, -1, null, true, true, 0, 0, jitMs);
    }

    @Test
    void halfThePassOrMoreOfCompilingIsTooMuch() {
        assertThat(BenchRunner.jitRanBeside(pass(100, 0))).isFalse();
        assertThat(BenchRunner.jitRanBeside(pass(100, 27))).isFalse();
        assertThat(BenchRunner.jitRanBeside(pass(100, 49))).isFalse();
        assertThat(BenchRunner.jitRanBeside(pass(100, 50))).isTrue();
        assertThat(BenchRunner.jitRanBeside(pass(165, 148))).isTrue();
    }
}
