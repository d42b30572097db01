package io.myipc.internal.posix;

import io.myipc.PeerClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LibCTest {
    @Test
    void failedCallsReportTheirErrnoByName(@TempDir Path dir) {
        String missing = dir.resolve("missing").toString();
        assertThat(LibC.open(missing, Posix.O_RDONLY, 0)).isEqualTo(-1);
        IOException e = Errno.last("open", missing);
        assertThat(e).isInstanceOf(ErrnoException.class);
        assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT);
        assertThat(((ErrnoException) e).errnoName()).isEqualTo("ENOENT");
        assertThat(e.getMessage()).contains("open " + missing + " failed: ENOENT").contains("does not exist");
    }

    @Test
    void epipeBecomesPeerClosedAndFifoCallsWork(@TempDir Path dir) {
        String fifo = dir.resolve("f").toString();
        assertThat(LibC.mkfifo(fifo, 0600)).isZero();
        assertThat(Files.exists(Path.of(fifo))).isTrue();
        assertThat(LibC.mkfifo(fifo, 0600)).isEqualTo(-1);
        assertThat(LibC.errno()).isEqualTo(Errno.EEXIST);
        // O_WRONLY|O_NONBLOCK without a reader: ENXIO
        assertThat(LibC.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0)).isEqualTo(-1);
        assertThat(LibC.errno()).isEqualTo(Errno.ENXIO);
        int r = LibC.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
        int w = LibC.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
        assertThat(r).isNotNegative();
        assertThat(w).isNotNegative();
        ByteBuffer b = NativeMemory.allocate(16).putLong(0, 0x1122334455667788L);
        long addr = NativeMemory.address(b);
        assertThat(LibC.write(w, addr, 8)).isEqualTo(8);
        assertThat(LibC.read(r, addr + 8, 8)).isEqualTo(8);
        assertThat(b.getLong(8)).isEqualTo(0x1122334455667788L);
        assertThat(LibC.close(r)).isZero();
        assertThat(LibC.write(w, addr, 8)).isEqualTo(-1);
        assertThat(Errno.last("write", fifo)).isInstanceOf(PeerClosedException.class);
        assertThat(LibC.close(w)).isZero();
        assertThat(LibC.unlink(fifo)).isZero();
        assertThat(LibC.getpid()).isEqualTo((int) ProcessHandle.current().pid());
    }
}
