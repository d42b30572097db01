package io.myipc.contract;

import io.myipc.IpcChannels;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import org.junit.jupiter.api.AfterEach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Shared machinery of the contract suite. A transport's test extends {@link TransportContract} once and supplies
 * {@link #newChannelUri()}; every case runs with the peer in a thread ({@link Mode#THREAD}) and in a child JVM
 * ({@link Mode#PROCESS}).
 */
public abstract class ContractBase {
    /** Where the peer runs. */
    public enum Mode { THREAD, PROCESS }

    /**
     * How much slower than a normal host this run is: {@code -Dmyipc.test.slowness=N} (default 1). Under
     * QEMU software emulation a JVM starts and runs several times slower, so the waits that let a call
     * block, the bounds on how fast a dead peer is noticed and the open timeout are multiplied by it;
     * on a normal host they stay as the contract states them.
     */
    protected static final int SLOWNESS = Math.max(1, Integer.getInteger("myipc.test.slowness", 1));

    /** Generous bound for opens and peer steps, so a broken transport fails instead of hanging. */
    protected static final Duration OPEN = Duration.ofSeconds(30L * SLOWNESS);

    private final List<PeerHandle> peers = new ArrayList<>();
    private final TransportContract transport;

    /** A part of the contract over {@code transport} (one of its {@code @Nested} groups, or a test of its own). */
    protected ContractBase(TransportContract transport) {
        this.transport = transport;
    }

    /** See {@link TransportContract#newChannelUri()}. */
    protected final String newChannelUri() {
        return transport.newChannelUri();
    }

    /** See {@link TransportContract#uriWithBadParameterValue()}. */
    protected final String uriWithBadParameterValue() {
        return transport.uriWithBadParameterValue();
    }

    /** See {@link TransportContract#crossProcess()}. */
    protected final boolean crossProcess() {
        return transport.crossProcess();
    }

    @AfterEach
    void stopPeers() throws Exception {
        for (PeerHandle p : peers) {
            p.kill();
        }
        peers.clear();
    }

    protected IpcReader openReader(String uri) throws IOException {
        return IpcChannels.openReader(uri, IpcOptions.defaults().withOpenTimeout(OPEN));
    }

    protected IpcWriter openWriter(String uri) throws IOException {
        return IpcChannels.openWriter(uri, IpcOptions.defaults().withOpenTimeout(OPEN));
    }

    protected PeerHandle peer(Mode mode, String role, String channel, String... script) throws IOException {
        return peer(mode, Map.of(), List.of(), role, channel, script);
    }

    /**
     * Starts a peer. {@code env} and {@code jvmArgs} apply to a child JVM only (a thread shares this JVM's
     * environment and system properties).
     */
    protected PeerHandle peer(Mode mode, Map<String, String> env, List<String> jvmArgs, String role, String channel,
                              String... script) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(mode == Mode.THREAD || crossProcess(),
                "the transport works within one process only");
        PeerHandle p = mode == Mode.THREAD ? new ThreadPeer(role, channel, script)
                : new ProcessPeer(env, jvmArgs, role, channel, script);
        peers.add(p);
        return p;
    }

    /** A running peer. */
    public interface PeerHandle {
        /** Waits for the next output line equal to {@code line}; fails on exit or timeout. */
        void expect(String line, Duration timeout) throws Exception;

        /** Waits for the next output line starting with {@code prefix} and returns it. */
        String expectPrefix(String prefix, Duration timeout) throws Exception;

        /** Sends a line (for {@code await}). */
        void send(String line) throws Exception;

        /** Waits for the end; returns the exit status (a thread: 0 or 1) and fails on timeout. */
        int waitFor(Duration timeout) throws Exception;

        /** Fails with the peer's error unless it ended with status 0 within the timeout. */
        default void assertSuccess(Duration timeout) throws Exception {
            int status = waitFor(timeout);
            if (status != 0) {
                throw new AssertionError("peer failed with status " + status + ": " + failure());
            }
        }

        /** What went wrong (a thread: the exception; a process: see its stderr in the test output). */
        String failure();

        /** SIGKILL (process) or interrupt (thread). */
        void kill() throws Exception;
    }

    private static final class ThreadPeer implements PeerHandle {
        private final BlockingQueue<String> toPeer = new LinkedBlockingQueue<>();
        private final BlockingQueue<String> fromPeer = new LinkedBlockingQueue<>();
        private final Thread thread;
        private volatile Throwable error;

        ThreadPeer(String role, String channel, String[] script) {
            Peer peer = new Peer(role, channel, toPeer::take, fromPeer::add);
            thread = new Thread(() -> {
                try {
                    peer.run(script);
                } catch (Throwable t) {
                    error = t;
                } finally {
                    fromPeer.add("\u0000EXIT");
                }
            }, "peer-" + role);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void expect(String line, Duration timeout) throws Exception {
            String got = expectPrefix(line, timeout);
            if (!got.equals(line)) {
                throw new AssertionError("peer printed " + got + ", expected " + line);
            }
        }

        @Override
        public String expectPrefix(String line, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String l = fromPeer.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("peer did not print " + line + " within " + timeout);
                }
                if (l.startsWith(line)) {
                    return l;
                }
                if (l.equals("\u0000EXIT")) {
                    fromPeer.add(l);
                    throw new AssertionError("peer ended before printing " + line + ": " + failure(), error);
                }
            }
        }

        @Override
        public void send(String line) {
            toPeer.add(line);
        }

        @Override
        public int waitFor(Duration timeout) throws Exception {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("peer thread still running after " + timeout);
            }
            return error == null ? 0 : 1;
        }

        @Override
        public String failure() {
            return String.valueOf(error);
        }

        @Override
        public void kill() throws Exception {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    private static final class ProcessPeer implements PeerHandle {
        private final Process process;
        private final BlockingQueue<String> fromPeer = new LinkedBlockingQueue<>();
        private final OutputStream stdin;
        private final java.util.ArrayDeque<String> lastLines = new java.util.ArrayDeque<>();
        private volatile boolean killed;

        ProcessPeer(Map<String, String> env, List<String> jvmArgs, String role, String channel, String[] script)
                throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA and FFM: no warning on new JDKs
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-Xshare:auto");
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Peer.class.getName());
            cmd.add(role);
            cmd.add(channel);
            cmd.addAll(List.of(script));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT); // child stderr goes to the test output
            process = pb.start();
            stdin = process.getOutputStream();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        fromPeer.add(l);
                        remember(l);
                    }
                } catch (IOException e) {
                    // process gone
                } finally {
                    fromPeer.add("\u0000EXIT");
                    reportAbnormalExit(role, channel);
                }
            }, "peer-stdout-" + process.pid());
            pump.setDaemon(true);
            pump.start();
        }

        /**
         * A JVM that dies of a fatal signal prints its crash banner on stdout, which only this
         * pump reads: keep the last lines so that such a death is reported, not mistaken for
         * the peer closing its end.
         */
        private synchronized void remember(String line) {
            if (lastLines.size() == 20) {
                lastLines.removeFirst();
            }
            lastLines.addLast(line);
        }

        private void reportAbnormalExit(String role, String channel) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS) || killed || process.exitValue() == 0
                        || process.exitValue() == 1) { // 1: Peer's own failure, stack trace already on stderr
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                System.err.println("peer process " + process.pid() + " (" + role + " of " + channel
                        + ") died with exit status " + process.exitValue() + "; its last output lines:");
                lastLines.forEach(l -> System.err.println("  | " + l));
            }
        }

        @Override
        public void expect(String line, Duration timeout) throws Exception {
            String got = expectPrefix(line, timeout);
            if (!got.equals(line)) {
                throw new AssertionError("peer printed " + got + ", expected " + line);
            }
        }

        @Override
        public String expectPrefix(String line, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String l = fromPeer.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError("peer process did not print " + line + " within " + timeout);
                }
                if (l.startsWith(line)) {
                    return l;
                }
                if (l.equals("\u0000EXIT")) {
                    fromPeer.add(l);
                    process.waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("peer process ended before printing " + line + ": " + failure());
                }
            }
        }

        @Override
        public void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        @Override
        public int waitFor(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killed = true;
                process.destroyForcibly();
                throw new AssertionError("peer process still running after " + timeout + " (killed)");
            }
            return process.exitValue();
        }

        @Override
        public String failure() {
            if (process.isAlive()) {
                return "still running";
            }
            synchronized (this) {
                return "exit status " + process.exitValue() + " (its stack trace is in the test's stderr)"
                        + (lastLines.isEmpty() ? "" : "; its last output lines: " + String.join(" | ", lastLines));
            }
        }

        @Override
        public void kill() throws Exception {
            killed = true;
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        long pid() {
            return process.pid();
        }
    }
}
