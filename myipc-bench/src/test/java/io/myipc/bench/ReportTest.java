package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The report files from hand-made records (test input, not measurements): well-formed and saying what they should. */
class ReportTest {
    @TempDir
    Path tmp;

    static BenchRecord rec(String fe, String transport, String metric, Object... kv) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frontend", fe);
        r.put("transport", transport);
        r.put("metric", metric);
        r.put("placement", "cross-core");
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1]);
        }
        return BenchRecord.fromJson(r);
    }

    static BenchRunner.Run run(boolean emulated) {
        Map<String, Object> env = Env.collect("cross-core", List.of(0, 1));
        env.put("emulated", emulated);
        BenchRunner.Run run = new BenchRunner.Run(env);
        run.config.put("quick", true);
        run.results.add(rec("java", "pipe", "rtt", "wait", "spin", "count", 10L, "p50_ns", 4000L, "p90_ns", 5000L,
                "p99_ns", 9000L, "p999_ns", 20000L, "max_ns", 90000L, "verified", true));
        run.results.add(rec("java", "shm", "rtt", "wait", "spin", "count", 10L, "p50_ns", 1000L, "p90_ns", 1500L,
                "p99_ns", 3000L, "p999_ns", 8000L, "max_ns", 40000L, "verified", true));
        run.results.add(rec("java", "pipe", "throughput", "wait", "sleep", "chunk_bytes", 4096L, "mb_per_s", 500.0,
                "verified", true, "api", "write -> read"));
        run.results.add(rec("java", "shm", "throughput", "wait", "sleep", "chunk_bytes", 4096L, "mb_per_s", 1000.0,
                "verified", true, "api", "claim/commit -> view/release"));
        run.results.add(rec("java", "shm", "rate", "wait", "sleep", "chunk_bytes", 1L, "rate_target_per_s", 1000L,
                "rate_achieved_per_s", 999.5, "p50_ns", 2000L, "p99_ns", 3000L, "p999_ns", 4000L, "max_ns", 5000L,
                "cpu_pct_writer", 3.5, "cpu_pct_reader", 2.0, "note", "a, \"quoted\" note", "verified", true));
        return run;
    }

    static Document xml(Path p) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    @Test
    void allFourFilesAreWrittenAndParseBack() throws Exception {
        BenchRunner.Run run = run(false);
        Report.writeAll(tmp, run, run.results, List.of());
        Map<String, Object> doc = Report.load(tmp.resolve("results.json"));
        assertThat(doc).containsKeys("environment", "config", "results");
        assertThat(Report.records(doc)).hasSize(5);
        assertThat(Report.records(doc).get(4).toJson()).containsEntry("note", "a, \"quoted\" note")
                .containsEntry("rate_achieved_per_s", 999.5);

        List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
        assertThat(csv).hasSize(6);
        assertThat(csv.get(0)).startsWith("frontend,transport,metric,placement,wait,");
        assertThat(csv.get(5)).contains("\"a, \"\"quoted\"\" note\"");

        String md = Files.readString(tmp.resolve("report.md"));
        assertThat(md).contains("Measured on: java front end").contains("| java | shm | spin | cross-core | 10 | 1.0 |")
                .contains("0.25x") // shm rtt p50 vs pipe
                .contains("1000.0 (2.00x pipe; no ceiling in this run)") // shm throughput vs pipe
                .contains(Report.WORK_RULE).contains("mode: host")
                .doesNotContain(Env.EMULATION_NOTE);

        Document svg = xml(tmp.resolve("chart.svg"));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(4); // 2 rtt + 2 throughput series
        assertThat(Files.readString(tmp.resolve("chart.svg"))).contains("java shm spin", "4 KiB", "Measured on:");
    }

    @Test
    void underEmulationTheNoteIsOnTheChartAndInTheTable() throws Exception {
        BenchRunner.Run run = run(true);
        Report.writeAll(tmp, run, run.results, List.of());
        assertThat(Files.readString(tmp.resolve("report.md"))).contains(Env.EMULATION_NOTE)
                .contains("**TCG: ratios only.**");
        Document svg = xml(tmp.resolve("chart.svg"));
        assertThat(svg.getDocumentElement().getTextContent()).contains("only ratios within one run mean anything");
    }

    @Test
    void cRecordsAreMergedIntoTableAndChart() throws Exception {
        Path c = tmp.resolve("c.json");
        Files.writeString(c, """
                {
                  "format": "myipc-bench/1",
                  "environment": {"frontend": "c", "cpu_model": "Test CPU", "cores": 2, "emulated": true,
                     "note": "under emulation only ratios within one run mean anything", "compiler": "gcc 12.2.0"},
                  "config": {"quick": true},
                  "results": [
                    {"frontend": "c", "transport": "pipe", "metric": "rtt", "wait": "sleep", "placement": "cross-core",
                     "chunk_bytes": 1, "count": 5, "p50_ns": 20000, "p90_ns": 30000, "p99_ns": 40000,
                     "p999_ns": 50000, "max_ns": 60000, "verified": true},
                    {"frontend": "c", "transport": "cacheline", "metric": "rtt", "wait": "spin",
                     "placement": "cross-core", "chunk_bytes": 1, "count": 5, "p50_ns": 200, "p90_ns": 300,
                     "p99_ns": 400, "p999_ns": 500, "max_ns": 600, "verified": true},
                    {"frontend": "c", "transport": "ceiling", "metric": "throughput", "placement": "cross-core",
                     "chunk_bytes": 4096,
                     "count": 5, "mb_per_s": 20000.0, "verified": true}
                  ]
                }
                """);
        Path out = tmp.resolve("out");
        TinyRunTest.Out o = TinyRunTest.run("--transports", "pipe", "--sizes", "4096", "--bytes", "16KiB",
                "--verify-bytes", "16KiB", "--no-rtt", "--no-rate", "--repeats", "1", "--include", c.toString(),
                "--out", out.toString());
        assertThat(o.rc()).isZero();
        Map<String, Object> doc = Report.load(out.resolve("results.json"));
        assertThat(Report.records(doc)).extracting(r -> r.frontend() + " " + r.transport())
                .containsExactly("java pipe", "c pipe", "c cacheline", "c ceiling");
        assertThat(doc).containsKey("included_environments");
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("Included (" + c + "): c front end: Test CPU").contains("| c | cacheline | spin |")
                .contains("| c | ceiling |").contains(Env.EMULATION_NOTE)
                .contains("## Ratios to the limits")
                .contains("| c | pipe | rtt p50 | sleep | 1 B | 20.0 µs | 1.00x | 100.00x cacheline | - |");
        // the Java pipe throughput at 4 KiB is set against the C cross-core ceiling at 4 KiB
        assertThat(md).containsPattern("\\| java \\| pipe \\| MB/s \\| sleep \\| 4 KiB \\| [0-9.]+( \\*\\*noisy\\*\\*)?"
                + " \\| 1\\.00x pipe \\| [0-9.]+(e-[0-9]+)?x ceiling \\| - \\|");
        Document svg = xml(out.resolve("chart.svg"));
        assertThat(svg.getDocumentElement().getTextContent()).contains("c cacheline spin", "c ceiling", "java pipe",
                "only ratios within one run mean anything");
    }

    @Test
    void javaVsCPairsEqualNames() {
        List<BenchRecord> all = new ArrayList<>();
        all.add(rec("c", "cacheline", "rtt", "wait", "spin", "p50_ns", 100L));
        all.add(rec("c", "kmod-mmap", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 400.0));
        all.add(rec("c", "kmod-mutex", "throughput", "wait", "sleep", "chunk_bytes", 65536L, "mb_per_s", 50.0));
        all.add(rec("c", "shm", "rtt", "wait", "spin", "p50_ns", 2000L));
        all.add(rec("java", "kmod-mmap", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 100.0));
        all.add(rec("java", "kmod-spsc", "throughput", "wait", "sleep", "chunk_bytes", 65536L, "mb_per_s", 80.0));
        all.add(rec("java", "shm", "rtt", "wait", "spin", "p50_ns", 3000L));
        StringBuilder sb = new StringBuilder();
        Report.ratios(sb, all);
        String md = sb.toString();
        // kmod-mmap against the C kmod-mmap (not against any other kmod-* row): 100 / 400
        assertThat(md).contains("| java | kmod-mmap | MB/s | hybrid | 64 KiB | 100.0 | no pipe | no ceiling in this run"
                + " | 0.25x |");
        // kmod-spsc has no C kmod-spsc record here: no pairing with kmod-mutex
        assertThat(md).contains("| java | kmod-spsc | MB/s | sleep | 64 KiB | 80.0 | no pipe | no ceiling in this run"
                + " | - |");
        assertThat(md).contains("| java | shm | rtt p50 | spin | 1 B | 3.0 µs | - | 30.00x cacheline | 1.50x |");
    }

    /** Throughput records of one run with a C ceiling: ratios to it and to the pipe, noisy marks, whiskers. */
    static BenchRunner.Run runWithCeiling(String vmMode) {
        Map<String, Object> env = Env.collect("cross-core", List.of(0, 1));
        env.put("emulated", vmMode != null);
        if (vmMode != null) {
            env.put("vm_mode", vmMode);
        }
        BenchRunner.Run run = new BenchRunner.Run(env);
        run.results.add(rec("java", "pipe", "throughput", "wait", "sleep", "chunk_bytes", 65536L, "mb_per_s", 500.0,
                "mb_per_s_min", 490.0, "mb_per_s_max", 520.0, "repeats", 5L, "spread_pct", 6.0, "noisy", false));
        run.results.add(rec("java", "shm", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 1000.0,
                "mb_per_s_min", 800.0, "mb_per_s_max", 1200.0, "repeats", 5L, "spread_pct", 40.0, "noisy", true));
        run.results.add(rec("java", "kmod-mutex", "throughput", "wait", "sleep", "chunk_bytes", 65536L,
                "mb_per_s", 300.0, "mb_per_s_min", 299.0, "mb_per_s_max", 301.0, "noisy", false));
        run.results.add(rec("java", "shm", "rtt", "wait", "spin", "count", 10L, "p50_ns", 1000L, "p50_ns_min", 900L,
                "p50_ns_max", 1500L, "noisy", true, "p90_ns", 1500L, "p99_ns", 3000L, "p999_ns", 8000L,
                "max_ns", 9000L));
        run.results.add(rec("java", "shm", "rtt", "wait", "sleep", "count", 10L, "p50_ns", 5000L, "p50_ns_min", 4900L,
                "p50_ns_max", 5100L, "noisy", false, "p90_ns", 6000L, "p99_ns", 7000L, "p999_ns", 8000L,
                "max_ns", 9000L));
        return run;
    }

    static List<BenchRecord> withCeiling(BenchRunner.Run run) {
        List<BenchRecord> all = new ArrayList<>(run.results);
        all.add(rec("c", "ceiling", "throughput", "chunk_bytes", 65536L, "mb_per_s", 2000.0, "mb_per_s_min", 1990.0,
                "mb_per_s_max", 2010.0, "noisy", false));
        all.add(rec("c", "kmod-mmap", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 200.0,
                "work", "indices only, no payload touched"));
        return all;
    }

    @Test
    void everyThroughputFigureHasItsRatiosToTheCeilingAndThePipeAndNoisyIsMarked() {
        BenchRunner.Run run = runWithCeiling(null);
        String md = Report.markdown(run, withCeiling(run), List.of());
        assertThat(md).contains(Report.WORK_RULE)
                .contains("## Throughput, MB/s (1 MB = 10^6 bytes), mode: host")
                .contains("| java | pipe | sleep | cross-core | 500.0 [490.0-520.0] (1.00x pipe; 0.25x ceiling) |")
                .contains("| java | shm | hybrid | cross-core | 1000.0 [800.0-1200.0] **noisy** (2.00x pipe; 0.50x"
                        + " ceiling) |")
                // an indices-only row is never compared with the ceiling
                .contains("| c | kmod-mmap (indices only) | hybrid | cross-core | 200.0 (-; indices only, not"
                        + " compared) |")
                .contains("| java | shm | spin | cross-core | 10 | 1.0 [0.9-1.5] **noisy** |")
                .contains("| java | shm | rtt p50 | spin | 1 B | 1.0 µs **noisy** |")
                .contains("| java | shm | MB/s | hybrid | 64 KiB | 1000.0 **noisy** | 2.00x pipe | 0.50x ceiling |")
                .doesNotContain(Report.NOT_MEANINGFUL).doesNotContain("ABOVE THE CEILING");
    }

    @Test
    void aFigureAboveTheCeilingIsFlagged() {
        BenchRunner.Run run = runWithCeiling(null);
        List<BenchRecord> all = withCeiling(run);
        all.add(rec("java", "shm-1m", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 3000.0));
        assertThat(Report.markdown(run, all, List.of())).contains("1.50x ceiling **ABOVE THE CEILING**");
    }

    @Test
    void aFigureOnTheCeilingWithinOnePercentIsNotFlagged() {
        BenchRunner.Run run = runWithCeiling(null);
        List<BenchRecord> all = withCeiling(run);
        all.add(rec("c", "shm-1m", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 2010.0));
        assertThat(Report.markdown(run, all, List.of())).contains("1.01x ceiling, at it")
                .doesNotContain("ABOVE THE CEILING");
        assertThat(Report.aboveCeiling(all)).isEmpty();
    }

    @Test
    void checkCeilingNamesEveryMedianAboveItAndAMissingCeiling() {
        BenchRunner.Run run = runWithCeiling(null);
        List<BenchRecord> all = withCeiling(run);
        assertThat(Report.aboveCeiling(all)).isEmpty();
        all.add(rec("java", "shm-1m", "throughput", "wait", "hybrid", "chunk_bytes", 65536L, "mb_per_s", 3000.0));
        all.add(rec("c", "vmsplice-null", "throughput", "wait", "sleep", "chunk_bytes", 65536L, "mb_per_s", 9000.0,
                "work", "indices only, no payload touched"));
        assertThat(Report.aboveCeiling(all))
                .containsExactly("java shm-1m at 64 KiB: 3000.0 MB/s is more than 1% above the ceiling's 2000.0 MB/s");
        assertThat(Report.aboveCeiling(run.results)).singleElement().asString().contains("no ceiling records");
    }

    @Test
    void underIcountSpinRoundTripsAndTheMutexRowAreLabelledNotPresented() throws Exception {
        BenchRunner.Run run = runWithCeiling("icount");
        String md = Report.markdown(run, withCeiling(run), List.of());
        assertThat(md).contains("## Round trip, 1-byte messages (µs), mode: icount")
                .contains("**icount** (QEMU instruction counting")
                .contains("| java | shm | spin | cross-core | 10 | " + Report.NOT_MEANINGFUL + " |")
                .contains("| java | shm | sleep | cross-core | 10 | 5.0 [4.9-5.1] |")
                .contains("| java | kmod-mutex | sleep | cross-core | " + Report.NOT_MEANINGFUL + " |")
                .doesNotContain("| java | shm | spin | cross-core | 10 | 1.0");
        Report.writeAll(tmp, run, withCeiling(run), List.of());
        String svg = Files.readString(tmp.resolve("chart.svg"));
        assertThat(svg).contains("Mode: icount").contains(Report.NOT_MEANINGFUL).doesNotContain("java shm spin")
                .doesNotContain("java kmod-mutex");
    }

    @Test
    void theChartShowsMediansWithMinMaxWhiskers() throws Exception {
        BenchRunner.Run run = runWithCeiling(null);
        Report.writeAll(tmp, run, withCeiling(run), List.of());
        Document svg = xml(tmp.resolve("chart.svg"));
        // pipe, shm, kmod-mutex, ceiling throughput + shm spin and sleep p50: one whisker each
        int whiskers = 0;
        var paths = svg.getElementsByTagName("path");
        for (int i = 0; i < paths.getLength(); i++) {
            if ("whisker".equals(paths.item(i).getAttributes().getNamedItem("class").getNodeValue())) {
                whiskers++;
            }
        }
        assertThat(whiskers).isEqualTo(6);
    }

    @Test
    void aFileInAnotherFormatIsRefusedClearly() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"results\": []}");
        assertThatThrownBy(() -> Report.load(bad)).hasMessageContaining("not in the myipc-bench/1 format");
        Files.writeString(bad, "{\"format\": ");
        assertThatThrownBy(() -> Report.load(bad)).hasMessageContaining("is not a benchmark result file");
    }

    @Test
    void jsonRoundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\t\"q\" \\ é");
        m.put("n", 42L);
        m.put("d", 1.5);
        m.put("l", new ArrayList<>(List.of(1L, "x", true)));
        m.put("results", List.of(Map.of("a", 1L)));
        assertThat(Json.parse(Json.write(m))).isEqualTo(m);
    }
}
