package vigil.dashboard.device;

import java.util.List;
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
 * @param figures            the rule figures by name ({@code flowErrorPct} ...); a name is absent when the figure is
 *                           not evaluable or not written
 * @param openAlertIds       ids of the device's open alerts, as the consumer wrote them
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
        Long updatedMillis,
        Map<String, Double> figures,
        List<String> openAlertIds) {
    public DeviceState {
        Objects.requireNonNull(deviceId, "deviceId");
        metrics = Map.copyOf(metrics);
        figures = Map.copyOf(figures);
        openAlertIds = List.copyOf(openAlertIds);
    }

    /** The figure, or null when not evaluable. */
    public Double figure(String name) {
        return figures.get(name);
    }
}
