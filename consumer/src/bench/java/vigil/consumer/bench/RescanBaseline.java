package vigil.consumer.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryRecord;

/**
 * The straightforward baseline: the same decoder, duplicates by a set of recent seqs per device, the decoded
 * records of the last 10 min in an {@code ArrayDeque} per device (sorted by ts; an out-of-order record is put in
 * place by popping and re-pushing), and after every applied record every rule's figure recomputed by rescanning the
 * window, then compared with the default raise/clear thresholds (open/closed per type; no history, no settings).
 * Single thread.
 */
final class RescanBaseline {
    private static final long RETAIN_MILLIS = 600_000;

    private final TelemetryDecoder decoder = new TelemetryDecoder();
    private final Map<String, Device> devices = new HashMap<>();
    long raised;
    long rejected;
    long duplicates;
    long late;

    private static final class Device {
        final ArrayDeque<TelemetryRecord> window = new ArrayDeque<>();
        final Set<Long> seqs = new HashSet<>();
        final ArrayDeque<Long> seqOrder = new ArrayDeque<>();
        long newestTs = Long.MIN_VALUE;
        final boolean[] open = new boolean[11];
    }

    void line(byte[] bytes, int offset, int length, long nowMillis) {
        DecodeResult result = decoder.decode(bytes, offset, length, nowMillis);
        if (!(result instanceof DecodeResult.Decoded decoded)) {
            rejected++;
            return;
        }
        apply(decoded.record());
    }

    /**
     * Priming for a steady-state measurement: as {@link #line}, but the rules are not evaluated (their rescans are
     * what is measured later, and priming 10 minutes of windows with them would dominate the run's time).
     */
    void prime(byte[] bytes, int offset, int length, long nowMillis) {
        DecodeResult result = decoder.decode(bytes, offset, length, nowMillis);
        if (!(result instanceof DecodeResult.Decoded decoded)) {
            rejected++;
            return;
        }
        evaluate = false;
        apply(decoded.record());
        evaluate = true;
    }

    private boolean evaluate = true;

    /** The part after decoding, for the engine-only comparison. */
    void apply(TelemetryRecord r) {
        Device d = devices.computeIfAbsent(r.deviceId(), k -> new Device());
        if (!d.seqs.add(r.seq())) {
            duplicates++;
            return;
        }
        d.seqOrder.addLast(r.seq());
        if (d.seqOrder.size() > 1024) {
            d.seqs.remove(d.seqOrder.removeFirst());
        }
        if (d.newestTs != Long.MIN_VALUE && r.tsMillis() < d.newestTs - 120_000) {
            late++;
            return;
        }
        insert(d, r);
        if (!evaluate) {
            return;
        }
        if (r instanceof PumpRecord) {
            pumpRules(d);
        } else {
            dialysisRules(d);
        }
    }

    private static void insert(Device d, TelemetryRecord r) {
        List<TelemetryRecord> after = new ArrayList<>();
        while (!d.window.isEmpty() && d.window.peekLast().tsMillis() > r.tsMillis()) {
            after.add(d.window.pollLast());
        }
        d.window.addLast(r);
        for (int i = after.size() - 1; i >= 0; i--) {
            d.window.addLast(after.get(i));
        }
        d.newestTs = d.window.peekLast().tsMillis();
        while (d.window.peekFirst().tsMillis() <= d.newestTs - RETAIN_MILLIS) {
            d.window.pollFirst();
        }
    }

