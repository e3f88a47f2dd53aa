package vigil.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.RejectReason;
import vigil.telemetry.TelemetryRecord;

/**
 * Each ready-made alert scenario, run in virtual time and decoded back with the shared codec: the figure of the
 * alerts-v1 rule it targets crosses the rule's default threshold with margin on the faulted devices after the
 * fault's time, and stays on the healthy side on the control devices. Figures are computed as alerts-v1 defines
 * them, over the same windows.
 */
class ScenarioFaultsTest {
    private static final long MINUTE = 60_000;

    @Test
    void shouldDriftFlowByEightPercentBothWaysSoThatErrorPctPassesFive() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("flow-drift"));
        // alerts-v1 FLOW_ACCURACY_DRIFT: raise |errorPct| > 5, clear < 3; 10-minute window at the end of the run
        assertThat(flowErrorPct(pumps(run, "PUMP-0001"))).isBetween(7.0, 9.0);
        assertThat(flowErrorPct(pumps(run, "PUMP-0002"))).isBetween(-9.0, -7.0);
        assertThat(Math.abs(flowErrorPct(pumps(run, "PUMP-0003")))).isLessThan(1.0);
    }

    @Test
    void shouldOffsetThePausedPressureOfOnePumpByThirtyMmHg() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("pressure-offset"));
        long pauseEnd = startMillis(run) + 8 * MINUTE; // paused from 3 m for 5 m
        // alerts-v1 PRESSURE_SENSOR_OFFSET: mean over stopped/paused records of 2 min > 15 raises, < 8 clears
        Predicate<PumpRecord> paused = r -> r.metrics().state() == PumpState.PAUSED
                || r.metrics().state() == PumpState.STOPPED;
        double faulted = mean(window(pumps(run, "PUMP-0001"), pauseEnd - 2 * MINUTE, pauseEnd, paused),
                r -> r.metrics().pressureMmHg());
        double control = mean(window(pumps(run, "PUMP-0002"), pauseEnd - 2 * MINUTE, pauseEnd, paused),
                r -> r.metrics().pressureMmHg());
        assertThat(faulted).isGreaterThan(25.0);
        assertThat(control).isLessThan(8.0);
    }

    @Test
    void shouldDivergeThePrimaryConductivityCellByHalfAMilliSiemens() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("conductivity-drift"));
        long end = lastTs(run);
        // alerts-v1 CONDUCTIVITY_SENSOR_DRIFT: mean |cond - ref| over treatment records of 5 min > 0.20 raises
        ToDoubleFunction<DialysisRecord> divergence =
                r -> Math.abs(r.metrics().conductivityMsCm() - r.metrics().conductivityRefMsCm());
        assertThat(mean(window(dialysis(run, "DIAL-0001"), end - 5 * MINUTE, end, inTreatment()), divergence))
                .isGreaterThan(0.40);
        for (String control : List.of("DIAL-0002", "DIAL-0003")) {
            assertThat(mean(window(dialysis(run, control), end - 5 * MINUTE, end, inTreatment()), divergence))
                    .as(control).isLessThan(0.10);
        }
        // before the fault (minute 2) the faulted machine is healthy too
        long start = startMillis(run);
        assertThat(mean(window(dialysis(run, "DIAL-0001"), start, start + 2 * MINUTE - 1, inTreatment()),
                divergence)).isLessThan(0.10);
    }

    @Test
    void shouldDivergeThePrimaryTemperatureSensorByOneDegree() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("temperature-drift"));
        long end = lastTs(run);
        // alerts-v1 TEMPERATURE_SENSOR_DRIFT: mean |temp - ref| over treatment records of 5 min > 0.5 raises
        ToDoubleFunction<DialysisRecord> divergence =
                r -> Math.abs(r.metrics().dialysateTempC() - r.metrics().dialysateTempRefC());
        assertThat(mean(window(dialysis(run, "DIAL-0001"), end - 5 * MINUTE, end, inTreatment()), divergence))
                .isGreaterThan(0.85);
        assertThat(mean(window(dialysis(run, "DIAL-0002"), end - 5 * MINUTE, end, inTreatment()), divergence))
                .isLessThan(0.3);
    }

    @Test
    void shouldRunAnInfusionDownToEmptyThroughMediumAndHighThenStop() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("infusion-near-end"));
        List<PumpRecord> pump = pumps(run, "PUMP-0001");
        long start = startMillis(run);
        // alerts-v1 INFUSION_NEAR_END: minutesToEmpty = vtbi / measured rate x 60; < 15 MEDIUM, < 5 HIGH
        assertThat(minutesToEmpty(pump, start + 2 * MINUTE)).isBetween(9.0, 11.0);
        // a caregiver may pause the infusion now and then (seeded), so HIGH comes at about minute 7 or later
        double lowest = Double.MAX_VALUE;
        for (long t = start + 2 * MINUTE; t < start + 15 * MINUTE; t += MINUTE / 2) {
            PumpRecord newest = last(window(pump, Long.MIN_VALUE, t, r -> true));
            if (newest.metrics().state() == PumpState.RUNNING) {
                lowest = Math.min(lowest, minutesToEmpty(pump, t));
            }
        }
        assertThat(lowest).isLessThan(4.0);
        // the infusion ends (kvo: the "newest state not running" clear)
        assertThat(pump).anySatisfy(r -> assertThat(r.metrics().state()).isEqualTo(PumpState.KVO));
        assertThat(minutesToEmpty(pumps(run, "PUMP-0002"), start + 9 * MINUTE)).isGreaterThan(100.0);
    }

    @Test
    void shouldDrainAnUnpluggedBatteryAtFivePercentPerMinute() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("battery-depletion"));
        long start = startMillis(run);
        List<PumpRecord> off = window(pumps(run, "PUMP-0001"), start + MINUTE + 1_000, start + 8 * MINUTE,
                r -> !r.metrics().onMains());
        assertThat(off).hasSizeGreaterThan(400);
        // alerts-v1 BATTERY_DEPLETION: drain = -slope(batteryPct) per minute; minutesLeft = pct / drain
        double drainPctPerMin = -slopePerMinute(off, r -> r.metrics().batteryPct());
        assertThat(drainPctPerMin).isBetween(4.8, 5.2);
        double minutesLeftAt4 = battery(pumps(run, "PUMP-0001"), start + 4 * MINUTE) / drainPctPerMin;
        assertThat(minutesLeftAt4).isLessThan(20.0); // < 30: MEDIUM
        assertThat(last(pumps(run, "PUMP-0001")).metrics().batteryPct()).isLessThanOrEqualTo(3.0); // HIGH
        // the control drains at most at the normal 8 %/h (0.13 %/min) when it happens to be off mains
        assertThat(-slopePerMinute(pumps(run, "PUMP-0002"), r -> r.metrics().batteryPct())).isLessThan(0.2);
    }

    @Test
    void shouldLeaveAcidForAnHourLessThanTheRemainingTreatment() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("concentrate-low"));
        long end = lastTs(run);
        // alerts-v1 CONCENTRATE_LOW: minutesLeft = acid / -slope(acid) over 10 min of treatment;
        // raise when minutesLeft < remainingTreatmentMin + 10, clear at >= remaining + 20
        // 60 minutes short: minutesLeft = remaining - 60, so the margin is about -70
        assertThat(acidMargin(dialysis(run, "DIAL-0001"), end)).isBetween(-75.0, -65.0);
        assertThat(acidMargin(dialysis(run, "DIAL-0002"), end)).isGreaterThan(20.0);
    }

    @Test
    void shouldPutFilterHoursIntoTheLowAndMediumBands() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("filter-life"));
        // alerts-v1 FILTER_LIFE with limitHours 900: >= 850 LOW, >= 900 MEDIUM
        assertThat(last(dialysis(run, "DIAL-0001")).metrics().filterHours()).isBetween(870.0, 890.0);
        assertThat(last(dialysis(run, "DIAL-0002")).metrics().filterHours()).isGreaterThanOrEqualTo(905.0);
        assertThat(last(dialysis(run, "DIAL-0003")).metrics().filterHours()).isLessThan(850.0);
    }

    @Test
    void shouldSilenceTwoDevicesForNinetySecondsAndKeepTheOthersSending() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("device-offline"));
        // alerts-v1 DEVICE_OFFLINE: timeoutSec 30; the silence is 90 s, the seq continues without a gap
        assertThat(maxGapMillis(records(run, "PUMP-0001"))).isBetween(90_000L, 92_000L);
        assertThat(maxGapMillis(records(run, "DIAL-0001"))).isBetween(90_000L, 92_000L);
        assertThat(maxGapMillis(records(run, "PUMP-0002"))).isLessThanOrEqualTo(1_000L);
        assertThat(records(run, "PUMP-0001")).extracting(TelemetryRecord::seq)
                .isEqualTo(sequence(records(run, "PUMP-0001").size()));
        assertThat(run.schedule().counters().silenced()).isEqualTo(2 * 90);
    }

    @Test
    void shouldSendBurstsOfRejectedRecordsThatCountAgainstTheirDevice() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("data-quality"));
        Map<String, List<RejectReason>> rejected = new HashMap<>();
        for (ScenarioRuns.Line line : run.lines()) {
            if (line.result() instanceof DecodeResult.Rejected r) {
                rejected.computeIfAbsent(r.deviceId(), k -> new ArrayList<>()).add(r.reason());
            }
        }
        // alerts-v1 DATA_QUALITY: >= 5 rejected records attributed to the device within 5 min
        assertThat(rejected.keySet()).containsExactlyInAnyOrder("PUMP-0001", "DIAL-0001");
        assertThat(rejected.get("PUMP-0001")).hasSize(20)
                .contains(RejectReason.WRONG_TYPE, RejectReason.OUT_OF_RANGE);
        assertThat(rejected.get("DIAL-0001")).hasSize(10);
        // every valid record is still there: the seq of PUMP-0001 has no gap
        assertThat(records(run, "PUMP-0001")).extracting(TelemetryRecord::seq)
                .isEqualTo(sequence(records(run, "PUMP-0001").size()));
    }

    @Test
    void shouldDuplicateSwapAndDelayRecordsAsTheScenarioSays() {
        ScenarioRuns.Run run = ScenarioRuns.run(ScenarioRuns.load("stream-faults"));
        List<TelemetryRecord> dup = records(run, "PUMP-0001");
        assertThat(dup.size() - dup.stream().map(TelemetryRecord::seq).distinct().count()).isEqualTo(10);

        // swapped: 10 places where seq goes down by one, ts back by the send interval (well within 120 s)
        List<TelemetryRecord> swapped = records(run, "PUMP-0002");
        int inversions = 0;
        for (int i = 1; i < swapped.size(); i++) {
            if (swapped.get(i).seq() < swapped.get(i - 1).seq()) {
                inversions++;
                assertThat(swapped.get(i - 1).tsMillis() - swapped.get(i).tsMillis()).isLessThan(120_000);
            }
        }
        assertThat(inversions).isEqualTo(10);

        // late: 5 records arrive after a record of the same device more than 120 s newer (telemetry-v1 "late")
        List<TelemetryRecord> delayed = records(run, "PUMP-0003");
        int late = 0;
        long newest = 0;
        for (TelemetryRecord r : delayed) {
            if (newest - r.tsMillis() > 120_000) {
                late++;
            }
            newest = Math.max(newest, r.tsMillis());
        }
        assertThat(late).isEqualTo(5);
        // nothing lost: every seq of every device once (duplicates aside)
        for (String id : List.of("PUMP-0002", "PUMP-0003", "PUMP-0004")) {
            assertThat(records(run, id).stream().map(TelemetryRecord::seq).sorted().toList())
                    .as(id).isEqualTo(sequence(records(run, id).size()));
        }
    }

    // ---- figures as alerts-v1 defines them ----

    /** errorPct over the running pairs of the newest infusion in the last 10 minutes. */
    private static double flowErrorPct(List<PumpRecord> records) {
        PumpRecord newest = last(records);
        List<PumpRecord> w = window(records, newest.tsMillis() - 10 * MINUTE + 1, newest.tsMillis(), r -> true);
        double expectedMl = 0;
        double deliveredMl = 0;
        for (int i = 0; i + 1 < w.size(); i++) {
            PumpRecord a = w.get(i);
            PumpRecord b = w.get(i + 1);
            if (a.metrics().state() == PumpState.RUNNING
                    && newest.metrics().infusionId().equals(a.metrics().infusionId())
                    && newest.metrics().infusionId().equals(b.metrics().infusionId())) {
                expectedMl += a.metrics().rateMlPerHr() * (b.tsMillis() - a.tsMillis()) / 3_600_000.0;
                deliveredMl += b.metrics().infusedMl() - a.metrics().infusedMl();
            }
        }
        assertThat(expectedMl).as("expectedMl >= 2 (evaluable)").isGreaterThanOrEqualTo(2.0);
        return 100 * (deliveredMl - expectedMl) / expectedMl;
    }

    /** minutesToEmpty at {@code atMillis}: running records of the newest infusion in the 5 minutes before. */
    private static double minutesToEmpty(List<PumpRecord> records, long atMillis) {
        List<PumpRecord> upTo = window(records, Long.MIN_VALUE, atMillis, r -> true);
        PumpRecord newest = last(upTo);
        List<PumpRecord> w = window(upTo, atMillis - 5 * MINUTE + 1, atMillis,
                r -> r.metrics().state() == PumpState.RUNNING
                        && r.metrics().infusionId().equals(newest.metrics().infusionId()));
        double spanMin = (last(w).tsMillis() - w.get(0).tsMillis()) / 60_000.0;
        double rateMlPerHr = (last(w).metrics().infusedMl() - w.get(0).metrics().infusedMl()) / spanMin * 60;
        return newest.metrics().vtbiMl() / rateMlPerHr * 60;
    }

    /** minutesLeft - (remainingTreatmentMin + 10): negative raises CONCENTRATE_LOW. */
    private static double acidMargin(List<DialysisRecord> records, long end) {
        List<DialysisRecord> w = window(records, end - 10 * MINUTE + 1, end, inTreatment());
        double consumptionMlPerMin = -slopePerMinute(w, r -> r.metrics().acidRemainingMl());
        DialysisRecord newest = last(w);
        double minutesLeft = newest.metrics().acidRemainingMl() / consumptionMlPerMin;
        double remaining = newest.metrics().treatmentPlannedMin() - newest.metrics().treatmentElapsedMin();
        return minutesLeft - (remaining + 10);
    }

    private static <R extends TelemetryRecord> double slopePerMinute(List<R> records, ToDoubleFunction<R> y) {
        double n = records.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        long t0 = records.get(0).tsMillis();
        for (R r : records) {
            double x = (r.tsMillis() - t0) / 60_000.0;
            double v = y.applyAsDouble(r);
            sx += x;
            sy += v;
            sxx += x * x;
            sxy += x * v;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    private static double battery(List<PumpRecord> records, long atMillis) {
        return last(window(records, Long.MIN_VALUE, atMillis, r -> true)).metrics().batteryPct();
    }

    // ---- helpers ----

    private static Predicate<DialysisRecord> inTreatment() {
        return r -> r.metrics().state() == DialysisState.TREATMENT;
    }

    private static <R extends TelemetryRecord> List<R> window(List<R> records, long fromMillis, long toMillis,
            Predicate<R> match) {
        return records.stream()
                .filter(r -> r.tsMillis() >= fromMillis && r.tsMillis() <= toMillis && match.test(r))
                .toList();
    }

    private static <R extends TelemetryRecord> double mean(List<R> records, ToDoubleFunction<R> f) {
        assertThat(records).as("records in the window").isNotEmpty();
        return records.stream().mapToDouble(f).average().orElseThrow();
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private static List<TelemetryRecord> records(ScenarioRuns.Run run, String deviceId) {
        List<TelemetryRecord> out = new ArrayList<>();
        for (ScenarioRuns.Line line : run.lines()) {
            if (line.result() instanceof DecodeResult.Decoded d && d.record().deviceId().equals(deviceId)) {
                out.add(d.record());
            }
        }
        return out;
    }

    private static List<PumpRecord> pumps(ScenarioRuns.Run run, String deviceId) {
        return records(run, deviceId).stream().map(PumpRecord.class::cast).toList();
    }

    private static List<DialysisRecord> dialysis(ScenarioRuns.Run run, String deviceId) {
        return records(run, deviceId).stream().map(DialysisRecord.class::cast).toList();
    }

    private static long startMillis(ScenarioRuns.Run run) {
        return ((DecodeResult.Decoded) run.lines().get(0).result()).record().tsMillis();
    }

    private static long lastTs(ScenarioRuns.Run run) {
        long max = Long.MIN_VALUE;
        for (ScenarioRuns.Line line : run.lines()) {
            if (line.result() instanceof DecodeResult.Decoded d) {
                max = Math.max(max, d.record().tsMillis());
            }
        }
        return max;
    }

    private static long maxGapMillis(List<TelemetryRecord> records) {
        long max = 0;
        for (int i = 1; i < records.size(); i++) {
            max = Math.max(max, records.get(i).tsMillis() - records.get(i - 1).tsMillis());
        }
        return max;
    }

    private static List<Long> sequence(int n) {
        List<Long> seqs = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            seqs.add(i);
        }
        return seqs;
    }
}
