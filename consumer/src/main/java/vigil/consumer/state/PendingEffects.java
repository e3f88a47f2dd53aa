package vigil.consumer.state;

import java.util.List;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.rules.AlertTransition;

/**
 * Everything one batch must make durable before its records may be checkpointed.
 *
 * @param deviceStates newest state of each device the batch touched
 * @param quarantined  the batch's rejected records
 * @param alerts       alert transitions, oldest first; each carries the alert's full state
 * @param recoveryChunks recovery journal chunks (docs/storage.md, "Recovery journal"), at most one per device
 * @param acknowledgements where the writer applies acknowledgements it finds in the store that the alerts above do
 *     not carry (called on the writer's calling thread)
 */
public record PendingEffects(
        List<DeviceSnapshot> deviceStates,
        List<QuarantinedRecord> quarantined,
        List<AlertTransition> alerts,
        List<RecoveryChunk> recoveryChunks,
        AcknowledgementSink acknowledgements) {
    /** No effects. */
    public static final PendingEffects NONE = new PendingEffects(List.of(), List.of(), List.of(), List.of(), null);

    public PendingEffects {
        deviceStates = List.copyOf(deviceStates);
        quarantined = List.copyOf(quarantined);
        alerts = List.copyOf(alerts);
        recoveryChunks = List.copyOf(recoveryChunks);
        acknowledgements = acknowledgements == null ? AcknowledgementSink.NONE : acknowledgements;
    }

    public PendingEffects(
            List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined, List<AlertTransition> alerts) {
        this(deviceStates, quarantined, alerts, List.of(), AcknowledgementSink.NONE);
    }

    public PendingEffects(List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined,
            List<AlertTransition> alerts, List<RecoveryChunk> recoveryChunks) {
        this(deviceStates, quarantined, alerts, recoveryChunks, AcknowledgementSink.NONE);
    }

    public PendingEffects(List<DeviceSnapshot> deviceStates, List<QuarantinedRecord> quarantined) {
        this(deviceStates, quarantined, List.of());
    }

    /** The same effects, with acknowledgements found in the store applied through {@code sink}. */
    public PendingEffects withAcknowledgements(AcknowledgementSink sink) {
        return new PendingEffects(deviceStates, quarantined, alerts, recoveryChunks, sink);
    }

    public boolean isEmpty() {
        return deviceStates.isEmpty() && quarantined.isEmpty() && alerts.isEmpty() && recoveryChunks.isEmpty();
    }
}
