package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TransportsTest {
    private static BufferedReader table(String text) {
        return new BufferedReader(new StringReader(text));
    }

    @Test
    void theTableGivesEachJavaTransportItsUri() {
        Path d = Path.of("/tmp/d");
        assertThat(Transports.ALL.keySet()).containsExactly("pipe", "pipe-1m", "shm", "shm-1m", "kmod-spsc",
                "kmod-mutex", "kmod-1m", "kmod-mmap", "kmod-mmap-1m");
        assertThat(Transports.ALL.get("pipe").uri(d, "t", 0)).isEqualTo("pipe:/tmp/d/t.fifo?size=64KiB");
        assertThat(Transports.ALL.get("pipe-1m").uri(d, "t", 0)).isEqualTo("pipe:/tmp/d/t.fifo?size=1MiB");
        assertThat(Transports.ALL.get("shm").uri(d, "t", 0, Transports.SLEEP))
                .isEqualTo("shm:t?capacity=64KiB&spins=0&yields=0");
        assertThat(Transports.ALL.get("kmod-mutex").uri(d, "t", 1)).isEqualTo("kmod:/dev/myipc1?size=64KiB");
        assertThat(Transports.ALL.get("kmod-mutex").sync()).isEqualTo("mutex");
        assertThat(Transports.ALL.get("kmod-mmap-1m").uri(d, "t", 0))
                .isEqualTo("kmod:/dev/myipc0?mode=mmap&size=1MiB");
        assertThat(Transports.ALL.get("kmod-mmap-1m").rttWaits()).contains(Transports.HYBRID);
    }

    @Test
    void rowsOnlyTheCFrontEndMeasuresAreLeftOut() throws Exception {
        assertThat(Transports.parse(table("# a comment\n\nunix\tunix\t-\t0\t-\t-\twhat\t-\n"
                + "x\tshm\tshm\t4096\t-\tring\tc\tjava text\n")))
                .containsOnlyKeys("x")
                .hasEntrySatisfying("x", s -> {
                    assertThat(s.ring()).isTrue();
                    assertThat(s.description()).isEqualTo("java text");
                    assertThat(s.uri(Path.of("/"), "t", 0)).isEqualTo("shm:t?capacity=4KiB");
                });
    }

    @Test
    void aMalformedRowIsNamedByItsLine() {
        assertThatThrownBy(() -> Transports.parse(table("# c\npipe\tpipe\tpipe\t0\t-\t-\twhat\n")))
                .hasMessageContaining("transports.tsv line 2: 7 fields, 8 expected");
        assertThatThrownBy(() -> Transports.parse(table("p\tpipe\tpipe\tlots\t-\t-\tw\tj\n")))
                .hasMessageContaining("line 1: capacity 'lots' is not a number");
        String row = "p\tpipe\tpipe\t1\t-\t-\tw\tj\n";
        assertThatThrownBy(() -> Transports.parse(table(row + row)))
                .hasMessageContaining("line 2: p is named twice");
    }
}
