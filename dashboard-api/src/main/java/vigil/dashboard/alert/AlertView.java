package vigil.dashboard.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One alert (alerts-v1.md, "Alert record") as the API shows it: times as ISO-8601 UTC with milliseconds.
 *
 * @param raisedTs     epoch millis of the raise; the list order and cursor key (not shown)
 * @param historyCount number of history entries as stored; the acknowledgement's condition (not shown)
 */
@JsonPropertyOrder({
    "alertId", "deviceId", "deviceType", "careUnit", "type", "priority", "maxPriority", "status", "raisedAt",
    "updatedAt", "clearedAt", "value", "threshold", "message", "ackBy", "ackAt", "ackNote", "history"
})
public record AlertView(
        String alertId,
        String deviceId,
        String deviceType,
        String careUnit,
        String type,
        String priority,
        String maxPriority,
        String status,
        Instant raisedAt,
        Instant updatedAt,
        Instant clearedAt,
        Double value,
        Double threshold,
        String message,
        String ackBy,
        Instant ackAt,
        String ackNote,
        List<Step> history,
        @JsonIgnore long raisedTs,
        @JsonIgnore long historyCount) {

    public static final String ACTIVE = "ACTIVE";
    public static final String ACKNOWLEDGED = "ACKNOWLEDGED";
    public static final String LATCHED = "LATCHED";
    public static final String CLEARED = "CLEARED";

    public AlertView {
        Objects.requireNonNull(alertId, "alertId");
        history = List.copyOf(history);
    }

    /** Open means not {@code CLEARED} (api-v1.md). */
    @JsonIgnore
    public boolean isOpen() {
        return !CLEARED.equals(status);
    }

    /** One history entry: a transition with its status, priority, time, actor and deciding value. */
    @JsonPropertyOrder({"change", "status", "priority", "at", "actor", "value"})
    public record Step(String change, String status, String priority, Instant at, String actor, Double value) {}
}
