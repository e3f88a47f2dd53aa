package vigil.consumer.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/**
 * The incremental aggregates of the pump window equal a recomputation over the applied records after every record,
 * with records arriving up to 100 s out of order, states and infusions changing, and capacity growth; with the v1.1
 * match conditions: settled stopped/paused samples (10 s into their run) and running pairs whose ts gap and arrival
 * gap differ by at most 30 s.
 */
class PumpWindowPropertyTest {
    private static final long T0 = 1_795_340_400_000L;

    @Property(tries = 60, seed = "42")
    void incrementalAggregatesEqualARecomputationAfterEveryRecord(@ForAll long seed) {
        Random random = new Random(seed);
        List<PumpRecord> records = new ArrayList<>();
        long ts = T0;
        double infused = 0;
        String infusion = "a";
        PumpState[] states = PumpState.values();
        for (int i = 0; i < 400; i++) {
            ts += 1_000 + random.nextInt(random.nextInt(10) == 0 ? 60_000 : 10_000);
            if (random.nextInt(150) == 0) {
                infusion = infusion + "x";
                infused = 0;
            }
            PumpState state = states[random.nextInt(10) < 7 ? 0 : random.nextInt(states.length)];
            records.add(new PumpRecord(Envelope.of("PUMP-9", DeviceType.INFUSION_PUMP, i, ts),
                    new PumpMetrics(state, 10 + random.nextInt(200), infused, 500, random.nextInt(40),
                            100 - i * 0.1, random.nextInt(3) == 0, infusion, null, null)));
            infused += random.nextDouble() * 3;
        }
        java.util.Map<PumpRecord, Long> arrivalKey = new java.util.IdentityHashMap<>();
        for (PumpRecord r : records) {
            // mostly within 3 s, one in five delayed up to 100 s (those pairs differ in arrival gap: left out)
            long delay = random.nextInt(5) == 0 ? (long) (random.nextDouble() * 100_000) : random.nextInt(3_000);
            arrivalKey.put(r, r.tsMillis() + delay);
        }
        List<PumpRecord> arrival = new ArrayList<>(records);
        arrival.sort(Comparator.comparingLong(arrivalKey::get));

        SingleWriterPumpWindow w = new SingleWriterPumpWindow();
        List<PumpRecord> applied = new ArrayList<>();
        for (PumpRecord r : arrival) {
            long newest = applied.isEmpty() ? Long.MIN_VALUE : applied.get(applied.size() - 1).tsMillis();
            if (r.tsMillis() < newest - 120_000) {
                continue; // late: not applied (telemetry-v1)
            }
            w.offer(r.tsMillis(), arrivalKey.get(r), r.metrics());
            applied.add(r);
            applied.sort(Comparator.comparingLong(PumpRecord::tsMillis)); // stable: equal ts keep arrival order
            check(w, applied, arrivalKey, seed);
        }
    }

    private static boolean stoppedOrPaused(PumpRecord r) {
        PumpState s = r.metrics().state();
        return s == PumpState.STOPPED || s == PumpState.PAUSED;
    }

    private static void check(
            SingleWriterPumpWindow w, List<PumpRecord> applied, java.util.Map<PumpRecord, Long> arrival, long seed) {
        PumpRecord newestRecord = applied.get(applied.size() - 1);
        long now = newestRecord.tsMillis();
        String infusion = newestRecord.metrics().infusionId();
        double expected = 0;
        double delivered = 0;
        long span = 0;
        double pressureSum = 0;
        int pressureCount = 0;
        long runStart = Long.MIN_VALUE;
        for (int i = 0; i < applied.size(); i++) {
            PumpRecord a = applied.get(i);
            runStart = !stoppedOrPaused(a) ? Long.MIN_VALUE
                    : i > 0 && stoppedOrPaused(applied.get(i - 1)) ? runStart : a.tsMillis();
            boolean sameClock = i + 1 < applied.size() && Math.abs((applied.get(i + 1).tsMillis() - a.tsMillis())
                    - (arrival.get(applied.get(i + 1)) - arrival.get(a))) <= 30_000;
            if (i + 1 < applied.size() && a.tsMillis() > now - 600_000 && a.metrics().state() == PumpState.RUNNING
                    && infusion.equals(a.metrics().infusionId())
                    && infusion.equals(applied.get(i + 1).metrics().infusionId()) && sameClock) {
                PumpRecord b = applied.get(i + 1);
                expected += (float) a.metrics().rateMlPerHr() * (double) (b.tsMillis() - a.tsMillis()) / 3_600_000.0;
                delivered += b.metrics().infusedMl() - a.metrics().infusedMl();
                span += b.tsMillis() - a.tsMillis();
            }
            if (a.tsMillis() > now - 120_000 && stoppedOrPaused(a) && a.tsMillis() - runStart >= 10_000) {
                pressureSum += (float) a.metrics().pressureMmHg();
                pressureCount++;
            }
        }
        assertThat(w.nowMillis()).isEqualTo(now);
        assertThat(w.flowSpanMillis()).as("seed %d", seed).isEqualTo(span);
        assertThat(w.flowExpectedMl()).as("seed %d", seed).isCloseTo(expected, within(1e-6));
        assertThat(w.flowDeliveredMl()).as("seed %d", seed).isCloseTo(delivered, within(1e-6));
        if (pressureCount == 0) {
            assertThat(w.pressureMeanMmHg()).isNaN();
        } else {
            assertThat(w.pressureMeanMmHg()).as("seed %d", seed).isCloseTo(pressureSum / pressureCount, within(1e-6));
        }
    }
}
