package vigil.consumer.rules;

import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/** Hand-made telemetry for rule tests. Times are offsets from {@link #T0} in seconds unless named otherwise. */
public final class Records {
    public static final long T0 = 1_795_340_400_000L;

    private Records() {}

    public static long at(double seconds) {
        return T0 + Math.round(seconds * 1000);
    }

    /** A pump record; every metric given explicitly where a rule reads it. */
    public static PumpRecord pump(String id, long seq, double atSeconds, PumpState state, double rateMlPerHr,
            double infusedMl, double vtbiMl, double pressureMmHg, double batteryPct, boolean onMains,
            String infusionId) {
        return new PumpRecord(
                new Envelope(id, DeviceType.INFUSION_PUMP, seq, at(atSeconds), "LVP-200", "col-1", "ICU-4A", "1.0",
                        null),
                new PumpMetrics(state, rateMlPerHr, infusedMl, vtbiMl, pressureMmHg, batteryPct, onMains, infusionId,
                        null, null));
    }

    /** A running pump on mains with pressure 80 and a full battery. */
    public static PumpRecord running(String id, long seq, double atSeconds, double rateMlPerHr, double infusedMl,
            double vtbiMl) {
        return pump(id, seq, atSeconds, PumpState.RUNNING, rateMlPerHr, infusedMl, vtbiMl, 80, 100, true, "inf-1");
    }

    public static DialysisRecord dialysis(String id, long seq, double atSeconds, DialysisState state,
            double conductivityMsCm, double conductivityRefMsCm, double tempC, double tempRefC, double acidMl,
            double elapsedMin, double plannedMin, double filterHours) {
        return new DialysisRecord(
                new Envelope(id, DeviceType.DIALYSIS, seq, at(atSeconds), "HD-5008", null, "DIALYSIS-2", null, null),
                new DialysisMetrics(state, 300, 500, -150, 150, 100, conductivityMsCm, conductivityRefMsCm, tempC,
                        tempRefC, 500, 2000, acidMl, elapsedMin, plannedMin, filterHours, null, null));
    }

    /** A dialysis machine in treatment with agreeing sensors, plenty of acid and a young filter. */
    public static DialysisRecord treatment(String id, long seq, double atSeconds) {
        return dialysis(id, seq, atSeconds, DialysisState.TREATMENT, 14.0, 14.0, 37.0, 37.0, 5000, 60, 240, 100);
    }
}
