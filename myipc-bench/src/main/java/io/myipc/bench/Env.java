package io.myipc.bench;

import io.myipc.internal.posix.Sys;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine a run measured on, in the {@code environment} fields of RESULTS.md. */
public final class Env {
    public static final String EMULATION_NOTE = "under emulation only ratios within one run mean anything";
    /** environment.vm_mode_note under icount (the C benchmark's words). */
    public static final String ICOUNT_NOTE = "icount: cost in guest instructions, vCPUs serialised, caches and"
            + " coherence ignored; spin RTT and sync-mode contention are not meaningful in this mode";

    private Env() {
    }

    static String readLine(String path) {
        try {
            List<String> l = Files.readAllLines(Path.of(path), StandardCharsets.UTF_8);
            return l.isEmpty() ? "" : l.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The output of a small command, or "" (used for systemd-detect-virt, which tells qemu from kvm). */
    static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public static Map<String, Object> collect(String placement, List<Integer> cpus) {
        String model = "";
        boolean hyperv = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                int c = line.indexOf(':');
                if (c < 0) {
                    continue;
                }
                String k = line.substring(0, c).trim();
                String v = line.substring(c + 1).trim();
                if (k.equals("model name") && model.isEmpty()) {
                    model = v;
                }
                if (k.equals("flags") && (" " + v + " ").contains(" hypervisor ")) {
                    hyperv = true;
                }
            }
        } catch (IOException e) {
            // not Linux: leave empty
        }
        String sysVendor = readLine("/sys/class/dmi/id/sys_vendor");
        // Java cannot execute CPUID; systemd-detect-virt reports "qemu" under TCG and "kvm" under KVM.
        String virt = hyperv ? command("systemd-detect-virt", "--vm") : "";
        boolean qemuHw = model.contains("QEMU") || sysVendor.contains("QEMU");
        boolean emulated = hyperv
                && (virt.equals("qemu") || (qemuHw && !virt.equals("kvm") && !virt.equals("microsoft")));
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("frontend", "java");
        env.put("cpu_model", model);
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("kernel", System.getProperty("os.version", ""));
        env.put("kernel_version", readLine("/proc/sys/kernel/version"));
        env.put("machine", command("uname", "-m"));
        env.put("virtualised", hyperv);
        env.put("hypervisor_detect", virt); // added by the Java runner: systemd-detect-virt --vm (no CPUID in Java)
        env.put("sys_vendor", sysVendor);
        env.put("emulated", emulated);
        String vmMode = System.getenv("MYIPC_VM_MODE");
        if (vmMode != null && !vmMode.isBlank()) {
            env.put("vm_mode", vmMode.trim()); // icount, tcg or kvm: set by tools/vm/vm in the guest (SPEC C6)
            if (vmMode.trim().equals("icount")) {
                env.put("vm_mode_note", ICOUNT_NOTE);
            }
        }
        if (emulated) {
            env.put("note", EMULATION_NOTE);
        }
        env.put("compiler", System.getProperty("java.vm.name", "") + " " + System.getProperty("java.version", ""));
        env.put("java_version", System.getProperty("java.version", ""));
        env.put("native_binding", Sys.binding()); // ffm (JDK 22+) or jna: the binding of the hot-path calls
        env.put("java_vm", System.getProperty("java.vm.name", "") + " " + System.getProperty("java.vm.version", ""));
        env.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        env.put("loadavg_at_start", readLine("/proc/loadavg"));
        env.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        env.put("placement", placement);
        env.put("cpus", cpus);
        if (Files.isDirectory(Path.of("/sys/module/myipc/parameters"))) {
            Map<String, Object> params = new LinkedHashMap<>();
            try (var s = Files.list(Path.of("/sys/module/myipc/parameters"))) {
                s.sorted().forEach(p -> params.put(p.getFileName().toString(), readLine(p.toString())));
            } catch (IOException e) {
                // leave what we have
            }
            env.put("myipc_module_params", params);
        }
        return env;
    }
}
