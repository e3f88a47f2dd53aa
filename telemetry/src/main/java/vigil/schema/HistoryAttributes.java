package vigil.schema;

/**
 * Attribute names of the device-history table: one point per device and event-time minute with the rule figures
 * (alerts-v1.md, "Derived device state") as they were at the first state write of that minute. Figures are absent
 * when not evaluable. Points expire {@link #RETENTION_HOURS} after their minute by TTL.
 */
public final class HistoryAttributes {
    public static final String DEVICE_ID = "deviceId";
    /** Start of the event-time minute, epoch millis (the range key). */
    public static final String MINUTE_MILLIS = "minuteMillis";
    /** TTL attribute, epoch seconds. */
    public static final String EXPIRES_AT = "expiresAt";
    /** The rule figures stored per point, under their device-state names. */
    public static final java.util.List<String> FIGURES = java.util.List.of(
            "flowErrorPct", "pressureOffsetMmHg", "conductivityDivergenceMsCm", "temperatureDivergenceC",
            "minutesToEmpty", "batteryMinutesLeft", "acidMinutesLeft", "filterHoursLeft");
    /** api-v1.md asks for at least 24 h at 1-minute resolution; a day more covers a shift spanning midnight. */
    public static final int RETENTION_HOURS = 48;

    private HistoryAttributes() {}
}
