package vigil.telemetry;

/** Dialysis machine {@code m.state} values of telemetry-v1. */
public enum DialysisState {
    TREATMENT("treatment"),
    PREP("prep"),
    RINSE("rinse"),
    DISINFECT("disinfect"),
    IDLE("idle");

    private final String wireName;

    DialysisState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns the state for a wire name, or {@code null} when unknown. */
    public static DialysisState fromWireName(String wireName) {
        return switch (wireName) {
            case "treatment" -> TREATMENT;
            case "prep" -> PREP;
            case "rinse" -> RINSE;
            case "disinfect" -> DISINFECT;
            case "idle" -> IDLE;
            default -> null;
        };
    }
}
