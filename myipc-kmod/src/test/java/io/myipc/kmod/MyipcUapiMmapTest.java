package io.myipc.kmod;

import io.myipc.internal.ring.RingDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mmap numbers of {@link MyipcUapi} (roles, WAIT/WAKE and their flags) and the ring layout of {@link
 * RingDescriptor} (every offset, the state values, magic and version) agree with {@code include/uapi/myipc.h}, the
 * reference: gcc compiles the header and prints them. Runs everywhere (no driver needed).
 */
@Timeout(120)
class MyipcUapiMmapTest {
    @TempDir
    Path dir;

    @Test
    void theMmapNumbersAreTheHeaders() throws Exception {
        Path src = dir.resolve("uapi_mmap.c");
        Files.writeString(src, String.join("\n",
                "#include <stdio.h>",
                "#include <stddef.h>",
                "#include \"uapi/myipc.h\"",
                "int main(void)",
                "{",
                "\tprintf(\"%lu %lu %lu %zu\\n\", (unsigned long)MYIPC_IOC_SET_ROLE, (unsigned long)MYIPC_IOC_WAIT,",
                "\t       (unsigned long)MYIPC_IOC_WAKE, sizeof(struct myipc_wait));",
                "\tprintf(\"%d %d %d %d %d %d %d %d\\n\", MYIPC_ROLE_PRODUCER, MYIPC_ROLE_CONSUMER, MYIPC_WAIT_SEQ,",
                "\t       MYIPC_WAIT_READY, MYIPC_WAIT_PEER_GONE, MYIPC_WAIT_WOKEN, MYIPC_WAKE_PEER, MYIPC_WAKE_SELF);",
                "\tprintf(\"%d %zu %zu %zu %zu\\n\", MYIPC_RING_DATA_OFFSET, offsetof(struct myipc_wait, timeout_ns),",
                "\t       offsetof(struct myipc_wait, seq), offsetof(struct myipc_wait, flags),",
                "\t       offsetof(struct myipc_wait, reserved));",
                "\tprintf(\"%d %d %d %zu %zu %zu\\n\", MYIPC_RING_PRODUCER_OFFSET, MYIPC_RING_CONSUMER_OFFSET,",
                "\t       MYIPC_END_CLOSED, offsetof(struct myipc_ring_side, state),",
                "\t       offsetof(struct myipc_ring_side, sleeping), offsetof(struct myipc_ring_side, wake_seq));",
                "\tprintf(\"%u %d %d %d %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu\\n\", MYIPC_RING_MAGIC,",
                "\t       MYIPC_RING_VERSION, MYIPC_RING_PAGE, MYIPC_END_OPEN,",
                "\t       offsetof(struct myipc_ring_side, index),",
                "\t       offsetof(struct myipc_ring_header, magic), offsetof(struct myipc_ring_header, version),",
                "\t       offsetof(struct myipc_ring_header, capacity), offsetof(struct myipc_ring_header, data_offset),",
                "\t       offsetof(struct myipc_ring_header, ready), offsetof(struct myipc_ring_header, flags),",
                "\t       offsetof(struct myipc_ring_header, closed_ends),",
                "\t       offsetof(struct myipc_ring_header, producer_pid),",
                "\t       offsetof(struct myipc_ring_header, producer_start_time),",
                "\t       offsetof(struct myipc_ring_header, consumer_pid),",
                "\t       offsetof(struct myipc_ring_header, consumer_start_time));",
                "\treturn 0;",
                "}", ""));
        Path exe = dir.resolve("uapi_mmap");
        Process cc = new ProcessBuilder("gcc", "-Wall", "-Werror", "-I", MyipcUapiTest.includeDir().toString(), "-o",
                exe.toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as("gcc: %s", ccOut).isZero();
        Process run = new ProcessBuilder(exe.toString()).start();
        String[] lines = new String(run.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n");
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines[0]).isEqualTo(MyipcUapi.IOC_SET_ROLE + " " + MyipcUapi.IOC_WAIT + " " + MyipcUapi.IOC_WAKE
                + " " + MyipcUapi.WAIT_SIZE);
        assertThat(lines[1]).isEqualTo(MyipcUapi.ROLE_PRODUCER + " " + MyipcUapi.ROLE_CONSUMER + " "
                + MyipcUapi.WAIT_SEQ + " " + MyipcUapi.WAIT_READY + " " + MyipcUapi.WAIT_PEER_GONE + " "
                + MyipcUapi.WAIT_WOKEN + " " + MyipcUapi.WAKE_PEER + " " + MyipcUapi.WAKE_SELF);
        // DriverRingWaiter writes need at 0, timeout_ns at 8, seq at 16, flags at 20, reserved at 24
        // MYIPC_RING_DATA_OFFSET is the ring layout's, so RingDescriptor (not MyipcUapi) is its Java name
        assertThat(lines[2]).isEqualTo(RingDescriptor.DATA_OFFSET + " 8 16 20 24");
        assertThat(lines[3]).isEqualTo(RingDescriptor.PRODUCER_PAGE + " " + RingDescriptor.CONSUMER_PAGE + " "
                + RingDescriptor.END_CLOSED + " " + RingDescriptor.STATE_IN_PAGE + " "
                + RingDescriptor.SLEEPING_IN_PAGE + " " + RingDescriptor.WAKE_SEQ_IN_PAGE);
        assertThat(lines[4]).isEqualTo(Integer.toUnsignedString(RingDescriptor.MAGIC) + " "
                + RingDescriptor.LAYOUT_VERSION + " " + RingDescriptor.PAGE + " " + RingDescriptor.END_OPEN + " "
                + RingDescriptor.INDEX_IN_PAGE + " " + RingDescriptor.MAGIC_OFFSET + " " + RingDescriptor.VERSION_OFFSET
                + " " + RingDescriptor.CAPACITY_OFFSET + " " + RingDescriptor.DATA_OFFSET_OFFSET + " "
                + RingDescriptor.READY_OFFSET + " " + RingDescriptor.FLAGS_OFFSET + " "
                + RingDescriptor.CLOSED_ENDS_OFFSET + " " + RingDescriptor.PRODUCER_PID_OFFSET + " "
                + RingDescriptor.PRODUCER_START_TIME_OFFSET + " " + RingDescriptor.CONSUMER_PID_OFFSET + " "
                + RingDescriptor.CONSUMER_START_TIME_OFFSET);
    }
}
