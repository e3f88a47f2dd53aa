package vigil.consumer.rules;

/** Plain words for caregivers (alerts-v1.md, "Alert record": message); never patient data, never a reading's text. */
final class AlertMessages {
    private AlertMessages() {}

    static String message(AlertType type, AlertStatus status, Priority priority) {
        String what = switch (type) {
            case FLOW_ACCURACY_DRIFT -> "Delivered volume differs from the programmed rate; the pump may need calibration.";
            case PRESSURE_SENSOR_OFFSET -> "Line pressure reads high while the pump is stopped; the pressure sensor may be offset.";
            case CONDUCTIVITY_SENSOR_DRIFT -> "The two conductivity cells disagree; the conductivity sensor may be drifting.";
            case TEMPERATURE_SENSOR_DRIFT -> "The two dialysate temperature sensors disagree; a sensor may be drifting.";
            case CALIBRATION_OVERDUE -> "The device is past its calibration interval.";
            case INFUSION_NEAR_END -> priority == Priority.HIGH
                    ? "The infusion will finish within minutes; prepare the next bag."
                    : "The infusion is nearing its end.";
            case BATTERY_DEPLETION -> priority == Priority.HIGH
                    ? "The pump battery is almost empty; connect mains power now."
                    : "The pump battery is running low; connect mains power.";
            case CONCENTRATE_LOW -> "Acid concentrate may run out before the treatment ends.";
            case FILTER_LIFE -> priority == Priority.MEDIUM
                    ? "The dialysate filter has reached its operating-hours limit; replace it."
                    : "The dialysate filter is close to its operating-hours limit.";
            case DEVICE_OFFLINE -> "No telemetry received from the device.";
            case DATA_QUALITY -> "The device is sending records that cannot be used.";
        };
        return switch (status) {
            case CLEARED -> "Resolved: " + what;
            case LATCHED -> "Condition resolved, acknowledgement needed: " + what;
            default -> what;
        };
    }
}
