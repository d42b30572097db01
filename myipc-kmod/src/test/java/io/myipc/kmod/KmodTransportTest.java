package io.myipc.kmod;

import io.myipc.Capability;
import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcException;
import io.myipc.internal.posix.LibC;
import io.myipc.internal.posix.Posix;
import io.myipc.spi.ChannelAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code kmod:} does before any byte moves: found through ServiceLoader, its parameters, and the errors for a
 * missing driver or a path that is not a myipc device. Runs everywhere (with or without the driver).
 */
@Timeout(60)
class KmodTransportTest {
    /** Device numbers go up to MAX_DEVS - 1, so this node never exists. */
    private static final String NEVER = MyipcUapi.DEV_PREFIX + MyipcUapi.MAX_DEVS;

    @TempDir
    Path dir;

    @Test
    void theTransportIsFoundWithItsCapabilities() throws Exception {
        assertThat(IpcChannels.schemes()).contains("kmod");
        assertThat(IpcChannels.capabilities("kmod:/dev/myipc0")).containsExactlyInAnyOrder(
                Capability.CROSS_PROCESS, Capability.PEER_DEATH_DETECTION, Capability.KERNEL_WAIT);
    }

    /** Capabilities per address: mode=mmap hands out the driver's pages (ZERO_COPY), mode=copy does not. */
    @Test
    void onlyMmapModeIsZeroCopy() throws Exception {
        assertThat(IpcChannels.capabilities("kmod:/dev/myipc0?mode=copy")).doesNotContain(Capability.ZERO_COPY);
        assertThat(IpcChannels.capabilities("kmod:/dev/myipc0?mode=mmap")).containsExactlyInAnyOrder(
                Capability.ZERO_COPY, Capability.CROSS_PROCESS, Capability.PEER_DEATH_DETECTION,
                Capability.KERNEL_WAIT);
        assertThatThrownBy(() -> IpcChannels.capabilities("kmod:/dev/myipc0?mode=zerocopy"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("mode");
    }

    /**
     * Without the driver the message says how to build and load it, and the open fails at once even without an open
     * timeout (it does not wait for a peer). With the driver loaded (in the VM) it names the devices there are.
     */
    @Test
    void aMissingDeviceSaysHowToLoadTheDriver() {
        String uri = "kmod:" + NEVER;
        for (boolean writer : new boolean[] {true, false}) {
            var thrown = assertThatThrownBy(() -> {
                if (writer) {
                    IpcChannels.openWriter(uri).close();
                } else {
                    IpcChannels.openReader(uri).close();
                }
            }).isInstanceOf(IpcException.class)
                    .hasMessageContaining(NEVER + " of channel '" + uri + "' does not exist");
            if (KmodDevice.driverLoaded()) {
                thrown.hasMessageContaining("the myipc driver is loaded with nr_devs=")
                        .hasMessageContaining("at most " + MyipcUapi.MAX_DEVS + " devices");
            } else {
                thrown.hasMessageContaining("the myipc driver is not loaded")
                        .hasMessageContaining("modprobe myipc")
                        .hasMessageContaining("DKMS");
            }
        }
    }

    /** A device number the loaded driver does not have: the message names the nr_devs to load it with. */
    @Test
    void aMissingDeviceWithTheDriverLoadedSuggestsMoreDevices() {
        if (!KmodDevice.driverLoaded()) {
            assertThatThrownBy(() -> IpcChannels.openReader("kmod:/dev/myipc5"))
                    .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("the myipc driver is not loaded"),
                            e -> assertThat(Files.exists(Path.of("/dev/myipc5"))).isTrue());
            return;
        }
        int n = KmodDevices.all().size();
        String dev = MyipcUapi.DEV_PREFIX + n;
        assertThatThrownBy(() -> IpcChannels.openReader("kmod:" + dev))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("loaded with nr_devs=" + n)
                .hasMessageContaining("/dev/myipc0../dev/myipc" + (n - 1))
                .hasMessageContaining("modprobe myipc nr_devs=" + (n + 1));
    }

    @Test
    void pathsThatAreNotMyipcDevicesAreRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> IpcChannels.openWriter("kmod:" + file))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("is a regular file, not a myipc device");
        assertThatThrownBy(() -> IpcChannels.openReader("kmod:" + dir))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("is a directory, not a myipc device");
        Path fifo = dir.resolve("f.fifo");
        assertThat(LibC.mkfifo(fifo.toString(), 0600)).isZero();
        assertThatThrownBy(() -> IpcChannels.openReader("kmod:" + fifo))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("is a FIFO (named pipe), not a myipc device")
                .hasMessageContaining("use pipe:" + fifo);
        // another driver's character device: rejected before the open (sysfs) or by the ioctl check after it
        for (boolean writer : new boolean[] {true, false}) {
            assertThatThrownBy(() -> {
                if (writer) {
                    IpcChannels.openWriter("kmod:/dev/null", Duration.ofSeconds(5)).close();
                } else {
                    IpcChannels.openReader("kmod:/dev/null", Duration.ofSeconds(5)).close();
                }
            }).isInstanceOf(IpcConfigException.class).hasMessageContaining("/dev/null")
                    .hasMessageContaining("not a myipc device");
        }
        assertThatThrownBy(() -> IpcChannels.openWriter("kmod:dev/myipc0"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("absolute path of a myipc device");
    }

    /** The check after the open, for systems where sysfs cannot tell: only the driver answers MYIPC_IOC_GET_SIZE. */
    @Test
    void aDescriptorThatDoesNotAnswerTheSizeIoctlIsNotAMyipcDevice() throws Exception {
        KmodConfig cfg = KmodConfig.of(ChannelAddress.parse("kmod:/dev/null", null));
        int fd = LibC.open("/dev/null", Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        assertThat(fd).isNotNegative();
        try {
            assertThatThrownBy(() -> KmodDevice.checkAnswers(cfg, fd)).isInstanceOf(IpcConfigException.class)
                    .hasMessageContaining("does not answer MYIPC_IOC_GET_SIZE (ENOTTY)")
                    .hasMessageContaining("not a myipc device");
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void parametersAreCheckedBeforeTheDevice() {
        assertThatThrownBy(() -> IpcChannels.openReader("kmod:/dev/myipc0?mode=fast"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("parameter 'mode'")
                .hasMessageContaining("must be copy").hasMessageContaining("or mmap");
        assertThatThrownBy(() -> IpcChannels.openWriter("kmod:/dev/myipc0?size=100"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("parameter 'size'")
                .hasMessageContaining("4096..16777216");
        assertThatThrownBy(() -> IpcChannels.openWriter("kmod:/dev/myipc0?size=32MiB"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("parameter 'size'");
        assertThatThrownBy(() -> IpcChannels.openWriter("kmod:/dev/myipc0?capacity=1MiB"))
                .isInstanceOf(IpcConfigException.class).hasMessageContaining("unknown parameter 'capacity'")
                .hasMessageContaining("size=").hasMessageContaining("mode=");
    }

    @Test
    void copyIsTheDefaultAndCanBeNamed() throws Exception {
        assertThat(KmodConfig.of(ChannelAddress.parse("kmod:/dev/myipc3", null)).mode()).isEqualTo(KmodConfig.Mode.COPY);
        KmodConfig c = KmodConfig.of(ChannelAddress.parse("kmod:///dev/myipc3?mode=COPY&size=1MiB", null));
        assertThat(c.mode()).isEqualTo(KmodConfig.Mode.COPY);
        assertThat(c.path()).isEqualTo("/dev/myipc3");
        assertThat(c.size()).isEqualTo(1 << 20);
    }
}
