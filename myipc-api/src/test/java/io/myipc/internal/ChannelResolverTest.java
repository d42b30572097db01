package io.myipc.internal;

import io.myipc.IpcConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelResolverTest {
    private final Map<String, String> props = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private final ChannelResolver resolver = new ChannelResolver(props::get, env::get);

    @Test
    void aUriIsReturnedAsIs() throws Exception {
        assertThat(resolver.resolve(" shm:orders?capacity=1MiB ", "")).isEqualTo("shm:orders?capacity=1MiB");
    }

    @Test
    void systemPropertyWinsOverEnvironmentWhichWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "channel.orders=kmod:/dev/myipc0\nchannel.trades.eu-1=shm:t\n");
        env.put("MYIPC_CONFIG", file.toString());
        assertThat(resolver.resolve("orders", "")).isEqualTo("kmod:/dev/myipc0");
        assertThat(resolver.resolve("trades.eu-1", "")).isEqualTo("shm:t");
        env.put("MYIPC_CHANNEL_ORDERS", "pipe:/run/o.fifo");
        assertThat(resolver.resolve("orders", "")).isEqualTo("pipe:/run/o.fifo");
        props.put("myipc.channel.orders", "shm:orders");
        assertThat(resolver.resolve("orders", "")).isEqualTo("shm:orders");
    }

    @Test
    void environmentNamesAreUpperCasedWithOtherCharactersAsUnderscores() throws Exception {
        assertThat(ChannelResolver.envName("trades.eu-1")).isEqualTo("MYIPC_CHANNEL_TRADES_EU_1");
        env.put("MYIPC_CHANNEL_TRADES_EU_1", "shm:t");
        assertThat(resolver.resolve("trades.eu-1", "")).isEqualTo("shm:t");
    }

    @Test
    void theConfigFileCanComeFromASystemProperty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "channel.orders=shm:o\n");
        props.put("myipc.config", file.toString());
        assertThat(resolver.resolve("orders", "")).isEqualTo("shm:o");
    }

    @Test
    void errorsSayWhatToDo() {
        assertThatThrownBy(() -> resolver.resolve("orders", "accepted forms: x:"))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("-Dmyipc.channel.orders=<uri>").hasMessageContaining("MYIPC_CHANNEL_ORDERS")
                .hasMessageContaining("(none is set)").hasMessageContaining("accepted forms: x:");
        props.put("myipc.channel.orders", "just-a-name");
        assertThatThrownBy(() -> resolver.resolve("orders", "")).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("system property myipc.channel.orders").hasMessageContaining("not a URI");
        assertThatThrownBy(() -> resolver.resolve("a b", "")).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("neither a channel URI nor a logical channel name");
        assertThatThrownBy(() -> resolver.resolve("", "")).isInstanceOf(IpcConfigException.class);
    }
}
