package vigil.consumer.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import vigil.consumer.device.DeviceLedger;
import vigil.consumer.recovery.ChunkEncoder;
import vigil.consumer.recovery.RecoveryBuffer;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.rules.AlertEngine;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryRecord;

/**
 * {@code vigil bench-journal}: what one recovery journal chunk costs in steady state. Fills the windows of a seeded
 * fleet (half pumps, half dialysis machines, 1 record/s with sensor noise, 10 minutes: windows full), then times,
 * over every device and for at least the given seconds each:
 * <ul>
 *   <li>encoding a full-window body in one pass into a reused buffer (what a base chunk holds, before compression);
 *   <li>a whole base chunk (encode + compress once) and a 20-second delta chunk, as the consumer writes them;
 *   <li>the baseline in the same run: the same fields written through a {@code DataOutputStream} straight into a
 *       {@code DeflaterOutputStream} (how device snapshots were built before the journal).
 * </ul>
 * and prints sizes and DynamoDB write units (1 per started KB of item, item keys and names included).
 */
public final class JournalBenchMain {
    private static final int ITEM_OVERHEAD_BYTES = 110; // keys and attribute names of a device-recovery item

    private JournalBenchMain() {}

    public static void main(String[] args) throws IOException {
        int devices = 2_000;
        double seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--devices" -> devices = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("Usage: vigil bench-journal [--devices N (2000)] [--seconds S per figure (10)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        run(devices, seconds, System.out);
    }

    static void run(int deviceCount, double seconds, PrintStream out) throws IOException {
        AlertEngine engine = new AlertEngine(SettingsSource.NONE);
        List<DeviceLedger> ledgers = new ArrayList<>();
        List<Fleet> fleet = new ArrayList<>();
        Random random = new Random(42);
        for (int d = 0; d < deviceCount; d++) {
            String id = (d % 2 == 0 ? "PUMP-" : "DIAL-") + String.format("%05d", d);
            ledgers.add(new DeviceLedger(id, engine.track(id)));
            fleet.add(new Fleet(id, d % 2 == 0, random.nextLong()));
        }
        long t0 = 1_795_340_400_000L;
        int fillSeconds = 630; // 10 min + a little: every window full
        for (int s = 0; s < fillSeconds; s++) {
            for (int d = 0; d < deviceCount; d++) {
                TelemetryRecord r = fleet.get(d).next(s, t0 + s * 1000L);
                ledgers.get(d).offer(r, r.tsMillis());
                engine.onApplied(ledgers.get(d).rules(), r, r.tsMillis());
            }
        }
        engine.drainTransitions();
        out.printf("steady state: %d devices (half pumps, half dialysis), %d s of 1 record/s each: windows full%n",
                deviceCount, fillSeconds);

        RecoveryBuffer raw = new RecoveryBuffer(32_768);
        Timed body = time(seconds, ledgers, l -> {
            raw.clear();
            l.rules().writeJournal(raw, true);
            return raw.length();
        }, true);
        out.printf("full-window body, one pass into a reused buffer: %.1f us/device, %.0f bytes%n",
                body.microsPerOp(), body.meanBytes());

        Timed baseline = time(seconds, ledgers, l -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (DataOutputStream o = new DataOutputStream(new DeflaterOutputStream(bytes))) {
                l.rules().writeJournal(o, true);
            }
            return bytes.size();
        }, true);
        out.printf("baseline, same fields through DataOutputStream -> DeflaterOutputStream: %.1f us/device, %.0f"
                + " bytes%n", baseline.microsPerOp(), baseline.meanBytes());

        // Whole chunks as the consumer takes them: a full-window chunk (what a base holds), encoded and compressed,
        // repeatedly; then deltas after 20 more seconds of records, three warm-up rounds and three measured.
        ChunkEncoder encoder = new ChunkEncoder();
        Timed base = time(seconds, ledgers, l -> {
            l.rules().writeJournal(encoder.body(), true);
            return encoder.finish(l.deviceId(), 1, 0, true).bytes().length;
        }, true);
        out.printf("full-window chunk (encode + compress once): %.1f us/device, %.0f bytes, %.1f write units%n",
                base.microsPerOp(), base.meanBytes(), base.meanUnits());
        for (DeviceLedger l : ledgers) {
            l.takeChunk(encoder); // each ledger's first chunk: its base
        }

        List<RecoveryChunk> deltas = new ArrayList<>();
        double deltaMicros = 0;
        for (int round = 0; round < 6; round++) {
            for (int s = fillSeconds + round * 20; s < fillSeconds + (round + 1) * 20; s++) {
                for (int d = 0; d < deviceCount; d++) {
                    TelemetryRecord r = fleet.get(d).next(s, t0 + s * 1000L);
                    ledgers.get(d).offer(r, r.tsMillis());
                    engine.onApplied(ledgers.get(d).rules(), r, r.tsMillis());
                }
            }
            engine.drainTransitions();
            long start = System.nanoTime();
            List<RecoveryChunk> taken = new ArrayList<>();
            for (DeviceLedger l : ledgers) {
                taken.add(l.takeChunk(encoder));
            }
            if (round >= 3) {
                deltaMicros += (System.nanoTime() - start) / 1_000.0;
                deltas.addAll(taken);
            }
        }
        double deltaBytes = deltas.stream().mapToInt(c -> c.bytes().length).average().orElse(0);
        double deltaUnits = deltas.stream().mapToInt(c -> units(c.bytes().length)).average().orElse(0);
        long bases = deltas.stream().filter(RecoveryChunk::base).count();
        out.printf("delta chunk (20 records, encode + compress once): %.1f us/device, %.0f bytes, %.2f write units"
                + " (%d of %d were bases)%n", deltaMicros / deltas.size(), deltaBytes, deltaUnits, bases,
                deltas.size());
        double perRecord = (deltaUnits + base.meanUnits() / 15.5) / 20;
        out.printf("journal write units per record at 1 record/s, 20-s interval, a base every 15.5 chunks on"
                + " average: %.3f%n", perRecord);
    }

