package vigil.sim.device;

import java.util.Objects;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.Ids;

/**
 * The fixed envelope fields of one simulated device.
 *
 * @param deviceId    e.g. {@code PUMP-0001}; must match the telemetry-v1 device id pattern
 * @param deviceType  device family
 * @param careUnit    care unit the collector reports, or {@code null}
 * @param model       device model, or {@code null}
 * @param collectorId edge collector id, or {@code null}
 * @param firmware    firmware version, or {@code null}
 */
public record DeviceIdentity(
        String deviceId, DeviceType deviceType, String careUnit, String model, String collectorId, String firmware) {

    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceType, "deviceType");
        if (!Ids.isDeviceId(deviceId)) {
            throw new IllegalArgumentException("not a telemetry-v1 device id: " + deviceId);
        }
        if (careUnit != null && !Ids.isCareUnit(careUnit)) {
            throw new IllegalArgumentException("not a telemetry-v1 care unit: " + careUnit);
        }
    }

    Envelope envelope(long seq, long deviceTimeMillis, DeviceCalibration calibration) {
        Long settingsVersion = calibration == null ? null : calibration.settingsVersion();
        return new Envelope(
                deviceId, deviceType, seq, deviceTimeMillis, model, collectorId, careUnit, firmware, settingsVersion);
    }
}
