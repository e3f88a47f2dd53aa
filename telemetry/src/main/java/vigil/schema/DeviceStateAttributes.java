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
    /**
     * Binary, deflated: everything a new owner of the device's shard restores (windows, dedupe state, open alerts,
     * counts); written by the consumer only, read by the consumer only (docs/storage.md, "Window snapshots").
     */
    public static final String SNAPSHOT = "snapshot";
    /**
     * The device's Kinesis hash key (MD5 of the partition key, the device id, as an unsigned 128-bit number) as a
     * 39-digit zero-padded decimal string, so that string order is numeric order: a shard's devices are those whose
     * hash key lies in the shard's hash key range.
     */
    public static final String HASH_KEY = "hashKey";
    public static final String UPDATED_MILLIS = "updatedMillis";

    private DeviceStateAttributes() {}
}
