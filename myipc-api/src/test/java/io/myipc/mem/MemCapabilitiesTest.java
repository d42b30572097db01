package io.myipc.mem;

import io.myipc.Capability;
import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Capabilities per address ({@code Transport.capabilities(ChannelAddress)}): one transport, two addresses, two sets;
 * the ends report their address's set, and the API layer acts on it (a zero-copy claim waits for the transport's
 * memory, a copy claim is the end's own buffer and does not wait).
 */
@Timeout(60)
class MemCapabilitiesTest {
    private static final Duration OPEN = Duration.ofSeconds(30);

    private static CompletableFuture<IpcReader> reader(String uri) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return IpcChannels.openReader(uri, OPEN);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void aParameterChangesTheCapabilitiesOfOneAddressAndItsEnds() throws Exception {
        assertThat(IpcChannels.capabilities("mem:capsA")).contains(Capability.ZERO_COPY);
        assertThat(IpcChannels.capabilities("mem:capsB?zerocopy=false")).doesNotContain(Capability.ZERO_COPY);
        for (String uri : new String[] {"mem:capsC?capacity=4096", "mem:capsD?capacity=4096&zerocopy=false"}) {
            boolean zeroCopy = !uri.contains("zerocopy=false");
            CompletableFuture<IpcReader> rf = reader(uri);
            try (IpcWriter w = IpcChannels.openWriter(uri, OPEN); IpcReader r = rf.get(30, TimeUnit.SECONDS)) {
                assertThat(w.capabilities()).as(uri).isEqualTo(IpcChannels.capabilities(uri));
                assertThat(r.capabilities()).as(uri).isEqualTo(IpcChannels.capabilities(uri));
                ByteBuffer chunk = ByteBuffer.allocate(1024);
                while (w.tryWrite(chunk.clear()) > 0) {
                    // fill the channel
                }
                if (zeroCopy) {
                    assertThatThrownBy(() -> w.claim(100, Duration.ofMillis(100))).as(uri)
                            .isInstanceOf(IpcTimeoutException.class);
                } else {
                    assertThat(w.claim(100, Duration.ofMillis(100)).capacity()).as(uri).isEqualTo(100);
                    w.commit(0);
                }
            }
        }
    }

    @Test
    void aBadValueOfACapabilityParameterIsAConfigError() {
        assertThatThrownBy(() -> IpcChannels.capabilities("mem:capsE?zerocopy=maybe"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("zerocopy");
        assertThatThrownBy(() -> IpcChannels.openWriter("mem:capsE?zerocopy=maybe", OPEN))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("zerocopy");
    }
}
