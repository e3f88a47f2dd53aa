package vigil.consumer.device;

import vigil.consumer.rules.DeviceFigures;
import vigil.consumer.rules.DeviceRules;
import vigil.telemetry.DeviceType;
import vigil.telemetry.TelemetryRecord;

/**
 * What one shard processor knows about one device: its type, the newest applied record, the highest sequence
 * number, arrival times and counts.
 *
 * <p><b>Threading contract.</b> Writer-private: created, mutated and read only by the owning shard processor,
 * whose calls KCL makes serially (possibly on different threads, with happens-before between calls). Anything
 * handed to another thread is first copied into an immutable {@link DeviceSnapshot}.
 */
public final class DeviceLedger {
    /** telemetry-v1.md, "Ordering, duplicates and time": at most 120 s older than the newest ts is in order. */
    public static final long LATE_AFTER_MILLIS = 120_000;

    private final String deviceId;
    private final DeviceRules rules; // the device's windows and alerts, same writer
    private DeviceType deviceType; // null until the first accepted record (rejections may come first)
    private final SeqWindow seqs = new SeqWindow();
    private TelemetryRecord newest; // greatest ts among applied records; equal ts: the later arrival
    private long lastArrivalMillis; // Kinesis arrival of the newest accepted record by arrival order
    private long accepted; // includes late records, as api-v1.md "counts" says
    private long duplicates;
    private long late;
    private long rejected;
    private boolean dirty; // changed since the last snapshot was taken for writing

    public DeviceLedger(String deviceId, DeviceRules rules) {
        this.deviceId = deviceId;
        this.rules = rules;
    }

    public DeviceRules rules() {
        return rules;
    }

    /** The device's type, or {@code null} while only rejected records were seen. */
    public DeviceType deviceType() {
        return deviceType;
    }

    /** Outcome of offering an accepted-by-decoder record to the ledger. */
    public enum Outcome {
        APPLIED,
        DUPLICATE,
        LATE
    }

    /**
     * Applies a decoded record of this device: duplicates (by seq) have no effect but a count; records more than
     * {@link #LATE_AFTER_MILLIS} older than the newest ts are counted late and not applied.
     */
    public Outcome offer(TelemetryRecord record, long arrivalMillis) {
        if (deviceType == null) {
            deviceType = record.deviceType();
        } else if (deviceType != record.deviceType()) {
            throw new IllegalArgumentException("device type change must be rejected before offer");
        }
        if (seqs.seen(record.seq())) {
            duplicates++;
            dirty = true;
            return Outcome.DUPLICATE;
        }
        seqs.add(record.seq());
        accepted++;
        lastArrivalMillis = Math.max(lastArrivalMillis, arrivalMillis);
        dirty = true;
        if (newest != null && record.tsMillis() < newest.tsMillis() - LATE_AFTER_MILLIS) {
            late++;
            return Outcome.LATE;
        }
        if (newest == null || record.tsMillis() >= newest.tsMillis()) {
            newest = record;
        }
        return Outcome.APPLIED;
    }

    /** Counts a rejected record attributed to this device. */
    public void countRejected() {
        rejected++;
        dirty = true;
    }

    public boolean isDirty() {
        return dirty || rules.isDirty();
    }

    /** An immutable copy for the writer; clears the dirty flag. Null while no record was accepted. */
    public DeviceSnapshot takeSnapshot(long nowMillis) {
        dirty = false;
        DeviceFigures figures = rules.publish();
        if (newest == null) {
            return null;
        }
        return new DeviceSnapshot(
                deviceId,
                deviceType,
                newest,
                seqs.highest(),
                lastArrivalMillis,
                accepted,
                duplicates,
                late,
                rejected,
                nowMillis,
                figures);
    }
}
