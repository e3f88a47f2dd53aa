package vigil.consumer.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryRecord;

/**
 * Seeded telemetry streams with faults that switch on and off in 10-minute phases, levels far from the
 * thresholds' hysteresis bands, so that each fault raises once and clears once whatever the arrival order. A pump
 * does not change state here: the running-pair rule charges a whole gap to the state of the pair's first record,
 * so a state change seen through a reordering gap legitimately changes the intermediate figures.
 */
public final class StreamGenerator {
    private StreamGenerator() {}

    /** One pump and one dialysis machine, a record every 5 to 15 s each, for {@code minutes}. */
    public static List<TelemetryRecord> stream(long seed, int minutes) {
        Random random = new Random(seed);
        List<TelemetryRecord> out = new ArrayList<>();
        double infused = 0;
        long seq = 0;
        double s = 0;
        while (s < minutes * 60) { // always running: 10 min exact, 10 min +12 % delivered
            boolean high = (int) (s / 600) % 2 == 1;
            out.add(Records.pump("PUMP-0001", seq++, s, PumpState.RUNNING, 120, infused, 5000, 80, 100, true,
                    "inf-1"));
            int dtSeconds = 5 + random.nextInt(11);
            infused += 120.0 / 3600 * dtSeconds * (high ? 1.12 : 1.0);
            s += dtSeconds;
        }
        seq = 0;
        for (s = 0; s < minutes * 60; s += 5 + random.nextInt(11)) { // always stopped: 10 min at 30 mmHg, 10 at 0
            boolean offset = (int) (s / 600) % 2 == 1;
            double pressure = (offset ? 30 : 0) + random.nextGaussian();
            out.add(Records.pump("PUMP-0002", seq++, s, PumpState.STOPPED, 0, 0, 0, pressure, 100, true, null));
        }
        seq = 0;
        for (s = 0; s < minutes * 60; s += 5 + random.nextInt(11)) {
            boolean drift = (int) (s / 600) % 2 == 1;
            double ref = 14 + random.nextGaussian() * 0.01;
            out.add(Records.dialysis("DIAL-0001", seq++, s, DialysisState.TREATMENT, ref + (drift ? 0.5 : 0), ref,
                    37, 37, 5000, 60, 240, 100));
        }
        out.sort(Comparator.comparingLong(TelemetryRecord::tsMillis));
        return out;
    }

    /** Arrival order where each record is delayed by up to {@code maxDelayMillis} (< 120 s): never late. */
    public static List<TelemetryRecord> shuffled(List<TelemetryRecord> inOrder, long seed, long maxDelayMillis) {
        Random random = new Random(seed);
        List<long[]> keys = new ArrayList<>();
        for (int i = 0; i < inOrder.size(); i++) {
            keys.add(new long[] {inOrder.get(i).tsMillis() + (long) (random.nextDouble() * maxDelayMillis), i});
        }
        keys.sort(Comparator.comparingLong((long[] k) -> k[0]).thenComparingLong(k -> k[1]));
        List<TelemetryRecord> out = new ArrayList<>();
        for (long[] k : keys) {
            out.add(inOrder.get((int) k[1]));
        }
        return out;
    }
}
