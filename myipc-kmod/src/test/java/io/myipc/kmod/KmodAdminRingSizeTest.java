package io.myipc.kmod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ioctl number the ring size is set with is the header's, and a missing device is an error that names it. */
class KmodAdminRingSizeTest {
    @Test
    void setSizeNumberIsTheHeadersEncoding() throws Exception {
        String h = Files.readString(MyipcUapiTest.includeDir().resolve("uapi/myipc.h"));
        Matcher magic = Pattern.compile("#define MYIPC_IOC_MAGIC\\s+0x([0-9A-Fa-f]+)").matcher(h);
        Matcher set = Pattern.compile("#define MYIPC_IOC_SET_SIZE\\s+_IOWR\\(MYIPC_IOC_MAGIC, 0x([0-9A-Fa-f]+), __u64\\)")
                .matcher(h);
        assertThat(magic.find()).isTrue();
        assertThat(set.find()).isTrue();
        // _IOWR: direction read|write (3) << 30, argument size << 16, type << 8, number
        long expected = (3L << 30) | (8L << 16) | (Long.parseLong(magic.group(1), 16) << 8) | Long.parseLong(set.group(1), 16);
        assertThat(MyipcUapi.IOC_SET_SIZE).isEqualTo(expected);
    }

    @Test
    void aMissingDeviceIsNamed() {
        assertThatThrownBy(() -> KmodAdmin.holdRingSize(List.of("/nonexistent/myipc9"), 65536).close())
                .hasMessageContaining("cannot open /nonexistent/myipc9");
    }
}
