package vigil.consumer.rules;

import java.util.List;
import vigil.telemetry.DeviceType;

/**
 * The eleven alert types of alerts-v1.md, "Rules", with the device family they apply to (null: both), the priority a
 * raise starts from, and whether the type is a calibration rule (cleared by a later recorded calibration).
 */
public enum AlertType {
    FLOW_ACCURACY_DRIFT(DeviceType.INFUSION_PUMP, true),
    PRESSURE_SENSOR_OFFSET(DeviceType.INFUSION_PUMP, true),
    CONDUCTIVITY_SENSOR_DRIFT(DeviceType.DIALYSIS, true),
    TEMPERATURE_SENSOR_DRIFT(DeviceType.DIALYSIS, true),
    CALIBRATION_OVERDUE(null, false),
    INFUSION_NEAR_END(DeviceType.INFUSION_PUMP, false),
    BATTERY_DEPLETION(DeviceType.INFUSION_PUMP, false),
    CONCENTRATE_LOW(DeviceType.DIALYSIS, false),
    FILTER_LIFE(DeviceType.DIALYSIS, false),
    DEVICE_OFFLINE(null, false),
    DATA_QUALITY(null, false);

    private static final List<AlertType> ALL = List.of(values());

    private final DeviceType deviceType;
    private final boolean calibrationRule;

    AlertType(DeviceType deviceType, boolean calibrationRule) {
        this.deviceType = deviceType;
        this.calibrationRule = calibrationRule;
    }

    /** True when the rule applies to devices of {@code type} (null type: only the rules for both apply). */
    public boolean appliesTo(DeviceType type) {
        return deviceType == null || deviceType == type;
    }

    /**
     * alerts-v1.md: FLOW_ACCURACY_DRIFT, PRESSURE_SENSOR_OFFSET, CONDUCTIVITY_SENSOR_DRIFT and
     * TEMPERATURE_SENSOR_DRIFT also clear when a calibration later than the alert's raisedAt is recorded.
     */
    public boolean isCalibrationRule() {
        return calibrationRule;
    }

    public static List<AlertType> all() {
        return ALL;
    }
}
