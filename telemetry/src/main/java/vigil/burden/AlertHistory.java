package vigil.burden;

import java.util.List;
import java.util.Objects;

/**
 * One alert as the report needs it: where it belongs and its history of transitions (alerts-v1.md, "Alert record").
 * Immutable.
 *
 * @param deviceType   the device type's wire name ({@code infusion_pump}, {@code dialysis}), or null when unknown
 * @param careUnit     the alert's care unit, or null when the device had none
 * @param alertType    the alert type's name, e.g. {@code FLOW_ACCURACY_DRIFT}
 * @param raisedMillis the alert's {@code raisedTs}, epoch millis: which report range it belongs to
 * @param steps        its history, oldest first
 */
public record AlertHistory(
        String alertId,
        String deviceId,
        String deviceType,
        String careUnit,
        String alertType,
        long raisedMillis,
        List<Step> steps) {

    /** The actor of every transition the alert engine makes; any other actor is a person acknowledging. */
    public static final String SYSTEM_ACTOR = "system";

    public AlertHistory {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(alertType, "alertType");
        steps = List.copyOf(steps);
    }

    /**
     * One history entry.
     *
     * @param change   {@code RAISED}, {@code ESCALATED}, {@code DEESCALATED}, {@code LATCHED}, {@code CLEARED} or
     *                 {@code ACKNOWLEDGED}
     * @param atMillis when, epoch millis
     * @param actor    {@link #SYSTEM_ACTOR} or the acknowledging user
     */
    public record Step(String change, long atMillis, String actor) {
        public Step {
            Objects.requireNonNull(change, "change");
        }

        /** A person's step: an acknowledgement (ACTIVE to ACKNOWLEDGED, or LATCHED to CLEARED). */
        boolean byPerson() {
            return actor != null && !SYSTEM_ACTOR.equals(actor)
                    && ("ACKNOWLEDGED".equals(change) || "CLEARED".equals(change));
        }
    }
}
