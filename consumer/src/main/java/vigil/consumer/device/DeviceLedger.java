package vigil.consumer.device;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import vigil.consumer.rules.AlertEngine;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryEncoder;

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
    private static final int SNAPSHOT_FORMAT = 1;
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder(); // stateless
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
                figures,
                encodeSnapshot());
    }

    /**
     * The device's full state for a new owner of its shard (docs/storage.md, "Window snapshots"): counts, dedupe
     * window, newest record, windows, open alerts. Deflated; format version {@value #SNAPSHOT_FORMAT} first.
     * Writer only.
     */
    public byte[] encodeSnapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
            out.writeByte(SNAPSHOT_FORMAT);
            out.writeUTF(deviceId);
            out.writeLong(lastArrivalMillis);
            out.writeLong(accepted);
            out.writeLong(duplicates);
            out.writeLong(late);
            out.writeLong(rejected);
            seqs.writeTo(out);
            byte[] record = newest == null ? new byte[0] : ENCODER.encode(newest);
            out.writeInt(record.length);
            out.write(record);
            rules.writeState(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream", e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The ledger {@link #encodeSnapshot} wrote, its rules restored into {@code engine}.
     *
     * @throws IOException when the bytes are not a snapshot of this format
     */
    public static DeviceLedger restore(byte[] snapshot, AlertEngine engine) throws IOException {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(snapshot)))) {
            int format = in.readByte();
            if (format != SNAPSHOT_FORMAT) {
                throw new IOException("unknown snapshot format " + format);
            }
            String deviceId = in.readUTF();
            long lastArrival = in.readLong();
            long accepted = in.readLong();
            long duplicates = in.readLong();
            long late = in.readLong();
            long rejected = in.readLong();
            SeqWindow seqs = new SeqWindow();
            seqs.readFrom(in);
            byte[] record = new byte[in.readInt()];
            in.readFully(record);
            TelemetryRecord newest = null;
            if (record.length > 0) {
                DecodeResult r = new TelemetryDecoder().decode(record, Long.MAX_VALUE / 2);
                if (!(r instanceof DecodeResult.Decoded d)) {
                    throw new IOException("snapshot of " + deviceId + " holds an undecodable record");
                }
                newest = d.record();
            }
            DeviceLedger ledger = new DeviceLedger(deviceId, engine.restore(deviceId, in, newest));
            ledger.lastArrivalMillis = lastArrival;
            ledger.accepted = accepted;
            ledger.duplicates = duplicates;
            ledger.late = late;
            ledger.rejected = rejected;
            ledger.seqs.copyFrom(seqs);
            ledger.newest = newest;
            ledger.deviceType = newest == null ? null : newest.deviceType();
            return ledger;
        }
    }

    public String deviceId() {
        return deviceId;
    }
}
