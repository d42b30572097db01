package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crashed JVM in a --vm run is told by its hs_err file or its status; the report gets the hs_err head. */
class CrashDetectionTest {
    @TempDir
    Path tmp;

    @Test
    void aNewHsErrFileOrAFatalSignalStatusIsACrash() throws Exception {
        assertThat(VmRun.crash(1, List.of(), tmp)).isNull(); // an ordinary failure (a check failed)
        assertThat(VmRun.crash(134, List.of(), tmp)).startsWith("exit status 134 (no hs_err file)");
        Path old = Files.writeString(tmp.resolve("hs_err_pid1.log"), "old crash\n");
        assertThat(VmRun.crash(1, List.of(old), tmp)).isNull();
        StringBuilder hs = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            hs.append("#").append(i == 2 ? " SIGILL (0x4) at pc=0x00007f" : " line " + i).append('\n');
        }
        Files.writeString(tmp.resolve("hs_err_pid77.log"), hs);
        String c = VmRun.crash(134, List.of(old), tmp);
        assertThat(c).startsWith("exit status 134; ").contains("hs_err_pid77.log", "SIGILL", "# line 10")
                .doesNotContain("# line 11");
        assertThat(VmRun.hsErrFiles(tmp)).hasSize(2);
    }

    @Test
    void theHeadOfAMissingFileIsNull() {
        assertThat(PeerProcess.hsErrHead(tmp.resolve("hs_err_pid5.log"), 10)).isNull();
    }
}
