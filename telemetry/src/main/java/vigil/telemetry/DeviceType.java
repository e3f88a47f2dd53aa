package vigil.telemetry;

/** The two device families of telemetry-v1, with their wire names. */
public enum DeviceType {
    INFUSION_PUMP("infusion_pump"),
    DIALYSIS("dialysis");

    private final String wireName;

    DeviceType(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code deviceType} field on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Returns the type for a wire name, or {@code null} when the name is not a known type. */
    public static DeviceType fromWireName(String wireName) {
        return switch (wireName) {
            case "infusion_pump" -> INFUSION_PUMP;
            case "dialysis" -> DIALYSIS;
            default -> null;
        };
    }
}
