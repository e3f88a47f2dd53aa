package vigil.consumer.replay;

import java.time.Instant;
import vigil.consumer.rules.AlertTransition;

/** One alert transition as a JSON object on one line (the replay's output format; see docs/alerts.md). */
final class AlertJson {
    private AlertJson() {}

    static String toJson(AlertTransition t) {
        StringBuilder s = new StringBuilder(320);
        s.append('{');
        field(s, "alertId", t.alertId()).append(',');
        field(s, "deviceId", t.deviceId()).append(',');
        field(s, "deviceType", t.deviceType() == null ? null : t.deviceType().wireName()).append(',');
        field(s, "careUnit", t.careUnit()).append(',');
        field(s, "type", t.type().name()).append(',');
        field(s, "change", t.change().name()).append(',');
        field(s, "status", t.status().name()).append(',');
        field(s, "priority", t.priority().name()).append(',');
        field(s, "maxPriority", t.maxPriority().name()).append(',');
        field(s, "raisedAt", Instant.ofEpochMilli(t.raisedTs()).toString()).append(',');
        field(s, "at", Instant.ofEpochMilli(t.updatedMillis()).toString()).append(',');
        s.append("\"value\":").append(t.value() == null ? "null" : t.value().toString()).append(',');
        s.append("\"threshold\":").append(t.threshold() == null ? "null" : t.threshold().toString());
        if (t.ackBy() != null) {
            s.append(',');
            field(s, "ackBy", t.ackBy());
        }
        return s.append('}').toString();
    }

    private static StringBuilder field(StringBuilder s, String name, String value) {
        s.append('"').append(name).append("\":");
        if (value == null) {
            return s.append("null");
        }
        s.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"');
    }
}
