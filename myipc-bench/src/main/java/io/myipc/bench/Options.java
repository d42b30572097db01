package io.myipc.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The runner's command-line options. {@link #parse} throws {@link IllegalArgumentException} with what to do. */
public final class Options {
    /** Every transport the Java runner knows (the table's rows with a URI scheme), in report order. */
    public static final List<String> ALL_TRANSPORTS = List.copyOf(Transports.ALL.keySet());
    public static final List<Integer> DEFAULT_SIZES = List.of(64, 4096, 65536, 1 << 20);
    public static final List<Integer> DEFAULT_RATES = List.of(1000, 10000, 100000, 0);

    public List<String> transports = ALL_TRANSPORTS;
    public List<Integer> sizes = DEFAULT_SIZES;
    public List<Integer> rates = DEFAULT_RATES;
    public long bytesPerPoint = 256L << 20;
    public long verifyBytes = 8L << 20;
    public int rttCount = 100_000;
    public int warmup = 20_000;
    public double rateSeconds = 1.0;
    public boolean quick;
    public boolean sameCore;
    public boolean selfTest;
    public boolean jmh;
    /** --vm: the kernel release to boot the VM harness with (6.1 or 6.12), or null. */
    public String vmKernel;
    /** --no-vm: measure on this machine even when the driver is missing here (kmod: is then skipped). */
    public boolean noVm;
    /** --check-ceiling: fail the run when a throughput median is above the C ceiling at the same chunk size. */
    public boolean checkCeiling;
    public boolean noRtt, noThroughput, noRate;
    /** Default: system property myipc.bench.out (set by the pom for exec:java), else target/bench. */
    public Path out = Path.of(System.getProperty("myipc.bench.out", "target/bench"));
    public List<Path> includes = new ArrayList<>();
    /** --native: the C benchmark to run first and merge, or null. */
    public Path nativeBinary;
    /** Test hook: flip the byte at this stream offset in the correctness pass and in every timed run (-1: none). */
    public long injectCorruptionAt = -1;
    /** --repeats: timed repeats per point after one warm-up pass (SPEC C5). */
    public int repeats = 5;
    /** --accel: the QEMU accelerator of a --vm run (icount, tcg, kvm or auto). */
    public String accel = "icount";
    public static final List<String> ACCELS = List.of("icount", "tcg", "kvm", "auto");
    /** Which explicit options were given (so --quick does not override them). */
    private final Set<String> given = new LinkedHashSet<>();

    public static final String USAGE = String.join("\n",
            "usage: mvn -pl myipc-bench -am test-compile exec:java -Dexec.args=\"[options]\"",
            "       (after mvn install: mvn -pl myipc-bench exec:java ...;",
            "        or java -cp <classpath> io.myipc.bench.BenchRunner [options])",
            "  --transports a,b,..   of " + String.join(",", ALL_TRANSPORTS),
            "                        (default: all; kmod* need /dev/myipc0)",
            "  --sizes 64,4KiB,..    throughput chunk sizes (default 64,4KiB,64KiB,1MiB)",
            "  --bytes N             bytes per throughput point (default 256MiB; --quick 16MiB)",
            "  --verify-bytes N      bytes per chunk size in the correctness pass (default 8MiB; --quick 1MiB)",
            "  --rtt-count N         measured round trips (default 100000; --quick 10000)",
            "  --warmup N            warm-up round trips (default 20000; --quick 2000)",
            "  --rates a,b,..        fixed message rates per second, 0 = max (default 1000,10000,100000,0)",
            "  --rate-seconds S      seconds per rate point (default 1.0; --quick 0.2)",
            "  --repeats N           timed repeats per point after one warm-up pass (default 5): median, min, max",
            "  --no-rtt | --no-throughput | --no-rate   leave a measurement out",
            "  --same-core           pin both sides to one CPU (default: two different CPUs)",
            "  --quick               small counts and budgets: the whole run in about a minute",
            "  --out DIR             output folder (default myipc-bench/target/bench under exec:java,",
            "                        else target/bench)",
            "  --include FILE.json   merge another run's results (e.g. the C benchmark's) into the report; repeatable",
            "  --native PATH         run the C benchmark (myipc-bench/native/build/myipc-bench-c) first, with the",
            "                        same budgets and in the same environment, and merge its results",
            "  --check-ceiling       fail when a throughput median (indices-only rows excepted) is above the",
            "                        C ceiling at the same chunk size (needs --native or an --include with it)",
            "  --self-test           tiny run of every available transport with the correctness pass only, plus",
            "                        a run with an injected corrupted byte that must be detected",
            "  --vm 6.1|6.12         run the whole comparison inside the VM harness (tools/vm/vm) with the driver",
            "                        loaded, so kmod: is measured next to pipe: and shm: (QEMU: slow, scaled down)",
            "                        (the default when the driver is not loaded here and QEMU is installed)",
            "  --accel icount|tcg|kvm|auto   QEMU mode of --vm (default icount: deterministic, one guest",
            "                        instruction = 1 ns; spinning and lock contention are not shown in it)",
            "  --inject-corruption N flip the byte at stream offset N in the correctness pass and the timed runs",
            "                        (test hook: the run must fail)",
            "  --no-vm               measure on this machine only, even without the driver (kmod* skipped)",
            "  --jmh [jmh args]      run the JMH benchmarks instead (the rest of the arguments go to JMH)",
            "  --help");

