package vigil.schema;

/**
 * Attribute names of a device-state item. The consumer writes them; the dashboard API reads them. Times are epoch
 * milliseconds in attributes ending {@code Millis}; {@code metrics} is a map of the newest record's metrics under
 * their wire names.
 */
public final class DeviceStateAttributes {
    public static final String DEVICE_ID = "deviceId";
    public static final String DEVICE_TYPE = "deviceType";
    public static final String MODEL = "model";
    public static final String CARE_UNIT = "careUnit";
    public static final String LAST_SEQ = "lastSeq";
    /** Device event time of the newest record, epoch millis. */
    public static final String LAST_TS_MILLIS = "lastTsMillis";
    /** Kinesis arrival time of the newest record, epoch millis. */
    public static final String LAST_ARRIVAL_MILLIS = "lastArrivalMillis";
    public static final String METRICS = "metrics";
    public static final String APPLIED_SETTINGS_VERSION = "appliedSettingsVersion";
    public static final String COUNT_ACCEPTED = "countAccepted";
    public static final String COUNT_DUPLICATE = "countDuplicate";
    public static final String COUNT_LATE = "countLate";
    public static final String COUNT_REJECTED = "countRejected";
    /** Ids of the device's open alerts (list of strings). */
    public static final String OPEN_ALERT_IDS = "openAlertIds";
    /** Consumer wall time of the write, epoch millis (for end-to-end latency). */
    public static final String UPDATED_MILLIS = "updatedMillis";

    private DeviceStateAttributes() {}
}
