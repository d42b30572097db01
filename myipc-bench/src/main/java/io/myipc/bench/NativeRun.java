package io.myipc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --native PATH}: runs the C benchmark ({@code myipc-bench/native}) first, in the same environment and with
 * the same budgets, and merges its records, so one report holds both front ends measured in one run.
 */
final class NativeRun {
    /** The rows of {@code transports.tsv} that measure the machine, not a channel: the report compares against them. */
    static final List<String> LIMITS = List.of("ceiling", "cacheline");

    private NativeRun() {
    }

    /** The C benchmark's arguments for these options; its JSON goes to {@code json}. */
    static List<String> arguments(Options o, Path binary, Path json) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        // the same selection: the transports asked for (every Java name is a C name: one table) with the run's
        // limits, and only the measurements asked for; without a selection, C measures its own rows too
        if (o.given("--transports")) {
            cmd.add("--transports");
            cmd.add(String.join(",", o.transports) + "," + String.join(",", LIMITS));
        }
        if (o.noRtt || o.noThroughput || o.noRate) {
            List<String> metrics = new ArrayList<>();
            if (!o.noRtt) {
                metrics.add("rtt");
            }
            if (!o.noThroughput) {
                metrics.add("throughput");
            }
            if (!o.noRate) {
                metrics.add("rate");
            }
            cmd.add("--metrics");
            cmd.add(String.join(",", metrics));
        }
        // the Java runner's own budgets, so that Java vs C compares like with like (the C benchmark would
        // otherwise scale its --quick budgets down again under emulation)
        if (o.quick) {
            cmd.add("--quick");
        }
        if (o.given("--sizes")) {
            cmd.add("--sizes");
            cmd.add(o.sizes.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        cmd.addAll(List.of("--bytes", String.valueOf(o.bytesPerPoint), "--verify-bytes", String.valueOf(o.verifyBytes),
                "--rtt-count", String.valueOf(o.rttCount), "--warmup", String.valueOf(o.warmup),
                "--rate-seconds", String.valueOf(o.rateSeconds)));
        if (o.given("--rates")) {
            cmd.add("--rates");
            cmd.add(o.rates.stream().map(r -> r == 0 ? "max" : String.valueOf(r)).collect(Collectors.joining(",")));
        }
        if (o.given("--repeats")) {
            // SPEC C5: both front ends take --repeats (default 5 in both)
            cmd.add("--repeats");
            cmd.add(String.valueOf(o.repeats));
        }
        if (o.checkCeiling) {
            cmd.add("--check-ceiling");
        }
        if (o.sameCore) {
            cmd.add("--placement");
            cmd.add("same-core");
        }
        if (Files.exists(Path.of("/dev/myipc0")) && Files.exists(Path.of("/dev/myipc1"))) {
            cmd.add("--dev");
            cmd.add("/dev/myipc0,/dev/myipc1");
        }
        cmd.add("--out");
        cmd.add(json.toString());
        return cmd;
    }

    /** Runs the C benchmark; returns its JSON file, or throws with what to do. */
    static Path run(Options o, PrintStream log) throws IOException, InterruptedException {
        Path binary = o.nativeBinary.toAbsolutePath();
        if (!Files.isExecutable(binary)) {
            throw new IOException("--native " + o.nativeBinary + ": no such executable; build it with"
                    + " 'make -C myipc-bench/native'");
        }
        Files.createDirectories(o.out);
        Path json = o.out.toAbsolutePath().resolve("native.json");
        List<String> cmd = arguments(o, binary, json);
        log.println("running the C benchmark first: " + String.join(" ", cmd));
        // its table and progress go to our log (stderr): our own table on stdout holds both front ends
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int rc = p.waitFor();
        if (rc != 0 || !Files.isRegularFile(json)) {
            throw new IOException("the C benchmark failed (exit status " + rc + "); run it alone to see why: "
                    + String.join(" ", cmd));
        }
        return json;
    }
}
