package io.myipc.contract;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link Peer#main}: it runs one peer script at a time for this test JVM. A child
 * started with this JVM's own settings goes back to a pool when its script is done, so cross-process
 * cases pay one JVM start per concurrent peer, not one per case (seconds each under emulation). One
 * started with its own environment or JVM arguments serves one script. A child whose script did not
 * end (killed, hung, crashed) is never reused.
 */
final class PeerJvm {
    /** What a script run receives from the child. */
    interface Run {
        void line(String line);

        /** The script ended with {@code status} (0 done, 1 failed or stopped); the child lives on. */
        void done(int status);

        /** The child JVM ended (killed or crashed) before the script did. */
        void died();
    }

    private static final int MAX_IDLE = 4;
    private static final ArrayDeque<PeerJvm> IDLE = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (IDLE) {
                IDLE.forEach(PeerJvm::discard);
                IDLE.clear();
            }
        }, "peer-jvm-pool-close"));
    }

    private final Process process;
    private final OutputStream stdin;
    private final boolean reusable;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();
    private volatile Run run;

    private PeerJvm(Map<String, String> env, List<String> jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA and FFM: no warning on new JDKs
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        cmd.addAll(ContractBase.CHILD_JVM_ARGS);
        reusable = env.isEmpty() && jvmArgs.isEmpty();
        if (!reusable) {
            cmd.addAll(ContractBase.ONE_SHOT_JVM_ARGS);
        }
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Peer.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT); // child stderr goes to the test output
        process = pb.start();
        stdin = process.getOutputStream();
        Thread pump = new Thread(this::pump, "peer-jvm-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** An idle child of this JVM's settings, or a new child. */
    static PeerJvm take(Map<String, String> env, List<String> jvmArgs) throws IOException {
        if (env.isEmpty() && jvmArgs.isEmpty()) {
            synchronized (IDLE) {
                PeerJvm j;
                while ((j = IDLE.pollFirst()) != null) {
                    if (j.process.isAlive()) {
                        return j;
                    }
                }
            }
        }
        return new PeerJvm(env, jvmArgs);
    }

    /** Starts a script; its output and end go to {@code to}. */
    void start(String role, String channel, String[] script, Run to) throws IOException {
        run = to;
        send(Peer.CONTROL + "RUN\t" + role + "\t" + channel + "\t" + String.join("\t", script));
    }

    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Asks the running script to stop (it is interrupted and closes its end). */
    void stop() throws IOException {
        send(Peer.CONTROL + "STOP");
    }

    /** After {@link Run#done}: back to the pool, or ended if it cannot serve again. */
    void release() {
        run = null;
        if (reusable && process.isAlive()) {
            synchronized (IDLE) {
                if (IDLE.size() < MAX_IDLE) {
                    IDLE.addLast(this);
                    return;
                }
            }
        }
        discard();
    }

    /** Closing stdin ends the child once its script (if any) is done. */
    private void discard() {
        try {
            stdin.close();
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    /**
     * SIGKILL, then wait for the death. A pooled child is replaced at once: the new JVM starts while the test goes on
     * (its cases around a kill mostly wait), so the next case that needs a peer does not wait for a JVM start, which
     * takes seconds under emulation.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        if (reusable) {
            synchronized (IDLE) {
                if (IDLE.size() < MAX_IDLE) {
                    try {
                        IDLE.addLast(new PeerJvm(Map.of(), List.of()));
                    } catch (IOException e) {
                        // no spare then: the next take() starts a child and reports what fails
                    }
                }
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** The exit status, waiting a little for it. */
    int exitStatus() throws InterruptedException {
        process.waitFor(5, TimeUnit.SECONDS);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** A JVM that dies of a fatal signal prints its crash banner on stdout: keep the last lines for the report. */
    synchronized String lastLines() {
        return String.join(" | ", lastLines);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                remember(l);
                Run to = run;
                if (to == null) {
                    continue; // an idle child prints nothing; a stray line is kept for the report only
                }
                if (l.startsWith(Peer.CONTROL + "DONE ")) {
                    to.done(Integer.parseInt(l.substring(Peer.CONTROL.length() + 5).trim()));
                } else {
                    to.line(l);
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            Run to = run;
            if (to != null) {
                to.died();
            }
        }
    }

    private synchronized void remember(String line) {
        if (lastLines.size() == 20) {
            lastLines.removeFirst();
        }
        lastLines.addLast(line);
    }
}
