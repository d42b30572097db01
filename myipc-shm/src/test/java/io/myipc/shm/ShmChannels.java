package io.myipc.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Fresh {@code shm:} channels for the contract suite, in one private directory under /dev/shm per test JVM
 * (passed in the URI, so child JVMs use it too), removed at exit.
 */
final class ShmChannels {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createDirectories(Path.of("/dev/shm", "myipc-contract-" + ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (Boolean.getBoolean("myipc.test.keep")) {
                return; // -Dmyipc.test.keep=true: leave the directory for inspection
            }
            try (Stream<Path> s = Files.walk(DIR)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }));
    }

    private ShmChannels() {
    }

    static Path dir() {
        return DIR;
    }

    static String newUri() {
        return "shm:c" + COUNTER.incrementAndGet() + "?capacity=256KiB&dir=" + DIR;
    }

    static String badValueUri() {
        return "shm:c" + COUNTER.incrementAndGet() + "?capacity=3MiB&dir=" + DIR;
    }
}
