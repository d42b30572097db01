package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The C benchmark is started with the Java runner's own budgets, so Java vs C compares like with like. */
class NativeRunTest {
    static String after(List<String> cmd, String opt) {
        int i = cmd.indexOf(opt);
        assertThat(i).as(opt + " in " + cmd).isNotNegative();
        return cmd.get(i + 1);
    }

    @Test
    void quickBudgetsArePassedOnExplicitly() {
        Options o = Options.parse("--quick");
        List<String> cmd = NativeRun.arguments(o, Path.of("/bin/bench-c"), Path.of("/tmp/n.json"));
        assertThat(cmd.get(0)).isEqualTo("/bin/bench-c");
        assertThat(after(cmd, "--bytes")).isEqualTo(String.valueOf(o.bytesPerPoint));
        assertThat(after(cmd, "--verify-bytes")).isEqualTo(String.valueOf(o.verifyBytes));
        assertThat(after(cmd, "--rtt-count")).isEqualTo(String.valueOf(o.rttCount));
        assertThat(after(cmd, "--warmup")).isEqualTo(String.valueOf(o.warmup));
        assertThat(Double.parseDouble(after(cmd, "--rate-seconds"))).isEqualTo(o.rateSeconds);
        assertThat(after(cmd, "--out")).isEqualTo("/tmp/n.json");
    }

    @Test
    void givenRatesAndSizesFollowAndZeroIsMax() {
        Options o = Options.parse("--rates", "1000,0", "--sizes", "64,4096", "--repeats", "3");
        List<String> cmd = NativeRun.arguments(o, Path.of("b"), Path.of("j"));
        assertThat(after(cmd, "--rates")).isEqualTo("1000,max");
        assertThat(after(cmd, "--sizes")).isEqualTo("64,4096");
        assertThat(after(cmd, "--repeats")).isEqualTo("3");
        assertThat(NativeRun.arguments(Options.parse(), Path.of("b"), Path.of("j")))
                .doesNotContain("--repeats", "--check-ceiling");
        assertThat(NativeRun.arguments(Options.parse("--check-ceiling"), Path.of("b"), Path.of("j")))
                .contains("--check-ceiling");
    }

    @Test
    void theTransportsAndMeasurementsAskedForAreTheOnesCMeasuresWithTheRunsLimits() {
        Options o = Options.parse("--transports", "shm,pipe", "--no-rtt", "--no-rate");
        List<String> cmd = NativeRun.arguments(o, Path.of("b"), Path.of("j"));
        assertThat(after(cmd, "--transports")).isEqualTo("shm,pipe,ceiling,cacheline");
        assertThat(after(cmd, "--metrics")).isEqualTo("throughput");
        assertThat(after(NativeRun.arguments(Options.parse("--no-throughput"), Path.of("b"), Path.of("j")),
                "--metrics")).isEqualTo("rtt,rate");
        // all three left out: the correctness passes alone, in both front ends
        assertThat(after(NativeRun.arguments(Options.parse("--no-rtt", "--no-throughput", "--no-rate"), Path.of("b"),
                Path.of("j")), "--metrics")).isEmpty();
        // no selection: C measures every row of its own, the C-only mechanisms included
        assertThat(NativeRun.arguments(Options.parse(), Path.of("b"), Path.of("j")))
                .doesNotContain("--transports", "--metrics");
    }

    @Test
    void underEmulationAFullRunGetsTheQuickBudgetsExceptWhatWasGiven() {
        Options o = Options.parse("--rtt-count", "777");
        assertThat(BenchRunner.scaleForEmulation(o, false)).isFalse();
        assertThat(o.bytesPerPoint).isEqualTo(256L << 20);
        assertThat(BenchRunner.scaleForEmulation(o, true)).isTrue();
        assertThat(o.bytesPerPoint).isEqualTo(Options.parse("--quick").bytesPerPoint);
        assertThat(o.rttCount).isEqualTo(777);
    }
}
