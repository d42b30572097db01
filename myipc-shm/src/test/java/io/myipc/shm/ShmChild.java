package io.myipc.shm;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A child JVM for the cross-process tests. Modes:
 * <ul>
 *   <li>{@code writer-hang <uri> <n>}: opens the writer, writes n bytes of value 7, prints "wrote", then sleeps;
 *   <li>{@code reader-hang <uri>}: opens the reader, prints "open", reads nothing, sleeps;
 *   <li>{@code reader-echo <uri>}: opens the reader, prints "open", reads to end of stream, prints the byte count.
 * </ul>
 */
public final class ShmChild {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String uri = args[1];
        switch (mode) {
            case "writer-hang" -> {
                IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30));
                byte[] b = new byte[Integer.parseInt(args[2])];
                java.util.Arrays.fill(b, (byte) 7);
                w.write(ByteBuffer.wrap(b));
                System.out.println("wrote");
                System.out.flush();
                Thread.sleep(600_000);
            }
            case "reader-hang" -> {
                IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(30));
                System.out.println("open " + r.uri());
                System.out.flush();
                Thread.sleep(600_000);
            }
            case "reader-echo" -> {
                try (IpcReader r = IpcChannels.openReader(uri, Duration.ofSeconds(30))) {
                    System.out.println("open");
                    System.out.flush();
                    ByteBuffer b = ByteBuffer.allocate(65536);
                    long total = 0;
                    int n;
                    while ((n = r.read(b)) >= 0) {
                        total += n;
                        b.clear();
                    }
                    System.out.println("read " + total);
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** Starts a child JVM running {@link ShmChild} with the test class path. */
    static Process start(String... args) throws java.io.IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA and FFM: no warning on new JDKs
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx64m");
        cmd.add("-XX:TieredStopAtLevel=1");
        String dir = System.getProperty(ShmAddress.DIR_PROPERTY);
        if (dir != null) {
            cmd.add("-D" + ShmAddress.DIR_PROPERTY + "=" + dir);
        }
        cmd.add(ShmChild.class.getName());
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
