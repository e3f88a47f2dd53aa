package vigil.demo.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine for the report: cores, memory, CPU model, OS family, JVM. No host names, paths or kernel builds. */
final class Machine {
    private Machine() {}

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM, %s (%s), Java %s (%s)",
                rt.availableProcessors(), cpuModel(),
                memory < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f GiB", memory / (1024.0 * 1024 * 1024)),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux, or not readable
        }
        return "CPU model unknown";
    }
}
