package io.myipc.kmod;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MyipcUapi} agrees with {@code include/uapi/myipc.h}: the header is compiled with gcc and its values printed. */
@Timeout(120)
class MyipcUapiTest {
    @TempDir
    Path dir;

    /** {@code myipc-kmod/include}, from the module folder (Maven) or the repository root (the VM runner). */
    static Path includeDir() {
        for (String p : List.of("include", "myipc-kmod/include")) {
            Path d = Path.of(System.getProperty("myipc.kmod.dir", "."), p);
            if (Files.isRegularFile(d.resolve("uapi/myipc.h"))) {
                return d.toAbsolutePath();
            }
        }
        throw new AssertionError("myipc-kmod/include/uapi/myipc.h not found from " + Path.of("").toAbsolutePath()
                + ": run the tests from the repository or myipc-kmod (or set -Dmyipc.kmod.dir=<myipc-kmod>)");
    }

    @Test
    void theJavaNumbersAreTheHeaders() throws Exception {
        Path src = dir.resolve("uapi.c");
        Files.writeString(src, String.join("\n",
                "#include <stdio.h>",
                "#include <sys/ioctl.h>",
                "#include \"uapi/myipc.h\"",
                "int main(void)",
                "{",
                "\tprintf(\"%s %d %d %d %d %d %d\\n\", MYIPC_DEV_PREFIX, MYIPC_MAX_DEVS, MYIPC_PIPE_BUF,",
                "\t       (int)MYIPC_MIN_SIZE, (int)MYIPC_MAX_SIZE, (int)MYIPC_DEFAULT_SIZE, MYIPC_IOC_MAGIC);",
                "\tprintf(\"%lu %lu %lu %lu %zu\\n\", (unsigned long)MYIPC_IOC_GET_SIZE,",
                "\t       (unsigned long)MYIPC_IOC_SET_SIZE, (unsigned long)MYIPC_IOC_GET_STATS,",
                "\t       (unsigned long)FIONREAD, sizeof(struct myipc_stats));",
                "\treturn 0;",
                "}", ""));
        Path exe = dir.resolve("uapi");
        Process cc = new ProcessBuilder("gcc", "-Wall", "-Werror", "-I", includeDir().toString(), "-o", exe.toString(),
                src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as("gcc: %s", ccOut).isZero();
        Process run = new ProcessBuilder(exe.toString()).start();
        List<String> lines = List.of(new String(run.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .split("\n"));
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines.get(0)).isEqualTo(MyipcUapi.DEV_PREFIX + " " + MyipcUapi.MAX_DEVS + " " + MyipcUapi.PIPE_BUF
                + " " + MyipcUapi.MIN_SIZE + " " + MyipcUapi.MAX_SIZE + " " + MyipcUapi.DEFAULT_SIZE + " "
                + MyipcUapi.IOC_MAGIC);
        assertThat(lines.get(1)).isEqualTo(MyipcUapi.IOC_GET_SIZE + " " + MyipcUapi.IOC_SET_SIZE + " "
                + MyipcUapi.IOC_GET_STATS + " " + MyipcUapi.FIONREAD + " " + MyipcUapi.STATS_SIZE);
    }
}
