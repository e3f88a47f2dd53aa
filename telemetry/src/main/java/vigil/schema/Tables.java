package vigil.schema;

import java.util.List;

/**
 * Every table the system uses, with its keys. Key design and access patterns are documented in
 * {@code docs/storage.md}. The KCL lease table is not here: KCL creates and owns it.
 */
public final class Tables {
    /** Default physical-name prefix; deployments may choose another (config {@code VIGIL_TABLE_PREFIX}). */
    public static final String DEFAULT_PREFIX = "vigil-";

    /**
     * Newest derived state per device (alerts-v1.md, "Derived device state"). Written by the consumer; its stream
     * feeds the dashboard's event stream.
     */
    public static final TableSpec DEVICE_STATE =
            new TableSpec("device-state", KeySpec.string(DeviceStateAttributes.DEVICE_ID), null, List.of(), null, true);

    /** Rejected records with raw bytes and reason (telemetry-v1.md, "Rejected records"). Items expire by TTL. */
    public static final TableSpec QUARANTINE = new TableSpec(
            "quarantine", KeySpec.string("shardId"), KeySpec.string("recordKey"), List.of(), "expiresAt");

    /** Alerts keyed by the deterministic alertId; the index serves open alerts of a care unit, newest first. */
    public static final TableSpec ALERTS = new TableSpec(
            "alerts",
            KeySpec.string("alertId"),
            null,
            List.of(new IndexSpec("open-by-care-unit", KeySpec.string("openCareUnit"), KeySpec.number("raisedTs"))),
            null,
            true);

    /** Device settings documents (api-v1.md, "Settings document"). Owned by the dashboard API. */
    public static final TableSpec SETTINGS =
            new TableSpec("settings", KeySpec.string("deviceId"), null, List.of(), null, true);

    /**
     * Rule figures per device and event-time minute, for the dashboard's charts (api-v1.md, device history). Written
     * by the consumer (at most one point per device and minute); items expire by TTL after
     * {@link HistoryAttributes#RETENTION_HOURS} hours.
     */
    public static final TableSpec DEVICE_HISTORY = new TableSpec(
            "device-history",
            KeySpec.string(HistoryAttributes.DEVICE_ID),
            KeySpec.number(HistoryAttributes.MINUTE_MILLIS),
            List.of(),
            HistoryAttributes.EXPIRES_AT);

    /**
     * The consumer's recovery journal (docs/storage.md, "Recovery journal"): window samples, dedupe window, counts
     * and open alerts per device in chunks, keyed so that a shard's devices are read by hash-key range. Items
     * expire by TTL {@link RecoveryAttributes#RETENTION_DAYS} days after their last write.
     */
    public static final TableSpec DEVICE_RECOVERY = new TableSpec(
            "device-recovery",
            KeySpec.number(RecoveryAttributes.BUCKET),
            KeySpec.string(RecoveryAttributes.SLOT_KEY),
            List.of(),
            RecoveryAttributes.EXPIRES_AT);

    /** Append-only audit log (api-v1.md, "Audit log"): partitioned by UTC day, sorted by time. */
    public static final TableSpec AUDIT =
            new TableSpec("audit", KeySpec.string("day"), KeySpec.string("entryKey"), List.of(), null);

    private Tables() {}

    /** All tables, in creation order. */
    public static List<TableSpec> all() {
        return List.of(DEVICE_STATE, QUARANTINE, ALERTS, SETTINGS, AUDIT, DEVICE_HISTORY, DEVICE_RECOVERY);
    }
}