    private void pumpRules(Device d) {
        long now = d.newestTs;
        PumpMetrics newest = ((PumpRecord) d.window.peekLast()).metrics();
        String infusion = newest.infusionId();
        double expected = 0;
        double delivered = 0;
        long span = 0;
        double pressureSum = 0;
        int pressureN = 0;
        long pressureFirst = -1;
        long pressureLast = -1;
        double nearFirstMl = Double.NaN;
        long nearFirstTs = -1;
        double n = 0;
        double st = 0;
        double sx = 0;
        double stt = 0;
        double stx = 0;
        long batFirst = -1;
        long batLast = -1;
        PumpRecord prev = null;
        for (Iterator<TelemetryRecord> it = d.window.iterator(); it.hasNext(); ) {
            PumpRecord p = (PumpRecord) it.next();
            PumpMetrics m = p.metrics();
            long ts = p.tsMillis();
            if (prev != null && prev.tsMillis() > now - 600_000 && prev.metrics().state() == PumpState.RUNNING
                    && java.util.Objects.equals(prev.metrics().infusionId(), infusion)
                    && java.util.Objects.equals(m.infusionId(), infusion)) {
                expected += prev.metrics().rateMlPerHr() * (ts - prev.tsMillis()) / 3_600_000.0;
                delivered += m.infusedMl() - prev.metrics().infusedMl();
                span += ts - prev.tsMillis();
            }
            if (ts > now - 120_000 && (m.state() == PumpState.STOPPED || m.state() == PumpState.PAUSED)) {
                pressureSum += m.pressureMmHg();
                pressureN++;
                pressureFirst = pressureFirst < 0 ? ts : pressureFirst;
                pressureLast = ts;
            }
            if (ts > now - 300_000 && m.state() == PumpState.RUNNING
                    && java.util.Objects.equals(m.infusionId(), infusion) && nearFirstTs < 0) {
                nearFirstTs = ts;
                nearFirstMl = m.infusedMl();
            }
            if (ts > now - 600_000 && !m.onMains()) {
                double t = (ts - now) / 60_000.0;
                n++;
                st += t;
                sx += m.batteryPct();
                stt += t * t;
                stx += t * m.batteryPct();
                batFirst = batFirst < 0 ? ts : batFirst;
                batLast = ts;
            }
            prev = p;
        }
        double error = span >= 300_000 && expected >= 2 ? 100 * (delivered - expected) / expected : Double.NaN;
        verdict(d, 0, Math.abs(error), 5.0, 3.0);
        double pressure = pressureN >= 2 && pressureLast - pressureFirst >= 60_000 ? pressureSum / pressureN
                : Double.NaN;
        verdict(d, 1, pressure, 15, 8);
        long nearSpan = now - nearFirstTs;
        double rate = nearFirstTs >= 0 && nearSpan >= 60_000
                ? (newest.infusedMl() - nearFirstMl) / nearSpan * 3_600_000.0 : newest.rateMlPerHr();
        double minutesToEmpty = newest.state() == PumpState.RUNNING && rate >= 0.1 ? newest.vtbiMl() / rate * 60
                : Double.NaN;
        verdict(d, 5, minutesToEmpty < 15 ? 1 : minutesToEmpty >= 20 ? 0 : Double.NaN, 0.5, 0.5);
        double slope = n >= 2 ? (n * stx - st * sx) / (n * stt - st * st) : Double.NaN;
        double minutesLeft = batLast - batFirst >= 180_000 && -slope > 0.01 ? newest.batteryPct() / -slope
                : Double.NaN;
        verdict(d, 6, newest.onMains() ? 0 : minutesLeft < 30 || newest.batteryPct() <= 10 ? 1 : 0, 0.5, 0.5);
    }

    private void dialysisRules(Device d) {
        long now = d.newestTs;
        DialysisMetrics newest = ((DialysisRecord) d.window.peekLast()).metrics();
        double cond = 0;
        double temp = 0;
        int divN = 0;
        long divFirst = -1;
        double n = 0;
        double st = 0;
        double sx = 0;
        double stt = 0;
        double stx = 0;
        long acidFirst = -1;
        double previousAcid = Double.NaN;
        for (Iterator<TelemetryRecord> it = d.window.iterator(); it.hasNext(); ) {
            DialysisRecord r = (DialysisRecord) it.next();
            DialysisMetrics m = r.metrics();
            long ts = r.tsMillis();
            if (m.acidRemainingMl() - previousAcid > 500) { // reset: restart the acid sums
                n = 0;
                st = 0;
                sx = 0;
                stt = 0;
                stx = 0;
                acidFirst = -1;
            }
            previousAcid = m.acidRemainingMl();
            if (m.state() != DialysisState.TREATMENT) {
                continue;
            }
            if (ts > now - 300_000) {
                cond += Math.abs(m.conductivityMsCm() - m.conductivityRefMsCm());
                temp += Math.abs(m.dialysateTempC() - m.dialysateTempRefC());
                divN++;
                divFirst = divFirst < 0 ? ts : divFirst;
            }
            if (ts > now - 600_000) {
                double t = (ts - now) / 60_000.0;
                n++;
                st += t;
                sx += m.acidRemainingMl();
                stt += t * t;
                stx += t * m.acidRemainingMl();
                acidFirst = acidFirst < 0 ? ts : acidFirst;
            }
        }
        boolean divEvaluable = divN >= 2 && now - divFirst >= 150_000;
        verdict(d, 2, divEvaluable ? cond / divN : Double.NaN, 0.2, 0.1);
        verdict(d, 3, divEvaluable ? temp / divN : Double.NaN, 0.5, 0.3);
        double slope = n >= 2 ? (n * stx - st * sx) / (n * stt - st * st) : Double.NaN;
        double minutesLeft = acidFirst >= 0 && now - acidFirst >= 180_000 && -slope > 0.01
                ? newest.acidRemainingMl() / -slope : Double.NaN;
        double remaining = newest.treatmentPlannedMin() - newest.treatmentElapsedMin();
        verdict(d, 7, minutesLeft < remaining + 10 ? 1 : minutesLeft >= remaining + 20 ? 0 : Double.NaN, 0.5, 0.5);
        verdict(d, 8, newest.filterHours(), 850, 849.999);
    }

    private void verdict(Device d, int type, double figure, double raise, double clear) {
        if (Double.isNaN(figure)) {
            return;
        }
        if (figure > raise) {
            if (!d.open[type]) {
                d.open[type] = true;
                raised++;
            }
        } else if (figure < clear) {
            d.open[type] = false;
        }
    }

    int deviceCount() {
        return devices.size();
    }
}
