package io.myipc.internal;

import io.myipc.IpcConfigException;
import io.myipc.spi.ChannelAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelAddressTest {
    @Test
    void parsesSchemeTargetAndParameters() throws Exception {
        ChannelAddress a = ChannelAddress.parse("SHM:orders?capacity=1MiB&spin=100&name=a%20b", "orders");
        assertThat(a.scheme()).isEqualTo("shm");
        assertThat(a.target()).isEqualTo("orders");
        assertThat(a.channel()).isEqualTo("orders");
        assertThat(a.params()).containsExactly(java.util.Map.entry("capacity", "1MiB"),
                java.util.Map.entry("spin", "100"), java.util.Map.entry("name", "a b"));
        assertThat(a.sizeParam("capacity", 0, 0, Long.MAX_VALUE)).isEqualTo(1 << 20);
        assertThat(a.longParam("spin", 0, 0, 1000)).isEqualTo(100);
        assertThat(a.sizeParam("absent", 4096, 0, 10)).isEqualTo(4096);
    }

    @Test
    void parsesSizesWithBinarySuffixes() {
        assertThat(ChannelAddress.parseSize("65536")).isEqualTo(65536);
        assertThat(ChannelAddress.parseSize("64k")).isEqualTo(65536);
        assertThat(ChannelAddress.parseSize("64KiB")).isEqualTo(65536);
        assertThat(ChannelAddress.parseSize("2M")).isEqualTo(2 << 20);
        assertThat(ChannelAddress.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> ChannelAddress.parseSize("1.5M")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChannelAddress.parseSize("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badValuesNameTheParameterTheUriAndTheExpectedForm() throws Exception {
        ChannelAddress a = ChannelAddress.parse("pipe:/tmp/x?size=lots&create=maybe&mode=999", "x");
        assertThatThrownBy(() -> a.sizeParam("size", 0, 1, 100)).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("parameter 'size'").hasMessageContaining("pipe:/tmp/x?size=lots")
                .hasMessageContaining("like 65536, 64KiB or 1MiB").hasMessageContaining("got 'lots'");
        assertThatThrownBy(() -> a.booleanParam("create", true)).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> a.modeParam("mode", 0600)).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("octal");
    }

    @Test
    void rejectsDuplicateParametersAndNonUris() {
        assertThatThrownBy(() -> ChannelAddress.parse("shm:x?a=1&a=2", null)).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> ChannelAddress.parse("orders", null)).isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("not a channel URI");
        assertThat(ChannelAddress.looksLikeUri("pipe:/x")).isTrue();
        assertThat(ChannelAddress.looksLikeUri("orders")).isFalse();
        assertThat(ChannelAddress.looksLikeUri("1abc:x")).isFalse();
    }
}
