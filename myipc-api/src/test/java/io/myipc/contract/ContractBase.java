package io.myipc.contract;

import io.myipc.IpcChannels;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /**
     * More arguments for the child JVMs the contract starts: {@code -Dmyipc.test.childJvmArgs=...} for every
     * one, {@code -Dmyipc.test.oneShotJvmArgs=...} after those for a child that serves a single short script
     * (its own environment or JVM arguments, the example programs), split at spaces (default none). Under QEMU
     * software emulation code a JIT writes must be translated again, so a child that does little work starts
     * fastest interpreted; the test runner in the VM sets them, a host run leaves them out.
     */
    protected static final List<String> CHILD_JVM_ARGS = jvmArgs("myipc.test.childJvmArgs");
    protected static final List<String> ONE_SHOT_JVM_ARGS = jvmArgs("myipc.test.oneShotJvmArgs");

    private static List<String> jvmArgs(String property) {
        return Stream.of(System.getProperty(property, "").trim().split("\\s+")).filter(a -> !a.isEmpty()).toList();
    }

    /**
     * The share of the bulk cases' bytes and messages to move, in percent: {@code -Dmyipc.test.volume=25}
     * (default 100). The test runner in QEMU sets 25: the same cases, chunk sizes and patterns, each still
     * many times the size of any test channel's buffer (a 64 KiB driver ring wraps 11 times or more), at
     * a quarter of the emulated work; a host run moves the full amounts.
     */
    protected static final int VOLUME_PERCENT =
            Math.min(100, Math.max(1, Integer.getInteger("myipc.test.volume", 100)));

    /** {@code full} scaled by {@link #VOLUME_PERCENT}. */
    protected static long volume(long full) {
        return Math.max(1, full * VOLUME_PERCENT / 100);
    }

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
            p.stop();
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

        /**
         * Ends the script, interrupting it if it still runs (it then closes its end), and frees the peer.
         * Use {@link #kill()} where the test is about a process that dies.
         */
        void stop() throws Exception;

        /** SIGKILL (process) or interrupt (thread). */
        void kill() throws Exception;
    }

    /** A peer's output lines as they come, ended by {@link #EXIT} when the script is over. */
    private abstract static class QueuedPeer implements PeerHandle {
        static final String EXIT = "\u0000EXIT";
        final BlockingQueue<String> fromPeer = new LinkedBlockingQueue<>();

        /** The peer, as a failure message names it. */
        abstract String who();

        /** The cause to attach to a failure (a thread's exception), or null. */
        Throwable cause() {
            return null;
        }

        @Override
        public void expect(String line, Duration timeout) throws Exception {
            String got = expectPrefix(line, timeout);
            if (!got.equals(line)) {
                throw new AssertionError(who() + " printed " + got + ", expected " + line);
            }
        }

        @Override
        public String expectPrefix(String line, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String l = fromPeer.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new AssertionError(who() + " did not print " + line + " within " + timeout);
                }
                if (l.startsWith(line)) {
                    return l;
                }
                if (l.equals(EXIT)) {
                    fromPeer.add(l);
                    throw new AssertionError(who() + " ended before printing " + line + ": " + failure(), cause());
                }
            }
        }
    }

    private static final class ThreadPeer extends QueuedPeer {
        private final BlockingQueue<String> toPeer = new LinkedBlockingQueue<>();
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
                    fromPeer.add(EXIT);
                }
            }, "peer-" + role);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        String who() {
            return "peer";
        }

        @Override
        Throwable cause() {
            return error;
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
        public void stop() throws Exception {
            kill();
        }

        @Override
        public void kill() throws Exception {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    /** A script in a child JVM ({@link PeerJvm}), which goes back to the pool when the script is done. */
    private static final class ProcessPeer extends QueuedPeer implements PeerJvm.Run {
        private final PeerJvm jvm;
        private final String who;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile int status = -1;
        private volatile boolean died;
        private volatile boolean killed;
        private boolean released;

        ProcessPeer(Map<String, String> env, List<String> jvmArgs, String role, String channel, String[] script)
                throws IOException {
            jvm = PeerJvm.take(env, jvmArgs);
            who = "peer process " + jvm.pid() + " (" + role + " of " + channel + ")";
            jvm.start(role, channel, script, this);
        }

        @Override
        public void line(String line) {
            fromPeer.add(line);
        }

        @Override
        public void done(int status) {
            this.status = status;
            fromPeer.add(EXIT);
            ended.countDown();
        }

        @Override
        public void died() {
            died = true;
            fromPeer.add(EXIT);
            ended.countDown();
            try {
                int s = jvm.exitStatus();
                if (!killed && s != 0 && s != 1) { // 1: Peer's own failure, stack trace already on stderr
                    System.err.println(who + " died with exit status " + s + "; its last output lines: "
                            + jvm.lastLines());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        String who() {
            return who;
        }

        @Override
        public void send(String line) throws IOException {
            jvm.send(line);
        }

        @Override
        public int waitFor(Duration timeout) throws Exception {
            if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError(who + " still running after " + timeout + " (killed)");
            }
            release();
            return died ? jvm.exitStatus() : status;
        }

        @Override
        public String failure() {
            if (ended.getCount() > 0) {
                return "still running";
            }
            if (!died) {
                return "its script failed (the stack trace is in the test's stderr)";
            }
            try {
                return "its JVM ended with exit status " + jvm.exitStatus() + "; its last output lines: "
                        + jvm.lastLines();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "its JVM ended";
            }
        }

        @Override
        public void stop() throws Exception {
            if (ended.getCount() > 0 && !killed) {
                jvm.stop();
                if (!ended.await(10L * SLOWNESS, TimeUnit.SECONDS)) {
                    kill();
                    return;
                }
            }
            release();
        }

        @Override
        public void kill() throws Exception {
            killed = true;
            jvm.kill();
            ended.await(10, TimeUnit.SECONDS);
        }

        /** A child whose script ended (not one that was killed or died) serves the next case. */
        private synchronized void release() {
            if (!released && !killed && !died) {
                released = true;
                jvm.release();
            }
        }
    }
}
