package io.myipc.contract;

import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcReader;
import io.myipc.spi.ChannelAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Logical names mapped to this transport by configuration, and the errors for bad names and URIs. */
@Timeout(120)
public abstract class ConfigContract extends ContractBase {
    ConfigContract(TransportContract transport) {
        super(transport);
    }

    private static final AtomicInteger NAMES = new AtomicInteger();

    private String scheme() {
        return ChannelAddress.looksLikeUri(newChannelUri()) ? newChannelUri().substring(0, newChannelUri().indexOf(':'))
                : "?";
    }

    private static String freshName() {
        return "contract.ch-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    /** Reads the 1000 pattern bytes the peer writes and the end of stream. */
    private static void readThousand(IpcReader r) throws Exception {
        ByteStreamContract.readVerify(r, 1000, 1000, 0);
        assertThat(r.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSystemPropertyMapsALogicalNameToThisTransport(Mode mode) throws Exception {
        String uri = newChannelUri();
        String name = freshName();
        String key = "myipc.channel." + name;
        System.setProperty(key, uri);
        try {
            PeerHandle peer = peer(mode, Map.of(), List.of("-D" + key + "=" + uri), "writer", name, "open",
                    "write-pattern=1000,100", "close");
            try (IpcReader r = openReader(name)) {
                assertThat(r.channel()).isEqualTo(name);
                assertThat(r.uri()).isEqualTo(uri);
                assertThat(IpcChannels.resolve(name)).isEqualTo(uri);
                readThousand(r);
            }
            peer.assertSuccess(OPEN);
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void anEnvironmentVariableMapsALogicalNameInAChildProcess() throws Exception {
        String uri = newChannelUri();
        String name = freshName(); // has '.' and '-': MYIPC_CHANNEL_CONTRACT_CH_<pid>_<n>
        String env = "MYIPC_CHANNEL_" + name.toUpperCase().replaceAll("[^A-Z0-9]", "_");
        PeerHandle peer = peer(Mode.PROCESS, Map.of(env, uri), List.of(), "writer", name, "open",
                "write-pattern=1000,100", "close");
        try (IpcReader r = openReader(uri)) {
            readThousand(r);
        }
        peer.assertSuccess(OPEN);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPropertiesFileMapsALogicalName(Mode mode) throws Exception {
        String uri = newChannelUri();
        String name = freshName();
        Path file = Files.createTempFile("myipc-channels", ".properties");
        Files.writeString(file, "# channels\nchannel." + name + "=" + uri + "\nchannel.other=pipe:/nowhere\n",
                StandardCharsets.UTF_8);
        System.setProperty("myipc.config", file.toString());
        try {
            // the child finds the file through the environment variable, this JVM through the system property
            PeerHandle peer = peer(mode, Map.of("MYIPC_CONFIG", file.toString()), List.of(), "writer", name, "open",
                    "write-pattern=1000,100", "close");
            try (IpcReader r = openReader(name)) {
                assertThat(r.uri()).isEqualTo(uri);
                readThousand(r);
            }
            peer.assertSuccess(OPEN);
        } finally {
            System.clearProperty("myipc.config");
            Files.deleteIfExists(file);
        }
    }

    @Test
    void anUnconfiguredNameSaysHowToConfigureItAndListsTheSchemes() {
        assertThatThrownBy(() -> IpcChannels.openReader("nosuch-channel"))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("'nosuch-channel' is not configured")
                .hasMessageContaining("-Dmyipc.channel.nosuch-channel=<uri>")
                .hasMessageContaining("MYIPC_CHANNEL_NOSUCH_CHANNEL")
                .hasMessageContaining("myipc.config")
                .hasMessageContaining(scheme() + ":");
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        System.setProperty("myipc.config", "/nonexistent/myipc.properties");
        try {
            assertThatThrownBy(() -> IpcChannels.openWriter("orders"))
                    .isInstanceOf(IpcConfigException.class)
                    .hasMessageContaining("/nonexistent/myipc.properties").hasMessageContaining("does not exist");
        } finally {
            System.clearProperty("myipc.config");
        }
    }

    @Test
    void anUnknownSchemeListsTheAcceptedForms() {
        assertThatThrownBy(() -> IpcChannels.openWriter("carrier-pigeon:/loft"))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("unknown scheme 'carrier-pigeon:'")
                .hasMessageContaining("accepted forms")
                .hasMessageContaining(scheme() + ":");
    }

    @Test
    void aKnownSchemeWithoutItsModuleSaysWhichModuleIsMissing() {
        String missing = List.of("pipe", "shm", "kmod").stream().filter(s -> !IpcChannels.schemes().contains(s))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(missing != null, "all transports are on the class path");
        assertThatThrownBy(() -> IpcChannels.openReader(missing + ":/x"))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("myipc-" + missing)
                .hasMessageContaining("accepted forms");
    }

    @Test
    void anUnknownParameterIsRejectedWithTheAcceptedOnes() {
        String uri = newChannelUri();
        String bad = uri + (uri.contains("?") ? "&" : "?") + "colour=blue";
        assertThatThrownBy(() -> IpcChannels.openReader(bad))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("unknown parameter 'colour'")
                .hasMessageContaining(scheme() + ":");
    }

    @Test
    void aBadParameterValueIsRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> IpcChannels.openReader(uriWithBadParameterValue()))
                .isInstanceOf(IpcConfigException.class)
                .hasMessageContaining("must be");
    }

    @ParameterizedTest
    @MethodSource("io.myipc.contract.BadUris#all")
    void capabilitiesRejectsEveryUriThatOpenRejects(String uri) {
        Duration t = Duration.ofMillis(200);
        assertThatThrownBy(() -> IpcChannels.openReader(uri, t)).as("openReader(%s)", uri)
                .isInstanceOf(IpcConfigException.class);
        assertThatThrownBy(() -> IpcChannels.openWriter(uri, t)).as("openWriter(%s)", uri)
                .isInstanceOf(IpcConfigException.class);
        assertThatThrownBy(() -> IpcChannels.capabilities(uri)).as("capabilities(%s)", uri)
                .isInstanceOf(IpcConfigException.class);
    }

    @Test
    void theUnknownSchemeAndUnconfiguredNameMessagesAreShort() {
        Throwable scheme = org.junit.jupiter.api.Assertions.assertThrows(IpcConfigException.class,
                () -> IpcChannels.openWriter("carrier-pigeon:/loft"));
        Throwable name = org.junit.jupiter.api.Assertions.assertThrows(IpcConfigException.class,
                () -> IpcChannels.openReader("nosuch-channel"));
        Throwable param = org.junit.jupiter.api.Assertions.assertThrows(IpcConfigException.class,
                () -> IpcChannels.openReader(newChannelUri() + (newChannelUri().contains("?") ? "&" : "?") + "colour=blue"));
        for (Throwable e : List.of(scheme, name, param)) {
            assertThat(e.getMessage()).as(e.getMessage()).hasSizeLessThanOrEqualTo(300).doesNotContain("\n");
        }
        assertThat(IpcChannels.describeTransports()).contains(scheme() + ":");
    }
}
