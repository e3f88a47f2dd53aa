package vigil.consumer.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import vigil.consumer.device.DeviceLedger;
import vigil.consumer.replay.Replay;
import vigil.consumer.rules.AlertEngine;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * Throughput of decode + alert engine on one thread against the rescanning baseline, over the same generated lines
 * in the same run, and heap per tracked device. Not a unit test: run with {@code ./vigil bench-engine} (see
 * docs/benchmarks.md). Options: {@code --records N} (1,000,000), {@code --devices N} (2,000),
 * {@code --memory-devices N} (100,000; 0 skips), {@code --rounds N} (2), {@code --seed N} (1).
 *
 * <p>Steady state on a file instead of the generated lines: {@code --file F} (a JSON-lines file, e.g. from
 * {@code ./vigil sim ... --fast --out F}), with {@code --faults} (seeded malformed lines, duplicates, future
 * timestamps: {@link BenchFile#addFaults}), {@code --shuffle-fields} (each device's own stable field order:
 * {@link BenchFile#shuffleFields}), {@code --write-file OUT} (writes the transformed lines and exits) and
 * {@code --prime-seconds N} (600: lines before the clock passes the first ts + N s fill the windows and are not
 * timed) and {@code --baseline-lines N} (100,000: the baseline is timed over this many lines after priming; 0 skips
 * it). See {@link SteadyStateRun}.
 */
public final class EngineBenchMain {
    /** 62 records at 10 s = 610 s: every 10-minute window is full. */
    private static final int MEMORY_ROUNDS = 62;
    private EngineBenchMain() {}

    public static void main(String[] args) {
        int records = 1_000_000;
        int devices = 2_000;
        int memoryDevices = 100_000;
        int rounds = 2;
        long seed = 1;
        String file = null;
        String writeFile = null;
        boolean faults = false;
        boolean shuffle = false;
        long primeSeconds = 600;
        int baselineLines = 100_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--file" -> file = args[++i]; // several: comma-separated, measured in turn each round
                case "--write-file" -> writeFile = args[++i];
                case "--faults" -> faults = true;
                case "--shuffle-fields" -> shuffle = true;
                case "--prime-seconds" -> primeSeconds = Long.parseLong(args[++i]);
                case "--baseline-lines" -> baselineLines = Integer.parseInt(args[++i]);
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--devices" -> devices = Integer.parseInt(args[++i]);
                case "--memory-devices" -> memoryDevices = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.out.println("Usage: vigil bench-engine [--records N] [--devices N] [--memory-devices N]"
                            + " [--rounds N] [--seed N]\n"
                            + "       vigil bench-engine --file F [--faults] [--shuffle-fields] [--prime-seconds N]"
                            + " [--rounds N] [--seed N] [--memory-devices N] [--write-file OUT] [--baseline-lines N]");
                    return;
                }
            }
        }
        Locale.setDefault(Locale.ROOT);
        System.out.printf("JVM %s, %d processors, max heap %d MB%n", System.getProperty("java.vm.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        if (file != null) {
            steadyState(file, faults, shuffle, seed, primeSeconds, rounds, writeFile, baselineLines);
            if (memoryDevices > 0 && writeFile == null) {
                memory(memoryDevices);
            }
            return;
        }
        long t = System.nanoTime();
        BenchData data = BenchData.generate(devices, records, seed);
        System.out.printf("generated %,d lines for %,d devices in %.1f s: pump %.0f B/record, dialysis %.0f B/record%n",
                data.lines, devices, (System.nanoTime() - t) / 1e9, (double) data.pumpBytes / data.pumpLines,
                (double) data.dialysisBytes / data.dialysisLines);

        // Warm-up: one pass of each over the first fifth.
        runOurs(data, data.lines / 5);
        runBaseline(data, data.lines / 5);
        runDecodeOnly(data, data.lines / 5);
        TelemetryRecord[] decoded = decodeAll(data);
        engineOnlyOurs(decoded, decoded.length / 5);
        engineOnlyBaseline(decoded, decoded.length / 5);
        for (int round = 1; round <= rounds; round++) {
            double decode = runDecodeOnly(data, data.lines);
            double ours = runOurs(data, data.lines);
            double base = runBaseline(data, data.lines);
            double oursEngine = engineOnlyOurs(decoded, decoded.length);
            double baseEngine = engineOnlyBaseline(decoded, decoded.length);
            System.out.printf("round %d: decode only %,.0f records/s%n"
                    + "  decode + engine: ours %,.0f records/s, rescanning baseline %,.0f records/s (x%.2f)%n"
                    + "  engine only (pre-decoded): ours %,.0f records/s, rescanning baseline %,.0f records/s (x%.2f)%n",
                    round, decode, ours, base, ours / base, oursEngine, baseEngine, oursEngine / baseEngine);
        }
        if (memoryDevices > 0) {
            memory(memoryDevices);
        }
    }

    private static void steadyState(String file, boolean faults, boolean shuffle, long seed, long primeSeconds,
            int rounds, String writeFile, int baselineLines) {
        long t = System.nanoTime();
        String[] files = file.split(",");
        BenchData[] data = new BenchData[files.length];
        for (int f = 0; f < files.length; f++) {
            if (!shuffle && !faults && writeFile == null) {
                data[f] = BenchFile.load(java.nio.file.Path.of(files[f]));
                continue;
            }
            java.util.List<byte[]> lines = BenchFile.read(java.nio.file.Path.of(files[f]));
            if (shuffle) {
                lines = BenchFile.shuffleFields(lines, seed);
            }
            if (faults) {
                lines = BenchFile.addFaults(lines, seed);
            }
            if (writeFile != null) {
                write(lines, writeFile);
                return;
            }
            data[f] = BenchFile.toBenchData(lines);
        }
        long[][] clocks = new long[files.length][];
        int[] measureFrom = new int[files.length];
        for (int f = 0; f < files.length; f++) {
            clocks[f] = SteadyStateRun.clocks(data[f]);
            measureFrom[f] = SteadyStateRun.firstLineAfter(clocks[f], primeSeconds * 1000);
            System.out.printf("%s: %,d lines (transformed here: faults %s, shuffled fields %s), pump %.0f B/record,"
                    + " dialysis %.0f B/record; timed: lines %,d to %,d (after %d s of file time: windows full)%n",
                    files[f], data[f].lines, faults, shuffle, (double) data[f].pumpBytes / data[f].pumpLines,
                    (double) data[f].dialysisBytes / data[f].dialysisLines, measureFrom[f], data[f].lines,
                    primeSeconds);
        }
        System.out.printf("loaded in %.1f s; %s%n", (System.nanoTime() - t) / 1e9, ProcessLoad.describe());
        // No separate warm-up: each pass's untimed priming part (two thirds of a 900 s file) warms the JIT up.
        // Files alternate within a round, so that each is measured under the same machine load as the others.
        for (int round = 1; round <= rounds; round++) {
            for (int f = 0; f < files.length; f++) {
                steadyStateRound(round, files[f], data[f], clocks[f], measureFrom[f], baselineLines);
            }
        }
    }

    private static void steadyStateRound(int round, String file, BenchData data, long[] clocks, int measureFrom,
            int baselineLines) {
        SteadyStateRun.Result decode = SteadyStateRun.decodeOnly(data, clocks, measureFrom);
        SteadyStateRun.Result ours = SteadyStateRun.ours(data, clocks, measureFrom);
        SteadyStateRun.Result base = baselineLines > 0
                ? SteadyStateRun.baseline(data, clocks, measureFrom, baselineLines)
                : null;
        System.out.printf("round %d, %s (%s): steady state; records/s wall, records per CPU-second of the whole"
                + " timed part, of the median and of the fastest %,d-line chunk%n",
                round, file, ProcessLoad.describe(), SteadyStateRun.Chunks.LINES);
        print("decode only", decode, "");
        print("decode + engine, ours", ours, "; " + ours.count() + " transitions in the whole pass");
        if (base != null) {
            print("decode + engine, rescanning baseline", base, "; " + base.count() + " raises in them");
            System.out.printf("  ours / baseline: x%.1f wall, x%.1f per CPU-second, x%.1f median chunk,"
                    + " x%.1f fastest chunk%n",
                    ours.perSecond() / base.perSecond(), ours.perCpuSecond() / base.perCpuSecond(),
                    ours.medianChunkPerCpuSecond() / base.medianChunkPerCpuSecond(),
                    ours.bestChunkPerCpuSecond() / base.bestChunkPerCpuSecond());
        }
    }

    private static void print(String what, SteadyStateRun.Result r, String note) {
        System.out.printf("  %-38s %,10.0f wall  %,10.0f CPU  %,10.0f median  %,10.0f fastest  (%,d lines%s)%n",
                what + ":", r.perSecond(), r.perCpuSecond(), r.medianChunkPerCpuSecond(),
                r.bestChunkPerCpuSecond(), r.lines(), note);
    }

    private static void write(java.util.List<byte[]> lines, String writeFile) {
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(
                java.nio.file.Files.newOutputStream(java.nio.file.Path.of(writeFile)), 1 << 16)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        System.out.printf("wrote %,d lines to %s%n", lines.size(), writeFile);
    }

    private static TelemetryRecord[] decodeAll(BenchData data) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        java.util.List<TelemetryRecord> out = new java.util.ArrayList<>(data.lines);
        for (int i = 0; i < data.lines; i++) {
            if (decoder.decode(data.bytes, data.offsets[i], data.offsets[i + 1] - data.offsets[i] - 1,
                    Long.MAX_VALUE / 2) instanceof DecodeResult.Decoded d) {
                out.add(d.record());
            }
        }
        return out.toArray(new TelemetryRecord[0]);
    }

    /** Ledger (duplicates, late) + engine, as ShardIngest.apply does after decoding, without meters. */
    private static double engineOnlyOurs(TelemetryRecord[] records, int n) {
        AlertEngine engine = new AlertEngine(SettingsSource.NONE);
        java.util.Map<String, DeviceLedger> ledgers = new java.util.HashMap<>();
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            TelemetryRecord r = records[i];
            DeviceLedger ledger = ledgers.get(r.deviceId());
            if (ledger == null) {
                ledger = new DeviceLedger(r.deviceId(), engine.track(r.deviceId()));
                ledgers.put(r.deviceId(), ledger);
            }
            switch (ledger.offer(r, r.tsMillis())) {
                case APPLIED -> engine.onApplied(ledger.rules(), r, r.tsMillis());
                case LATE -> engine.onLate(ledger.rules(), r.tsMillis());
                case DUPLICATE -> { }
            }
            if ((i & 1023) == 0) {
                engine.onTick(r.tsMillis());
            }
        }
        engine.drainTransitions();
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private static double engineOnlyBaseline(TelemetryRecord[] records, int n) {
        RescanBaseline baseline = new RescanBaseline();
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            baseline.apply(records[i]);
        }
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private static double runOurs(BenchData data, int lines) {
        long[] transitions = {0};
        Replay replay = new Replay(SettingsSource.NONE, tr -> transitions[0]++);
        long t = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            replay.line(data.bytes, data.offsets[i], data.offsets[i + 1] - data.offsets[i] - 1);
        }
        replay.finish(null);
        double seconds = (System.nanoTime() - t) / 1e9;
        if (lines == data.lines) {
            System.out.printf("  ours: %s", replay.summary().replace("\n", "\n        "));
            System.out.println();
        }
        return lines / seconds;
    }

    private static double runBaseline(BenchData data, int lines) {
        RescanBaseline baseline = new RescanBaseline();
        long t = System.nanoTime();
        long nowMillis = BenchData.T0;
        for (int i = 0; i < lines; i++) {
            nowMillis = BenchData.T0 + (long) i * BenchData.INTERVAL_MILLIS / 2_000 + 300_000;
            baseline.line(data.bytes, data.offsets[i], data.offsets[i + 1] - data.offsets[i] - 1, nowMillis);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        if (lines == data.lines) {
            System.out.printf("  baseline: rejected %d, duplicates %d, late %d, raised %d%n", baseline.rejected,
                    baseline.duplicates, baseline.late, baseline.raised);
        }
        return lines / seconds;
    }

    private static double runDecodeOnly(BenchData data, int lines) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        long t = System.nanoTime();
        long decoded = 0;
        long nowMillis = Long.MAX_VALUE / 2;
        for (int i = 0; i < lines; i++) {
            if (decoder.decode(data.bytes, data.offsets[i], data.offsets[i + 1] - data.offsets[i] - 1, nowMillis)
                    instanceof DecodeResult.Decoded) {
                decoded++;
            }
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        if (decoded < 0) {
            System.out.println(decoded); // keeps the loop observable
        }
        return lines / seconds;
    }

    /**
     * Heap per tracked device: {@code devices} devices, {@link #MEMORY_ROUNDS} records each at the 10 s cadence,
     * through the same replay path; used heap after full GCs, minus before.
     */
    private static void memory(int devices) {
        TelemetryEncoder encoder = new TelemetryEncoder();
        java.util.Random random = new java.util.Random(5);
        double[] infused = new double[devices];
        double[] battery = new double[devices];
        double[] acid = new double[devices];
        long before = usedHeapAfterGc();
        Replay replay = new Replay(SettingsSource.NONE, tr -> { });
        long t = System.nanoTime();
        for (int round = 0; round < MEMORY_ROUNDS; round++) {
            for (int d = 0; d < devices; d++) {
                long ts = BenchData.T0 + round * BenchData.INTERVAL_MILLIS + d % 1000;
                TelemetryRecord r = d % 2 == 0
                        ? BenchData.pump(d, round, ts, round, d % 10 < 2, infused, battery, random)
                        : BenchData.dialysis(d, round, ts, round, d % 10 < 2, acid, random);
                byte[] line = encoder.encode(r);
                replay.line(line, 0, line.length);
            }
        }
        replay.finish(null);
        long after = usedHeapAfterGc();
        System.out.printf("memory: %,d devices, %,d records in %.1f s; heap %,d MB -> %,d MB: %,d bytes per device"
                + " (everything the shard keeps: ledger, seq bitmap, newest decoded record, windows, alerts, maps)%n",
                replay.deviceCount(), replay.lines(), (System.nanoTime() - t) / 1e9, before >> 20, after >> 20,
                (after - before) / devices);
        if (replay.deviceCount() != devices) {
            throw new AssertionError("expected " + devices + " devices");
        }
        if (Boolean.getBoolean("vigil.bench.histogram")) { // -Dvigil.bench.histogram=true: where the bytes are
            try {
                Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
                String[] rows = String.valueOf(histogram).split("\n");
                for (int i = 0; i < Math.min(rows.length, 45); i++) {
                    System.out.println(rows[i]);
                }
            } catch (javax.management.JMException e) {
                System.out.println("no class histogram: " + e);
            }
        }
        java.lang.ref.Reference.reachabilityFence(replay); // measured live up to here
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
