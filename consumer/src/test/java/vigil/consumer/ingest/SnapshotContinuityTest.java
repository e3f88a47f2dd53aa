package vigil.consumer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.StreamGenerator;
import vigil.consumer.state.PendingEffects;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * A shard handed over mid-stream (new owner restores the snapshots, KCL redelivers the records after the last
 * checkpoint) produces the same alerts, histories and device states as one owner that processed everything.
 */
class SnapshotContinuityTest {
    private final TelemetryEncoder encoder = new TelemetryEncoder();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldContinueExactlyAfterHandover(long seed) throws Exception {
        List<TelemetryRecord> records = StreamGenerator.shuffled(StreamGenerator.stream(seed, 40), seed, 60_000);
        Random random = new Random(seed);
        int handoverAt = records.size() / 4 + random.nextInt(records.size() / 2);
        int redelivered = random.nextInt(Math.min(50, handoverAt)); // records after the last checkpoint
        Clock clock = Clock.fixed(Instant.ofEpochMilli(records.get(records.size() - 1).tsMillis()), ZoneOffset.UTC);

        ShardIngest reference = new ShardIngest("shard", clock, new ConsumerMeters(new SimpleMeterRegistry()));
        Map<String, AlertTransition> referenceAlerts = new LinkedHashMap<>();
        List<String> referenceChanges = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            send(reference, records.get(i), i);
            collect(reference.drainEffects(false), referenceAlerts, referenceChanges);
        }
        List<DeviceSnapshot> referenceStates = reference.drainEffects(true).deviceStates();

        ShardIngest first = new ShardIngest("shard", clock, new ConsumerMeters(new SimpleMeterRegistry()));
        Map<String, AlertTransition> alerts = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < handoverAt; i++) {
            send(first, records.get(i), i);
            collect(first.drainEffects(false), alerts, changes);
        }
        PendingEffects flushed = first.drainEffects(true); // the snapshots written before the checkpoint
        ShardIngest second = new ShardIngest("shard", clock, new ConsumerMeters(new SimpleMeterRegistry()));
        for (DeviceSnapshot s : flushed.deviceStates()) {
            second.restore(s.restoreState());
        }
        for (int i = handoverAt - redelivered; i < records.size(); i++) {
            send(second, records.get(i), i);
            collect(second.drainEffects(false), alerts, changes);
        }
        List<DeviceSnapshot> states = second.drainEffects(true).deviceStates();

        assertThat(referenceAlerts).as("seed %d", seed).isNotEmpty();
        assertThat(changes).as("seed %d: every transition once, in order", seed).isEqualTo(referenceChanges);
        assertThat(alerts.keySet()).isEqualTo(referenceAlerts.keySet());
        for (AlertTransition a : referenceAlerts.values()) {
            // Same steps; the figure in each step may differ in the last bits: the restored window recomputes its
            // running sums from the samples instead of carrying the original's accumulated rounding.
            List<vigil.consumer.rules.HistoryEntry> got = alerts.get(a.alertId()).history();
            assertThat(got).as("seed %d %s", seed, a.alertId()).hasSameSizeAs(a.history());
            for (int i = 0; i < got.size(); i++) {
                vigil.consumer.rules.HistoryEntry g = got.get(i);
                vigil.consumer.rules.HistoryEntry w = a.history().get(i);
                assertThat(List.<Object>of(g.change(), g.status(), g.priority(), g.atMillis(), g.actor()))
                        .isEqualTo(List.<Object>of(w.change(), w.status(), w.priority(), w.atMillis(), w.actor()));
                assertFigure(g.value(), w.value());
            }
        }
        assertThat(states).hasSameSizeAs(referenceStates);
        for (DeviceSnapshot want : referenceStates) {
            DeviceSnapshot got = states.stream().filter(s -> s.deviceId().equals(want.deviceId())).findFirst()
                    .orElseThrow();
            assertThat(got.lastSeq()).isEqualTo(want.lastSeq());
            assertThat(got.newest()).isEqualTo(want.newest());
            assertThat(got.accepted()).isEqualTo(want.accepted());
            assertThat(got.duplicates()).as("redelivered records count as duplicates")
                    .isBetween(want.duplicates(), want.duplicates() + redelivered);
            assertThat(got.figures().openAlertIds()).isEqualTo(want.figures().openAlertIds());
            assertFigure(got.figures().flowErrorPct(), want.figures().flowErrorPct());
            assertFigure(got.figures().pressureOffsetMmHg(), want.figures().pressureOffsetMmHg());
            assertFigure(got.figures().conductivityDivergenceMsCm(), want.figures().conductivityDivergenceMsCm());
            assertFigure(got.figures().minutesToEmpty(), want.figures().minutesToEmpty());
        }
    }

    private static void assertFigure(Double got, Double want) {
        if (want == null) {
            assertThat(got).isNull();
        } else {
            assertThat(got).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(want))));
        }
    }

    private void send(ShardIngest ingest, TelemetryRecord r, int index) {
        ingest.accept(ByteBuffer.wrap(encoder.encode(r)), Integer.toString(index), 0, r.tsMillis());
    }

    private static void collect(PendingEffects e, Map<String, AlertTransition> alerts, List<String> changes) {
        for (AlertTransition t : e.alerts()) {
            alerts.put(t.alertId(), t);
            changes.add(t.alertId() + " " + t.change());
        }
    }
}
