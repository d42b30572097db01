package io.myipc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tiny runs through the runner's own code: a peer JVM, every measurement, the correctness pass. No timing asserted. */
class TinyRunTest {
    @TempDir
    Path tmp;

    static List<String> transports() {
        return Options.ALL_TRANSPORTS;
    }

    record Out(int rc, String stdout, String stderr) {
    }

    static Out run(String... args) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            rc = BenchRunner.runAndReport(Options.parse(args), out, err);
        }
        String se = e.toString(StandardCharsets.UTF_8);
        System.err.print(se);
        return new Out(rc, o.toString(StandardCharsets.UTF_8), se);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tinyRunPerTransportMeasuresEverythingAndPassesTheCorrectnessPass(String transport) throws Exception {
        String why = new BenchRunner(Options.parse(), System.err).unavailableForTest(transport);
        assumeTrue(why == null, () -> transport + " not measurable here: " + why);
        Out out = run("--transports", transport, "--sizes", "64,4096", "--bytes", "64KiB", "--verify-bytes", "64KiB",
                "--rtt-count", "200", "--warmup", "50", "--rates", "1000,0", "--rate-seconds", "0.02",
                "--repeats", "1", "--out", tmp.toString());
        Transports.Spec spec = Transports.ALL.get(transport);
        BenchRunner runner = new BenchRunner(Options.parse(), System.err);
        List<String> waits = spec.rttWaits().stream().filter(w -> runner.waitUnsupportedForTest(spec, w) == null)
                .toList();
        assertThat(out.rc()).as(out.stderr()).isZero();
        assertThat(out.stderr()).contains(transport + ": correctness pass OK");
        Map<String, Object> doc = Report.load(tmp.resolve("results.json"));
        List<Map<String, Object>> recs = Report.toJson(Report.records(doc));
        assertThat(recs).allSatisfy(r -> {
            assertThat(r).containsEntry("frontend", "java").containsEntry("transport", transport)
                    .containsEntry("verified", true).containsEntry("placement", "cross-core");
        });
        assertThat(recs.stream().filter(r -> r.get("metric").equals("rtt")))
                .extracting(r -> r.get("wait") + "/" + r.get("count"))
                .containsExactlyElementsOf(waits.stream().map(w -> w + "/200").toList());
        assertThat(recs.stream().filter(r -> r.get("metric").equals("throughput")))
                .extracting(r -> r.get("chunk_bytes") + "/" + r.get("bytes") + "/" + r.get("wait") + "/"
                        + r.get("work"))
                .containsExactly("64/65536/" + spec.throughputWait() + "/" + FairWork.WORK,
                        "4096/65536/" + spec.throughputWait() + "/" + FairWork.WORK);
        assertThat(recs).allSatisfy(r -> assertThat(r).containsKeys("cpu_ns_per_msg_writer", "cpu_ns_per_msg_reader",
                "cpu_pct_writer", "cpu_pct_reader", "thread_cpu_ns_per_msg_writer", "thread_cpu_ns_per_msg_reader",
                "count",
                "chunk_bytes", "capacity_bytes"));
        assertThat(recs).allSatisfy(r -> assertThat(r).containsEntry("repeats", 1L)
                .containsKeys("spread_pct", "noisy"));
        assertThat(recs.stream().filter(r -> r.get("metric").equals("rate")))
                .hasSize(waits.contains(Transports.SLEEP) ? 4 : 2)
                .allSatisfy(r -> assertThat((Long) r.get("count")).isPositive());
        assertThat(recs.stream()
                .filter(r -> r.get("metric").equals("rate") && r.get("rate_target_per_s").equals(1000L)))
                .allSatisfy(r -> assertThat(r.get("count")).isEqualTo(20L));
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) doc.get("environment");
        assertThat(env).containsEntry("frontend", "java")
                .containsKeys("java_version", "cpu_model", "emulated", "loadavg_at_start");
        assertThat(out.stdout()).contains("| java | " + transport + " | spin |");
        assertThat(Files.readString(tmp.resolve("classpath.txt"))).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void aCorruptedByteIsDetected(String transport) throws Exception {
        Out out = run("--transports", transport, "--sizes", "4096", "--verify-bytes", "64KiB", "--no-rtt",
                "--no-throughput", "--no-rate", "--inject-corruption", "40000", "--out", tmp.toString());
        assertThat(out.rc()).isEqualTo(1);
        assertThat(out.stderr()).contains("CORRUPTION DETECTED").contains("byte 40000 is");
        assertThat(Report.records(Report.load(tmp.resolve("results.json")))).isEmpty();
        assertThat(Files.readString(tmp.resolve("report.md"))).contains("FAILED:", "wrong byte");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void aCorruptedByteInATimedRunFailsItsChecksum(String transport) throws Exception {
        // the correctness pass is left out (--verify-bytes 8 < the offset): the timed run alone must catch it
        Out out = run("--transports", transport, "--sizes", "4096", "--verify-bytes", "8", "--bytes", "64KiB",
                "--no-rtt", "--no-rate", "--repeats", "1", "--inject-corruption", "40000", "--out", tmp.toString());
        assertThat(out.rc()).isEqualTo(1);
        assertThat(out.stderr()).contains("CHECKSUM FAILED " + transport + ": timed run (repeat 1) with 4096-byte"
                + " chunks: checksum mismatch, reader sum").contains("expected " + FairWork.expectedSum(65536));
        assertThat(Report.records(Report.load(tmp.resolve("results.json")))).isEmpty();
        assertThat(Files.readString(tmp.resolve("report.md"))).contains("FAILED:", "checksum mismatch");
    }

    /** A host run as --quick --transports pipe,shm --repeats 2, smaller: medians, ranges, waits. No timing asserted. */
    @Test
    void repeatsGiveMediansAndRangesForEveryRecord() throws Exception {
        Out out = run("--transports", "pipe,shm", "--sizes", "4096,64KiB", "--bytes", "256KiB", "--verify-bytes",
                "64KiB", "--rtt-count", "300", "--warmup", "100", "--no-rate", "--repeats", "2", "--out",
                tmp.toString());
        assertThat(out.rc()).as(out.stderr()).isZero();
        List<Map<String, Object>> recs = Report.toJson(Report.records(Report.load(tmp.resolve("results.json"))));
        assertThat(recs.stream().filter(r -> r.get("metric").equals("throughput")))
                .extracting(r -> r.get("transport") + "/" + r.get("wait") + "/" + r.get("chunk_bytes"))
                .containsExactly("pipe/sleep/4096", "pipe/sleep/65536", "shm/hybrid/4096", "shm/hybrid/65536");
        assertThat(recs.stream().filter(r -> r.get("metric").equals("throughput"))).allSatisfy(r -> {
            assertThat(r).containsEntry("repeats", 2L).containsEntry("work", FairWork.WORK);
            double mb = (double) r.get("mb_per_s");
            assertThat((double) r.get("mb_per_s_min")).isLessThanOrEqualTo(mb);
            assertThat((double) r.get("mb_per_s_max")).isGreaterThanOrEqualTo(mb);
            assertThat(r.get("noisy")).isEqualTo((double) r.get("spread_pct") > 10);
        });
        assertThat(recs.stream().filter(r -> r.get("metric").equals("rtt"))).allSatisfy(r -> {
            assertThat(r).containsEntry("repeats", 2L).containsEntry("count", 600L);
            assertThat((long) r.get("p50_ns_min")).isLessThanOrEqualTo((long) r.get("p50_ns"));
            assertThat((long) r.get("p50_ns_max")).isGreaterThanOrEqualTo((long) r.get("p50_ns"));
        });
        assertThat(recs.stream().filter(r -> r.get("metric").equals("rtt") && r.get("transport").equals("shm")))
                .extracting(r -> r.get("wait")).contains("spin", "hybrid");
        assertThat(Files.readString(tmp.resolve("report.md"))).contains(Report.WORK_RULE)
                .contains("no ceiling in this run");
    }

    @Test
    void selfTestPassesAndProvesTheCheckCanFail() throws Exception {
        Out out = run("--self-test", "--transports", "pipe,shm", "--out", tmp.toString());
        assertThat(out.rc()).as(out.stderr()).isZero();
        assertThat(out.stderr()).contains("pipe: correctness pass OK", "shm: correctness pass OK",
                "corrupted on purpose at offset 12345 over pipe was detected",
                "corrupted on purpose in a timed run over pipe failed its checksum");
        Map<String, Object> doc = Report.load(tmp.resolve("results.json"));
        assertThat(Report.records(doc)).isEmpty();
        assertThat(((Map<?, ?>) doc.get("config")).get("correctness_pass"))
                .isEqualTo(Map.of("pipe", true, "shm", true));
    }

    @Test
    void kmodWithoutTheDriverIsSkippedWithHowToGetIt() throws Exception {
        assumeTrue(!Files.exists(Path.of("/dev/myipc0")), "the driver is loaded here");
        Out out = run("--transports", "kmod-spsc,pipe", "--sizes", "64", "--bytes", "4KiB", "--verify-bytes", "4KiB",
                "--no-rtt", "--no-rate", "--out", tmp.toString());
        assertThat(out.rc()).isZero();
        assertThat(out.stderr()).contains("skip kmod-spsc: the driver is not loaded here").contains("add --vm 6.12");
        assertThat(out.stdout()).contains("Not measured: `kmod-spsc`");
    }
}
