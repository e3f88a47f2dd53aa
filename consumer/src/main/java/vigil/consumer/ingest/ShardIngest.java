package vigil.consumer.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.consumer.device.DeviceLedger;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.recovery.ChunkEncoder;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.rules.AlertEngine;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.rules.SettingsCache;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.state.PendingEffects;
import vigil.consumer.state.QuarantinedRecord;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.RejectReason;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryRecord;

/**
 * Handles the records of one shard, one at a time: decode, reject into the quarantine, detect device-type changes,
 * duplicates and late records, and keep each device's ledger. Collects the effects that must be durable before a
 * checkpoint; {@link #drainEffects} hands them over.
 *
 * <p>One record's failure never affects the others: every record is handled inside its own catch, and a record
 * that fails by a bug is quarantined as {@code PROCESSING_ERROR} rather than lost or allowed to abort the batch
 * (KCL skips a whole batch when {@code processRecords} throws).
 *
 * <p><b>Recovery journal.</b> A device changed by a record joins a queue, with the position of the record before
 * it; its next journal chunk is taken {@code journalIntervalMillis} later (or at once with an alert step), so
 * chunks cover about that long and a shard's devices spread their chunks over the interval. {@link
 * #durablePosition()} is the newest position whose every effect is in a chunk taken: the checkpoint never passes
 * what the journal plus redelivery can rebuild (docs/consumer.md, "Writes and checkpoints").
 *
 * <p><b>Threading contract.</b> Single logical writer: the owning shard processor, whose calls KCL serialises
 * (successive calls may run on different threads, with happens-before between them). Not safe for concurrent use.
 */
public final class ShardIngest {
    private static final Logger LOG = LoggerFactory.getLogger(ShardIngest.class);

    private final String shardId;
    private final Clock clock;
    private final ConsumerMeters meters;
    private final TelemetryDecoder decoder = new TelemetryDecoder();
    private final AlertEngine engine;
    private final Map<String, DeviceLedger> ledgers = new HashMap<>();
    private final List<QuarantinedRecord> quarantined = new ArrayList<>();
    private final byte[] scratch = new byte[TelemetryDecoder.MAX_RECORD_BYTES];
    private final Map<String, DeviceSettings> appliedSettings = new HashMap<>(); // by the side input
    private long settingsGeneration = -1; // SettingsCache generation last applied
    private final Map<Class<?>, Boolean> loggedErrors = new HashMap<>(); // log each distinct bug once
    // Recovery journal: devices changed since their last chunk, oldest change first (entries go stale when a chunk
    // is taken earlier, e.g. with an alert step; the device's epoch tells).
    private final ArrayDeque<JournalEntry> journalQueue = new ArrayDeque<>();
    // Device states not yet written: devices whose state was clean when a record changed it, oldest first (entries
    // go stale when the state is written; the device's state epoch tells). With the journal queue it bounds the
    // checkpoint: durablePosition() never passes a change whose state is not written.
    private final ArrayDeque<StateEntry> stateQueue = new ArrayDeque<>();
    private long recordIndex; // records accepted by this ingest so far
    private final ChunkEncoder journalEncoder = new ChunkEncoder();
    private final long journalIntervalMillis;
    // Positions as fields, no allocation per record: the record being handled (or last handled) and the one before
    // it; a sequence number of null: none yet. A Position is made only when a device joins the queue.
    private String lastSequenceNumber;
    private long lastSubSequenceNumber;
    private long lastArrivalMillis;
    private String beforeSequenceNumber;
    private long beforeSubSequenceNumber;
    private long beforeArrivalMillis;
    private long lastAcceptedTsMillis = Long.MIN_VALUE; // ts of the last record accept() accepted

    /**
     * A Kinesis position: the checkpoint takes both numbers (KPL aggregates share a sequence number).
     *
     * @param arrivalMillis Kinesis arrival of the record at this position (for the checkpoint lag)
     */
    public record Position(String sequenceNumber, long subSequenceNumber, long arrivalMillis) {}

