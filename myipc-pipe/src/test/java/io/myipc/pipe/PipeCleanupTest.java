package io.myipc.pipe;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import io.myipc.contract.ContractBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A FIFO the library created is gone after a close, an open timeout and the SIGKILL of either end. */
@Timeout(120)
class PipeCleanupTest extends ContractBase {
    PipeCleanupTest() {
        super(new PipeContractTest()); // its channel names; the contract machinery for the peers
    }

    private static Path fifo(String uri) {
        String s = uri.substring("pipe:".length());
        int q = s.indexOf('?');
        return Path.of(q < 0 ? s : s.substring(0, q));
    }

    @Test
    void noFifoIsLeftAfterANormalClose() throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(Mode.THREAD, "writer", uri, "open", "write-pattern=1000,100", "close");
        try (IpcReader r = openReader(uri)) {
            ByteBuffer b = ByteBuffer.allocate(2000);
            while (r.read(b) >= 0) {
                assertThat(b.position()).isLessThanOrEqualTo(1000);
            }
        }
        peer.assertSuccess(OPEN);
        assertThat(fifo(uri)).doesNotExist();
    }

    @Test
    void noFifoIsLeftAfterAnOpenTimeoutOfEitherEnd() {
        String reader = newChannelUri();
        assertThatThrownBy(() -> IpcChannels.openReader(reader, Duration.ofMillis(100)))
                .isInstanceOf(IpcTimeoutException.class);
        assertThat(fifo(reader)).doesNotExist();
        String writer = newChannelUri();
        assertThatThrownBy(() -> IpcChannels.openWriter(writer, Duration.ofMillis(100)))
                .isInstanceOf(IpcTimeoutException.class);
        assertThat(fifo(writer)).doesNotExist();
    }

    @Test
    void noFifoIsLeftAfterTheWriterProcessIsKilled() throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(Mode.PROCESS, "writer", uri, "open", "ready", "hang");
        try (IpcReader r = openReader(uri)) {
            peer.expect("READY", OPEN);
            peer.kill();
            assertThat(r.read(ByteBuffer.allocate(10), OPEN)).isEqualTo(-1);
        }
        assertThat(fifo(uri)).doesNotExist();
    }

    @Test
    void noFifoIsLeftAfterTheReaderProcessIsKilled() throws Exception {
        String uri = newChannelUri();
        PeerHandle peer = peer(Mode.PROCESS, "reader", uri, "open", "ready", "hang");
        try (IpcWriter w = openWriter(uri)) {
            peer.expect("READY", OPEN);
            peer.kill();
            assertThatThrownBy(() -> {
                while (true) {
                    w.write(ByteBuffer.allocate(4096), OPEN);
                }
            }).isInstanceOf(PeerClosedException.class);
        }
        assertThat(fifo(uri)).doesNotExist();
    }

    @Test
    void keepTrueLeavesTheFifoAndAFifoThatExistedBeforeIsNotRemoved() throws Exception {
        String kept = newChannelUri() + "?keep=true";
        PeerHandle peer = peer(Mode.THREAD, "writer", kept, "open", "close");
        try (IpcReader r = openReader(kept)) {
            assertThat(r.read(ByteBuffer.allocate(1), OPEN)).isEqualTo(-1);
        }
        peer.assertSuccess(OPEN);
        assertThat(fifo(kept)).exists();
        assertThatThrownBy(() -> IpcChannels.openReader(kept, Duration.ofMillis(100)))
                .isInstanceOf(IpcTimeoutException.class);
        assertThat(fifo(kept)).as("existed before the open").exists();

        String plain = kept.substring(0, kept.indexOf('?')); // same FIFO, without keep=: still not ours
        PeerHandle peer2 = peer(Mode.THREAD, "writer", plain, "open", "close");
        try (IpcReader r = openReader(plain)) {
            assertThat(r.read(ByteBuffer.allocate(1), OPEN)).isEqualTo(-1);
        }
        peer2.assertSuccess(OPEN);
        assertThat(fifo(plain)).exists();
        Files.delete(fifo(plain));
    }
}
