package vigil.consumer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.recovery.JournalChain;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.replay.ReplayClock;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.HistoryEntry;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.rules.StreamGenerator;
import vigil.consumer.state.PendingEffects;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * A shard handed over mid-stream produces the same alerts, histories and device states as one owner that processed
 * everything: the new owner restores each device from its recovery journal (the chunks the old owner made durable,
 * some of them after its last checkpoint), and KCL redelivers every record after that checkpoint.
 */
class JournalContinuityTest {
    private static final long JOURNAL_INTERVAL_MILLIS = 20_000;
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private long[] arrivalMillis; // by record index

    /** The device-recovery table's semantics: a slot per chunkSeq mod SLOTS, never replaced by an older chunk. */
    static final class SlotStore {
        final Map<String, Map<Integer, RecoveryChunk>> byDevice = new HashMap<>();

        void write(RecoveryChunk c) {
            Map<Integer, RecoveryChunk> slots = byDevice.computeIfAbsent(c.deviceId(), k -> new HashMap<>());
            int slot = (int) Math.floorMod(c.chunkSeq(), (long) RecoveryChunk.SLOTS);
            RecoveryChunk stored = slots.get(slot);
            if (stored == null || stored.chunkSeq() < c.chunkSeq()) {
                slots.put(slot, c);
            }
        }

        List<byte[]> stored(String deviceId) {
            List<byte[]> out = new ArrayList<>();
            for (RecoveryChunk c : byDevice.get(deviceId).values()) {
                out.add(c.bytes());
            }
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldContinueExactlyAfterHandover(long seed) throws Exception {
        List<TelemetryRecord> records = StreamGenerator.shuffled(StreamGenerator.stream(seed, 40), seed, 60_000);
        Random random = new Random(seed);
        int handoverAt = records.size() / 4 + random.nextInt(records.size() / 2);
        int batch = 1 + random.nextInt(20); // records per KCL batch; each batch ends with a flush
        // Kinesis arrival is a property of the record in the stream: a redelivered record has the same one (the
        // v1.1 clock-jump rule compares arrival gaps). Arrival follows the stream: the greatest ts so far.
        arrivalMillis = new long[records.size()];
        long greatest = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            greatest = Math.max(greatest, records.get(i).tsMillis());
            arrivalMillis[i] = greatest;
        }

        ReplayClock referenceClock = new ReplayClock();
        ShardIngest reference = ingest(referenceClock);
        Map<String, AlertTransition> referenceAlerts = new LinkedHashMap<>();
        List<String> referenceChanges = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            send(reference, referenceClock, records.get(i), i);
            collect(reference.drainEffects(false), referenceAlerts, referenceChanges, null);
        }
        List<DeviceSnapshot> referenceStates = reference.drainEffects(true).deviceStates();

        // First owner: effects made durable at every batch end, checkpoint at the durable position then; the records
        // after its last batch end were processed but their effects never written (it was killed).
        ReplayClock clock = new ReplayClock();
        ShardIngest first = ingest(clock);
        SlotStore store = new SlotStore();
        Map<String, AlertTransition> alerts = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        int resumeAt = 0; // first record after the last checkpoint
        for (int i = 0; i < handoverAt; i++) {
            send(first, clock, records.get(i), i);
            if ((i + 1) % batch == 0) {
                collect(first.drainEffects(true, false), alerts, changes, store);
                ShardIngest.Position checkpoint = first.durablePosition();
                if (checkpoint != null) {
                    resumeAt = Integer.parseInt(checkpoint.sequenceNumber()) + 1;
                }
            }
        }
        assertThat(resumeAt).as("seed %d: the checkpoint trails the records by the journal interval", seed)
                .isLessThan(handoverAt);

        ReplayClock secondClock = new ReplayClock();
        secondClock.set(clock.millis());
        ShardIngest second = ingest(secondClock);
        for (String deviceId : store.byDevice.keySet()) {
            second.restore(JournalChain.select(store.stored(deviceId)));
        }
        for (int i = resumeAt; i < records.size(); i++) {
            send(second, secondClock, records.get(i), i);
            collect(second.drainEffects(false), alerts, changes, null);
        }
        List<DeviceSnapshot> states = second.drainEffects(true).deviceStates();

        assertThat(referenceAlerts).as("seed %d", seed).isNotEmpty();
        assertThat(changes).as("seed %d: every transition once, in order", seed).isEqualTo(referenceChanges);
        assertThat(alerts.keySet()).isEqualTo(referenceAlerts.keySet());
        for (AlertTransition a : referenceAlerts.values()) {
            // Same steps; the figure in each step may differ in the last bits: the restored window recomputes its
            // running sums from the samples instead of carrying the original's accumulated rounding.
            List<HistoryEntry> got = alerts.get(a.alertId()).history();
            assertThat(got).as("seed %d %s", seed, a.alertId()).hasSameSizeAs(a.history());
            for (int i = 0; i < got.size(); i++) {
                HistoryEntry g = got.get(i);
                HistoryEntry w = a.history().get(i);
                assertThat(List.<Object>of(g.change(), g.status(), g.priority(), g.atMillis(), g.actor()))
                        .isEqualTo(List.<Object>of(w.change(), w.status(), w.priority(), w.atMillis(), w.actor()));
                assertFigure(g.value(), w.value());
            }
        }
        assertThat(states).hasSameSizeAs(referenceStates);
        int redelivered = handoverAt - resumeAt;
        for (DeviceSnapshot want : referenceStates) {
            DeviceSnapshot got = states.stream().filter(s -> s.deviceId().equals(want.deviceId())).findFirst()
                    .orElseThrow();
            assertThat(got.lastSeq()).isEqualTo(want.lastSeq());
            assertThat(got.newest()).isEqualTo(want.newest());
            assertThat(got.accepted()).as("seed %d: nothing lost, nothing counted twice", seed)
                    .isEqualTo(want.accepted());
            assertThat(got.duplicates()).as("redelivered records already journaled count as duplicates")
                    .isBetween(want.duplicates(), want.duplicates() + redelivered);
            assertThat(got.figures().openAlertIds()).isEqualTo(want.figures().openAlertIds());
            assertFigure(got.figures().flowErrorPct(), want.figures().flowErrorPct());
            assertFigure(got.figures().pressureOffsetMmHg(), want.figures().pressureOffsetMmHg());
            assertFigure(got.figures().conductivityDivergenceMsCm(), want.figures().conductivityDivergenceMsCm());
            assertFigure(got.figures().minutesToEmpty(), want.figures().minutesToEmpty());
        }
    }

    private static ShardIngest ingest(Clock clock) {
        return new ShardIngest("shard", clock, new ConsumerMeters(new SimpleMeterRegistry()), SettingsSource.NONE,
                JOURNAL_INTERVAL_MILLIS);
    }

    private static void assertFigure(Double got, Double want) {
        if (want == null) {
            assertThat(got).isNull();
        } else {
            assertThat(got).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(want))));
        }
    }

    private void send(ShardIngest ingest, ReplayClock clock, TelemetryRecord r, int index) {
        clock.set(Math.max(clock.millis(), arrivalMillis[index])); // the processing clock never goes back
        ingest.accept(ByteBuffer.wrap(encoder.encode(r)), Integer.toString(index), 0, arrivalMillis[index]);
    }

    private static void collect(
            PendingEffects e, Map<String, AlertTransition> alerts, List<String> changes, SlotStore store) {
        for (AlertTransition t : e.alerts()) {
            alerts.put(t.alertId(), t);
            changes.add(t.alertId() + " " + t.change());
        }
        if (store != null) {
            e.recoveryChunks().forEach(store::write);
        }
    }
}
