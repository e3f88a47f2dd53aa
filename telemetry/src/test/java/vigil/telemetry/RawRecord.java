package vigil.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A telemetry payload written as raw JSON members, so that tests can build exactly the malformed text they need:
 * repeated names, values of any JSON type, raw number spellings. Starts from a valid record of the spec's example.
 */
final class RawRecord {
    /** The consumer clock used by every decoder test: 2026-11-22T12:20:00Z. */
    static final long NOW_MILLIS = 1_795_350_000_000L;
    /** A device time comfortably in the past of {@link #NOW_MILLIS}. */
    static final long TS_MILLIS = NOW_MILLIS - 60_000;

    private record Member(String name, String rawValue) {}

    private final List<Member> envelope = new ArrayList<>();
    private final List<Member> metrics = new ArrayList<>();
    private String rawMetrics; // replaces the metrics object when set

    private RawRecord() {}

    /** A valid pump record with only the required fields. */
    static RawRecord pump() {
        RawRecord r = new RawRecord().envelope("PUMP-0042", "infusion_pump");
        r.metric("state", "\"running\"")
                .metric("rateMlPerHr", "125.0")
                .metric("infusedMl", "412.6")
                .metric("vtbiMl", "587.4")
                .metric("pressureMmHg", "85")
                .metric("batteryPct", "97")
                .metric("onMains", "true");
        return r;
    }

    /** A valid dialysis record with only the required fields. */
    static RawRecord dialysis() {
        RawRecord r = new RawRecord().envelope("HD-0007", "dialysis");
        r.metric("state", "\"treatment\"")
                .metric("bloodFlowMlPerMin", "300")
                .metric("dialysateFlowMlPerMin", "500")
                .metric("arterialPressureMmHg", "-150.5")
                .metric("venousPressureMmHg", "140")
                .metric("tmpMmHg", "60")
                .metric("conductivityMsCm", "14.0")
                .metric("conductivityRefMsCm", "14.1")
                .metric("dialysateTempC", "36.5")
                .metric("dialysateTempRefC", "36.6")
                .metric("ufVolumeMl", "1200")
                .metric("ufGoalMl", "2500")
                .metric("acidRemainingMl", "4000")
                .metric("treatmentElapsedMin", "95")
                .metric("treatmentPlannedMin", "240")
                .metric("filterHours", "310.25");
        return r;
    }

    private RawRecord envelope(String deviceId, String deviceType) {
        return field("schema", "\"vigil.telemetry.v1\"")
                .field("deviceId", quote(deviceId))
                .field("deviceType", quote(deviceType))
                .field("seq", "18231")
                .field("ts", Long.toString(TS_MILLIS));
    }

    /** Sets an envelope member to a raw JSON value, in place when present, else appended. */
    RawRecord field(String name, String rawValue) {
        set(envelope, name, rawValue);
        return this;
    }

    /** Appends an envelope member even when the name is already there. */
    RawRecord addField(String name, String rawValue) {
        envelope.add(new Member(name, rawValue));
        return this;
    }

    RawRecord without(String name) {
        envelope.removeIf(m -> m.name().equals(name));
        return this;
    }

    /** Sets a metric to a raw JSON value, in place when present, else appended. */
    RawRecord metric(String name, String rawValue) {
        set(metrics, name, rawValue);
        return this;
    }

    RawRecord addMetric(String name, String rawValue) {
        metrics.add(new Member(name, rawValue));
        return this;
    }

    RawRecord withoutMetric(String name) {
        metrics.removeIf(m -> m.name().equals(name));
        return this;
    }

    /** Replaces the whole value of {@code m} with raw JSON text; {@code null} removes {@code m}. */
    RawRecord rawMetrics(String raw) {
        this.rawMetrics = raw == null ? "" : raw;
        return this;
    }

    String json() {
        StringBuilder sb = new StringBuilder("{");
        for (Member m : envelope) {
            sb.append(quote(m.name())).append(':').append(m.rawValue()).append(',');
        }
        if (rawMetrics == null) {
            sb.append("\"m\":{");
            for (Member m : metrics) {
                sb.append(quote(m.name())).append(':').append(m.rawValue()).append(',');
            }
            trimComma(sb);
            sb.append('}');
        } else if (!rawMetrics.isEmpty()) {
            sb.append("\"m\":").append(rawMetrics);
        } else {
            trimComma(sb);
        }
        return sb.append('}').toString();
    }

    byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string literal of {@code s}; tests that need a raw escape pass the literal to {@link #field}. */
    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The payload with an unknown {@code pad} member sized so that the whole payload is {@code totalBytes}. */
    byte[] paddedTo(int totalBytes) {
        int withoutPad = addField("pad", "\"\"").bytes().length;
        without("pad");
        byte[] b = addField("pad", quote("x".repeat(totalBytes - withoutPad))).bytes();
        without("pad");
        if (b.length != totalBytes) {
            throw new IllegalStateException("padding missed: " + b.length);
        }
        return b;
    }

    private static void set(List<Member> list, String name, String rawValue) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).name().equals(name)) {
                list.set(i, new Member(name, rawValue));
                return;
            }
        }
        list.add(new Member(name, rawValue));
    }

    private static void trimComma(StringBuilder sb) {
        if (sb.charAt(sb.length() - 1) == ',') {
            sb.setLength(sb.length() - 1);
        }
    }
}
