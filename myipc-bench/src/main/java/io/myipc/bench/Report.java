package io.myipc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** results.json, results.csv, report.md (the table) and chart.svg from a run plus included records. */
public final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(Path p) throws IOException {
        Object o;
        try {
            o = Json.parse(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(p + " is not a benchmark result file: " + e.getMessage(), e);
        }
        if (!(o instanceof Map<?, ?> m) || !"myipc-bench/1".equals(m.get("format"))
                || !(m.get("results") instanceof List<?>)) {
            throw new IOException(p + " is not in the myipc-bench/1 format (see myipc-bench/RESULTS.md):"
                    + " expected an object with \"format\": \"myipc-bench/1\" and a \"results\" list");
        }
        return (Map<String, Object>) m;
    }

    /** The result rows of a loaded document, typed; entries that are not JSON objects are left out. */
    @SuppressWarnings("unchecked")
    static List<BenchRecord> records(Map<String, Object> doc) {
        List<BenchRecord> out = new ArrayList<>();
        for (Object r : (List<Object>) doc.get("results")) {
            if (r instanceof Map<?, ?> m) {
                out.add(BenchRecord.fromJson((Map<String, Object>) m));
            }
        }
        return out;
    }

    /** The rows as JSON objects, for writing. */
    static List<Map<String, Object>> toJson(List<BenchRecord> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BenchRecord r : rows) {
            out.add(r.toJson());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> includedEnvironment(Map<String, Object> doc, Path from) {
        Map<String, Object> env = new LinkedHashMap<>();
        if (doc.get("environment") instanceof Map<?, ?> m) {
            env.putAll((Map<String, Object>) m);
        }
        env.put("included_from", from.toString());
        return env;
    }

    static void writeAll(Path dir, BenchRunner.Run run, List<BenchRecord> all, List<Map<String, Object>> includedEnvs)
            throws IOException {
        Map<String, Object> doc = run.document();
        if (!includedEnvs.isEmpty()) {
            // the merged view: our own records first, then the included ones (each names its front end)
            doc = new LinkedHashMap<>(doc);
            doc.put("included_environments", includedEnvs);
            doc.put("results", toJson(all));
        }
        Files.writeString(dir.resolve("results.json"), Json.write(doc), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.csv"), csv(all), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.md"), markdown(run, all, includedEnvs), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("chart.svg"), SvgChart.render(run.environment, includedEnvs, all),
                StandardCharsets.UTF_8);
    }

    static String csv(List<BenchRecord> all) {
        // the columns and cells are those of the JSON rows: the CSV is another serialisation of the same objects
        List<Map<String, Object>> rows = toJson(all);
        Set<String> cols = new LinkedHashSet<>();
        for (Map<String, Object> r : rows) {
            cols.addAll(r.keySet());
        }
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (Map<String, Object> r : rows) {
            boolean first = true;
            for (String c : cols) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                Object v = r.get(c);
                if (v == null) {
                    continue;
                }
                String s = v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : v.toString();
                if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
                    s = '"' + s.replace("\"", "\"\"") + '"';
                }
                sb.append(s);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A value of an environment document as text, "" when absent (result rows have typed accessors). */
    static String str(Map<String, Object> env, String k) {
        Object v = env.get(k);
        return v == null ? "" : v.toString();
    }

    /** "12.3 (4.5)": the CPU % of the whole process, then of the measuring thread alone when known. */
    static String pct(double process, double thread) {
        String p = f1(process);
        return Double.isNaN(thread) ? p : p + " (" + f1(thread) + ")";
    }

    static String us(double ns) {
        return Double.isNaN(ns) ? "-" : String.format(Locale.ROOT, ns >= 1e6 ? "%.0f" : "%.1f", ns / 1e3);
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratio(double v, double base) {
        if (Double.isNaN(v) || Double.isNaN(base) || base == 0) {
            return "-";
        }
        double r = v / base;
        return r < 0.1 ? String.format(Locale.ROOT, "%.2gx", r) : String.format(Locale.ROOT, "%.2fx", r);
    }

    static String sizeName(long b) {
        if (b >= (1 << 20) && b % (1 << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        if (b >= 1024 && b % 1024 == 0) {
            return (b >> 10) + " KiB";
        }
        return b + " B";
    }

    /** One line saying where figures were measured. */
    public static String whereLine(Map<String, Object> env) {
        return String.format(Locale.ROOT, "%s front end: %s, %s cores, %s kernel %s, %s, virtualised %s%s, emulated %s,"
                        + " load at start %s, %s, %s",
                env.getOrDefault("frontend", "?"), env.getOrDefault("cpu_model", "?"), env.getOrDefault("cores", "?"),
                env.getOrDefault("machine", ""), env.getOrDefault("kernel", "?"), env.getOrDefault("compiler", "?"),
                env.getOrDefault("virtualised", "?"),
                str(env, "hypervisor_vendor").isEmpty() ? (str(env, "hypervisor_detect").isEmpty() ? ""
                        : " (" + env.get("hypervisor_detect") + ")") : " (" + env.get("hypervisor_vendor") + ")",
                env.getOrDefault("emulated", "?"), env.getOrDefault("loadavg_at_start", "?"),
                env.getOrDefault("date", "?"),
                env.getOrDefault("placement", "?"));
    }

    /** A field two rows are matched on, as text (as written, so 4096 and 4096.0 are different chunk sizes). */
    @FunctionalInterface
    interface Key {
        String of(BenchRecord r);
    }

    static final Key WAIT = BenchRecord::waitMode;
    static final Key PLACEMENT = BenchRecord::placement;
    static final Key CHUNK = BenchRecord::chunkBytesText;

    private static boolean same(BenchRecord a, BenchRecord b, Key... keys) {
        for (Key k : keys) {
            if (!Objects.equals(k.of(a), k.of(b))) {
                return false;
            }
        }
        return true;
    }

    /** The record of the Linux pipe (transport "pipe", same front end) matching {@code r} in the given keys. */
    private static BenchRecord pipeOf(List<BenchRecord> all, BenchRecord r, Key... keys) {
        for (BenchRecord p : all) {
            if ("pipe".equals(p.transport()) && same(p, r, BenchRecord::frontend, BenchRecord::metric)
                    && same(p, r, keys)) {
                return p;
            }
        }
        return null;
    }

    private static BenchRecord find(List<BenchRecord> all, String fe, String transport, String metric,
                                    BenchRecord like, Key... keys) {
        for (BenchRecord p : all) {
            if (fe != null && !fe.equals(p.frontend())) {
                continue;
            }
            if (transport.equals(p.transport()) && metric.equals(p.metric()) && same(p, like, keys)) {
                return p;
            }
        }
        return null;
    }

    /** For a Java record: the C record of the same transport name (one name per mechanism) and keys, else null. */
    static BenchRecord cTwin(List<BenchRecord> all, BenchRecord r, String metric, Key... keys) {
        if (!"java".equals(r.frontend())) {
            return null;
        }
        return find(all, "c", r.transport(), metric, r, keys);
    }

    /** The sentence above the tables: the work every timed throughput run does. */
    static final String WORK_RULE = "Work rule: in every timed throughput run the writer writes every 8-byte word of"
            + " each chunk (word k holds k) into the memory it hands over (its write buffer, or the claimed ring space)"
            + " and the reader reads every byte where it lies (its read buffer, or the view in the ring) into a"
            + " checksum that is checked at the end; a row labelled \"indices only\" touches no payload and is never"
            + " compared. Figures are the median of the timed repeats after a warm-up, [min-max] beside them;"
            + " **noisy** marks a spread (max-min)/median over 10%.";

    static final String NOT_MEANINGFUL = "not meaningful under icount";

    /**
     * The mode that produced the records of each front end: {@code environment.vm_mode} (icount, tcg, kvm), else
     * {@code tcg} when emulated, else {@code host}.
     */
    static Map<String, String> modes(Map<String, Object> env, List<Map<String, Object>> inc) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(str(env, "frontend"), mode(env));
        for (Map<String, Object> e : inc) {
            m.putIfAbsent(str(e, "frontend"), mode(e));
        }
        return m;
    }

    static String mode(Map<String, Object> env) {
        String v = str(env, "vm_mode");
        if (!v.isEmpty()) {
            return v;
        }
        return Boolean.TRUE.equals(env.get("emulated")) ? "tcg" : "host";
    }

    /** "mode: icount" (one mode) or "mode: java icount, c tcg". */
    static String modeLine(Map<String, String> modes) {
        if (new LinkedHashSet<>(modes.values()).size() <= 1) {
            return "mode: " + modes.values().stream().findFirst().orElse("host");
        }
        List<String> parts = new ArrayList<>();
        modes.forEach((fe, m) -> parts.add(fe + " " + m));
        return "mode: " + String.join(", ", parts);
    }

    /**
     * Under icount (guest instructions as time, vCPUs serialised) spinning round trips and the spsc-vs-mutex
     * contention are not shown: such records are labelled instead of presented.
     */
    static boolean notMeaningful(BenchRecord r, Map<String, String> modes) {
        if (!"icount".equals(modes.get(r.frontend()))) {
            return false;
        }
        String m = r.metric();
        if ((m.equals("rtt") || m.equals("rate")) && "spin".equals(r.waitMode())) {
            return true;
        }
        return r.transport().equals("kmod-mutex");
    }

    static boolean indicesOnly(BenchRecord r) {
        return r.work().startsWith("indices only");
    }

    static String noisy(BenchRecord r) {
        return r.noisy() ? " **noisy**" : "";
    }

    /** "2461.3 [2400.0-2500.0]" (the range when the record has one). */
    static String mbRange(BenchRecord r) {
        String v = f1(r.mbPerS());
        if (r.hasMbPerSRange()) {
            v += " [" + f1(r.mbPerSMin()) + "-" + f1(r.mbPerSMax()) + "]";
        }
        return v;
    }

    static String p50Range(BenchRecord r) {
        String v = us(r.p50Ns());
        if (r.hasP50NsRange()) {
            v += " [" + us(r.p50NsMin()) + "-" + us(r.p50NsMax()) + "]";
        }
        return v;
    }

    /** The C ceiling record at the chunk size of {@code r}, or null. */
    static BenchRecord ceilingOf(List<BenchRecord> all, BenchRecord r) {
        return find(all, null, "ceiling", "throughput", r, CHUNK);
    }

    /** "0.40x ceiling", "no ceiling in this run", or why there is no ratio. */
    static String vsCeiling(List<BenchRecord> all, BenchRecord r) {
        if (indicesOnly(r)) {
            return "indices only, not compared";
        }
        if (r.transport().equals("ceiling")) {
            return "the ceiling";
        }
        BenchRecord c = ceilingOf(all, r);
        if (c == null) {
            return "no ceiling in this run";
        }
        double v = r.mbPerS(), lim = c.mbPerS();
        return ratio(v, lim) + " ceiling" + (v > lim * (1 + CEILING_TOLERANCE) ? " **ABOVE THE CEILING**"
                : v > lim ? ", at it" : "");
    }

    /**
     * How far a median may lie above the ceiling's before it counts as beating it (the C benchmark's
     * --check-ceiling default): under icount a zero-copy ring does the ceiling's work plus a few instructions per
     * chunk and lands on it, so the two medians can cross by a few hundredths of a percent.
     */
    static final double CEILING_TOLERANCE = 0.01;

    /**
     * --check-ceiling: one message per throughput median (indices-only rows and the ceiling itself excepted) more
     * than {@link #CEILING_TOLERANCE} above the ceiling's median at the same chunk size; a message too when the
     * records hold no ceiling at all.
     */
    static List<String> aboveCeiling(List<BenchRecord> all) {
        List<String> out = new ArrayList<>();
        if (all.stream().noneMatch(r -> "ceiling".equals(r.transport()) && "throughput".equals(r.metric()))) {
            out.add("--check-ceiling: no ceiling records in this run (add --native with the C benchmark)");
            return out;
        }
        for (BenchRecord r : all) {
            if (!"throughput".equals(r.metric()) || !r.hasMbPerS() || indicesOnly(r)
                    || "ceiling".equals(r.transport())) {
                continue;
            }
            BenchRecord c = ceilingOf(all, r);
            if (c != null && r.mbPerS() > c.mbPerS() * (1 + CEILING_TOLERANCE)) {
                out.add(String.format(Locale.ROOT,
                        "%s %s at %s: %.1f MB/s is more than 1%% above the ceiling's %.1f MB/s", r.frontend(),
                        r.transport(), sizeName((long) r.chunkBytes()), r.mbPerS(), c.mbPerS()));
            }
        }
        return out;
    }

    static String vsPipe(List<BenchRecord> all, BenchRecord r) {
        if (indicesOnly(r)) {
            return "-";
        }
        BenchRecord p = pipeOf(all, r, CHUNK, PLACEMENT);
        return p == null ? "no pipe" : ratio(r.mbPerS(), p.mbPerS()) + " pipe";
    }

    /** Ratios to the machine's limits (C cacheline / ceiling records, when included) and Java vs C per transport. */
    static void ratios(StringBuilder sb, List<BenchRecord> all) {
        ratios(sb, all, false, Map.of());
    }

    static void ratios(StringBuilder sb, List<BenchRecord> all, boolean emulatedAny, Map<String, String> modes) {
        boolean haveC = all.stream().anyMatch(r -> "c".equals(r.frontend()));
        boolean haveJava = all.stream().anyMatch(r -> "java".equals(r.frontend()));
        if (!haveC) {
            return;
        }
        BenchRecord floor = null;
        for (BenchRecord r : all) {
            if ("cacheline".equals(r.transport()) && "rtt".equals(r.metric())) {
                floor = r;
            }
        }
        sb.append("\n## Ratios to the limits of the machine and between the front ends");
        if (!modes.isEmpty()) {
            sb.append(" (").append(modeLine(modes)).append(')');
        }
        sb.append("\n\n");
        if (emulatedAny) {
            sb.append("Under emulation: ratios only. These ratios are the figures of this run that mean something"
                    + " under emulation.\n\n");
        }
        sb.append("| front end | transport | metric | wait | chunk | value | vs pipe | vs limit | Java vs C |\n");
        sb.append("|---|---|---|---|---:|---:|---:|---:|---:|\n");
        for (BenchRecord r : all) {
            String m = r.metric();
            String t = r.transport();
            if (t.equals("cacheline") || t.equals("ceiling")) {
                continue;
            }
            if (notMeaningful(r, modes) && (m.equals("rtt") || m.equals("throughput"))) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | | | |%n", r.frontend(), t,
                        m.equals("rtt") ? "rtt p50" : "MB/s", r.waitMode(),
                        m.equals("rtt") ? "1 B" : sizeName((long) r.chunkBytes()), NOT_MEANINGFUL));
                continue;
            }
            if (m.equals("rtt")) {
                BenchRecord p = pipeOf(all, r, WAIT, PLACEMENT);
                BenchRecord c = cTwin(all, r, "rtt", WAIT, PLACEMENT);
                sb.append(String.format(Locale.ROOT, "| %s | %s | rtt p50 | %s | 1 B | %s µs%s | %s | %s | %s |%n",
                        r.frontend(), t, r.waitMode(), us(r.p50Ns()), noisy(r),
                        p == null ? "-" : ratio(r.p50Ns(), p.p50Ns()),
                        floor == null ? "-" : ratio(r.p50Ns(), floor.p50Ns()) + " cacheline",
                        c == null ? "-" : ratio(r.p50Ns(), c.p50Ns())));
            } else if (m.equals("throughput") && r.hasMbPerS()) {
                BenchRecord c = indicesOnly(r) ? null : cTwin(all, r, "throughput", CHUNK, PLACEMENT);
                sb.append(String.format(Locale.ROOT, "| %s | %s | MB/s | %s | %s | %s%s | %s | %s | %s |%n",
                        r.frontend(), t, r.waitMode(), sizeName((long) r.chunkBytes()),
                        f1(r.mbPerS()), noisy(r), vsPipe(all, r), vsCeiling(all, r),
                        c == null ? "-" : ratio(r.mbPerS(), c.mbPerS())));
            }
        }
        if (!haveJava) {
            return;
        }
        sb.append("\nJava vs C sets each Java record against the C record of the same transport name (one name per"
                + " mechanism in both front ends) and wait; the two front ends ran one after the other: check that"
                + " both environments above are the same machine and load.\n");
    }

    static String markdown(BenchRunner.Run run, List<BenchRecord> all, List<Map<String, Object>> inc) {
        StringBuilder sb = new StringBuilder();
        sb.append("# myipc benchmark\n\n");
        sb.append("Measured on: ").append(whereLine(run.environment)).append('\n');
        for (Map<String, Object> e : inc) {
            sb.append("\nIncluded (").append(e.get("included_from")).append("): ").append(whereLine(e)).append('\n');
        }
        Map<String, String> modes = modes(run.environment, inc);
        String modeLine = modeLine(modes);
        boolean icount = modes.containsValue("icount");
        boolean emulated = Boolean.TRUE.equals(run.environment.get("emulated"))
                || inc.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("emulated")));
        if (icount) {
            sb.append("\n**icount** (QEMU instruction counting, one guest instruction = 1 ns): the figures are the cost"
                    + " in guest instructions, repeatable from run to run, like cachegrind-based performance tracking;"
                    + " the model ignores caches and cross-core coherence and runs the vCPUs one after the other, so"
                    + " spinning round trips and lock contention (spsc vs mutex) are " + NOT_MEANINGFUL
                    + " and are not presented.\n");
        } else if (emulated) {
            sb.append("\n**TCG: ratios only.** ").append(Env.EMULATION_NOTE).append(" (QEMU TCG software"
                    + " emulation: every absolute time is the emulator's; free-running TCG is noisy).\n");
        }
        boolean quick = Boolean.TRUE.equals(run.config.get("quick"));
        if (quick || Boolean.TRUE.equals(run.config.get("scaled_for_emulation"))) {
            sb.append("\nScaled-down run (").append(quick ? "--quick" : "emulation")
                    .append("): ").append(run.config.get("rtt_count")).append(" round trips, ")
                    .append(run.config.get("bytes_per_point")).append(" bytes per throughput point.\n");
        }
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        run.skipped.forEach((t, why) -> byReason.computeIfAbsent(why, k -> new ArrayList<>()).add("`" + t + "`"));
        byReason.forEach((why, ts) -> sb.append("\nNot measured: ").append(String.join(", ", ts)).append(": ")
                .append(why).append('\n'));
        sb.append('\n').append(WORK_RULE).append('\n');

        List<BenchRecord> rtt = all.stream().filter(r -> "rtt".equals(r.metric())).toList();
        if (!rtt.isEmpty()) {
            sb.append("\n## Round trip, 1-byte messages (µs), ").append(modeLine).append("\n\n");
            sb.append("| front end | transport | wait | placement | count | p50 [min-max of repeats] | p90 | p99"
                    + " | p99.9 | max | CPU ns/msg pinger | ponger | p50 vs pipe |\n");
            sb.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (BenchRecord r : rtt) {
                if (notMeaningful(r, modes)) {
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | | | | | | | |%n",
                            r.frontend(), r.transport(), r.waitMode(), r.placement(), r.countText(),
                            NOT_MEANINGFUL));
                    continue;
                }
                BenchRecord p = pipeOf(all, r, WAIT, PLACEMENT);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %s"
                                + " | %s |%n",
                        r.frontend(), r.transport(), r.waitMode(), r.placement(), r.countText(),
                        p50Range(r), noisy(r), us(r.p90Ns()), us(r.p99Ns()), us(r.p999Ns()),
                        us(r.maxNs()), f1(r.cpuNsPerMsgWriter()), f1(r.cpuNsPerMsgReader()),
                        p == null ? "-" : ratio(r.p50Ns(), p.p50Ns())));
            }
        }

        List<BenchRecord> thr = all.stream().filter(r -> "throughput".equals(r.metric()) && r.hasMbPerS()).toList();
        if (!thr.isEmpty()) {
            TreeSet<Long> sizes = new TreeSet<>();
            Map<String, Map<Long, BenchRecord>> rows = new LinkedHashMap<>();
            for (BenchRecord r : thr) {
                long c = (long) r.chunkBytes();
                sizes.add(c);
                rows.computeIfAbsent(r.frontend() + "|" + r.transport() + "|" + r.waitMode() + "|"
                        + r.placement() + "|" + (indicesOnly(r) ? "indices only" : ""),
                        k -> new LinkedHashMap<>()).put(c, r);
            }
            boolean anyCeiling = thr.stream().anyMatch(r -> "ceiling".equals(r.transport()));
            sb.append("\n## Throughput, MB/s (1 MB = 10^6 bytes), ").append(modeLine).append("\n\n");
            sb.append("Each figure: the median [min-max] of the repeats, then its ratio to the pipe of the same front"
                    + " end and to the cross-core `ceiling` (C) at the same chunk size in this run")
                    .append(anyCeiling ? "" : " (no ceiling in this run)").append(".\n\n");
            sb.append("| front end | transport | wait | placement |");
            for (long s : sizes) {
                sb.append(' ').append(sizeName(s)).append(" |");
            }
            sb.append(" API |\n|---|---|---|---|");
            for (int i = 0; i < sizes.size(); i++) {
                sb.append("---:|");
            }
            sb.append("---|\n");
            for (Map.Entry<String, Map<Long, BenchRecord>> e : rows.entrySet()) {
                String[] k = e.getKey().split("\\|", -1);
                sb.append("| ").append(k[0]).append(" | ").append(k[1]).append(k[4].isEmpty() ? "" : " (" + k[4] + ")")
                        .append(" | ").append(k[2]).append(" | ").append(k[3]).append(" |");
                String api = "";
                for (long s : sizes) {
                    BenchRecord r = e.getValue().get(s);
                    if (r == null) {
                        sb.append(" - |");
                        continue;
                    }
                    if (api.isEmpty()) {
                        api = r.api();
                    }
                    if (notMeaningful(r, modes)) {
                        sb.append(' ').append(NOT_MEANINGFUL).append(" |");
                        continue;
                    }
                    sb.append(' ').append(mbRange(r)).append(noisy(r));
                    if (!"ceiling".equals(r.transport())) {
                        sb.append(" (").append(vsPipe(all, r)).append("; ").append(vsCeiling(all, r)).append(')');
                    }
                    sb.append(" |");
                }
                sb.append(' ').append(api).append(" |\n");
            }
            sb.append("\nCPU time per write (ns), writer / reader:\n\n| front end | transport | wait |");
            for (long s : sizes) {
                sb.append(' ').append(sizeName(s)).append(" |");
            }
            sb.append("\n|---|---|---|");
            for (int i = 0; i < sizes.size(); i++) {
                sb.append("---:|");
            }
            sb.append('\n');
            for (Map.Entry<String, Map<Long, BenchRecord>> e : rows.entrySet()) {
                String[] k = e.getKey().split("\\|", -1);
                sb.append("| ").append(k[0]).append(" | ").append(k[1]).append(" | ").append(k[2]).append(" |");
                for (long s : sizes) {
                    BenchRecord r = e.getValue().get(s);
                    sb.append(r == null ? " - |" : " " + f1(r.cpuNsPerMsgWriter()) + " / "
                            + f1(r.cpuNsPerMsgReader()) + " |");
                }
                sb.append('\n');
            }
        }

        List<BenchRecord> rate = all.stream().filter(r -> "rate".equals(r.metric())).toList();
        if (!rate.isEmpty()) {
            sb.append("\n## Fixed message rate (latency from the intended send time, µs; CPU % of one core:"
                    + " process, and in brackets the measuring thread alone where known), ").append(modeLine)
                    .append("\n\n");
            sb.append("| front end | transport | wait | target/s | achieved/s | p50 [min-max] | p99 | p99.9 | max |"
                    + " CPU% pinger | CPU% ponger |\n");
            sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (BenchRecord r : rate) {
                double t = r.rateTargetPerS();
                String target = t == 0 ? "max" : String.format(Locale.ROOT, "%.0f", t);
                if (notMeaningful(r, modes)) {
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | | | | | | |%n",
                            r.frontend(), r.transport(), r.waitMode(), target, NOT_MEANINGFUL));
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %s%s | %s | %s | %s | %s | %s |%n",
                        r.frontend(), r.transport(), r.waitMode(), target,
                        r.rateAchievedPerS(), p50Range(r), noisy(r), us(r.p99Ns()),
                        us(r.p999Ns()), us(r.maxNs()), pct(r.cpuPctWriter(), r.threadCpuPctWriter()),
                        pct(r.cpuPctReader(), r.threadCpuPctReader())));
            }
        }
        ratios(sb, all, emulated, modes);
        for (String f : run.failures) {
            sb.append("\n**FAILED:** ").append(f.replace("\n", "\n    ")).append('\n');
        }
        boolean allVerified = all.stream().filter(BenchRecord::hasVerified).allMatch(BenchRecord::verified)
                && run.failures.isEmpty();
        if (run.config.get("correctness_pass") instanceof Map<?, ?> cp && !cp.isEmpty()) {
            sb.append("\nCorrectness pass per transport (this run): ").append(cp).append('\n');
        }
        sb.append("\nCorrectness pass (every byte checked, separate from the timed runs): ")
                .append(allVerified ? "passed for every transport listed" : "FAILED for some records (verified=false)")
                .append(".\n");
        sb.append("\nCPU = user+sys time of the whole process of that side; for Java that includes JIT and GC"
                + " threads.\n");
        return sb.toString();
    }
}