    /**
     * A device changed while its journal was clean; {@code index}: that record's number in this ingest;
     * {@code before}: the record before that change, or null.
     */
    private record JournalEntry(DeviceLedger ledger, int epoch, long changedAtMillis, long index, Position before) {}

    /** A device changed while its state was written (clean): that change is not durable until the next write. */
    private record StateEntry(DeviceLedger ledger, int epoch, long index, Position before) {}

    /** Which device states a drain takes. */
    public enum StateWrites {
        /** Every changed device (shutdown, shard end, offline runs, tests). */
        ALL,
        /**
         * The live throttle (docs/consumer.md, "Writes and checkpoints"), per changed device: at most one write per
         * second of the device's own time ({@code ts}), at the leading edge (in the drain after the first record at
         * least {@link #STATE_INTERVAL_MILLIS} of device time after the last write's slot, if the last write is at
         * least {@link #STATE_MIN_GAP_MILLIS} old on the consumer's clock); the trailing edge in the first drain
         * when the last write is {@link #STATE_INTERVAL_MILLIS} old on the consumer's clock; and every device with
         * an alert step.
         */
        DUE,
        /** Only the devices with an alert step (written at once). */
        TRANSITIONS
    }

    /** A device's state is written at most once per this interval, except with alert steps (alerts-v1.md). */
    public static final long STATE_INTERVAL_MILLIS = 1_000;

    /** Two state writes of a device (without alert steps) are at least this far apart on the consumer's clock. */
    public static final long STATE_MIN_GAP_MILLIS = 500;

    /**
     * How early in device time a record may come for its device's next one-second slot: a device whose records are
     * a little less than a second apart (a clock that samples every 999 ms, rounding of ts) is still written at
     * once; the slots stay a second apart, so the device still gets at most one write per second of data.
     */
    public static final long STATE_SLOT_TOLERANCE_MILLIS = 500;

    /** The journal interval of the live consumer (docs/consumer.md): chunks every 20 s of a changing device. */
    public static final long DEFAULT_JOURNAL_INTERVAL_MILLIS = 20_000;
    /** No recovery journal (offline runs: the replay, benchmarks): no queue is kept, no chunk is due. */
    public static final long JOURNAL_OFF = -1;

    public ShardIngest(String shardId, Clock clock, ConsumerMeters meters) {
        this(shardId, clock, meters, SettingsSource.NONE);
    }

    /** With the devices' settings documents from {@code settings} (thresholds, calibration, care unit). */
    public ShardIngest(String shardId, Clock clock, ConsumerMeters meters, SettingsSource settings) {
        this(shardId, clock, meters, settings, DEFAULT_JOURNAL_INTERVAL_MILLIS);
    }

    /**
     * @param journalIntervalMillis a changed device's next journal chunk is taken this long after its first change
     *     since the last one (0: every drain; {@link #JOURNAL_OFF}: never, for offline runs)
     */
    public ShardIngest(
            String shardId, Clock clock, ConsumerMeters meters, SettingsSource settings, long journalIntervalMillis) {
        if (journalIntervalMillis < 0 && journalIntervalMillis != JOURNAL_OFF) {
            throw new IllegalArgumentException("journalIntervalMillis must not be negative: " + journalIntervalMillis);
        }
        this.shardId = shardId;
        this.clock = clock;
        this.meters = meters;
        this.engine = new AlertEngine(settings);
        this.journalIntervalMillis = journalIntervalMillis;
    }

    private DeviceLedger ledger(String deviceId) {
        DeviceLedger ledger = ledgers.get(deviceId);
        if (ledger == null) {
            ledger = new DeviceLedger(deviceId, engine.track(deviceId));
            ledgers.put(deviceId, ledger);
        }
        return ledger;
    }

    /**
     * Processing-time rules (DEVICE_OFFLINE, DATA_QUALITY clear) at the consumer's clock. The shard processor calls
     * this on every call, empty batches included, so a quiet shard is still checked every poll (at most 5 s apart,
     * alerts-v1.md).
     */
    public void onTick(long nowMillis) {
        engine.onTick(nowMillis);
    }

    /** The ts (device event time, epoch ms) of the last record {@link #accept} accepted; MIN_VALUE before any. */
    public long lastAcceptedTsMillis() {
        return lastAcceptedTsMillis;
    }

