package io.myipc.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A private directory under /dev/shm per test, so "no stray file" checks see only that test's files. */
final class ShmTestDirs {
    private static final AtomicInteger SEQ = new AtomicInteger();

    static Path create() throws IOException {
        return Files.createDirectories(Path.of("/dev/shm", "myipc-test-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet()));
    }

    static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
