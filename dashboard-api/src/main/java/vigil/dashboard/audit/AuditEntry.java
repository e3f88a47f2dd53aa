package vigil.dashboard.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audit log entry.
 *
 * @param time       service wall time when the request was decided
 * @param actor      the token's {@code sub}
 * @param role       the role that granted access; for a denial, the caller's known roles joined by {@code ,} or
 *                   {@code none}
 * @param action     what was attempted
 * @param deviceId   the device addressed, or {@code null} for requests that address none (lists)
 * @param alertId    the alert addressed (acknowledgements), or {@code null}
 * @param outcomeStatus the HTTP status of the answer
 */
public record AuditEntry(
        Instant time, String actor, String role, AuditAction action, String deviceId, String alertId,
        int outcomeStatus) {
    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(action, "action");
    }
}