    private static int units(int chunkBytes) {
        return (chunkBytes + ITEM_OVERHEAD_BYTES + 1023) / 1024;
    }

    /** A measured operation: bytes it produced. */
    interface Op {
        int apply(DeviceLedger ledger) throws IOException;
    }

    record Timed(double microsPerOp, double meanBytes, double meanUnits) {}

    /**
     * Runs {@code op} over every ledger, round after round for at least {@code seconds} when {@code repeat}, else
     * one round (an op that changes the ledgers).
     */
    private static Timed time(double seconds, List<DeviceLedger> ledgers, Op op, boolean repeat) throws IOException {
        long ops = 0;
        long bytes = 0;
        long units = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        do {
            for (DeviceLedger l : ledgers) {
                int n = op.apply(l);
                bytes += n;
                units += units(n);
                ops++;
            }
        } while (repeat && System.nanoTime() < deadline);
        long elapsed = System.nanoTime() - start;
        return new Timed(elapsed / 1_000.0 / ops, (double) bytes / ops, (double) units / ops);
    }

    /** One simulated device: noisy sensors, slow drifts. */
    private static final class Fleet {
        private final String id;
        private final boolean pump;
        private final Random random;
        private double infusedMl;
        private double batteryPct = 95;
        private double acidMl = 6_000;
        private long seq;

        Fleet(String id, boolean pump, long seed) {
            this.id = id;
            this.pump = pump;
            this.random = new Random(seed);
        }

        TelemetryRecord next(int second, long tsMillis) {
            if (pump) {
                boolean running = second % 300 < 280; // a pause every 5 minutes
                double rate = 83;
                if (running) {
                    infusedMl += rate / 3600;
                }
                batteryPct -= 0.0005;
                return new PumpRecord(new Envelope(id, DeviceType.INFUSION_PUMP, seq++, tsMillis, "LVP-200", "col-1",
                        "ICU-4A", "1.4.2", null),
                        new PumpMetrics(running ? PumpState.RUNNING : PumpState.PAUSED, running ? rate : 0,
                                infusedMl, 1_000, (running ? 80 : 2) + random.nextGaussian() * 1.5, batteryPct, false,
                                "INF-" + id, null, null));
            }
            acidMl -= 0.5;
            double ref = 14.0;
            return new DialysisRecord(new Envelope(id, DeviceType.DIALYSIS, seq++, tsMillis, "HD-5008", "col-2",
                    "DIALYSIS-2", "3.1", null),
                    new DialysisMetrics(DialysisState.TREATMENT, 300 + random.nextGaussian(), 500,
                            -150 + random.nextGaussian(), 150 + random.nextGaussian(), 100 + random.nextGaussian(),
                            ref + random.nextGaussian() * 0.02, ref, 37 + random.nextGaussian() * 0.05, 37, 500,
                            2_000, acidMl, second / 60.0, 240, 100, null, null));
        }
    }
}
