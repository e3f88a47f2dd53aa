package vigil.consumer.rules;

/**
 * The overridable thresholds of alerts-v1.md, "Rules" (the names in backquotes), with their defaults; a device's
 * settings document overrides them as {@code thresholds.<ALERT_TYPE>.<name>}. Every other window, span and figure
 * of the catalogue is fixed and lives next to the code that uses it.
 */
public enum Threshold {
    /** FLOW_ACCURACY_DRIFT raise: |errorPct| > 5.0. */
    FLOW_RAISE_PCT(AlertType.FLOW_ACCURACY_DRIFT, "raisePct", 5.0),
    /** FLOW_ACCURACY_DRIFT clear: |errorPct| < 3.0. */
    FLOW_CLEAR_PCT(AlertType.FLOW_ACCURACY_DRIFT, "clearPct", 3.0),
    /** FLOW_ACCURACY_DRIFT (v1.1): a running pair counts when its ts gap and arrival gap differ by <= 30 s. */
    FLOW_CLOCK_JUMP_SEC(AlertType.FLOW_ACCURACY_DRIFT, "clockJumpSec", 30),
    /** PRESSURE_SENSOR_OFFSET raise: mean > 15 mmHg. */
    PRESSURE_RAISE_MMHG(AlertType.PRESSURE_SENSOR_OFFSET, "raiseMmHg", 15),
    /** PRESSURE_SENSOR_OFFSET clear: mean < 8 mmHg. */
    PRESSURE_CLEAR_MMHG(AlertType.PRESSURE_SENSOR_OFFSET, "clearMmHg", 8),
    /** PRESSURE_SENSOR_OFFSET (v1.1): a stopped/paused record counts 10 s or more into its run (settled). */
    PRESSURE_SETTLE_SEC(AlertType.PRESSURE_SENSOR_OFFSET, "settleSec", 10),
    /** CONDUCTIVITY_SENSOR_DRIFT raise: mean divergence > 0.20 mS/cm. */
    CONDUCTIVITY_RAISE_MS_CM(AlertType.CONDUCTIVITY_SENSOR_DRIFT, "raiseMsCm", 0.20),
    /** CONDUCTIVITY_SENSOR_DRIFT clear: < 0.10 mS/cm. */
    CONDUCTIVITY_CLEAR_MS_CM(AlertType.CONDUCTIVITY_SENSOR_DRIFT, "clearMsCm", 0.10),
    /** TEMPERATURE_SENSOR_DRIFT raise: mean divergence > 0.5 degrees C. */
    TEMPERATURE_RAISE_C(AlertType.TEMPERATURE_SENSOR_DRIFT, "raiseC", 0.5),
    /** TEMPERATURE_SENSOR_DRIFT clear: < 0.3 degrees C. */
    TEMPERATURE_CLEAR_C(AlertType.TEMPERATURE_SENSOR_DRIFT, "clearC", 0.3),
    /** INFUSION_NEAR_END MEDIUM: minutesToEmpty < 15. */
    NEAR_END_MEDIUM_MIN(AlertType.INFUSION_NEAR_END, "mediumMin", 15),
    /** INFUSION_NEAR_END HIGH: minutesToEmpty < 5. */
    NEAR_END_HIGH_MIN(AlertType.INFUSION_NEAR_END, "highMin", 5),
    /** INFUSION_NEAR_END clear: minutesToEmpty >= 20. */
    NEAR_END_CLEAR_MIN(AlertType.INFUSION_NEAR_END, "clearMin", 20),
    /** BATTERY_DEPLETION MEDIUM: minutesLeft < 30. */
    BATTERY_MEDIUM_MIN(AlertType.BATTERY_DEPLETION, "mediumMin", 30),
    /** BATTERY_DEPLETION HIGH: minutesLeft < 10. */
    BATTERY_HIGH_MIN(AlertType.BATTERY_DEPLETION, "highMin", 10),
    /** CONCENTRATE_LOW raise: minutesLeft < remainingTreatmentMin + 10. */
    CONCENTRATE_MARGIN_MIN(AlertType.CONCENTRATE_LOW, "marginMin", 10),
    /** FILTER_LIFE: MEDIUM at >= 900 h, LOW at >= 900 - 50 h. */
    FILTER_LIMIT_HOURS(AlertType.FILTER_LIFE, "limitHours", 900),
    /** DEVICE_OFFLINE: no accepted record for 30 s. */
    OFFLINE_TIMEOUT_SEC(AlertType.DEVICE_OFFLINE, "timeoutSec", 30);

    private final AlertType type;
    private final String settingName;
    private final double defaultValue;

    Threshold(AlertType type, String settingName, double defaultValue) {
        this.type = type;
        this.settingName = settingName;
        this.defaultValue = defaultValue;
    }

    public AlertType type() {
        return type;
    }

    /** The name under {@code thresholds.<ALERT_TYPE>} in the settings document. */
    public String settingName() {
        return settingName;
    }

    public double defaultValue() {
        return defaultValue;
    }

    /** The threshold named {@code thresholds.<type>.<name>}, or null when the catalogue has none by that name. */
    public static Threshold find(String type, String name) {
        for (Threshold t : values()) {
            if (t.type.name().equals(type) && t.settingName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
