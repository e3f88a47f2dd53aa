package vigil.consumer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.state.PendingEffects;
import vigil.consumer.state.QuarantinedRecord;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.RejectReason;
import vigil.telemetry.TelemetryEncoder;

class ShardIngestTest {
    private static final long NOW_MILLIS = 1_795_340_400_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW_MILLIS), ZoneOffset.UTC);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ShardIngest ingest = new ShardIngest("shardId-000", clock, new ConsumerMeters(registry));
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private long kinesisSeq;

    private static PumpRecord pump(String id, long seq, long tsMillis) {
        return new PumpRecord(
                new Envelope(id, DeviceType.INFUSION_PUMP, seq, tsMillis, "LVP-200", null, "ICU-4A", null, null),
                new PumpMetrics(PumpState.RUNNING, 125, 10 + seq, 500, 85, 97, true, "inf-1", null, null));
    }

    private static DialysisRecord dialysis(String id, long seq, long tsMillis) {
        return new DialysisRecord(
                Envelope.of(id, DeviceType.DIALYSIS, seq, tsMillis),
                new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150, 150, 100, 14, 14, 37, 37, 500, 2000,
                        5000, 60, 240, 400, null, null));
    }

    private void send(byte[] bytes) {
        ingest.accept(ByteBuffer.wrap(bytes), Long.toString(++kinesisSeq), 0, NOW_MILLIS);
    }

    private double count(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void shouldKeepNewestStateAndHighestSeqPerDevice() {
        send(encoder.encode(pump("PUMP-1", 0, NOW_MILLIS - 3000)));
        send(encoder.encode(pump("PUMP-1", 2, NOW_MILLIS - 1000)));
        send(encoder.encode(pump("PUMP-1", 1, NOW_MILLIS - 2000))); // out of order, within 120 s
        send(encoder.encode(pump("PUMP-2", 7, NOW_MILLIS)));

        PendingEffects effects = ingest.drainEffects();
        assertThat(effects.quarantined()).isEmpty();
        DeviceSnapshot p1 = effects.deviceStates().stream()
                .filter(s -> s.deviceId().equals("PUMP-1"))
                .findFirst()
                .orElseThrow();
        assertThat(p1.lastSeq()).isEqualTo(2);
        assertThat(p1.newest().seq()).isEqualTo(2);
        assertThat(p1.accepted()).isEqualTo(3);
        assertThat(effects.deviceStates()).hasSize(2);
        assertThat(ingest.drainEffects().isEmpty()).isTrue(); // nothing changed since
    }

    @Test
    void shouldHandOverOnlyTransitionsAndKeepDevicesDirtyWhenDrainingTransitionsOnly() {
        for (int i = 0; i < 5; i++) { // five rejections attributed to the device within 5 min: DATA_QUALITY
            send(("{\"schema\":\"vigil.telemetry.v1\",\"deviceId\":\"PUMP-1\",\"deviceType\":\"infusion_pump\","
                    + "\"seq\":\"x\"}").getBytes(StandardCharsets.UTF_8));
        }
        send(encoder.encode(pump("PUMP-1", 1, NOW_MILLIS)));

        assertThat(ingest.drainTransitionsOnly())
                .extracting(t -> t.type().name() + " " + t.change().name())
                .containsExactly("DATA_QUALITY RAISED");
        assertThat(ingest.drainTransitionsOnly()).isEmpty();
        PendingEffects effects = ingest.drainEffects();
        assertThat(effects.quarantined()).isEmpty(); // dropped by the transitions-only drain (counted in meters)
        assertThat(effects.alerts()).isEmpty(); // already handed over
        assertThat(effects.deviceStates()).extracting(DeviceSnapshot::deviceId).containsExactly("PUMP-1");
        assertThat(count("vigil.records.in")).isEqualTo(6);
    }

    @Test
    void shouldCountDuplicatesWithoutEffectAndLateRecordsWithoutApplyingThem() {
        send(encoder.encode(pump("PUMP-1", 10, NOW_MILLIS)));
        send(encoder.encode(pump("PUMP-1", 10, NOW_MILLIS))); // duplicate
        send(encoder.encode(pump("PUMP-1", 9, NOW_MILLIS - 120_001))); // late: more than 120 s older
        send(encoder.encode(pump("PUMP-1", 8, NOW_MILLIS - 120_000))); // exactly 120 s: in order

        DeviceSnapshot s = ingest.drainEffects().deviceStates().get(0);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.late()).isEqualTo(1);
        assertThat(s.accepted()).isEqualTo(3);
        assertThat(s.newest().seq()).isEqualTo(10);
        assertThat(count("vigil.records.duplicate")).isEqualTo(1);
        assertThat(count("vigil.records.late")).isEqualTo(1);
    }

    @Test
    void shouldQuarantineRejectedRecordsWithReasonAndRawBytesAndKeepProcessingAroundThem() {
        byte[] garbage = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
        send(encoder.encode(pump("PUMP-1", 0, NOW_MILLIS)));
        send(garbage);
        send(encoder.encode(pump("PUMP-1", 1, NOW_MILLIS)));

        PendingEffects effects = ingest.drainEffects();
        assertThat(effects.quarantined()).hasSize(1);
        QuarantinedRecord q = effects.quarantined().get(0);
        assertThat(q.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(q.payload()).isEqualTo(garbage);
        assertThat(q.recordKey()).isEqualTo("2:0");
        assertThat(effects.deviceStates().get(0).lastSeq()).isEqualTo(1);
        assertThat(registry.get("vigil.records.rejected").tag("reason", "NOT_JSON").counter().count())
                .isEqualTo(1);
    }

    @Test
    void shouldRejectADeviceThatChangesTypeAndCountItAgainstTheDevice() {
        send(encoder.encode(pump("DEV-1", 0, NOW_MILLIS)));
        send(encoder.encode(dialysis("DEV-1", 1, NOW_MILLIS)));

        PendingEffects effects = ingest.drainEffects();
        assertThat(effects.quarantined()).extracting(QuarantinedRecord::reason)
                .containsExactly(RejectReason.DEVICE_TYPE_CHANGED);
        assertThat(effects.quarantined().get(0).deviceId()).isEqualTo("DEV-1");
        DeviceSnapshot s = effects.deviceStates().get(0);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.deviceType()).isEqualTo(DeviceType.INFUSION_PUMP);
    }

    @Test
    void shouldNeverThrowForArbitraryBytes() {
        long seed = 7;
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            send(bytes);
        }
        assertThat(ingest.drainEffects().quarantined()).as("seed %d", seed).hasSize(5_000);
    }

    @Test
    void shouldReadRecordsFromDirectBuffers() {
        byte[] bytes = encoder.encode(pump("PUMP-9", 3, NOW_MILLIS));
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        ingest.accept(direct, "1", 0, NOW_MILLIS);
        assertThat(ingest.drainEffects().deviceStates().get(0).lastSeq()).isEqualTo(3);
    }
}
