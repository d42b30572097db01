package io.myipc.internal.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot-path binding: chosen as documented, and every call returns what C returns, errno included. Both bindings
 * run the same checks (on JDK 17 the chosen one is JNA too), so JNA stays tested on a JDK 25 build and vice versa.
 */
class SysTest {
    static Stream<Sys.Calls> bindings() {
        return Stream.of(Sys.chosen(), Sys.jna());
    }

    @Test
    void jdk22AndLaterUseFfmUnlessJnaIsAskedFor() {
        boolean jna = "jna".equals(System.getProperty(Sys.BINDING_PROPERTY));
        // The tests run on the JDK that built the classes, so on 22+ FfmCalls was compiled (the ffm-binding profile).
        String expected = Runtime.version().feature() >= 22 && !jna ? "ffm" : "jna";
        assertThat(Sys.binding()).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void dataCallsMoveBytesAndReportErrno(Sys.Calls sys, @TempDir Path dir) {
        String fifo = dir.resolve("f").toString();
        assertThat(LibC.mkfifo(fifo, 0600)).isZero();
        int r = LibC.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
        int w = LibC.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
        assertThat(r).isNotNegative();
        assertThat(w).isNotNegative();
        ByteBuffer b = NativeMemory.allocate(64);
        long addr = NativeMemory.address(b);
        b.putLong(0, 0x1122334455667788L);

        assertThat(sys.read(r, addr + 8, 8)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.EAGAIN);
        b.putInt(48, r).putShort(52, Posix.POLLIN).putShort(54, (short) 0); // struct pollfd
        assertThat(sys.poll(addr + 48, 1, 0)).isZero();

        assertThat(sys.write(w, addr, 8)).isEqualTo(8);
        assertThat(sys.poll(addr + 48, 1, 1000)).isEqualTo(1);
        assertThat(b.getShort(54)).isEqualTo(Posix.POLLIN);
        assertThat(sys.read(r, addr + 8, 8)).isEqualTo(8);
        assertThat(b.getLong(8)).isEqualTo(0x1122334455667788L);

        // writev of two iovecs, bytes 0..3 and 8..11: they arrive as one run of 8
        b.putLong(16, addr).putLong(24, 4).putLong(32, addr + 8).putLong(40, 4);
        assertThat(sys.writev(w, addr + 16, 2)).isEqualTo(8);
        ByteBuffer got = NativeMemory.allocate(8);
        assertThat(sys.read(r, NativeMemory.address(got), 8)).isEqualTo(8);
        assertThat(got.getInt(0)).isEqualTo(b.getInt(0));
        assertThat(got.getInt(4)).isEqualTo(b.getInt(8));

        assertThat(LibC.close(r)).isZero();
        assertThat(sys.write(w, addr, 8)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.EPIPE); // the JVM ignores SIGPIPE
        assertThat(sys.ioctl(w, 0x5401 /* TCGETS: a FIFO is no tty */, addr)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.ENOTTY);
        assertThat(LibC.close(w)).isZero();
        assertThat(sys.write(w, addr, 8)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.EBADF);
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void futexWaitReturnsAtOnceOnAStaleValueAndTimesOut(Sys.Calls sys) {
        ByteBuffer b = NativeMemory.allocate(32).order(ByteOrder.nativeOrder());
        long addr = NativeMemory.address(b);
        b.putInt(0, 7);
        b.putLong(16, 0).putLong(24, 1_000_000); // struct timespec: 1 ms
        assertThat(sys.futex(addr, Posix.FUTEX_WAIT, 6, addr + 16)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.EAGAIN);
        assertThat(sys.futex(addr, Posix.FUTEX_WAIT, 7, addr + 16)).isEqualTo(-1);
        assertThat(sys.errno()).isEqualTo(Errno.ETIMEDOUT);
        assertThat(sys.futex(addr, Posix.FUTEX_WAKE, Integer.MAX_VALUE, 0)).isZero();
    }
}
