package vigil.consumer.state;

import java.util.List;
import vigil.consumer.device.DeviceSnapshot;

/**
 * Everything one batch must make durable before its records may be checkpointed.
 *
 * @param deviceStates newest state of each device the batch touched
 * @param quarantined  the batch's rejected records
 */
public record PendingEffects(List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined) {
    public PendingEffects {
        deviceStates = List.copyOf(deviceStates);
        quarantined = List.copyOf(quarantined);
    }

    public boolean isEmpty() {
        return deviceStates.isEmpty() && quarantined.isEmpty();
    }
}
