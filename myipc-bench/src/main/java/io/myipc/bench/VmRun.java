package io.myipc.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --vm 6.12}: the whole Java comparison inside the VM harness ({@code tools/vm/vm}) with the driver loaded,
 * so that kmod: is measured next to pipe: and shm: in one environment. The guest cannot see ~/.m2 (its /root is a
 * tmpfs), so the class path is copied to {@code <out>/lib} first; {@code <out>} is the harness's results folder,
 * writable in the guest, and receives the guest's results.json, report.md, chart.svg (plus console.log, dmesg.txt).
 */
final class VmRun {
    private VmRun() {
    }

    static Path repoRoot() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("tools/vm/vm"))) {
                return p;
            }
        }
        throw new IOException("--vm needs the VM harness tools/vm/vm of the myipc repository: run from inside the"
                + " repository (current directory " + Path.of("").toAbsolutePath() + ")");
    }

    /**
     * Whether to go into the VM by itself: a kmod transport is asked for, the driver is not loaded here, and the VM
     * harness and QEMU are there to load it.
     */
    static boolean shouldUseVm(Options o) {
        if (o.transports.stream().noneMatch(t -> t.startsWith("kmod")) || Files.exists(Path.of("/dev/myipc0"))) {
            return false;
        }
        try {
            repoRoot();
        } catch (IOException e) {
            return false;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "qemu-system-x86_64"))) {
                return true;
            }
        }
        return false;
    }

    /** Copies every class path entry under {@code lib}; returns the guest's class path. */
    static String copyClassPath(Path lib) throws IOException {
        Files.createDirectories(lib);
        List<String> cp = new ArrayList<>();
        int i = 0;
        for (String e : PeerProcess.classPath().split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            Path src = Path.of(e);
            if (Files.isDirectory(src)) {
                Path dst = lib.resolve("dir" + (i++) + "-" + src.getParent().getFileName());
                try (var walk = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                cp.add(dst.toString());
            } else if (Files.isRegularFile(src)) {
                Path dst = lib.resolve(src.getFileName());
                Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                cp.add(dst.toString());
            }
        }
        return String.join(File.pathSeparator, cp);
    }

    /** The runner's own arguments for the guest: all but --vm and --out. */
    static List<String> guestArgs(String[] args) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String s = args[i];
            if (s.equals("--vm") || s.equals("--out") || s.equals("--accel")) {
                i++;
                continue;
            }
            if (s.startsWith("--vm=") || s.startsWith("--out=") || s.startsWith("--accel=") || s.equals("--no-vm")) {
                continue;
            }
            a.add(s);
        }
        return a;
    }

    /**
     * The kernel a --vm run boots when none is named: Debian's 6.1 does not boot under QEMU 7.2's instruction counting
     * (it stops bringing up the second vCPU, see tools/vm/README.md), 6.12 does.
     */
    /**
     * The VM's watchdog. A whole emulated run takes 20-40 min on a 2-core host (under instruction counting the guest
     * runs on one host thread); a hung measurement ends earlier, by the runner's own per-measurement timeouts.
     */
    static final int VM_TIMEOUT_SECONDS = 4 * 3600;

    static String defaultKernel(String accel) {
        return accel.equals("icount") ? "6.12" : "6.1";
    }

    /** The hs_err files in {@code dir} (the JVMs of the guest write theirs there: -XX:ErrorFile). */
    static List<Path> hsErrFiles(Path dir) throws IOException {
        try (var l = Files.list(dir)) {
            return l.filter(p -> p.getFileName().toString().matches("hs_err_pid\\d+\\.log")).sorted().toList();
        }
    }

    /** A crashed JVM: a new hs_err file, or a status of a fatal signal (134 SIGABRT, 132 SIGILL, 139 SIGSEGV). */
    static String crash(int rc, List<Path> before, Path out) throws IOException {
        List<Path> now = new ArrayList<>(hsErrFiles(out));
        now.removeAll(before);
        if (now.isEmpty() && !List.of(132, 134, 135, 139).contains(rc)) {
            return null;
        }
        if (now.isEmpty()) {
            return "exit status " + rc + " (no hs_err file)";
        }
        return "exit status " + rc + "; " + now.get(0) + ":\n" + PeerProcess.hsErrHead(now.get(0), 10);
    }

    static int run(Options o, String[] args, PrintStream log) throws IOException, InterruptedException {
        Path root = repoRoot();
        Path out = o.out.toAbsolutePath().normalize();
        Files.createDirectories(out);
        String cp = copyClassPath(out.resolve("lib"));
        String accel = o.accel;
        if (accel.equals("icount") && o.vmKernel.equals("6.1")) {
            log.println("--accel icount needs --vm 6.12: Debian's 6.1 does not boot under QEMU's instruction counting"
                    + " here (tools/vm/README.md); use --vm 6.12, or --accel tcg for 6.1");
            return 2;
        }
        List<String> cmd = new ArrayList<>(List.of(root.resolve("tools/vm/vm").toString(), "run", "--kernel",
                o.vmKernel, "--accel", accel, "--params", "nr_devs=2", "--results", out.toString(),
                "--timeout", String.valueOf(VM_TIMEOUT_SECONDS), "--"));
        int head = cmd.size();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:ErrorFile=" + out.resolve("hs_err_pid%p.log"));
        cmd.addAll(PeerProcess.passedProperties());
        cmd.addAll(List.of("-cp", cp, BenchRunner.class.getName()));
        cmd.addAll(guestArgs(args));
        cmd.add("--no-vm");
        cmd.add("--out");
        cmd.add(out.toString());
        log.println("running the benchmark inside the VM (kernel " + o.vmKernel + ", --accel " + accel + ", driver"
                + " loaded, 2 devices): " + String.join(" ", cmd.subList(0, head)) + " java ... BenchRunner "
                + String.join(" ", guestArgs(args)));
        String crash = null;
        int rc = 0;
        for (int attempt = 1; attempt <= 2; attempt++) {
            List<Path> before = hsErrFiles(out);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).inheritIO();
            if (accel.equals("tcg")) {
                pb.environment().putIfAbsent("MYIPC_VM_TCG_THREAD", "single");
            }
            rc = pb.start().waitFor();
            crash = rc == 0 ? null : crash(rc, before, out);
            if (crash == null) {
                break;
            }
            log.println("the JVM in the VM crashed (" + crash.lines().findFirst().orElse("") + ")"
                    + (attempt == 1 ? "; running once more" : ""));
        }
        if (crash != null) {
            Path report = out.resolve("report.md");
            String prior = Files.isRegularFile(report) ? Files.readString(report) + "\n" : "# myipc benchmark\n\n";
            Files.writeString(report, prior + "**FAILED:** the benchmark JVM in the VM crashed twice (retried"
                    + " once); the head of its hs_err file:\n\n```\n" + crash + "\n```\n");
            log.println("FAILED: the JVM in the VM crashed twice; written to " + report);
        }
        log.println("the VM run ended with status " + rc + "; its files are in " + out);
        return rc;
    }
}
