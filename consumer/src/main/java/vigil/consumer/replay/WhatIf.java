package vigil.consumer.replay;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import vigil.burden.AlertHistory;
import vigil.burden.BurdenReport;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.DeviceType;

/**
 * {@code vigil replay FILE --settings A.json --compare B.json}: one pass over the file feeds every line to two
 * replays, one per settings file, and compares their alerts (docs/alarm-burden.md, "What-if"). An alert is the same
 * under A and B when its deterministic {@code alertId} ({@code deviceId:type:raisedTs}) is; an alert of one side
 * only that overlaps in time an alert of the same device and type of the other side only is reported as raised at
 * another time, not as one disappearing and one appearing.
 *
 * <p><b>Threading contract.</b> A's side ({@link #lineA}, the span, replay A and its alerts) and B's side may run on
 * two threads; everything else runs after both threads ended (joined).
 */
final class WhatIf {
    private final Replay a;
    private final Replay b;
    private final BurdenCollector alertsA = new BurdenCollector();
    private final BurdenCollector alertsB = new BurdenCollector();
    private final FileSpan span = new FileSpan();

    WhatIf(SettingsSource settingsA, SettingsSource settingsB) {
        this.a = new Replay(settingsA, alertsA);
        this.b = new Replay(settingsB, alertsB);
    }

    /** What runs under A: the file's span and replay A. Call from one thread. */
    void lineA(byte[] buffer, int offset, int length) {
        span.line(buffer, offset, length);
        a.line(buffer, offset, length);
    }

    /** Replay B. Call from one thread (may differ from {@link #lineA}'s: the two share nothing). */
    void lineB(byte[] buffer, int offset, int length) {
        b.line(buffer, offset, length);
    }

    void finish(Long nowMillis) {
        a.finish(nowMillis);
        b.finish(nowMillis);
    }

    /** The outcome, once {@link #finish} ran; null when no line had a ts. */
    Result result(Long nowMillis) {
        if (span.isEmpty()) {
            return null;
        }
        long from = span.fromMillis();
        long to = span.toMillis(nowMillis);
        BurdenReport reportA = alertsA.report(from, to, a.devicesInScope());
        BurdenReport reportB = alertsB.report(from, to, b.devicesInScope());
        Map<String, AlertHistory> byIdA = byId(alertsA);
        Map<String, AlertHistory> byIdB = byId(alertsB);
        List<AlertHistory> onlyA = only(byIdA, byIdB);
        List<AlertHistory> onlyB = only(byIdB, byIdA);
        List<Moved> moved = pairOverlapping(onlyA, onlyB);
        List<TypeLine> types = new ArrayList<>();
        for (AlertType type : AlertType.all()) {
            double deviceDays = 0;
            for (BurdenReport.Group g : reportA.groups()) {
                DeviceType deviceType = g.deviceType() == null ? null : DeviceType.fromWireName(g.deviceType());
                if (deviceType != null && type.appliesTo(deviceType)) {
                    deviceDays += g.deviceDays();
                }
            }
            int countA = count(reportA, type);
            int countB = count(reportB, type);
            types.add(new TypeLine(type.name(), deviceDays, countA, countB));
        }
        return new Result(reportA, reportB, types, onlyA, onlyB, moved);
    }

    /**
     * Takes out of {@code onlyA} and {@code onlyB} the pairs of the same device and type whose open intervals
     * ({@code [raise, clear]}, open-ended while not cleared) overlap: the same condition, raised at another time.
     */
    static List<Moved> pairOverlapping(List<AlertHistory> onlyA, List<AlertHistory> onlyB) {
        List<Moved> moved = new ArrayList<>();
        for (var it = onlyA.iterator(); it.hasNext(); ) {
            AlertHistory a = it.next();
            for (var jt = onlyB.iterator(); jt.hasNext(); ) {
                AlertHistory b = jt.next();
                if (a.deviceId().equals(b.deviceId()) && a.alertType().equals(b.alertType())
                        && a.raisedMillis() <= clearedOrMax(b) && b.raisedMillis() <= clearedOrMax(a)) {
                    moved.add(new Moved(a, b));
                    it.remove();
                    jt.remove();
                    break;
                }
            }
        }
        return moved;
    }

    private static long clearedOrMax(AlertHistory h) {
        long cleared = Long.MAX_VALUE;
        for (AlertHistory.Step step : h.steps()) {
            if ("CLEARED".equals(step.change())) {
                cleared = step.atMillis();
            }
        }
        return cleared;
    }

