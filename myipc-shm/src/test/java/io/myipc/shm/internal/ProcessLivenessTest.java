package io.myipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The liveness probe a ring writer asks about its reader: running, reused pid, exited, zombie. */
class ProcessLivenessTest {
    @Test
    void thisProcessIsAliveWithItsStartTime() {
        assertThat(ProcessLiveness.isAlive(ProcessLiveness.selfPid(), ProcessLiveness.selfStartTime())).isTrue();
        assertThat(ProcessLiveness.startTime(ProcessLiveness.selfPid())).isEqualTo(ProcessLiveness.selfStartTime());
    }

    @Test
    void anotherStartTimeMeansAnotherProcess() {
        assertThat(ProcessLiveness.isAlive(ProcessLiveness.selfPid(), ProcessLiveness.selfStartTime() + 1)).isFalse();
    }

    @Test
    void aRunningChildIsAliveAndAnExitedOneIsNot() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) p.pid();
            long start = ProcessLiveness.startTime(pid);
            assertThat(start).isPositive();
            assertThat(ProcessLiveness.isAlive(pid, start)).isTrue();
            p.destroy();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessLiveness.isAlive(pid, start)).isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aPidNobodyHasIsNotAlive() {
        assertThat(ProcessLiveness.isAlive(Integer.MAX_VALUE, 1)).isFalse();
    }
}
