package vigil.telemetry;

/** Infusion pump {@code m.state} values of telemetry-v1. */
public enum PumpState {
    RUNNING("running"),
    PAUSED("paused"),
    STOPPED("stopped"),
    KVO("kvo");

    private final String wireName;

    PumpState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns the state for a wire name, or {@code null} when unknown. */
    public static PumpState fromWireName(String wireName) {
        return switch (wireName) {
            case "running" -> RUNNING;
            case "paused" -> PAUSED;
            case "stopped" -> STOPPED;
            case "kvo" -> KVO;
            default -> null;
        };
    }
}