    /** The same device's same condition, raised under A and under B at different times. */
    record Moved(AlertHistory underA, AlertHistory underB) {}

    private static Map<String, AlertHistory> byId(BurdenCollector c) {
        return c.alerts().stream().collect(Collectors.toMap(AlertHistory::alertId, Function.identity()));
    }

    private static List<AlertHistory> only(Map<String, AlertHistory> in, Map<String, AlertHistory> notIn) {
        List<AlertHistory> out = new ArrayList<>();
        for (AlertHistory h : in.values()) {
            if (!notIn.containsKey(h.alertId())) {
                out.add(h);
            }
        }
        out.sort(Comparator.comparingLong(AlertHistory::raisedMillis).thenComparing(AlertHistory::alertId));
        return out;
    }

    private static int count(BurdenReport r, AlertType type) {
        int n = 0;
        for (BurdenReport.Row row : r.rows()) {
            if (row.alertType().equals(type.name())) {
                n += row.alerts();
            }
        }
        return n;
    }

    /** Alerts of one type under A and B over the device-days of the devices the type applies to. */
    record TypeLine(String alertType, double deviceDays, int alertsA, int alertsB) {
        Double perDeviceDayA() {
            return deviceDays > 0 ? alertsA / deviceDays : null;
        }

        Double perDeviceDayB() {
            return deviceDays > 0 ? alertsB / deviceDays : null;
        }
    }

    /** Both reports, the per-type comparison and the alerts of only one side, each by raise time. */
    record Result(BurdenReport reportA, BurdenReport reportB, List<TypeLine> types, List<AlertHistory> onlyA,
            List<AlertHistory> onlyB, List<Moved> moved) {

        void print(PrintStream out, String nameA, String nameB) {
            out.printf(Locale.ROOT, "What-if over %s .. %s (%.2f days), %d devices: A = %s, B = %s%n",
                    reportA.from(), reportA.to(), reportA.days(), reportA.devices(), nameA, nameB);
            String format = "%-26s %12s %8s %10s %8s %10s %7s%n";
            out.printf(Locale.ROOT, format, "alert type", "device-days", "A alerts", "A /dev-day", "B alerts",
                    "B /dev-day", "B - A");
            for (TypeLine t : types) {
                if (t.deviceDays() == 0 && t.alertsA() == 0 && t.alertsB() == 0) {
                    continue;
                }
                out.printf(Locale.ROOT, format, t.alertType(), String.format(Locale.ROOT, "%.1f", t.deviceDays()),
                        t.alertsA(), rate(t.perDeviceDayA()), t.alertsB(), rate(t.perDeviceDayB()),
                        String.format(Locale.ROOT, "%+d", t.alertsB() - t.alertsA()));
            }
            out.printf("Alerts only under A (disappear with B): %d%n", onlyA.size());
            onlyA.forEach(h -> out.println("  - " + describe(h)));
            out.printf("Alerts only under B (appear with B): %d%n", onlyB.size());
            onlyB.forEach(h -> out.println("  + " + describe(h)));
            out.printf("Alerts raised at another time under B (same device and type, overlapping): %d%n",
                    moved.size());
            moved.forEach(m -> out.printf(Locale.ROOT, "  ~ %s %s raised %s under A, %s under B (%+.0f s)%n",
                    m.underA().deviceId(), m.underA().alertType(), Instant.ofEpochMilli(m.underA().raisedMillis()),
                    Instant.ofEpochMilli(m.underB().raisedMillis()),
                    (m.underB().raisedMillis() - m.underA().raisedMillis()) / 1000.0));
        }

        private static String rate(Double v) {
            return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }

        static String describe(AlertHistory h) {
            StringBuilder s = new StringBuilder();
            s.append(h.deviceId()).append(' ').append(h.alertType()).append(" raised ")
                    .append(Instant.ofEpochMilli(h.raisedMillis()));
            for (AlertHistory.Step step : h.steps()) {
                if ("CLEARED".equals(step.change())) {
                    s.append(", cleared ").append(Instant.ofEpochMilli(step.atMillis()));
                }
            }
            if (h.careUnit() != null) {
                s.append(" (").append(h.careUnit()).append(')');
            }
            return s.toString();
        }
    }


    String summaryA() {
        return a.summary();
    }

    String summaryB() {
        return b.summary();
    }
}