    /** A settings document changed (thresholds, calibration, care unit). */
    public void applySettings(String deviceId, DeviceSettings settings) {
        engine.applySettings(deviceId, settings);
    }

    /** Ids of the shard's open alerts that no acknowledgement has reached yet. */
    public List<String> unacknowledgedOpenAlertIds() {
        return engine.unacknowledgedOpenAlertIds();
    }

    /** An acknowledgement from the API; false when the alert is not open on this shard. */
    public boolean acknowledge(Acknowledgement ack) {
        return engine.acknowledge(ack);
    }

    /**
     * Handles one user record. Never throws for anything the record contains.
     *
     * @param data          the record's bytes (position to limit); not modified
     * @param arrivalMillis Kinesis approximate arrival time, epoch millis
     * @return true when the record was decoded and accepted (applied, late or duplicate; its ts is then
     *     {@link #lastAcceptedTsMillis()}); false when it was rejected or quarantined (the replay's clock follows
     *     accepted records' ts only)
     */
    public boolean accept(ByteBuffer data, String sequenceNumber, long subSequenceNumber, long arrivalMillis) {
        meters.recordIn();
        recordIndex++;
        beforeSequenceNumber = lastSequenceNumber;
        beforeSubSequenceNumber = lastSubSequenceNumber;
        beforeArrivalMillis = lastArrivalMillis;
        lastSequenceNumber = sequenceNumber;
        lastSubSequenceNumber = subSequenceNumber;
        lastArrivalMillis = arrivalMillis;
        try {
            DecodeResult result = decode(data);
            if (result instanceof DecodeResult.Rejected rejected) {
                reject(data, sequenceNumber, subSequenceNumber, arrivalMillis, rejected);
            } else if (result instanceof DecodeResult.Decoded decoded) {
                return apply(decoded.record(), data, sequenceNumber, subSequenceNumber, arrivalMillis);
            }
            return false;
        } catch (RuntimeException e) {
            meters.processingError();
            if (loggedErrors.putIfAbsent(e.getClass(), Boolean.TRUE) == null) {
                // Stack trace of our own code only; exception messages are not trusted to be payload-free.
                LOG.error("shard {}: record {}:{} failed by a bug ({}); quarantined. Further ones counted only.",
                        shardId, sequenceNumber, subSequenceNumber, e.getClass().getName());
            }
            quarantined.add(new QuarantinedRecord(shardId, sequenceNumber, subSequenceNumber, arrivalMillis, null,
                    e.getClass().getSimpleName(), null, null, copy(data)));
            return false;
        }
    }

    private DecodeResult decode(ByteBuffer data) {
        int length = data.remaining();
        long nowMillis = clock.millis();
        if (data.hasArray()) {
            return decoder.decode(data.array(), data.arrayOffset() + data.position(), length, nowMillis);
        }
        if (length > scratch.length) {
            return decoder.decode(copy(data), nowMillis); // rejected as TOO_LARGE before parsing
        }
        data.duplicate().get(scratch, 0, length);
        return decoder.decode(scratch, 0, length, nowMillis);
    }

    private boolean apply(TelemetryRecord record, ByteBuffer data, String seqNo, long subSeq, long arrivalMillis) {
        DeviceLedger ledger = ledger(record.deviceId());
        if (ledger.deviceType() != null && ledger.deviceType() != record.deviceType()) {
            reject(data, seqNo, subSeq, arrivalMillis,
                    new DecodeResult.Rejected(RejectReason.DEVICE_TYPE_CHANGED, record.deviceId(), "deviceType"));
            return false;
        }
        enqueueIfClean(ledger);
        lastAcceptedTsMillis = record.tsMillis();
        switch (ledger.offer(record, arrivalMillis)) {
            case APPLIED -> {
                meters.accepted();
                engine.onApplied(ledger.rules(), record, arrivalMillis);
            }
            case LATE -> {
                meters.accepted();
                meters.late();
                engine.onLate(ledger.rules(), arrivalMillis);
            }
            case DUPLICATE -> meters.duplicate();
        }
        return true;
    }

