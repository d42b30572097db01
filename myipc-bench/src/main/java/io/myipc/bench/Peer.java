package io.myipc.bench;

import io.myipc.IpcChannels;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The peer JVM the runner starts: reads one command per line on stdin, does its side, answers one line on stdout
 * ({@code OK key=value ...} or {@code ERR message}). Its measuring thread is pinned to the CPU given as argument.
 *
 * <pre>
 * ECHO spin|sleep yield|noyield uriIn uriOut             the ponger of rtt and rate runs
 * READ chunk total verify|timed uriIn uriAck             the reader of throughput and correctness runs
 *                                                        (timed: answers the checksum of every byte, sum=;
 *                                                        both: jit_ms=, this JVM's compiling meanwhile)
 * QUIT
 * </pre>
 */
public final class Peer {
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    private Peer() {
    }

    public static void main(String[] args) throws Exception {
        int cpu = args.length > 0 ? Integer.parseInt(args[0]) : -1;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String pin = Affinity.pinCurrentThread(cpu);
        out.println("HELLO pid=" + ProcessHandle.current().pid() + " pinned=" + (pin == null ? cpu : -1)
                + (pin == null ? "" : " pin_error=" + pin.replace(' ', '_')));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] c = line.trim().split(" ");
            try {
                switch (c[0]) {
                    case "QUIT" -> {
                        out.println("OK bye");
                        return;
                    }
                    case "ECHO" -> {
                        boolean spin = c[1].equals("spin");
                        boolean yield = c[2].equals("yield");
                        try (IpcReader r = IpcChannels.openReader(c[3], OPEN_TIMEOUT);
                             IpcWriter w = IpcChannels.openWriter(c[4], OPEN_TIMEOUT)) {
                            Measure.EchoResult e = Measure.echo(r, w, spin, yield);
                            out.println("OK count=" + e.count() + " cpu_ns=" + e.cpuNs() + " wall_ns=" + e.wallNs()
                                    + " thread_cpu_ns=" + e.threadCpuNs());
                        }
                    }
                    case "READ" -> {
                        int chunk = Integer.parseInt(c[1]);
                        long total = Long.parseLong(c[2]);
                        boolean verify = c[3].equals("verify");
                        long jit = JitClock.millis();
                        try (IpcReader r = IpcChannels.openReader(c[4], OPEN_TIMEOUT);
                             IpcWriter w = IpcChannels.openWriter(c[5], OPEN_TIMEOUT)) {
                            Measure.ReadResult rr = Measure.read(r, w, chunk, total, verify);
                            out.println("OK bytes=" + rr.bytes() + " cpu_ns=" + rr.cpuNs() + " wall_ns=" + rr.wallNs()
                                    + " thread_cpu_ns=" + rr.threadCpuNs()
                                    + " bad=" + rr.badOffset() + " sum=" + Long.toUnsignedString(rr.sum())
                                    + (rr.badDetail() == null ? "" : " detail=" + rr.badDetail().replace(' ', '_'))
                                    + " zero_copy=" + Measure.zeroCopy(r) + " jit_ms=" + (JitClock.millis() - jit));
                        }
                    }
                    default -> out.println("ERR unknown command '" + c[0] + "'");
                }
            } catch (Exception e) {
                e.printStackTrace();
                out.println("ERR " + (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' '));
            }
        }
    }
}
