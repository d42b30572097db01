package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsMeasureEverythingWithTheIssueBudgets() {
        Options o = Options.parse();
        assertThat(o.transports).isEqualTo(Options.ALL_TRANSPORTS);
        assertThat(o.sizes).containsExactly(64, 4096, 65536, 1 << 20);
        assertThat(o.bytesPerPoint).isEqualTo(256L << 20);
        assertThat(o.rttCount).isEqualTo(100_000);
        assertThat(o.rates).containsExactly(1000, 10000, 100000, 0);
        assertThat(o.out).isEqualTo(Path.of("target", "bench"));
    }

    @Test
    void quickScalesDownButKeepsWhatWasGiven() {
        Options q = Options.parse("--quick");
        assertThat(q.bytesPerPoint).isLessThan(256L << 20);
        assertThat(q.rttCount).isLessThan(100_000);
        Options o = Options.parse("--quick", "--rtt-count", "123", "--bytes=1MiB");
        assertThat(o.rttCount).isEqualTo(123);
        assertThat(o.bytesPerPoint).isEqualTo(1 << 20);
    }

    @Test
    void parsesListsSizesAndRepeatedIncludes() {
        Options o = Options.parse("--transports", "shm,pipe", "--sizes", "64,4KiB,1MiB", "--rates", "0,500",
                "--include", "a.json", "--include=b.json", "--same-core", "--out", "/tmp/x");
        assertThat(o.transports).containsExactly("shm", "pipe");
        assertThat(o.sizes).containsExactly(64, 4096, 1 << 20);
        assertThat(o.rates).containsExactly(0, 500);
        assertThat(o.includes).containsExactly(Path.of("a.json"), Path.of("b.json"));
        assertThat(o.sameCore).isTrue();
        assertThat(o.out).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void badOptionsSayWhatToDo() {
        assertThatThrownBy(() -> Options.parse("--fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option '--fast'").hasMessageContaining("--quick");
        assertThatThrownBy(() -> Options.parse("--transports", "tcp"))
                .hasMessageContaining("unknown transport 'tcp'").hasMessageContaining("pipe,pipe-1m,shm");
        assertThatThrownBy(() -> Options.parse("--sizes", "4 KB"))
                .hasMessageContaining("--sizes needs a size like 65536, 64KiB or 1MiB, not '4 KB'");
        assertThatThrownBy(() -> Options.parse("--sizes", "0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Options.parse("--bytes")).hasMessageContaining("option --bytes needs a value");
        assertThatThrownBy(() -> Options.parse("--rtt-count", "many"))
                .hasMessageContaining("needs a whole number, not 'many'");
        assertThatThrownBy(() -> Options.parse("--rtt-count", "0")).hasMessageContaining("greater than 0");
        assertThatThrownBy(() -> Options.parse("--rates", "-5")).hasMessageContaining("0 (max)");
        assertThatThrownBy(() -> Options.parse("--rate-seconds", "soon")).hasMessageContaining("number of seconds");
        assertThatThrownBy(() -> Options.parse("--transports", ",")).hasMessageContaining("at least one");
    }

    @Test
    void vmTakesAKernelAndTheGuestGetsTheOtherArguments() {
        assertThat(Options.parse("--vm", "6.12").vmKernel).isEqualTo("6.12");
        assertThatThrownBy(() -> Options.parse("--vm", "5.10")).hasMessageContaining("6.1 or 6.12, not '5.10'");
        assertThat(VmRun.guestArgs(new String[] {"--quick", "--vm", "6.1", "--out", "x", "--out=y", "--vm=6.1",
            "--no-rate", "--accel", "tcg", "--accel=kvm"}))
                .containsExactly("--quick", "--no-rate");
    }

    @Test
    void repeatsAccelAndChunkSizesOfWholeWords() {
        assertThat(Options.parse().repeats).isEqualTo(5);
        assertThat(Options.parse("--repeats", "2").repeats).isEqualTo(2);
        assertThatThrownBy(() -> Options.parse("--repeats", "0")).hasMessageContaining("greater than 0");
        assertThat(Options.parse().accel).isEqualTo("icount");
        assertThat(Options.parse("--accel=kvm").accel).isEqualTo("kvm");
        assertThatThrownBy(() -> Options.parse("--accel", "hax")).hasMessageContaining("icount, tcg, kvm, auto");
        assertThatThrownBy(() -> Options.parse("--sizes", "100")).hasMessageContaining("not a multiple of 8");
    }

    @Test
    void jmhTakesTheRestOfTheArguments() {
        Options o = Options.parse("--jmh", "--whatever", "-f", "1");
        assertThat(o.jmh).isTrue();
        assertThat(List.of(o.transports)).isNotEmpty();
    }
}
