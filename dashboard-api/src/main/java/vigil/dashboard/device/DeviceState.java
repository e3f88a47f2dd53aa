package vigil.dashboard.device;

import java.util.Map;
import java.util.Objects;

/**
 * One device's state as the consumer wrote it (table {@code device-state}, names in
 * {@code vigil.schema.DeviceStateAttributes}). Absent optional attributes are {@code null}; absent counts are 0.
 *
 * @param lastTsMillis       device (event) time of the newest record, epoch millis
 * @param lastArrivalMillis  Kinesis arrival time of the newest record, epoch millis
 * @param metrics            newest record's metrics under their wire names: {@code BigDecimal}, {@code String} or
 *                           {@code Boolean} values
 * @param updatedMillis      consumer wall time of the write, epoch millis
 */
public record DeviceState(
        String deviceId,
        String deviceType,
        String model,
        String careUnit,
        Long lastSeq,
        Long lastTsMillis,
        long lastArrivalMillis,
        Map<String, Object> metrics,
        Long appliedSettingsVersion,
        long countAccepted,
        long countDuplicate,
        long countLate,
        long countRejected,
        Long updatedMillis) {
    public DeviceState {
        Objects.requireNonNull(deviceId, "deviceId");
        metrics = Map.copyOf(metrics);
    }
}
