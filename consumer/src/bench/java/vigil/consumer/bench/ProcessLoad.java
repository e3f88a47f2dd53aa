package vigil.consumer.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The machine's load average and this thread's share of a core, for reports on a shared machine.
 *
 * <p><b>Threading contract.</b> Called from the benchmark's one thread only.
 */
final class ProcessLoad {
    private static long lastCpuNanos = -1;
    private static long lastWallNanos;

    private ProcessLoad() {}

    /** "load 1.23, ... on-CPU 97 %": the 1-minute load average, this thread's CPU time / wall time since last call. */
    static String describe() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        String share = lastCpuNanos < 0
                ? "n/a"
                : String.format("%.0f %%", 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos));
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return String.format("load %.2f, this thread on-CPU %s since the last report",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), share);
    }
}