    public static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--same-core" -> o.sameCore = true;
                case "--self-test" -> o.selfTest = true;
                case "--no-rtt" -> o.noRtt = true;
                case "--no-throughput" -> o.noThroughput = true;
                case "--no-rate" -> o.noRate = true;
                case "--no-vm" -> o.noVm = true;
                case "--check-ceiling" -> o.checkCeiling = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                case "--jmh" -> {
                    o.jmh = true;
                    return o; // the rest belongs to JMH
                }
                case "--transports", "--sizes", "--bytes", "--verify-bytes", "--rtt-count", "--warmup", "--rates",
                        "--rate-seconds", "--out", "--include", "--inject-corruption", "--vm", "--native", "--repeats",
                        "--accel" -> {
                    if (v == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
                        }
                        v = args[++i];
                    }
                    o.given.add(a);
                    o.set(a, v);
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + USAGE);
            }
        }
        if (o.quick) {
            if (!o.given.contains("--bytes")) {
                o.bytesPerPoint = 16L << 20;
            }
            if (!o.given.contains("--verify-bytes")) {
                o.verifyBytes = 1L << 20;
            }
            if (!o.given.contains("--rtt-count")) {
                o.rttCount = 10_000;
            }
            if (!o.given.contains("--warmup")) {
                o.warmup = 2_000;
            }
            if (!o.given.contains("--rate-seconds")) {
                o.rateSeconds = 0.2;
            }
        }
        return o;
    }

    public boolean given(String option) {
        return given.contains(option);
    }

    private void set(String a, String v) {
        switch (a) {
            case "--transports" -> {
                List<String> t = new ArrayList<>();
                for (String s : v.split(",")) {
                    String n = s.trim().toLowerCase(Locale.ROOT);
                    if (n.isEmpty()) {
                        continue;
                    }
                    if (!ALL_TRANSPORTS.contains(n)) {
                        throw new IllegalArgumentException("unknown transport '" + n + "' in --transports: use some of "
                                + String.join(",", ALL_TRANSPORTS));
                    }
                    if (!t.contains(n)) {
                        t.add(n);
                    }
                }
                if (t.isEmpty()) throw new IllegalArgumentException("--transports needs at least one of "
                        + String.join(",", ALL_TRANSPORTS));
                transports = List.copyOf(t);
            }
            case "--sizes" -> {
                List<Integer> s = new ArrayList<>();
                for (String p : v.split(",")) {
                    if (p.isBlank()) {
                        continue;
                    }
                    long n = parseSize("--sizes", p);
                    if (n < 1 || n > (64 << 20)) {
                        throw new IllegalArgumentException("--sizes: chunk size " + p + " is out of range 1..64MiB");
                    }
                    if (n % 8 != 0) {
                        throw new IllegalArgumentException("--sizes: chunk size " + p + " is not a multiple of 8 (the"
                                + " timed runs write and check 8-byte words)");
                    }
                    s.add((int) n);
                }
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("--sizes needs at least one size, like 64,4KiB");
                }
                sizes = List.copyOf(s);
            }
            case "--rates" -> {
                List<Integer> r = new ArrayList<>();
                for (String p : v.split(",")) {
                    if (p.isBlank()) {
                        continue;
                    }
                    long n = parseLong("--rates", p.trim());
                    if (n < 0 || n > 10_000_000) {
                        throw new IllegalArgumentException("--rates: " + p + " is not a rate from 0 (max) to 10000000"
                                + " per second");
                    }
                    r.add((int) n);
                }
                rates = List.copyOf(r);
            }
            case "--bytes" -> bytesPerPoint = positive(a, parseSize(a, v));
            case "--verify-bytes" -> verifyBytes = positive(a, parseSize(a, v));
            case "--rtt-count" -> rttCount = (int) Math.min(Integer.MAX_VALUE, positive(a, parseLong(a, v)));
            case "--warmup" -> {
                long n = parseLong(a, v);
                if (n < 0) {
                    throw new IllegalArgumentException("--warmup must be 0 or more, not " + v);
                }
                warmup = (int) Math.min(Integer.MAX_VALUE, n);
            }
            case "--rate-seconds" -> {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--rate-seconds needs a number of seconds like 0.5, not '"
                            + v + "'");
                }
                if (!(d > 0 && d <= 600)) {
                    throw new IllegalArgumentException("--rate-seconds must be in (0, 600], not " + v);
                }
                rateSeconds = d;
            }
            case "--out" -> out = Path.of(v);
            case "--vm" -> {
                if (!v.equals("6.1") && !v.equals("6.12")) {
                    throw new IllegalArgumentException("--vm needs the kernel of the VM harness: 6.1 or 6.12, not '"
                            + v + "'");
                }
                vmKernel = v;
            }
            case "--include" -> includes.add(Path.of(v));
            case "--native" -> nativeBinary = Path.of(v);
            case "--inject-corruption" -> injectCorruptionAt = parseLong(a, v);
            case "--repeats" -> repeats = (int) Math.min(1000, positive(a, parseLong(a, v)));
            case "--accel" -> {
                if (!ACCELS.contains(v)) {
                    throw new IllegalArgumentException("--accel needs one of " + String.join(", ", ACCELS) + ", not '"
                            + v + "'");
                }
                accel = v;
            }
            default -> throw new IllegalStateException(a);
        }
    }

    private static long positive(String option, long n) {
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be greater than 0, not " + n);
        }
        return n;
    }

    private static long parseLong(String option, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not '" + v + "'");
        }
    }

    /** Parses 65536, 64KiB, 64K, 1MiB, 1M, 1GiB (binary units). */
    public static long parseSize(String option, String v) {
        String s = v.trim();
        long mul = 1;
        String lower = s.toLowerCase(Locale.ROOT);
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"},
                {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"}};
        for (String[] u : units) {
            if (lower.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " needs a size like 65536, 64KiB or 1MiB, not '" + v + "'");
        }
    }
}
