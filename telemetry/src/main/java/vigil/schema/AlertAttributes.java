package vigil.schema;

/**
 * Attribute names of an item of the alerts table (alerts-v1.md, "Alert record"). The consumer's alert engine writes
 * the item; the dashboard API reads it and writes acknowledgements into it. Times in attributes ending {@code At}
 * are ISO-8601 UTC strings; {@code raisedTs} is epoch millis.
 *
 * <p><b>Acknowledgement contract.</b> The API acknowledges with one conditional UpdateItem on the stored
 * {@link #STATUS} (so two concurrent acknowledgements cannot both succeed): it sets {@link #STATUS},
 * {@link #ACK_BY}, {@link #ACK_AT}, {@link #ACK_NOTE}, {@link #UPDATED_AT}, appends one entry to {@link #HISTORY}
 * and adds 1 to {@link #HISTORY_COUNT}; on {@code LATCHED -> CLEARED} it also sets {@link #CLEARED_AT} and removes
 * {@link #OPEN_CARE_UNIT} (so the alert leaves the open index). A writer that did not see the acknowledgement must
 * not overwrite it: its write is conditional on {@code historyCount} and on {@code ackAt} being absent or equal to
 * the acknowledgement it knows of, and on a failed condition it reads the stored item and applies the
 * acknowledgement it finds there before writing again (docs/api.md, "Acknowledgement and the consumer").
 */
public final class AlertAttributes {
    public static final String ALERT_ID = "alertId";
    public static final String DEVICE_ID = "deviceId";
    public static final String DEVICE_TYPE = "deviceType";
    public static final String CARE_UNIT = "careUnit";
    /** The care unit while the alert is open (not {@code CLEARED}), else absent: the sparse index's hash key. */
    public static final String OPEN_CARE_UNIT = "openCareUnit";
    /** {@link #OPEN_CARE_UNIT} of an open alert whose device has no known care unit. */
    public static final String UNASSIGNED_CARE_UNIT = "-";
    public static final String TYPE = "type";
    public static final String PRIORITY = "priority";
    public static final String MAX_PRIORITY = "maxPriority";
    public static final String STATUS = "status";
    /** Epoch millis of the record whose evaluation raised the alert: the open index's sort key. */
    public static final String RAISED_TS = "raisedTs";
    public static final String RAISED_AT = "raisedAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String CLEARED_AT = "clearedAt";
    public static final String VALUE = "value";
    public static final String THRESHOLD = "threshold";
    public static final String MESSAGE = "message";
    public static final String ACK_BY = "ackBy";
    public static final String ACK_AT = "ackAt";
    public static final String ACK_NOTE = "ackNote";
    /** List of maps with {@code change}, {@code status}, {@code priority}, {@code at}, {@code actor}, {@code value}. */
    public static final String HISTORY = "history";
    /** Number of entries in {@link #HISTORY}; every writer's condition compares against it. */
    public static final String HISTORY_COUNT = "historyCount";

    public static final String INDEX_OPEN_BY_CARE_UNIT = "open-by-care-unit";

    /**
     * UTC day ({@code yyyy-MM-dd}) of {@link #RAISED_TS}, set on every alert: the hash key of the index
     * {@link #INDEX_RAISED_BY_DAY}, so that a report reads the alerts raised in a time range with one Query per day
     * (docs/alarm-burden.md) instead of scanning the table.
     */
    public static final String RAISED_DAY = "raisedDay";

    public static final String INDEX_RAISED_BY_DAY = "raised-by-day";

    /** {@link #RAISED_DAY} of an alert raised at {@code raisedTs} (epoch millis). */
    public static String raisedDay(long raisedTs) {
        return java.time.LocalDate.ofEpochDay(Math.floorDiv(raisedTs, 86_400_000L)).toString();
    }

    private AlertAttributes() {}
}
