package io.myipc.kmod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy path's sync-mode switch, against a fake /sys tree (files, as sysfs shows them). */
class KmodAdminSyncTest {
    @TempDir
    Path tmp;

    Path classDir() throws Exception {
        return Files.createDirectories(tmp.resolve("class"));
    }

    Path param(String v) throws Exception {
        Path p = tmp.resolve("sync");
        Files.writeString(p, v + "\n");
        return p;
    }

    @Test
    void thePerDeviceAttributeIsSetOnEveryDevice() throws Exception {
        Path c = classDir();
        for (String d : List.of("myipc0", "myipc1")) Files.writeString(Files.createDirectories(c.resolve(d)).resolve("sync"), "spsc\n");
        KmodAdmin.SyncResult r = KmodAdmin.setSyncMode("mutex", List.of("myipc0", "myipc1"), c, param("spsc"));
        assertThat(r.skipReason()).isNull();
        assertThat(r.note()).contains("sync=mutex set per device");
        assertThat(Files.readString(c.resolve("myipc0/sync")).trim()).isEqualTo("mutex");
        assertThat(Files.readString(c.resolve("myipc1/sync")).trim()).isEqualTo("mutex");
    }

    @Test
    void withoutTheAttributeTheModuleParameterDecides() throws Exception {
        Path c = classDir();
        KmodAdmin.SyncResult same = KmodAdmin.setSyncMode("spsc", List.of("myipc0", "myipc1"), c, param("spsc"));
        assertThat(same.skipReason()).isNull();
        assertThat(same.note()).contains("sync=spsc from the module parameter");
        KmodAdmin.SyncResult other = KmodAdmin.setSyncMode("mutex", List.of("myipc0", "myipc1"), c, param("spsc"));
        assertThat(other.note()).isNull();
        assertThat(other.skipReason()).contains("needs sync=mutex", "loaded with sync=spsc", "--params sync=mutex");
    }

    @Test
    void noWayToTellTheModeIsASkipWithTheReason() throws Exception {
        KmodAdmin.SyncResult r = KmodAdmin.setSyncMode("spsc", List.of("myipc0"), classDir(), tmp.resolve("missing"));
        assertThat(r.skipReason()).contains("cannot tell the driver's sync mode");
    }

    @Test
    void onlyEbusyIsRetried() {
        assertThat(KmodAdmin.isBusy(new java.io.IOException("Device or resource busy"))).isTrue();
        assertThat(KmodAdmin.isBusy(new java.nio.file.FileSystemException("/sys/x", null, "Device or resource busy")))
                .isTrue();
        assertThat(KmodAdmin.isBusy(new java.nio.file.AccessDeniedException("/sys/x"))).isFalse();
        assertThat(KmodAdmin.isBusy(new java.io.IOException("Invalid argument"))).isFalse();
    }
}
