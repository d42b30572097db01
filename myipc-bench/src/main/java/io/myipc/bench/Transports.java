package io.myipc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transports the Java runner measures: the rows of the benchmark's one transport table,
 * {@code myipc-bench/transports.tsv} (the C front end compiles in the same file), that name a URI scheme.
 * The file's header describes its fields.
 */
final class Transports {
    static final String SPIN = "spin";
    static final String SLEEP = "sleep";
    static final String HYBRID = "hybrid";
    /** The URI parameters of a ring that sleeps at once (the ring transports take spins/yields per channel). */
    static final String SLEEP_PARAMS = "&spins=0&yields=0";

    /** The table's resource, beside this class. */
    static final String TABLE = "transports.tsv";

    /** Every transport of the Java runner by name, in the table's order. */
    static final Map<String, Spec> ALL = load();

    private Transports() {
    }

    /**
     * One transport of the Java runner. {@code sync}: the driver's copy-path mode the row needs (null: any).
     * {@code ring}: a mapped ring (shm*, kmod-mmap*) whose wait policy the URI chooses.
     */
    record Spec(String name, String scheme, long capacity, String sync, boolean ring, String description) {
        String uri(Path dir, String tag, int which) {
            return uri(dir, tag, which, HYBRID);
        }

        /** The channel URI for a row with wait policy {@code wait}: rings sleep at once with spins=0&yields=0. */
        String uri(Path dir, String tag, int which, String wait) {
            String size = sizeParameter(capacity);
            String u = switch (scheme) {
                case "pipe" -> "pipe:" + dir.resolve(tag + ".fifo") + "?size=" + size;
                case "shm" -> "shm:" + tag + "?capacity=" + size;
                case "kmod" -> "kmod:/dev/myipc" + which + (ring ? "?mode=mmap&size=" : "?size=") + size;
                default -> throw new IllegalStateException(TABLE + ": no URI form for scheme " + scheme);
            };
            return ring && wait.equals(SLEEP) ? u + SLEEP_PARAMS : u;
        }

        /** The RTT wait rows: spin and sleep for every transport, hybrid too for rings. */
        List<String> rttWaits() {
            return ring ? List.of(SPIN, SLEEP, HYBRID) : List.of(SPIN, SLEEP);
        }

        /** The wait of the throughput rows: hybrid for rings, sleep (blocking calls) for the others. */
        String throughputWait() {
            return ring ? HYBRID : SLEEP;
        }
    }

    /** 65536 as 64KiB, 1048576 as 1MiB: the size form of the transports' URI parameters. */
    static String sizeParameter(long bytes) {
        if (bytes > 0 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes > 0 && bytes % 1024 == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }

    private static Map<String, Spec> load() {
        InputStream in = Transports.class.getResourceAsStream(TABLE);
        if (in == null) {
            throw new IllegalStateException(TABLE + " is not on the class path beside " + Transports.class.getName()
                    + ": build myipc-bench with Maven, whose pom copies myipc-bench/" + TABLE + " there");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
    }

    /** The rows of a table in {@link #TABLE}'s format that name a URI scheme, by name. */
    static Map<String, Spec> parse(BufferedReader r) throws IOException {
        Map<String, Spec> all = new LinkedHashMap<>();
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 8) {
                throw new IllegalStateException(TABLE + " line " + n + ": " + f.length + " fields, 8 expected"
                        + " (name family scheme capacity sync flags what java_what, separated by one tab)");
            }
            if (f[2].equals("-")) {
                continue; // a mechanism only the C front end measures
            }
            long capacity;
            try {
                capacity = Long.parseLong(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(TABLE + " line " + n + ": capacity '" + f[3] + "' is not a number"
                        + " of bytes");
            }
            if (all.put(f[0], new Spec(f[0], f[2], capacity, f[4].equals("-") ? null : f[4],
                    List.of(f[5].split(",")).contains("ring"), f[7])) != null) {
                throw new IllegalStateException(TABLE + " line " + n + ": " + f[0] + " is named twice");
            }
        }
        return Collections.unmodifiableMap(all);
    }
}
