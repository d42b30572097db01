package io.myipc.contract;

import java.util.List;

/** URIs that every open rejects with {@code IpcConfigException}, whatever transports are on the class path. */
public final class BadUris {
    private BadUris() {
    }

    /** The shared list: each entry is rejected by {@code openReader}, {@code openWriter} and {@code capabilities}. */
    public static List<String> all() {
        return List.of(
                "pipe:relative/orders.fifo",
                "pipe:",
                "pipe:/",
                "pipe:/tmp/myipc-dir/",
                "pipe:/tmp/myipc-bad.fifo?size=huge",
                "pipe:/tmp/myipc-bad.fifo?size=3",
                "pipe:/tmp/myipc-bad.fifo?mode=999",
                "pipe:/tmp/myipc-bad.fifo?create=maybe",
                "pipe:/tmp/myipc-bad.fifo?keep=maybe",
                "shm:",
                "shm:bad/name",
                "shm:.hidden",
                "shm:-dash",
                "shm:x?capacity=3",
                "shm:x?capacity=5000",
                "shm:x?capacity=1TiB",
                "shm:x?dir=relative/dir",
                "shm:x?dir=/nonexistent/myipc",
                "shm:x?mode=rw",
                "shm:x?spins=-1",
                "shm:x?yields=lots",
                "kmod:dev/myipc0",
                "kmod:",
                "kmod:/dev/myipc0?mode=fast",
                "kmod:/dev/myipc0?size=huge",
                "kmod:/dev/myipc0?size=3",
                "kmod:/dev/myipc0?mode=mmap&spins=-3",
                "kmod:/dev/myipc0?mode=mmap&yields=some",
                "kmod:/dev/myipc0?spins=10",
                "carrier-pigeon:/loft",
                "pipe:/tmp/myipc-bad.fifo?colour=blue",
                "shm:x?colour=blue",
                "kmod:/dev/myipc0?colour=blue",
                "not a channel!");
    }
}
