package vigil.consumer.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.metrics.StateLatency;
import vigil.consumer.state.PendingEffects;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;

/** One durable write per batch (ours) vs one per record (the benchmark's comparison mode), and the shard meters. */
class ShardProcessorWriteModeTest {
    private static final long NOW = 1_795_340_400_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final List<PendingEffects> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger checkpoints = new AtomicInteger();
    private final ConsumerMeters meters = new ConsumerMeters(new SimpleMeterRegistry());

    private KinesisClientRecord record(String deviceId, long seq, long kinesisSeq) {
        PumpRecord r = new PumpRecord(
                new Envelope(deviceId, DeviceType.INFUSION_PUMP, seq, NOW - 2000 + seq, "LVP-200", null, "ICU-4A",
                        null, null),
                new PumpMetrics(PumpState.RUNNING, 125, 10 + seq, 500, 85, 97, true, "inf-1", null, null));
        return KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(encoder.encode(r)))
                .partitionKey(deviceId)
                .sequenceNumber(Long.toString(kinesisSeq))
                .subSequenceNumber(0)
                .approximateArrivalTimestamp(Instant.ofEpochMilli(NOW - 500))
                .build();
    }

    private RecordProcessorCheckpointer checkpointer() {
        return (RecordProcessorCheckpointer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RecordProcessorCheckpointer.class}, (proxy, method, args) -> {
                    // at the end of what was delivered, or at a record (coalesced writes checkpoint at a record)
                    if (method.getName().equals("checkpoint") && (args == null || args.length == 0
                            || (args.length == 2 && args[0] instanceof String && args[1] instanceof Long))) {
                        checkpoints.incrementAndGet();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private ShardProcessor runBatch(boolean flushEveryRecord) {
        ShardProcessor p = new ShardProcessor(clock, meters, writes::add, ShardServices.NONE, flushEveryRecord);
        p.initialize(InitializationInput.builder().shardId("shardId-000").build());
        p.processRecords(ProcessRecordsInput.builder()
                .records(List.of(record("PUMP-1", 1, 1), record("PUMP-1", 2, 2), record("PUMP-1", 3, 3),
                        record("PUMP-2", 1, 4)))
                .millisBehindLatest(250L)
                .checkpointer(checkpointer())
                .build());
        if (!flushEveryRecord) { // the write runs on a pool thread: later calls take its result and checkpoint
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (checkpoints.get() == 0 && System.nanoTime() < deadline) {
                p.processRecords(ProcessRecordsInput.builder().records(List.of()).checkpointer(checkpointer())
                        .build());
                Thread.onSpinWait();
            }
        }
        return p;
    }

    @Test
    void perBatchWritesEachDeviceOnce() {
        ShardProcessor p = runBatch(false);
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).deviceStates()).extracting(s -> s.deviceId()).containsExactlyInAnyOrder(
                "PUMP-1", "PUMP-2");
        assertThat(checkpoints).hasValue(1);
        assertThat(p.state()).isEqualTo(ShardProcessor.State.RUNNING);
    }

    @Test
    void perRecordWritesOnceForEveryRecordAndCheckpointsOnce() {
        runBatch(true);
        assertThat(writes).hasSize(4);
        assertThat(writes).allSatisfy(w -> assertThat(w.deviceStates()).hasSize(1));
        assertThat(checkpoints).hasValue(1);
    }

    @Test
    void leaseCountedOnceEvenWhenShutdownIsFollowedByLeaseLost() {
        ShardProcessor p = runBatch(false);
        p.shutdownRequested(software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput.builder()
                .checkpointer(checkpointer()).build());
        p.leaseLost(software.amazon.kinesis.lifecycle.events.LeaseLostInput.builder().build());
        assertThat(meters.leasesHeld()).isZero();
        ShardProcessor again = new ShardProcessor(clock, meters, writes::add, ShardServices.NONE, false);
        again.initialize(InitializationInput.builder().shardId("shardId-000").build());
        assertThat(meters.leasesHeld()).isEqualTo(1);
    }

    @Test
    void shardMetersSeeLeaseLagAndOneArrivalSamplePerStateWrite() {
        runBatch(false);
        assertThat(meters.leasesHeld()).isEqualTo(1);
        assertThat(meters.registry().get("vigil.shard.millis.behind.latest").gauge().value()).isEqualTo(250);
        assertThat(meters.stateLatency().cumulative(StateLatency.Kind.ARRIVAL).getTotalCount()).isEqualTo(2);
        assertThat(meters.stateLatency().cumulative(StateLatency.Kind.ARRIVAL).getMaxValue()).isBetween(499L, 501L);
        assertThat(meters.stateLatency().cumulative(StateLatency.Kind.DEVICE).getTotalCount())
                .as("one sample per device state written").isEqualTo(2);
    }
}
