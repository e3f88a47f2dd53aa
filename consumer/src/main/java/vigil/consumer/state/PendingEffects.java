package vigil.consumer.state;

import java.util.List;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.rules.AlertTransition;

/**
 * Everything one batch must make durable before its records may be checkpointed.
 *
 * @param deviceStates newest state of each device the batch touched
 * @param quarantined  the batch's rejected records
 * @param alerts       alert transitions, oldest first; each carries the alert's full state
 */
public record PendingEffects(
        List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined, List<AlertTransition> alerts) {
    public PendingEffects {
        deviceStates = List.copyOf(deviceStates);
        quarantined = List.copyOf(quarantined);
        alerts = List.copyOf(alerts);
    }

    public PendingEffects(List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined) {
        this(deviceStates, quarantined, List.of());
    }

    public boolean isEmpty() {
        return deviceStates.isEmpty() && quarantined.isEmpty() && alerts.isEmpty();
    }
}
