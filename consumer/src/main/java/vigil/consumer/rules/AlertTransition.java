package vigil.consumer.rules;

import java.util.List;
import vigil.telemetry.DeviceType;

/**
 * The full state of one alert right after a transition; writing it replaces the stored alert (alerts-v1.md, "Alert
 * record"). Immutable.
 *
 * @param raisedTs      the ts of the record whose evaluation raised it (DEVICE_OFFLINE: the device's newest ts when
 *                      it went silent; DATA_QUALITY: the arrival time of the rejected record that crossed the
 *                      threshold), epoch millis
 * @param updatedMillis time of this transition, epoch millis (see {@link HistoryEntry#atMillis})
 * @param clearedMillis time it was cleared, or null while open
 * @param value         the figure that decided this transition, or null
 * @param threshold     the threshold it was compared with, or null
 * @param careUnit      the settings' care unit, else the collector's, or null when neither is known
 * @param history       every transition so far, oldest first
 */
public record AlertTransition(
        String alertId,
        String deviceId,
        DeviceType deviceType,
        String careUnit,
        AlertType type,
        Priority priority,
        Priority maxPriority,
        AlertStatus status,
        Change change,
        long raisedTs,
        long updatedMillis,
        Long clearedMillis,
        Double value,
        Double threshold,
        String message,
        String ackBy,
        Long ackAtMillis,
        String ackNote,
        List<HistoryEntry> history) {

    public AlertTransition {
        history = List.copyOf(history);
    }

    /** alerts-v1.md, "Lifecycle": {@code {deviceId}:{type}:{raisedTs}}. */
    public static String alertId(String deviceId, AlertType type, long raisedTs) {
        return deviceId + ':' + type.name() + ':' + raisedTs;
    }
}
