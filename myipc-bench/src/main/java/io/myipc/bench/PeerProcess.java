package io.myipc.bench;

import io.myipc.internal.posix.Sys;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The peer JVM, started with this JVM's java and the benchmark's class path; one command at a time. */
final class PeerProcess implements AutoCloseable {
    static final String CLASSPATH_PROPERTY = "myipc.bench.classpath";
    // native access: JNA (JNI) and FFM are restricted from JDK 24 / 22 on (a warning without it; JDK 17 accepts it)
    static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED");
    /** System properties of this JVM that the peer JVM (and a runner in the VM) gets too. */
    static final List<String> PASSED_PROPERTIES = List.of("myipc.kmod.mmap.experimental", Sys.BINDING_PROPERTY);

    /** {@code -Dname=value} for each of {@link #PASSED_PROPERTIES} set in this JVM. */
    static List<String> passedProperties() {
        List<String> out = new ArrayList<>();
        for (String p : PASSED_PROPERTIES) {
            String v = System.getProperty(p);
            if (v != null) {
                out.add("-D" + p + "=" + v);
            }
        }
        return out;
    }

    private final Process process;
    private final Path errorDir;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Map<String, String> hello;

    /** Starts the peer pinned to {@code cpu}; a JVM crash writes its hs_err file into {@code errorDir}. */
    PeerProcess(int cpu, Path errorDir) throws IOException {
        this.errorDir = errorDir;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        Files.createDirectories(errorDir);
        cmd.add("-XX:ErrorFile=" + errorDir.resolve("hs_err_pid%p.log"));
        cmd.addAll(passedProperties());
        cmd.addAll(List.of("-cp", classPath(), Peer.class.getName(), Integer.toString(cpu)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        process = pb.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process went away; awaitLine reports it
            }
            lines.add("EOF");
        }, "myipc-bench-peer-stdout");
        t.setDaemon(true);
        t.start();
        String h = awaitLine(120);
        if (!h.startsWith("HELLO")) {
            throw new IOException("the peer JVM did not start: " + h);
        }
        hello = parse(h);
    }

    /** The benchmark's class path: a system property (set in the pom for exec:java), the URLs of the class loader
     * that loaded us (exec:java's loader), or java.class.path (plain java, surefire). */
    static String classPath() {
        String p = System.getProperty(CLASSPATH_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p;
        }
        Set<String> entries = new LinkedHashSet<>();
        ClassLoader cl = PeerProcess.class.getClassLoader();
        while (cl != null) {
            if (cl instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (Exception e) {
                        // skip what is not a file
                    }
                }
            }
            cl = cl.getParent();
        }
        String own = System.getProperty("java.class.path", "");
        if (entries.isEmpty()) {
            return own;
        }
        return String.join(File.pathSeparator, entries);
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Waits for the peer's answer to the last command. */
    Map<String, String> reply(long timeoutSeconds) throws IOException {
        String l = awaitLine(timeoutSeconds);
        if (l.startsWith("OK")) {
            return parse(l);
        }
        throw new IOException("the peer JVM reported: " + l);
    }

    private String awaitLine(long timeoutSeconds) throws IOException {
        try {
            String l = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (l == null) {
                throw new IOException("the peer JVM did not answer within " + timeoutSeconds + " s");
            }
            if (l.equals("EOF")) {
                throw new IOException("the peer JVM exited" + (process.isAlive() ? "" : " with status "
                        + process.waitFor()) + " (its stderr is above)");
            }
            return l;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the peer JVM");
        }
    }

    static Map<String, String> parse(String line) {
        Map<String, String> m = new HashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    /**
     * When the peer JVM died of a crash (an hs_err file, or a status of a fatal signal: 134 SIGABRT, 132 SIGILL,
     * 139 SIGSEGV, 135 SIGBUS): its status and the first lines of its hs_err file; otherwise null.
     */
    String crash() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        int rc = process.exitValue();
        Path err = errorDir.resolve("hs_err_pid" + process.pid() + ".log");
        String head = hsErrHead(err, 10);
        if (head == null && !List.of(132, 134, 135, 139).contains(rc)) {
            return null;
        }
        return "exit status " + rc + (head == null ? " (no hs_err file)" : "; " + err + ":\n" + head);
    }

    /** The first {@code lines} lines of an hs_err file, or null when there is none. */
    static String hsErrHead(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (var l = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            return String.join("\n", l.limit(lines).toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (!process.isAlive()) {
                return;
            }
            send("QUIT");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
