package io.myipc.bench.jmh;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** In-process channel pairs for the JMH benchmarks: both ends of one channel in this JVM. */
final class Channels {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Channels() {
    }

    record Pair(IpcWriter writer, IpcReader reader, Path fifo) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            writer.close();
            reader.close();
            if (fifo != null) {
                Files.deleteIfExists(fifo);
            }
        }
    }

    /** A fresh channel URI of the named transport (pipe, shm, kmod) with a ring of {@code size}. */
    static String uri(String transport, String size, int device) {
        String tag = "myipc-jmh-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        return switch (transport) {
            case "pipe" -> "pipe:" + System.getProperty("java.io.tmpdir") + "/" + tag + ".fifo?size=" + size;
            case "shm" -> "shm:" + tag + "?capacity=" + size;
            case "kmod" -> "kmod:/dev/myipc" + device + "?size=" + size;
            default -> throw new IllegalArgumentException("transport " + transport + ": use pipe, shm or kmod");
        };
    }

    /** Opens both ends (the reader in a helper thread: opening waits for the peer like a FIFO). */
    static Pair open(String uri) throws Exception {
        CompletableFuture<IpcReader> r = CompletableFuture.supplyAsync(() -> {
            try {
                return IpcChannels.openReader(uri, Duration.ofSeconds(30));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        IpcWriter w = IpcChannels.openWriter(uri, Duration.ofSeconds(30));
        IpcReader reader;
        try {
            reader = r.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            w.close();
            throw new IOException("could not open the reader of " + uri, e);
        }
        Path fifo = null;
        if (uri.startsWith("pipe:")) {
            fifo = Path.of(uri.substring(5, uri.indexOf('?')));
        }
        return new Pair(w, reader, fifo);
    }
}
