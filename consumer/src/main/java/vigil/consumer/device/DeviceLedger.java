package vigil.consumer.device;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import vigil.consumer.recovery.ChunkEncoder;
import vigil.consumer.recovery.RecoveryBuffer;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.rules.AlertEngine;
import vigil.consumer.window.Varints;
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
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder(); // stateless
    private TelemetryRecord newest; // greatest ts among applied records; equal ts: the later arrival
    private long lastArrivalMillis; // Kinesis arrival of the newest accepted record by arrival order
    private long accepted; // includes late records, as api-v1.md "counts" says
    private long duplicates;
    private long late;
    private long rejected;
    private boolean dirty; // changed since the last snapshot was taken for writing
    private long oldestUnwrittenArrivalMillis; // arrival of the first record since the last snapshot taken
    private int stateEpoch; // bumped by every snapshot taken (the shard's state queue compares it)
    private long lastStateWriteMillis = Long.MIN_VALUE / 2; // consumer clock of the last snapshot taken; none: long ago
    private long stateSlotTsMillis = Long.MIN_VALUE / 2; // device-time slot of the last state write (throttle)
    // Recovery journal (docs/storage.md, "Recovery journal"); writer-private like the rest.
    private long lastChunkSeq; // number of the last chunk taken (the next delta's link); 0: none yet
    private long nextChunkSeq = 1;
    private int chunksSinceBase = -1; // deltas since the last base; -1: the next chunk must be a base
    // Restored ledgers: the settings version the journal's newest chunk recorded (format 4), for the new owner.
    private boolean journaledSettingsKnown;
    private long journaledSettingsVersion = DeviceRules.NO_SETTINGS;
    private boolean journalDirty; // a change no chunk holds yet
    private int journalEpoch; // bumped by every chunk taken (the shard's journal queue compares it)

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
        journalDirty = true;
        if (!dirty) {
            oldestUnwrittenArrivalMillis = arrivalMillis;
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
        journalDirty = true;
    }

    public boolean isDirty() {
        return dirty || rules.isDirty();
    }

    /** True when a record or rejection changed the ledger since the last snapshot was taken. Writer only. */
    public boolean hasUnwrittenRecords() {
        return dirty;
    }

    /** Changes with every snapshot taken for writing: a state-queue entry made before it is stale. */
    public int stateEpoch() {
        return stateEpoch;
    }

    /** Consumer clock (epoch millis) of the last snapshot taken for writing; far in the past before the first. */
    public long lastStateWriteMillis() {
        return lastStateWriteMillis;
    }

    /**
     * As {@link #takeSnapshot(long)}, recording {@code deviceSlotMillis} as the device-time slot of this write for
     * the throttle ({@link #stateSlotTsMillis()}; vigil.consumer.ingest.ShardIngest, the state throttle).
     */
    public DeviceSnapshot takeSnapshot(long nowMillis, long deviceSlotMillis) {
        stateSlotTsMillis = deviceSlotMillis;
        return takeSnapshot(nowMillis);
    }

    /** The device-time slot of the last state write (see {@link #takeSnapshot(long, long)}); far in the past before. */
    public long stateSlotTsMillis() {
        return stateSlotTsMillis;
    }

    /** The greatest {@code ts} applied (the newest record's), far in the past before the first record. */
    public long newestTsMillis() {
        return newest == null ? Long.MIN_VALUE / 2 : newest.tsMillis();
    }

    /** An immutable copy for the writer; clears the dirty flag. Null while no record was accepted. */
    public DeviceSnapshot takeSnapshot(long nowMillis) {
        dirty = false;
        stateEpoch++;
        lastStateWriteMillis = nowMillis;
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
                oldestUnwrittenArrivalMillis == 0 ? lastArrivalMillis : oldestUnwrittenArrivalMillis);
    }

    /** True when a change (a record, a rejection, an alert step) is in no journal chunk yet. Writer only. */
    public boolean isJournalDirty() {
        return journalDirty || rules.hasUnjournaledSamples();
    }

    /** Marks a change no chunk holds yet that the ledger cannot see itself (an alert step, an acknowledgement). */
    public void markJournalDirty() {
        journalDirty = true;
    }

    /** Changes with every chunk taken: a queue entry made before it is stale. */
    public int journalEpoch() {
        return journalEpoch;
    }

    /**
     * Encodes the next chunk of the device's recovery journal (docs/storage.md, "Recovery journal") with
     * {@code encoder} (one pass into its reused buffer, compressed once) and returns it: a base (every retained sample) when this ledger has none yet
     * (a new device) and then every {@link #baseEvery} chunks, else a delta (the samples offered since the
     * last chunk). Every chunk carries the whole bookkeeping: counts, dedupe window, newest record, arrival and
     * rejection bookkeeping, open alerts with their history. Clears the journal-dirty state. Writer only.
     */
    public RecoveryChunk takeChunk(ChunkEncoder encoder) {
        boolean base = chunksSinceBase < 0 || chunksSinceBase + 1 >= baseEvery();
        long chunkSeq = nextChunkSeq;
        RecoveryBuffer buffer = encoder.body();
        try {
            Varints.write(buffer, lastArrivalMillis);
            Varints.write(buffer, accepted);
            Varints.write(buffer, duplicates);
            Varints.write(buffer, late);
            Varints.write(buffer, rejected);
            seqs.writeTo(buffer);
            byte[] record = newest == null ? new byte[0] : ENCODER.encode(newest);
            buffer.writeInt(record.length);
            buffer.write(record);
            rules.writeJournal(buffer, base);
            buffer.writeLong(rules.settingsVersion()); // format 4: last, so a format-3 body is this one without it
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory buffer", e); // RecoveryBuffer does not fail
        }
        long prevSeq = base ? 0 : lastChunkSeq;
        chunksSinceBase = base ? 0 : chunksSinceBase + 1;
        lastChunkSeq = chunkSeq;
        nextChunkSeq = chunkSeq + 1;
        journalDirty = false;
        journalEpoch++;
        return encoder.finish(deviceId, chunkSeq, prevSeq, base);
    }

    /**
     * Chunks per base: 12 to 19 by device (from the id's hash), so that a shard's devices do not all write their
     * large base chunk in the same flush. A chain (base + deltas) is thus at most {@link RecoveryChunk#MAX_CHAIN}.
     */
    private int baseEvery() {
        return 12 + (deviceId.hashCode() & 7);
    }

    /**
     * The ledger a device's journal chain describes (base first, as {@link vigil.consumer.recovery.JournalChain}
     * selects it), its rules restored into {@code engine}. The next chunk continues the chain after a jump of the
     * chunk number ({@link RecoveryChunk#OWNER_JUMP}) that keeps a previous owner's late writes out of it.
     *
     * @throws IOException when the chunks are not a readable chain of this format
     */
    public static DeviceLedger restore(List<byte[]> chain, AlertEngine engine) throws IOException {
        if (chain.isEmpty()) {
            throw new IOException("empty journal chain");
        }
        String deviceId = null;
        DeviceRules.JournalReader rules = null;
        long lastArrival = 0;
        long accepted = 0;
        long duplicates = 0;
        long late = 0;
        long rejected = 0;
        long newestSeq = 0;
        boolean settingsVersionKnown = false;
        long settingsVersion = DeviceRules.NO_SETTINGS;
        SeqWindow seqs = new SeqWindow();
        byte[] record = new byte[0];
        for (byte[] chunk : chain) {
            RecoveryChunk.Head head = RecoveryChunk.headOf(chunk);
            DataInputStream in = ChunkEncoder.bodyOf(chunk);
            if (deviceId == null) {
                deviceId = head.deviceId();
                rules = new DeviceRules.JournalReader(deviceId);
            } else if (!deviceId.equals(head.deviceId())) {
                throw new IOException("journal chain mixes devices");
            }
            newestSeq = head.chunkSeq();
            lastArrival = Varints.read(in);
            accepted = Varints.read(in);
            duplicates = Varints.read(in);
            late = Varints.read(in);
            rejected = Varints.read(in);
            seqs.readFrom(in);
            int length = in.readInt();
            if (length < 0 || length > TelemetryDecoder.MAX_RECORD_BYTES) {
                throw new IOException("record length " + length + " out of range");
            }
            record = new byte[length];
            in.readFully(record);
            rules.chunk(in);
            // The newest chunk's value wins; a format-3 chunk does not say which settings its rules had applied.
            settingsVersionKnown = head.format() >= 4;
            settingsVersion = settingsVersionKnown ? in.readLong() : DeviceRules.NO_SETTINGS;
        }
        TelemetryRecord newest = null;
        if (record.length > 0) {
            DecodeResult r = new TelemetryDecoder().decode(record, Long.MAX_VALUE / 2);
            if (!(r instanceof DecodeResult.Decoded d)) {
                throw new IOException("journal of a device holds an undecodable record");
            }
            newest = d.record();
        }
        DeviceLedger ledger = new DeviceLedger(deviceId, engine.restore(rules, deviceId, newest));
        ledger.lastArrivalMillis = lastArrival;
        ledger.accepted = accepted;
        ledger.duplicates = duplicates;
        ledger.late = late;
        ledger.rejected = rejected;
        ledger.seqs.copyFrom(seqs);
        ledger.newest = newest;
        ledger.deviceType = newest == null ? null : newest.deviceType();
        ledger.lastChunkSeq = newestSeq;
        ledger.nextChunkSeq = newestSeq + RecoveryChunk.OWNER_JUMP;
        ledger.chunksSinceBase = chain.size() - 1;
        ledger.journaledSettingsKnown = settingsVersionKnown;
        ledger.journaledSettingsVersion = settingsVersion;
        return ledger;
    }

    /**
     * True when this ledger was restored from a journal whose newest chunk says its rules had applied the settings
     * document of {@code version} ({@link DeviceRules#NO_SETTINGS}: none): the previous owner applied that document
     * (its calibration checks ran, its state write followed), so the new owner need not apply it again. False for a
     * ledger not restored, or restored from a chunk of format 3, which does not record it.
     */
    public boolean journalAppliedSettings(long version) {
        return journaledSettingsKnown && journaledSettingsVersion == version;
    }

    public String deviceId() {
        return deviceId;
    }
}
