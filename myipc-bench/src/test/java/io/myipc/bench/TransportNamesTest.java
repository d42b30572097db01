package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one naming table pairs every Java transport with a C transport that exists. */
class TransportNamesTest {
    @Test
    void everyJavaTransportHasACTwinAndNoOtherNamesArePaired() {
        for (String j : Options.ALL_TRANSPORTS) assertThat(TransportNames.cOf(j)).as(j).isNotNull();
        assertThat(TransportNames.PAIRS).extracting(TransportNames.Pair::java)
                .containsExactlyElementsOf(Options.ALL_TRANSPORTS);
        assertThat(TransportNames.cOf("kmod-mmap")).isEqualTo("dev-mmap");
        assertThat(TransportNames.cOf("kmod-mutex")).isEqualTo("dev-mutex");
        assertThat(TransportNames.cOf("vmsplice")).isNull();
    }

    @Test
    void theCNamesAreTheCBenchmarksOwn() throws Exception {
        Path bin = Path.of("native/build/myipc-bench-c");
        assumeTrue(Files.isExecutable(bin), "C benchmark not built (make -C myipc-bench/native)");
        Process p = new ProcessBuilder(bin.toString(), "--list").redirectErrorStream(true).start();
        List<String> names = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .map(l -> l.split("\\s+")[0]).toList();
        assertThat(p.waitFor()).isZero();
        for (TransportNames.Pair pair : TransportNames.PAIRS) assertThat(names).as(pair.java()).contains(pair.c());
    }
}