    private void reject(
            ByteBuffer data, String seqNo, long subSeq, long arrivalMillis, DecodeResult.Rejected rejected) {
        meters.rejected(rejected.reason());
        if (rejected.deviceId() != null) {
            DeviceLedger ledger = ledger(rejected.deviceId());
            enqueueIfClean(ledger);
            ledger.countRejected();
            engine.onRejected(ledger.rules(), arrivalMillis);
        }
        quarantined.add(new QuarantinedRecord(shardId, seqNo, subSeq, arrivalMillis, rejected.reason(), null,
                rejected.deviceId(), rejected.field(), copy(data)));
    }

    /**
     * A record is about to change {@code ledger}: it joins the journal queue unless a change already queued it, and
     * the state queue unless its state is already changed since the last write.
     */
    private void enqueueIfClean(DeviceLedger ledger) {
        if (journalIntervalMillis == JOURNAL_OFF) {
            return;
        }
        Position before = null;
        if (!ledger.isJournalDirty()) {
            before = positionBefore();
            journalQueue.addLast(new JournalEntry(ledger, ledger.journalEpoch(), clock.millis(), recordIndex, before));
        }
        if (!ledger.hasUnwrittenRecords()) {
            stateQueue.addLast(new StateEntry(ledger, ledger.stateEpoch(), recordIndex,
                    before != null ? before : positionBefore()));
        }
    }

