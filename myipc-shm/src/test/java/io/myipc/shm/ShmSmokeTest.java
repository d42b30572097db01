package io.myipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ShmSmokeTest {
    @Test
    void helloThroughTheApi() throws Exception {
        String uri = "shm:smoke-" + ProcessHandle.current().pid() + "?capacity=64KiB";
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            try (IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(10))) {
                ByteBuffer b = ByteBuffer.allocate(100);
                while (r.read(b) >= 0) {
                }
                b.flip();
                return StandardCharsets.UTF_8.decode(b).toString();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(10))) {
            w.write(ByteBuffer.wrap("hello ".getBytes(StandardCharsets.UTF_8)));
            ByteBuf c = w.claim(5);
            c.writeBytes("world".getBytes(StandardCharsets.UTF_8));
            w.commit(5);
        }
        assertThat(got.get()).isEqualTo("hello world");
    }
}
