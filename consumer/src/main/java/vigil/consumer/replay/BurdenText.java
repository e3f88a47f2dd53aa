package vigil.consumer.replay;

import java.io.PrintStream;
import java.util.Locale;
import vigil.burden.BurdenReport;

/** The alarm burden report as a plain-text table (the output of {@code vigil replay --report}). */
final class BurdenText {
    private static final String ROW = "%-12s %-14s %-26s %6s %9s %6s %6s %6s %9s %8s %8s%n";

    private BurdenText() {}

    static void print(BurdenReport r, PrintStream out) {
        out.printf(Locale.ROOT, "Alarm burden %s .. %s (%.2f days): %d devices, %.1f device-days, %d alerts%n",
                r.from(), r.to(), r.days(), r.devices(), r.deviceDays(), r.alerts());
        out.printf(Locale.ROOT, ROW, "care unit", "device type", "alert type", "alerts", "/dev-day", "escal",
                "latch", "acked", "nuisance", "ack p50", "ack p90");
        for (BurdenReport.Row row : r.rows()) {
            out.printf(Locale.ROOT, ROW, orDash(row.careUnit()), orDash(row.deviceType()), row.alertType(),
                    row.alerts(), row.alertsPerDeviceDay() == null ? "-" : fixed(row.alertsPerDeviceDay(), 3),
                    row.escalated(), row.latched(), row.acknowledged(),
                    fixed(100 * row.nuisanceShare(), 1) + "%", seconds(row.ackMedianSeconds()),
                    seconds(row.ackP90Seconds()));
        }
        out.println("nuisance: cleared by itself within 5 min of its raise, never acknowledged;"
                + " ack: time from raise to acknowledgement (none in a replay: files carry no acknowledgements)");
        out.println("Devices per care unit and type (denominator):");
        for (BurdenReport.Group g : r.groups()) {
            out.printf(Locale.ROOT, "  %-12s %-14s %5d devices %9.1f device-days%n", orDash(g.careUnit()),
                    orDash(g.deviceType()), g.devices(), g.deviceDays());
        }
        out.println("Devices with the most alerts:");
        for (BurdenReport.TopDevice d : r.topDevices()) {
            out.printf(Locale.ROOT, "  %-12s %-12s %-14s %5d%n", d.deviceId(), orDash(d.careUnit()),
                    orDash(d.deviceType()), d.alerts());
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String seconds(Double s) {
        return s == null ? "-" : fixed(s, 0) + "s";
    }
}
