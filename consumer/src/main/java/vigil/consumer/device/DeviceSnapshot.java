package vigil.consumer.device;

import vigil.consumer.rules.DeviceFigures;
import vigil.telemetry.DeviceType;
import vigil.telemetry.TelemetryRecord;

/**
 * Immutable derived state of one device, as handed to the state writer: what the dashboard shows (the device-state
 * item), nothing of the recovery journal.
 *
 * @param newest            the newest applied record (greatest ts)
 * @param lastSeq           the highest accepted sequence number
 * @param lastArrivalMillis Kinesis arrival of the latest accepted record, epoch millis
 * @param snapshotMillis    consumer wall clock when the snapshot was taken, epoch millis
 * @param figures           rule figures and open alert ids (alerts-v1.md, "Derived device state")
 * @param oldestUnwrittenArrivalMillis Kinesis arrival of the oldest record this snapshot is the first write of
 *                          (for the arrival→state latency of the write: its worst record)
 */
public record DeviceSnapshot(
        String deviceId,
        DeviceType deviceType,
        TelemetryRecord newest,
        long lastSeq,
        long lastArrivalMillis,
        long accepted,
        long duplicates,
        long late,
        long rejected,
        long snapshotMillis,
        DeviceFigures figures,
        long oldestUnwrittenArrivalMillis) {

    /** A snapshot whose oldest unwritten record is its newest (one record per write). */
    public DeviceSnapshot(String deviceId, DeviceType deviceType, TelemetryRecord newest, long lastSeq,
            long lastArrivalMillis, long accepted, long duplicates, long late, long rejected, long snapshotMillis,
            DeviceFigures figures) {
        this(deviceId, deviceType, newest, lastSeq, lastArrivalMillis, accepted, duplicates, late, rejected,
                snapshotMillis, figures, lastArrivalMillis);
    }
}
