package io.myipc.bench;

import static io.myipc.bench.Transports.SLEEP;
import static io.myipc.bench.Transports.SLEEP_PARAMS;
import static io.myipc.bench.Transports.SPIN;

import io.myipc.IpcChannels;
import io.myipc.IpcConfigException;
import io.myipc.IpcReader;
import io.myipc.IpcTimeoutException;
import io.myipc.IpcWriter;
import io.myipc.bench.Transports.Spec;
import io.myipc.kmod.KmodAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The Java front end of the myipc benchmark: every Java transport through the {@code IpcChannel} API, between this
 * JVM and a peer JVM it starts itself. {@code mvn -pl myipc-bench exec:java -Dexec.args="--quick"}.
 */
public final class BenchRunner {
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    static final String VM_HINT = "the driver is not loaded here (no /dev/myipc0 and /dev/myipc1): add --vm 6.12 to run"
            + " the whole comparison inside the VM harness (tools/vm/vm) with the module loaded";

    /** The devices the kmod rows use (channel a, channel b). */
    static final List<String> DEVICES = List.of("myipc0", "myipc1");

    /** What a run produced. */
    public static final class Run {
        public final Map<String, Object> environment;
        public final Map<String, Object> config = new LinkedHashMap<>();
        /** The rows measured here, typed; assembled as JSON objects and converted once when complete. */
        final List<BenchRecord> results = new ArrayList<>();
        public final Map<String, String> skipped = new LinkedHashMap<>();
        public final List<String> failures = new ArrayList<>();

        Run(Map<String, Object> environment) {
            this.environment = environment;
        }

