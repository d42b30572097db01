package io.myipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.myipc.WaitStrategy;
import io.myipc.internal.ring.RingWaitPolicy;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.OpenContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wait strategy of a shm: end: chosen by URI, options, system properties, default, in that order. */
@Timeout(60)
class ShmWaitStrategyTest {
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = ShmTestDirs.create();
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("myipc.shm.spins");
        System.clearProperty("myipc.shm.yields");
        ShmTestDirs.delete(dir);
    }

    private WaitStrategy chosen(String params, IpcOptions options) throws IOException {
        ChannelAddress a = ChannelAddress.parse("shm:w?dir=" + dir + (params.isEmpty() ? "" : "&" + params), null);
        RingWaitPolicy p = ShmSegment.policy(ShmAddress.parse(a), new OpenContext(options));
        return p.strategy();
    }

    @Test
    void withoutAnyChoiceAnEndSpins200TimesAndYields20Times() throws IOException {
        assertThat(chosen("", IpcOptions.defaults())).isEqualTo(WaitStrategy.hybrid());
        assertThat(WaitStrategy.hybrid().spins()).isEqualTo(200);
        assertThat(WaitStrategy.hybrid().yields()).isEqualTo(20);
    }

    @Test
    void theUriParametersChooseTheStrategy() throws IOException {
        assertThat(chosen("spins=0&yields=0", IpcOptions.defaults())).isEqualTo(WaitStrategy.sleep());
        assertThat(chosen("spins=forever", IpcOptions.defaults())).isEqualTo(WaitStrategy.of(WaitStrategy.FOREVER, 20));
        assertThat(chosen("spins=5&yields=7", IpcOptions.defaults())).isEqualTo(WaitStrategy.of(5, 7));
    }

    @Test
    void theUriOverridesTheOptionsWhichOverrideTheSystemProperties() throws IOException {
        System.setProperty("myipc.shm.spins", "1");
        System.setProperty("myipc.shm.yields", "2");
        assertThat(chosen("", IpcOptions.defaults())).isEqualTo(WaitStrategy.of(1, 2));
        IpcOptions sleep = IpcOptions.defaults().withWaitStrategy(WaitStrategy.sleep());
        assertThat(chosen("", sleep)).isEqualTo(WaitStrategy.sleep());
        assertThat(chosen("spins=9", sleep)).isEqualTo(WaitStrategy.of(9, 0));
    }

    @Test
    void badCountsAreRejectedNamingTheParameterAndTheExpectedForm() {
        for (String bad : new String[] {"spins=-1", "spins=lots", "yields=1.5", "yields=99999999999"}) {
            assertThatThrownBy(() -> chosen(bad, IpcOptions.defaults())).as(bad)
                    .isInstanceOf(IpcConfigException.class)
                    .hasMessageContaining("parameter '" + bad.substring(0, bad.indexOf('=')) + "'")
                    .hasMessageContaining("forever");
            assertThatThrownBy(() -> IpcChannels.capabilities("shm:w?dir=" + dir + "&" + bad)).as(bad)
                    .isInstanceOf(IpcConfigException.class);
        }
        System.setProperty("myipc.shm.spins", "-4");
        assertThatThrownBy(() -> chosen("", IpcOptions.defaults())).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("myipc.shm.spins");
    }

    @Test
    void theTransportListingShowsSpinsAndYields() {
        assertThat(IpcChannels.describeTransports()).contains("spins=").contains("yields=");
    }

    @Test
    void aChannelThatSleepsAtOnceStillMovesItsBytes() throws Exception {
        String uri = "shm:sleepy?capacity=4KiB&spins=0&yields=0&dir=" + dir;
        int total = 1 << 20;
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            try (IpcReader r = IpcChannels.openReader(uri)) {
                ByteBuffer b = ByteBuffer.allocate(1000);
                long sum = 0;
                int n;
                while ((n = r.read(b.clear())) >= 0) {
                    for (int i = 0; i < n; i++) {
                        sum += b.get(i) & 0xff;
                    }
                }
                return sum;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long expected = 0;
        try (IpcWriter w = IpcChannels.openWriter(uri)) {
            ByteBuffer b = ByteBuffer.allocate(777);
            int sent = 0;
            while (sent < total) {
                b.clear().limit(Math.min(777, total - sent));
                for (int i = 0; i < b.limit(); i++) {
                    b.put(i, (byte) (sent + i));
                    expected += (sent + i) & 0xff;
                }
                sent += w.write(b);
            }
        }
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
    }
}