    private Position positionBefore() {
        return beforeSequenceNumber == null ? null
                : new Position(beforeSequenceNumber, beforeSubSequenceNumber, beforeArrivalMillis);
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /**
     * For offline runs (the replay, benchmarks) that need the alert transitions only: the transitions collected
     * since the last call. Quarantined records collected since then are dropped (they were counted in the meters),
     * no device state and no journal chunk is taken; the devices stay dirty. Not for the live consumer, whose
     * effects must all become durable.
     */
    public List<AlertTransition> drainTransitionsOnly() {
        quarantined.clear();
        return engine.drainTransitions();
    }

    /** Every effect collected since the last call, every changed device included: {@code drainEffects(true)}. */
    public PendingEffects drainEffects() {
        return drainEffects(true);
    }

    /** {@link #drainEffects(boolean, boolean)} taking the journal chunks that are due. */
    public PendingEffects drainEffects(boolean allChangedDevices) {
        return drainEffects(allChangedDevices, false);
    }

    /**
     * {@link #drainEffects(StateWrites, boolean)}: {@code allChangedDevices} true is {@link StateWrites#ALL}, false
     * {@link StateWrites#TRANSITIONS}.
     */
    public PendingEffects drainEffects(boolean allChangedDevices, boolean journalAll) {
        return drainEffects(allChangedDevices ? StateWrites.ALL : StateWrites.TRANSITIONS, journalAll);
    }

    /**
     * The effects collected since the last call: quarantined records, alert transitions, device states and recovery
     * journal chunks.
     *
     * @param states which changed devices' states: all, the due ones (the live throttle), or those with an alert
     *     step only; the others stay dirty for a later drain
     * @param journalAll true: a journal chunk of every device with a change no chunk holds (shutdown, shard end),
     *     so that {@link #durablePosition()} is the last record; false: chunks of the devices whose first change
     *     since their last chunk is {@code journalIntervalMillis} old, and of every device with an alert transition
     */
    public PendingEffects drainEffects(StateWrites states, boolean journalAll) {
        long nowMillis = clock.millis();
        boolean allChangedDevices = states == StateWrites.ALL;
        List<AlertTransition> transitions = engine.drainTransitions();
        List<DeviceSnapshot> snapshots = new ArrayList<>();
        List<RecoveryChunk> chunks = new ArrayList<>();
        Set<String> stepped = new HashSet<>();
        for (AlertTransition t : transitions) {
            DeviceLedger ledger = ledgers.get(t.deviceId());
            if (ledger != null && stepped.add(t.deviceId())) {
                // The alert's stored state and the device's journal move together: a new owner never raises again
                // what is stored, nor misses what is open.
                ledger.markJournalDirty();
                chunks.add(ledger.takeChunk(journalEncoder));
                if (!allChangedDevices) {
                    addIfDirty(ledger, nowMillis, snapshots);
                }
            }
        }
        if (allChangedDevices) {
            for (DeviceLedger ledger : ledgers.values()) {
                addIfDirty(ledger, nowMillis, snapshots);
            }
        } else if (states == StateWrites.DUE) {
            for (DeviceLedger ledger : ledgers.values()) {
                if (ledger.isDirty() && isDue(ledger, nowMillis)) {
                    addIfDirty(ledger, nowMillis, snapshots);
                }
            }
        }
        if (journalAll) {
            for (DeviceLedger ledger : ledgers.values()) {
                if (ledger.isJournalDirty()) {
                    chunks.add(ledger.takeChunk(journalEncoder));
                }
            }
            journalQueue.clear();
        } else {
            takeDueChunks(nowMillis, chunks);
        }
        // Acknowledgements the writer finds in the store are applied to this engine, on the writer's calling thread,
        // and the alert's resulting state replaces the refused write (AlertAttributes, acknowledgement contract).
        PendingEffects effects = new PendingEffects(snapshots, quarantined, transitions, chunks, ack -> {
            acknowledge(ack);
            return drainEffects(false, false);
        });
        quarantined.clear();
        return effects;
    }

    private void takeDueChunks(long nowMillis, List<RecoveryChunk> chunks) {
        while (!journalQueue.isEmpty()) {
            JournalEntry head = journalQueue.peekFirst();
            if (isStale(head)) {
                journalQueue.pollFirst();
            } else if (journalIntervalMillis != JOURNAL_OFF
                    && nowMillis - head.changedAtMillis() >= journalIntervalMillis) {
                journalQueue.pollFirst();
                chunks.add(head.ledger().takeChunk(journalEncoder));
            } else {
                return;
            }
        }
    }

    private static boolean isStale(JournalEntry e) {
        return e.epoch() != e.ledger().journalEpoch() || !e.ledger().isJournalDirty();
    }

    private static boolean isStale(StateEntry e) {
        return e.epoch() != e.ledger().stateEpoch();
    }

    /**
     * The newest position up to which every record's effects are in a journal chunk and a device state taken by
     * now (and so durable once the effects drained so far are): the record before the oldest change that no chunk,
     * or no state write, holds; the last record when every change is in both. Null when there is none (no record yet, or the oldest change came with the
     * first record this processor saw: nothing before it to checkpoint).
     */
    public Position durablePosition() {
        while (!journalQueue.isEmpty() && isStale(journalQueue.peekFirst())) {
            journalQueue.pollFirst();
        }
        while (!stateQueue.isEmpty() && isStale(stateQueue.peekFirst())) {
            stateQueue.pollFirst();
        }
        JournalEntry journal = journalQueue.peekFirst();
        StateEntry state = stateQueue.peekFirst();
        if (journal != null && (state == null || journal.index() <= state.index())) {
            return journal.before();
        }
        if (state != null) {
            return state.before();
        }
        return lastSequenceNumber == null ? null
                : new Position(lastSequenceNumber, lastSubSequenceNumber, lastArrivalMillis);
    }

    private static void addIfDirty(DeviceLedger ledger, long nowMillis, List<DeviceSnapshot> states) {
        if (ledger.isDirty()) {
            DeviceSnapshot snapshot = ledger.takeSnapshot(nowMillis,
                    Math.max(ledger.stateSlotTsMillis() + STATE_INTERVAL_MILLIS, ledger.newestTsMillis()));
            if (snapshot != null) {
                states.add(snapshot);
            }
        }
    }

    /**
     * The throttle's test. The second is counted on the device's clock: a device's records are a second apart in
     * {@code ts} however their arrivals jitter (batching, polls), so a device sending once a second is written in
     * the drain after each record. Counted on the consumer's clock instead, a write that lands a poll after the
     * device's second moves its next second as far, and the wait between record and write drifts through the whole
     * second (measured: device→state p50 531 ms, p99 1,039 ms at 250 records/s with the store idle). The slot of a
     * write is a second after the previous slot or the newest {@code ts}, whichever is later, and a record may come
     * up to {@link #STATE_SLOT_TOLERANCE_MILLIS} early for its slot (a generic cell rate algorithm on device time):
     * at most one write per second of device time over any stretch, plus one; the consumer's clock keeps writes
     * {@link #STATE_MIN_GAP_MILLIS} apart (a device clock running fast cannot buy more writes than that) and gives
     * the trailing edge.
     */
    static boolean isDue(DeviceLedger ledger, long nowMillis) {
        long sinceLastWrite = nowMillis - ledger.lastStateWriteMillis();
        if (sinceLastWrite >= STATE_INTERVAL_MILLIS) {
            return true; // trailing edge, or a slow device
        }
        return sinceLastWrite >= STATE_MIN_GAP_MILLIS && ledger.newestTsMillis() - ledger.stateSlotTsMillis()
                >= STATE_INTERVAL_MILLIS - STATE_SLOT_TOLERANCE_MILLIS;
    }

    /**
     * Continues a device from its recovery journal chain (base first; {@link vigil.consumer.recovery.JournalChain})
     * written by a previous owner of the shard (or of a parent shard). Replaces what this shard knew of the device.
     *
     * @throws IOException when the chunks are not a readable chain
     */
    public void restore(List<byte[]> chain) throws IOException {
        DeviceLedger ledger = DeviceLedger.restore(chain, engine);
        String deviceId = ledger.deviceId();
        ledgers.put(deviceId, ledger);
        // The rules were rebuilt with the side input's document for the device. When the journal says the previous
        // owner had applied that same version, it is taken as applied here (no second application, hence no state
        // rewrite of every such device at takeover); otherwise the next refreshSettings applies it (calibration
        // checks, state write), as for a document that changed.
        DeviceSettings held = ledger.rules().settings();
        if (held != null && ledger.journalAppliedSettings(held.version())) {
            appliedSettings.put(deviceId, held);
        } else {
            appliedSettings.remove(deviceId);
            if (held != null) {
                settingsGeneration = -1; // a document to apply: the next refreshSettings must look
            }
        }
    }

    /**
     * Applies the settings documents that changed since the last call, for the devices this shard tracks (the
     * settings side input; a device tracked later gets its document when first seen). Cheap when nothing changed.
     */
    public void refreshSettings(SettingsCache cache) {
        long generation = cache.generation();
        if (generation == settingsGeneration) {
            return;
        }
        settingsGeneration = generation;
        for (String deviceId : ledgers.keySet()) {
            DeviceSettings s = cache.settingsFor(deviceId);
            DeviceSettings before = appliedSettings.get(deviceId);
            if (s != null && (before == null || before.version() != s.version())) {
                engine.applySettings(deviceId, s);
                appliedSettings.put(deviceId, s);
            }
        }
    }

    /** The devices this shard tracks (for the settings side input). */
    public Set<String> deviceIds() {
        return ledgers.keySet();
    }

    /** Forgets every device and pending effect (the lease was lost: another worker owns the shard now). */
    public void reset() {
        ledgers.clear();
        appliedSettings.clear();
        settingsGeneration = -1;
        quarantined.clear();
        journalQueue.clear();
        stateQueue.clear();
        lastSequenceNumber = null;
        beforeSequenceNumber = null;
        engine.reset();
    }

    public int deviceCount() {
        return ledgers.size();
    }

    /**
     * Every tracked device with its care unit (the settings' else the newest record's) and type, for the alarm
     * burden report's denominator (docs/alarm-burden.md). Devices of which only rejected records were seen have no
     * type and are left out.
     */
    public List<vigil.burden.DeviceInScope> devicesInScope() {
        List<vigil.burden.DeviceInScope> devices = new ArrayList<>(ledgers.size());
        for (DeviceLedger ledger : ledgers.values()) {
            if (ledger.deviceType() != null) {
                devices.add(new vigil.burden.DeviceInScope(
                        ledger.deviceId(), ledger.rules().careUnit(), ledger.deviceType().wireName()));
            }
        }
        return devices;
    }

    public String shardId() {
        return shardId;
    }
}
