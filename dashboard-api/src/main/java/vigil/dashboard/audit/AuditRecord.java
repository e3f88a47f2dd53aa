package vigil.dashboard.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * One audit entry as the audit endpoint shows it.
 *
 * @param entryKey the stored sort key (time + random suffix); the page cursor, not shown
 */
@JsonPropertyOrder({"time", "actor", "role", "action", "deviceId", "alertId", "outcome"})
public record AuditRecord(
        Instant time, String actor, String role, String action, String deviceId, String alertId, Integer outcome,
        @JsonIgnore String entryKey) {}
