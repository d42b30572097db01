package io.myipc.kmod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The myipc devices of the running kernel, handed out round-robin: each contract case gets the next device, so with
 * {@code nr_devs=16} a device is used again only 16 channels later. Reuse is safe anyway: every case closes its ends,
 * and the driver discards the data when the last end closes.
 */
final class KmodDevices {
    /** The tag of the classes that test {@code mode=mmap} (run-java-tests selects its parts by it). */
    static final String MMAP_TAG = "mmap";
    /** The assumption message on a machine without the driver. */
    static final String NOT_LOADED = "driver not loaded; run myipc-kmod/run-java-tests";
    private static final Pattern NODE = Pattern.compile("myipc(\\d+)");
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static volatile List<String> devices;

    private KmodDevices() {
    }

    /** The device nodes, by number; empty without the driver. */
    static List<String> all() {
        List<String> d = devices;
        if (d == null) {
            try (Stream<Path> s = Files.list(Path.of("/dev"))) {
                d = s.map(p -> p.getFileName().toString()).filter(n -> NODE.matcher(n).matches())
                        .sorted((a, b) -> Integer.compare(number(a), number(b))).map(n -> "/dev/" + n).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            devices = d;
        }
        return d;
    }

    private static int number(String node) {
        return Integer.parseInt(node.substring("myipc".length()));
    }

    static boolean present() {
        return !all().isEmpty();
    }

    /** The next device, round-robin. */
    static String nextDevice() {
        List<String> d = all();
        if (d.isEmpty()) {
            throw new IllegalStateException(NOT_LOADED);
        }
        return d.get(Math.floorMod(NEXT.getAndIncrement(), d.size()));
    }

    static String newUri() {
        return "kmod:" + nextDevice();
    }

    static String badValueUri() {
        return newUri() + "?size=lots";
    }
}