        public Map<String, Object> document() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("format", "myipc-bench/1");
            d.put("environment", environment);
            d.put("config", config);
            d.put("results", Report.toJson(results));
            return d;
        }
    }

    private final Options o;
    private final PrintStream log;
    private final long start = System.nanoTime();
    private final AtomicInteger seq = new AtomicInteger();
    private Path fifoDir;
    private int myCpu = -1, peerCpu = -1;
    private String placement;
    /** What qualifies every record of the transport being measured (the driver's sync mode), or null. */
    private String transportNote;
    /**
     * environment.vm_mode is icount: no spinning rows; the records of the driver's sync modes say they mean nothing.
     */
    private boolean icount;

    BenchRunner(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(e.getMessage().startsWith("usage") ? 0 : 2);
            return;
        }
        if (o.jmh) {
            int i = Arrays.asList(args).indexOf("--jmh");
            String[] rest = Arrays.copyOfRange(args, i + 1, args.length);
            if (rest.length == 0) {
                rest = new String[] {"-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s", "io.myipc.bench.jmh"};
                System.err.println("JMH with the short default: " + String.join(" ", rest));
            }
            // JMH forks its benchmark JVMs with java.class.path: under exec:java that is Maven's, so give it ours
            System.setProperty("java.class.path", PeerProcess.classPath());
            org.openjdk.jmh.Main.main(rest);
            return;
        }
        if (o.vmKernel == null && !o.noVm && !o.selfTest && VmRun.shouldUseVm(o)) {
            System.err.println(VM_HINT.replace(": add --vm 6.12 to run", ", so this run goes into the VM harness:")
                    + " (--no-vm measures here without kmod:)");
            o.vmKernel = VmRun.defaultKernel(o.accel);
        }
        if (o.vmKernel != null) {
            int rc = VmRun.run(o, args, System.err);
            if (rc != 0) {
                System.exit(rc);
            }
            return;
        }
        int rc = runAndReport(o, System.out, System.err);
        // exec:java runs us inside Maven's JVM: return normally on success, exit only on failure
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /**
     * Under emulation (TCG is ~10-50x slower) a run without --quick gets the --quick budgets, except those given
     * explicitly. Returns whether it scaled. Done before the C benchmark runs too, so both front ends measure with
     * the same budgets.
     */
    static boolean scaleForEmulation(Options o, boolean emulated) {
        if (!emulated || o.quick || o.selfTest) {
            return false;
        }
        Options q = Options.parse("--quick");
        if (!o.given("--bytes")) {
            o.bytesPerPoint = q.bytesPerPoint;
        }
        if (!o.given("--verify-bytes")) {
            o.verifyBytes = q.verifyBytes;
        }
        if (!o.given("--rtt-count")) {
            o.rttCount = q.rttCount;
        }
        if (!o.given("--warmup")) {
            o.warmup = q.warmup;
        }
        if (!o.given("--rate-seconds")) {
            o.rateSeconds = q.rateSeconds;
        }
        return true;
    }

    /** Runs, writes the files, prints the table; returns the exit status (0 good, 1 a check failed). */
    public static int runAndReport(Options o, PrintStream out, PrintStream log) throws IOException {
        if (o.nativeBinary != null) {
            scaleForEmulation(o, Boolean.TRUE.equals(Env.collect("cross-core", List.of()).get("emulated")));
            try {
                o.includes.add(0, NativeRun.run(o, log));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the C benchmark ran", e);
            }
        }
        Run run = new BenchRunner(o, log).run();
        List<BenchRecord> all = new ArrayList<>(run.results);
        List<Map<String, Object>> includedEnvs = new ArrayList<>();
        for (Path p : o.includes) {
            Map<String, Object> doc = Report.load(p);
            includedEnvs.add(Report.includedEnvironment(doc, p));
            List<BenchRecord> rows = Report.records(doc);
            all.addAll(rows);
            log.println("included " + rows.size() + " records from " + p);
        }
        if (o.checkCeiling) {
            run.failures.addAll(Report.aboveCeiling(all));
        }
        Files.createDirectories(o.out);
        Report.writeAll(o.out, run, all, includedEnvs);
        Files.writeString(o.out.resolve("classpath.txt"), PeerProcess.classPath() + "\n");
        out.print(Report.markdown(run, all, includedEnvs));
        log.println("wrote " + o.out.resolve("results.json") + ", results.csv, report.md, chart.svg");
        for (String f : run.failures) {
            log.println("FAILED: " + f);
        }
        return run.failures.isEmpty() ? 0 : 1;
    }

    void progress(String msg) {
        log.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, msg);
    }

    /** Measures in a thread of its own, so the pinning of the measuring thread does not stay on the caller. */
    Run run() throws IOException {
        Run[] result = new Run[1];
        Throwable[] error = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                result[0] = measureAll();
            } catch (Throwable e) {
                error[0] = e;
            }
        }, "myipc-bench-runner");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while measuring");
        }
        if (error[0] instanceof IOException e) {
            throw e;
        }
        if (error[0] instanceof RuntimeException e) {
            throw e;
        }
        if (error[0] instanceof Error e) {
            throw e;
        }
        return result[0];
    }

    private Run measureAll() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        if (o.sameCore || cores < 2) {
            myCpu = 0;
            peerCpu = 0;
            placement = "same-core";
        } else {
            myCpu = 0;
            peerCpu = 1;
            placement = "cross-core";
        }
        Run run = new Run(Env.collect(placement, myCpu == peerCpu ? List.of(myCpu) : List.of(myCpu, peerCpu)));
        boolean emulated = Boolean.TRUE.equals(run.environment.get("emulated"));
        icount = "icount".equals(run.environment.get("vm_mode"));
        boolean scaled = scaleForEmulation(o, emulated);
        if (scaled) {
            progress("under emulation (QEMU TCG): counts and budgets scaled down as with --quick; "
                    + Env.EMULATION_NOTE);
        }
        if (o.selfTest) {
            if (!o.given("--verify-bytes")) {
                o.verifyBytes = 256 << 10;
            }
            o.noRtt = o.noRate = o.noThroughput = true;
        }
        Map<String, Object> c = run.config;
        c.put("quick", o.quick);
        c.put("self_test", o.selfTest);
        c.put("scaled_for_emulation", scaled);
        c.put("bytes_per_point", o.bytesPerPoint);
        c.put("verify_bytes_per_size", o.verifyBytes);
        c.put("rtt_count", o.rttCount);
        c.put("warmup", o.warmup);
        c.put("rate_seconds", o.rateSeconds);
        c.put("inject_corruption", o.injectCorruptionAt >= 0);
        c.put("sizes", o.sizes);
        c.put("rates", o.rates);
        c.put("requested_transports", o.transports);
        c.put("units", "times in ns (System.nanoTime); 1 MB = 10^6 bytes; percentiles from HdrHistogram (3 significant"
                + " digits); cpu = user+sys CPU time of the whole JVM process of that side (JIT and GC threads"
                + " included)"
                + " / messages; rate latency counted from the intended send time");
        c.put("cpu_clock", CpuClock.source() + "; thread_cpu_*: the measuring thread alone (ThreadMXBean), without"
                + " JIT and GC threads");
        c.put("throughput_timing", "from the writer's first write to the arrival of the reader's 1-byte"
                + " acknowledgement,"
                + " sent after its last byte");
        c.put("peer_jvm", "java " + String.join(" ", PeerProcess.JVM_OPTIONS) + " " + Peer.class.getName());
        c.put("pinning", "the measuring thread of each JVM is pinned with sched_setaffinity (runner cpu " + myCpu
                + ", peer cpu " + peerCpu + "); other JVM threads are not");
        c.put("spin_on_same_core", "Thread.yield() between polls when both sides share a CPU, Thread.onSpinWait()"
                + " otherwise");
        c.put("repeats", o.repeats);
        c.put("warmup_pass", "each throughput point: one untimed pass of the same bytes first (the loops get"
                + " JIT-compiled), then the repeats; rtt/rate: the warm-up round trips before the first repeat");
        c.put("work", "timed throughput: " + FairWork.WORK + " (writer: word k = k into its write buffer or the claimed"
                + " ring space; reader: every byte folded into a checksum, where it lies; checked against n(n-1)/2)");
        c.put("waits", "rtt: spin (tryRead polling), sleep (blocking; rings with spins=0&yields=0), hybrid (rings:"
                + " the library default spins/yields then sleep); throughput: hybrid for rings, sleep for the others;"
                + " rate: spin and sleep");
        c.put("rate_pacing", "LockSupport.parkNanos until 100-150 us before the intended send time, then spin");
        Map<String, Object> descs = new LinkedHashMap<>();
        c.put("transports", descs);
        c.put("skipped", run.skipped);

        String pin = Affinity.pinCurrentThread(myCpu);
        if (pin != null) {
            progress("warning: " + pin + " (placement not enforced on this side)");
        }
        fifoDir = Files.createTempDirectory("myipc-bench-");
        try {
            List<Spec> todo = new ArrayList<>();
            for (String name : o.transports) {
                Spec s = Transports.ALL.get(name);
                String why = unavailable(s);
                if (why != null) {
                    run.skipped.put(name, why);
                    progress("skip " + name + ": " + why);
                } else {
                    todo.add(s);
                    descs.put(name, s.description());
                }
            }
            if (todo.isEmpty()) {
                progress("nothing to measure");
            } else {
                PeerProcess peer = startPeer();
                try {
                    for (Spec s : todo) {
                        transportNote = null;
                        if (s.sync() != null) {
                            // the devices are closed between transports: switch them to this row's mode now
                            KmodAdmin.SyncResult sr = KmodAdmin.setSyncMode(s.sync(), DEVICES);
                            if (sr.skipReason() != null) {
                                run.skipped.put(s.name(), sr.skipReason());
                                descs.remove(s.name());
                                progress("skip " + s.name() + ": " + sr.skipReason());
                                continue;
                            }
                            transportNote = sr.note();
                        }
                        peer = measureSurvivingCrashes(run, peer, s);
                    }
                } finally {
                    peer.close();
                }
            }
            if (o.selfTest) {
                selfTestCorruption(run, todo);
            }
        } finally {
            deleteTree(fifoDir);
        }
        progress(String.format(Locale.ROOT, "measured in %.1f s", (System.nanoTime() - start) / 1e9));
        return run;
    }

    private PeerProcess startPeer() throws IOException {
        PeerProcess peer = new PeerProcess(peerCpu, o.out.toAbsolutePath());
        if (peer.hello.containsKey("pin_error")) {
            progress("warning: peer " + peer.hello.get("pin_error").replace('_', ' '));
        }
        return peer;
    }

    /**
     * Measures one transport; when a JVM crash (the peer's, with its hs_err file) breaks it, starts a new peer and
     * measures the transport once more; a second crash is recorded as a failure with the hs_err head, and the run
     * goes on with the next transport. Returns the peer to go on with.
     */
    private PeerProcess measureSurvivingCrashes(Run run, PeerProcess peer, Spec s) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int before = run.results.size();
            try {
                measure(run, peer, s);
                return peer;
            } catch (IOException | RuntimeException e) {
                String crash = peer.crash();
                if (crash == null) {
                    throw e;
                }
                while (run.results.size() > before) {
                    run.results.remove(run.results.size() - 1);
                }
                peer.close();
                PeerProcess fresh = startPeer();
                if (attempt == 1) {
                    progress(s.name() + ": the peer JVM crashed (" + crash.lines().findFirst().orElse("") + "); "
                            + "measuring " + s.name() + " once more with a new peer");
                    peer = fresh;
                    continue;
                }
                String f = s.name() + ": the peer JVM crashed twice, rows not measured: " + crash;
                run.failures.add(f);
                progress("FAILED " + f);
                return fresh;
            }
        }
    }

    /** Why a transport cannot be measured here, or null. */
    String unavailable(Spec s) {
        if (!IpcChannels.schemes().contains(s.scheme())) {
            return "the " + s.scheme() + ": transport is not on the class path (module myipc-" + s.scheme() + ")";
        }
        switch (s.scheme()) {
            case "shm":
                if (!Files.isDirectory(Path.of("/dev/shm"))) {
                    return "no /dev/shm (tmpfs) on this machine";
                }
                return null;
            case "kmod":
                if (!Files.exists(Path.of("/dev/myipc0")) || !Files.exists(Path.of("/dev/myipc1"))) {
                    return VM_HINT;
                }
                return probe(s);
            default:
                return null;
        }
    }

    /** For tests: why the wait row cannot be measured with this library, or null. */
    String waitUnsupportedForTest(Spec s, String wait) {
        if (fifoDir == null) {
            fifoDir = Path.of(System.getProperty("java.io.tmpdir"));
        }
        return waitUnsupported(s, wait);
    }

    /** For tests: why the named transport cannot be measured here, or null. */
    String unavailableForTest(String name) {
        return unavailable(Transports.ALL.get(name));
    }

    /** Opens a writer with a 1 ms timeout: a configuration error (mode=mmap not supported yet) means skip. */
    private String probe(Spec s) {
        String uri = s.uri(fifoDir, "probe", 0);
        try (IpcWriter w = IpcChannels.openWriter(uri, Duration.ofMillis(1))) {
            return null;
        } catch (IpcTimeoutException e) {
            return null; // accepted, nobody at the other end
        } catch (IpcConfigException e) {
            return "this kmod: transport does not accept " + uri + ": " + e.getMessage();
        } catch (IOException e) {
            return "cannot open " + uri + ": " + e.getMessage();
        }
    }

    /**
     * For the mmap rows: the rings of both devices sized before anyone maps them, else null. In a ping-pong the peer's
     * reader may map a device before the writer has set {@code size=}, so the runner holds the size until the
     * measurement is over ({@link KmodAdmin#holdRingSize}); the held files count as a reader and a writer, so the
     * benchmark's exchanges end by their own messages, not by end of stream. The C benchmark does the same
     * ({@code chan_create}, dev-mmap).
     */
    private static KmodAdmin.RingSizeHold sizer(Spec s) throws IOException {
        if (!s.scheme().equals("kmod") || !s.ring()) {
            return null;
        }
        return KmodAdmin.holdRingSize(DEVICES.stream().map(d -> "/dev/" + d).toList(), s.capacity());
    }

    private String[] uris(Spec s, String wait) {
        String tag = "myipc-bench-" + ProcessHandle.current().pid() + "-" + seq.incrementAndGet();
        return new String[] {s.uri(fifoDir, tag + "-a", 0, wait), s.uri(fifoDir, tag + "-b", 1, wait)};
    }

    private Map<String, Object> record(Spec s, String metric, String wait) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frontend", "java");
        r.put("transport", s.name());
        r.put("metric", metric);
        if (wait != null) {
            r.put("wait", wait);
        }
        r.put("placement", placement);
        if (transportNote != null) {
            r.put("note", transportNote);
        }
        // the instruction-counting VM serialises the vCPUs: no real spinning, no real contention (as the C records)
        if (icount && s.sync() != null) {
            addNote(r, "not meaningful under icount: sync-mode contention (the vCPUs run one at a time)");
        }
        return r;
    }

    private static void addNote(Map<String, Object> r, String note) {
        Object old = r.get("note");
        r.put("note", old == null ? note : old + "; " + note);
    }

    /** Why the wait row {@code wait} of {@code s} cannot be measured with this library, or null. */
    String waitUnsupported(Spec s, String wait) {
        if (!s.ring() || !wait.equals(SLEEP)) {
            return null;
        }
        String u = s.uri(fifoDir, "probe", 0, SLEEP);
        try {
            IpcChannels.capabilities(u);
            return null;
        } catch (IpcConfigException e) {
            return "this library does not take the wait parameters " + SLEEP_PARAMS.substring(1) + " (" + u + ": "
                    + e.getMessage() + "); the row needs a library whose ring transports take spins= and yields=";
        }
    }

    private boolean skipWait(Run run, Spec s, String what, String wait) {
        if (icount && SPIN.equals(wait)) {
            // as the C benchmark: under instruction counting the vCPUs run one at a time, so a spinning side only
            // burns the instructions its peer is waiting to run
            run.config.putIfAbsent("not_measured_under_icount", "spinning rtt and rate rows (the vCPUs run one at"
                    + " a time)");
            return true;
        }
        String why = waitUnsupported(s, wait);
        if (why == null) {
            return false;
        }
        String key = s.name() + " " + what + " " + wait;
        run.skipped.put(key, why);
        progress("skip " + key + ": " + why);
        return true;
    }

    private void measure(Run run, PeerProcess peer, Spec s) throws IOException {
        boolean yield = myCpu == peerCpu;
        // 1. the correctness pass, not timed
        boolean ok = true;
        for (int chunk : o.sizes) {
            long total = Math.max(o.verifyBytes, chunk);
            Transfer t = transfer(peer, s, s.throughputWait(), chunk, total, true, o.injectCorruptionAt);
            if (t.bad >= 0) {
                ok = false;
                String f = s.name() + ": correctness pass with " + chunk + "-byte chunks found a wrong byte: "
                        + t.detail;
                run.failures.add(f);
                progress("CORRUPTION DETECTED " + f);
            }
        }
        if (ok) {
            progress(s.name() + ": correctness pass OK (" + o.sizes.size() + " chunk sizes, "
                    + Math.max(o.verifyBytes, 1) + " bytes each, every byte checked)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> verified = (Map<String, Object>) run.config.computeIfAbsent("correctness_pass",
                k -> new LinkedHashMap<String, Object>());
        verified.put(s.name(), ok);
        if (o.selfTest) {
            return;
        }
        // 2. round trips: one warm-up, then the repeats
        if (!o.noRtt) {
            for (String wait : s.rttWaits()) {
                if (skipWait(run, s, "rtt", wait)) {
                    continue;
                }
                List<Ping> ps = new ArrayList<>();
                for (int i = 0; i < o.repeats; i++) {
                    ps.add(ping(peer, s, wait, yield, i == 0 ? o.warmup : 0, o.rttCount, 0, 0));
                }
                Map<String, Object> row = pingRecord(s, "rtt", wait, ps, ok);
                if (yield && wait.equals(SPIN)) {
                    addNote(row, "same core: Thread.yield() between polls");
                }
                BenchRecord r = BenchRecord.fromJson(row);
                run.results.add(r);
                progress(String.format(Locale.ROOT, "%s rtt %s: p50 %.1f us [%.1f-%.1f] over %d repeats, p99 %.1f us",
                        s.name(), wait, r.p50Ns() / 1e3, r.p50NsMin() / 1e3, r.p50NsMax() / 1e3, o.repeats,
                        r.p99Ns() / 1e3));
            }
        }
        // 3. throughput: one warm-up pass with the same budget (the loops get JIT-compiled), then the repeats
        if (!o.noThroughput) {
            String wait = s.throughputWait();
            for (int chunk : o.sizes) {
                long total = Math.max(o.bytesPerPoint, 8L * chunk); // at least 8 chunks per point
                total -= total % chunk;
                throughputPoint(run, peer, s, wait, chunk, total, ok);
            }
        }
        // 4. fixed rates
        if (!o.noRate) {
            for (int rate : o.rates) {
                for (String wait : List.of(SPIN, SLEEP)) {
                    if (skipWait(run, s, "rate", wait)) {
                        continue;
                    }
                    long count = rate > 0 ? Math.max(1, Math.round(rate * o.rateSeconds)) : 0;
                    List<Ping> ps = new ArrayList<>();
                    for (int i = 0; i < o.repeats; i++) {
                        ps.add(ping(peer, s, wait, yield, i == 0 ? Math.min(o.warmup, 1000) : 0, count, rate,
                                o.rateSeconds));
                    }
                    Map<String, Object> row = pingRecord(s, "rate", wait, ps, ok);
                    double achieved = Spread.of(ps.stream().mapToDouble(p -> p.res.achievedPerS()).toArray()).median();
                    row.put("rate_target_per_s", rate);
                    row.put("rate_achieved_per_s", achieved);
                    moveAfter(row, "capacity_bytes", "rate_target_per_s", "rate_achieved_per_s");
                    BenchRecord r = BenchRecord.fromJson(row);
                    run.results.add(r);
                    progress(String.format(Locale.ROOT, "%s rate %s %s: achieved %.0f/s, p99 %.1f us, cpu %s%% / %s%%",
                            s.name(), rate == 0 ? "max" : Integer.toString(rate), wait, achieved,
                            r.p99Ns() / 1e3, Report.f1(r.cpuPctWriter()), Report.f1(r.cpuPctReader())));
                }
            }
        }
    }

    /** Puts the given keys right after {@code anchor} (so the record reads in the RESULTS.md order). */
    private static void moveAfter(Map<String, Object> r, String anchor, String... keys) {
        Map<String, Object> copy = new LinkedHashMap<>(r);
        r.clear();
        for (Map.Entry<String, Object> e : copy.entrySet()) {
            if (List.of(keys).contains(e.getKey())) {
                continue;
            }
            r.put(e.getKey(), e.getValue());
            if (e.getKey().equals(anchor)) {
                for (String k : keys) {
                    if (copy.containsKey(k)) {
                        r.put(k, copy.get(k));
                    }
                }
            }
        }
    }

    /** An rtt or rate record of the repeats: p50 the median of their p50s, the rest of all samples pooled. */
    private Map<String, Object> pingRecord(Spec s, String metric, String wait, List<Ping> ps, boolean ok) {
        Histogram pooled = new Histogram(1, 3_600_000_000_000L, 3);
        double[] p50 = new double[ps.size()];
        long count = 0, wCpu = 0, rCpu = 0, wWall = 0, rWall = 0, wT = 0, rT = 0;
        for (int i = 0; i < ps.size(); i++) {
            Ping p = ps.get(i);
            pooled.add(p.res.histogram());
            p50[i] = p.res.histogram().getValueAtPercentile(50);
            count += p.res.count();
            wCpu = addKnown(wCpu, p.res.cpuNs());
            rCpu = addKnown(rCpu, p.peerCpuNs);
            wT = addKnown(wT, p.res.threadCpuNs());
            rT = addKnown(rT, p.peerThreadCpuNs);
            wWall += p.res.wallNs();
            rWall += p.peerWallNs;
        }
        Spread sp = Spread.of(p50);
        Map<String, Object> r = record(s, metric, wait);
        r.put("chunk_bytes", 1);
        r.put("count", count);
        r.put("capacity_bytes", s.capacity());
        r.put("repeats", sp.repeats());
        r.put("min_ns", pooled.getMinValue());
        r.put("mean_ns", pooled.getMean());
        r.put("p50_ns", Math.round(sp.median()));
        r.put("p50_ns_min", Math.round(sp.min()));
        r.put("p50_ns_max", Math.round(sp.max()));
        r.put("spread_pct", sp.spreadPct());
        r.put("noisy", sp.noisy());
        r.put("p90_ns", pooled.getValueAtPercentile(90));
        r.put("p99_ns", pooled.getValueAtPercentile(99));
        r.put("p999_ns", pooled.getValueAtPercentile(99.9));
        r.put("max_ns", pooled.getMaxValue());
        putCpu(r, wCpu, rCpu, count, wWall, rWall);
        putThreadCpu(r, wT, rT, count, wWall, rWall);
        r.put("verified", ok);
        return r;
    }

    private static long addKnown(long sum, long v) {
        return sum < 0 || v < 0 ? -1 : sum + v;
    }

    /** One throughput point: warm-up, repeats, each checked by its checksum; a record only when all passed. */
    private void throughputPoint(Run run, PeerProcess peer, Spec s, String wait, int chunk, long total, boolean ok)
            throws IOException {
        long corrupt = o.injectCorruptionAt >= 0 ? o.injectCorruptionAt % total : -1;
        List<Transfer> ts = new ArrayList<>();
        int again = 0;
        for (int i = -1; i < o.repeats; i++) {
            Transfer t = transfer(peer, s, wait, chunk, total, false, i < 0 ? -1 : corrupt);
            long want = FairWork.expectedSum(total);
            if (t.sum != want) {
                String f = String.format(Locale.ROOT, "%s: timed run (%s) with %d-byte chunks: checksum mismatch,"
                                + " reader sum %s, expected %s (n(n-1)/2 for %d words): no record written", s.name(),
                        i < 0 ? "warm-up" : "repeat " + (i + 1), chunk, Long.toUnsignedString(t.sum),
                        Long.toUnsignedString(want), total / 8);
                run.failures.add(f);
                progress("CHECKSUM FAILED " + f);
                return;
            }
            if (i >= 0 && jitRanBeside(t) && again < o.repeats) {
                again++;
                i--; // the same repeat once more
                continue;
            }
            if (i >= 0) {
                ts.add(t);
            }
        }
        double[] mb = ts.stream().mapToDouble(t -> t.w.bytes() / (t.w.wallNs() / 1e9) / 1e6).toArray();
        Spread sp = Spread.of(mb);
        Transfer med = ts.get(Spread.medianIndex(mb));
        Map<String, Object> r = record(s, "throughput", wait);
        r.put("chunk_bytes", chunk);
        r.put("count", med.w.count());
        r.put("capacity_bytes", s.capacity());
        r.put("bytes", med.w.bytes());
        r.put("seconds", med.w.wallNs() / 1e9);
        r.put("repeats", sp.repeats());
        r.put("mb_per_s", sp.median());
        r.put("mb_per_s_min", sp.min());
        r.put("mb_per_s_max", sp.max());
        r.put("spread_pct", sp.spreadPct());
        r.put("noisy", sp.noisy());
        r.put("work", FairWork.WORK);
        r.put("repeats_measured_again_jit", again);
        putCpu(r, med.w.cpuNs(), med.peerCpuNs, med.w.count(), med.w.wallNs(), med.peerWallNs);
        putThreadCpu(r, med.w.threadCpuNs(), med.peerThreadCpuNs, med.w.count(), med.w.wallNs(), med.peerWallNs);
        r.put("verified", ok);
        r.put("api", (med.writerZeroCopy ? "claim, write in place, commit" : "fill, write") + " -> "
                + (med.readerZeroCopy ? "view, fold in place, release" : "read, fold"));
        run.results.add(BenchRecord.fromJson(r));
        progress(String.format(Locale.ROOT, "%s throughput %s %d B chunks: %.1f MB/s [%.1f-%.1f]%s (%d bytes x %d%s)",
                s.name(), wait, chunk, sp.median(), sp.min(), sp.max(), sp.noisy() ? " noisy" : "", med.w.bytes(),
                sp.repeats(), again == 0 ? "" : "; " + again + " measured again: the JIT compiled during them"));
    }

    /**
     * Whether the JIT compilers of the two JVMs compiled for at least half as long as a timed pass took: such a pass
     * measured the compilers beside the transport. Under QEMU icount (two vCPUs taking turns) compiles came at any
     * point of a run, not only at its start, so a warm-up cannot keep them out: 16 MiB repeats at 64 KiB over kmod:
     * mmap ran at 163-182 MB/s beside up to 27 ms of compiling and at 62-101 MB/s beside 148-412 ms. Such a repeat is
     * measured again, at most --repeats times per point (the record counts them).
     */
    static boolean jitRanBeside(Transfer t) {
        return t.jitMs() * 1_000_000L >= t.w().wallNs() / 2;
    }

    /**
     * --self-test: a run with one flipped byte must be caught by the correctness pass, and a timed run with one
     * flipped byte by its checksum (SPEC C4).
     */
    private void selfTestCorruption(Run run, List<Spec> todo) throws IOException {
        if (todo.isEmpty()) {
            return;
        }
        Spec s = todo.get(0);
        try (PeerProcess peer = startPeer()) {
            Transfer t = transfer(peer, s, s.throughputWait(), 4096, 64 << 10, true, 12345);
            if (t.bad == 12345) {
                progress("self-test: the byte corrupted on purpose at offset 12345 over " + s.name() + " was detected");
            } else {
                run.failures.add("self-test: a byte corrupted on purpose at offset 12345 over " + s.name()
                        + " was not detected (reader reported " + t.bad + ")");
            }
            Transfer timed = transfer(peer, s, s.throughputWait(), 4096, 64 << 10, false, 12345);
            long want = FairWork.expectedSum(64 << 10);
            if (timed.sum != want) {
                progress("self-test: the byte corrupted on purpose in a timed run over " + s.name() + " failed its"
                        + " checksum (reader sum " + Long.toUnsignedString(timed.sum) + ", expected "
                        + Long.toUnsignedString(want) + ")");
            } else {
                run.failures.add("self-test: a byte corrupted on purpose in a timed run over " + s.name()
                        + " was not caught by the checksum");
            }
        }
    }

    private static void putCpu(Map<String, Object> r, long wCpu, long rCpu, long count, long wWall, long rWall) {
        putCpu(r, "", wCpu, rCpu, count, wWall, rWall);
    }

    /** Added to RESULTS.md by the Java runner: the measuring thread alone (no JIT/GC threads). */
    private static void putThreadCpu(Map<String, Object> r, long wCpu, long rCpu, long count, long wWall, long rWall) {
        putCpu(r, "thread_", wCpu, rCpu, count, wWall, rWall);
    }

    /** CPU per message and CPU share of each side, under keys starting with {@code prefix}. */
    private static void putCpu(Map<String, Object> r, String prefix, long wCpu, long rCpu, long count, long wWall,
                               long rWall) {
        if (count <= 0) {
            return;
        }
        if (wCpu >= 0) {
            r.put(prefix + "cpu_ns_per_msg_writer", (double) wCpu / count);
        }
        if (rCpu >= 0) {
            r.put(prefix + "cpu_ns_per_msg_reader", (double) rCpu / count);
        }
        if (wCpu >= 0 && wWall > 0) {
            r.put(prefix + "cpu_pct_writer", 100.0 * wCpu / wWall);
        }
        if (rCpu >= 0 && rWall > 0) {
            r.put(prefix + "cpu_pct_reader", 100.0 * rCpu / rWall);
        }
    }

    record Ping(Measure.PingResult res, long peerCpuNs, long peerWallNs, long peerThreadCpuNs) {
    }

    private Ping ping(PeerProcess peer, Spec s, String wait, boolean yield, int warmup, long count, int rate,
                      double seconds) throws IOException {
        String[] u = uris(s, wait);
        boolean spin = wait.equals(SPIN);
        Measure.PingResult res;
        Map<String, String> rep;
        try (KmodAdmin.RingSizeHold sized = sizer(s)) {
            peer.send("ECHO " + wait + " " + (yield ? "yield" : "noyield") + " " + u[0] + " " + u[1]);
            try (IpcWriter w = IpcChannels.openWriter(u[0], OPEN_TIMEOUT);
                 IpcReader r = IpcChannels.openReader(u[1], OPEN_TIMEOUT)) {
                res = Measure.ping(w, r, spin, yield, warmup, count, rate, seconds);
            } catch (IOException | RuntimeException e) {
                throw withPeerSide(e, peer, s);
            } finally {
                cleanup(u);
            }
            rep = peer.reply(600);
        }
        return new Ping(res, Long.parseLong(rep.get("cpu_ns")), Long.parseLong(rep.get("wall_ns")),
                Long.parseLong(rep.get("thread_cpu_ns")));
    }

    /** {@code jitMs}: what both JVMs' JIT compilers spent compiling while the transfer ran. */
    record Transfer(Measure.WriteResult w, long peerCpuNs, long peerWallNs, long bad, String detail,
                    boolean writerZeroCopy, boolean readerZeroCopy, long peerThreadCpuNs, long sum, long jitMs) {
    }

    private Transfer transfer(PeerProcess peer, Spec s, String wait, int chunk, long total, boolean verify,
                              long corruptAt) throws IOException {
        String[] u = uris(s, wait);
        Measure.WriteResult wr;
        boolean wzc;
        Map<String, String> rep;
        long jit = JitClock.millis();
        try (KmodAdmin.RingSizeHold sized = sizer(s)) {
            peer.send("READ " + chunk + " " + total + " " + (verify ? "verify" : "timed") + " " + u[0] + " " + u[1]);
            try (IpcWriter w = IpcChannels.openWriter(u[0], OPEN_TIMEOUT);
                 IpcReader r = IpcChannels.openReader(u[1], OPEN_TIMEOUT)) {
                wzc = Measure.zeroCopy(w);
                wr = Measure.write(w, r, chunk, total, verify, corruptAt);
            } catch (IOException | RuntimeException e) {
                throw withPeerSide(e, peer, s);
            } finally {
                cleanup(u);
            }
            rep = peer.reply(600);
        }
        String detail = rep.containsKey("detail") ? rep.get("detail").replace('_', ' ') : null;
        return new Transfer(wr, Long.parseLong(rep.get("cpu_ns")), Long.parseLong(rep.get("wall_ns")),
                Long.parseLong(rep.get("bad")), detail, wzc, Boolean.parseBoolean(rep.get("zero_copy")),
                Long.parseLong(rep.get("thread_cpu_ns")), Long.parseUnsignedLong(rep.getOrDefault("sum", "0")),
                JitClock.millis() - jit + Long.parseLong(rep.getOrDefault("jit_ms", "0")));
    }

    /**
     * A measurement failed on our side: the failure with the peer's side of the story (its answer to the command,
     * e.g. its own exception, once our ends are closed) and, for the driver, the open ends the driver counts.
     */
    private static IOException withPeerSide(Exception e, PeerProcess peer, Spec s) {
        StringBuilder m = new StringBuilder(s.name() + ": " + e.getMessage());
        if (s.scheme().equals("kmod")) {
            for (String d : DEVICES) {
                try {
                    m.append("; driver ").append(d).append(": ").append(KmodAdmin.openEnds(d));
                } catch (IOException x) {
                    m.append("; driver ").append(d).append(": ").append(x.getMessage());
                }
            }
        }
        try {
            Map<String, String> answer = peer.reply(30);
            m.append("; the peer answered: OK ").append(answer);
        } catch (IOException x) {
            m.append("; the peer: ").append(x.getMessage());
        }
        return new IOException(m.toString(), e);
    }

    private void cleanup(String[] uris) {
        for (String u : uris) {
            if (u.startsWith("pipe:")) {
                String p = u.substring(5);
                int q = p.indexOf('?');
                try {
                    Files.deleteIfExists(Path.of(q < 0 ? p : p.substring(0, q)));
                } catch (IOException e) {
                    // a leftover in our temp dir, removed at the end
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
