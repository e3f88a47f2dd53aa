package vigil.consumer.rules;

import java.util.Map;

/**
 * What the engine takes from a device's settings document (api-v1.md, "Settings document"). Immutable.
 *
 * @param version                 the document's version
 * @param careUnit                the device's care unit; wins over the collector's {@code careUnit} when set
 * @param lastCalibratedAtMillis  {@code calibration.lastCalibratedAt}, epoch millis, or null
 * @param calibrationIntervalDays {@code calibration.intervalDays}, or null
 * @param thresholdOverrides      {@code thresholds.<ALERT_TYPE>.<name>} flattened to keys {@code <ALERT_TYPE>.<name>}
 */
public record DeviceSettings(
        long version,
        String careUnit,
        Long lastCalibratedAtMillis,
        Integer calibrationIntervalDays,
        Map<String, Double> thresholdOverrides) {

    public DeviceSettings {
        thresholdOverrides = Map.copyOf(thresholdOverrides);
    }

    /** The thresholds in force under this document. */
    public Thresholds thresholds() {
        return Thresholds.withOverrides(thresholdOverrides);
    }
}
