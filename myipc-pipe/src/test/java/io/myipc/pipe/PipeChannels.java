package io.myipc.pipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Fresh FIFO paths in one temporary directory per test JVM, removed at exit. */
final class PipeChannels {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("myipc-pipe-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> s = Files.walk(DIR)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }));
    }

    private PipeChannels() {
    }

    static Path dir() {
        return DIR;
    }

    static String newUri() {
        return "pipe:" + DIR.resolve("c" + COUNTER.incrementAndGet() + ".fifo");
    }

    static String badValueUri() {
        return newUri() + "?size=lots";
    }
}
