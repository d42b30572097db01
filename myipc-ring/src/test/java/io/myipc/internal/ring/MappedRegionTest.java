package io.myipc.internal.ring;

import static io.myipc.internal.posix.Posix.PROT_READ;
import static io.myipc.internal.posix.Posix.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.NativeMemory;
import io.myipc.internal.posix.Posix;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link MappedRegion}: a buffer still held after close never reaches the file's pages, nor unmapped
 * or reused memory: it reads zeros and its writes stay its own, while the file's pages are released
 * at once.
 */
class MappedRegionTest {
    @Test
    void aBufferHeldAfterCloseNeitherCrashesNorReachesTheFile() throws Exception {
        int fd = LibC.memfd_create("myipc-region-test", Posix.MFD_CLOEXEC);
        assertThat(fd).isNotNegative();
        try {
            assertThat(LibC.ftruncate(fd, 8192)).isZero();
            MappedRegion region = MappedRegion.reserve(3 * 4096);
            assertThat(region).isNotNull();
            // the file's two pages, and its first page once more behind them (a double mapping)
            assertThat(region.mapShared(0, 8192, PROT_READ | PROT_WRITE, fd, 0)).isTrue();
            assertThat(region.mapShared(8192, 4096, PROT_READ | PROT_WRITE, fd, 0)).isTrue();
            ByteBuffer b = region.buffer(0, 3 * 4096);
            ByteBuffer view = b.slice(100, 8).asReadOnlyBuffer();
            b.putLong(100, 0x1122334455667788L);
            assertThat(b.getLong(8192 + 100)).as("the second mapping shows the same page").isEqualTo(0x1122334455667788L);

            region.close();
            region.close(); // idempotent

            assertThat(view.getLong(0)).as("a stale view reads zeros, not the file").isZero();
            b.putLong(100, 42); // a stale write goes to private memory
            ByteBuffer check = NativeMemory.allocate(8).order(b.order());
            assertThat(LibC.lseek(fd, 100, Posix.SEEK_SET)).isEqualTo(100);
            assertThat(LibC.read(fd, NativeMemory.address(check), 8)).isEqualTo(8);
            assertThat(check.getLong(0)).as("the file keeps what was written before close")
                    .isEqualTo(0x1122334455667788L);
            assertThatThrownBy(() -> region.buffer(0, 8)).isInstanceOf(IllegalStateException.class);
        } finally {
            LibC.close(fd);
        }
    }
}
