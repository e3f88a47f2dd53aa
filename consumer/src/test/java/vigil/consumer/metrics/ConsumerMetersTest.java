package vigil.consumer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import vigil.consumer.device.DeviceSnapshot;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

class ConsumerMetersTest {
    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final ConsumerMeters meters = new ConsumerMeters(registry, clock);

    private static DeviceSnapshot snapshot(String deviceId, long tsMillis) {
        PumpRecord r = new PumpRecord(Envelope.of(deviceId, DeviceType.INFUSION_PUMP, 1, tsMillis),
                new PumpMetrics(PumpState.RUNNING, 125, 10, 500, 85, 97, true, "inf-1", null, null));
        return new DeviceSnapshot(deviceId, DeviceType.INFUSION_PUMP, r, 1, tsMillis, 1, 0, 0, 0, tsMillis, null);
    }

    @Test
    void leaseGaugeFollowsAcquireAndRelease() {
        ShardMeters a = meters.shard("shardId-000");
        ShardMeters b = meters.shard("shardId-001");
        a.leaseAcquired(0);
        b.leaseAcquired(0);
        assertThat(meters.leasesHeld()).isEqualTo(2);
        assertThat(registry.get("vigil.shard.leases").gauge().value()).isEqualTo(2);
        a.leaseAcquired(0); // a new processor of shard a before the old one hears it lost the lease
        a.leaseReleased(); // the old one
        assertThat(meters.leasesHeld()).as("shard a is still held by the new processor").isEqualTo(2);
        a.leaseReleased();
        assertThat(meters.leasesHeld()).isEqualTo(1);
    }

    @Test
    void checkpointAgeAndLagPerShardAreNaNWithoutTheLease() {
        ShardMeters m = meters.shard("shardId-000");
        long now = clock.wallTime();
        m.leaseAcquired(now);
        m.millisBehindLatest(1234L);
        m.millisBehindLatest(null); // not reported: keeps the last value
        m.checkpointed(now);
        clock.addSeconds(7);
        assertThat(registry.get("vigil.shard.checkpoint.age").tag("shard", "shardId-000").gauge().value())
                .isEqualTo(7000);
        assertThat(registry.get("vigil.shard.millis.behind.latest").tag("shard", "shardId-000").gauge().value())
                .isEqualTo(1234);
        m.leaseReleased();
        assertThat(registry.get("vigil.shard.checkpoint.age").gauge().value()).isNaN();
    }

    @Test
    void latencyIsRecordedPerStateWriteFromItsOldestRecordsArrivalAndFromDeviceTime() {
        ShardMeters m = meters.shard("shardId-000");
        long durable = 1_000_000;
        DeviceSnapshot s = snapshot("PUMP-1", durable - 900);
        m.durable(List.of(new DeviceSnapshot(s.deviceId(), s.deviceType(), s.newest(), 1, durable - 100, 1, 0, 0, 0,
                durable, null, durable - 300)), durable);
        m.abandoned(); // never durable here: not recorded
        m.durable(List.of(), durable);

        Histogram arrival = meters.stateLatency().cumulative(StateLatency.Kind.ARRIVAL);
        Histogram device = meters.stateLatency().cumulative(StateLatency.Kind.DEVICE);
        assertThat(arrival.getTotalCount()).isEqualTo(1);
        assertThat(arrival.getMaxValue()).isBetween(299L, 301L);
        assertThat(device.getTotalCount()).isEqualTo(1);
        assertThat(device.getValueAtPercentile(50)).isBetween(899L, 901L);
        assertThat(registry.get("vigil.state.latency.device").tag("quantile", "0.99").gauge().value())
                .isBetween(899.0, 901.0);
    }

    @Test
    void recentWindowForgetsOldSamplesButCumulativeKeepsThem() {
        StateLatency.ShardRecorders r = meters.stateLatency().shard("shardId-000");
        r.record(StateLatency.Kind.DEVICE, 5000);
        assertThat(meters.stateLatency().valueAtPercentile(StateLatency.Kind.DEVICE, 50)).isBetween(4990.0, 5010.0);
        clock.add(java.time.Duration.ofMillis(StateLatency.WINDOW_MILLIS));
        meters.stateLatency().recent(StateLatency.Kind.DEVICE); // rotation 1: the sample moves to "previous"
        clock.add(java.time.Duration.ofMillis(StateLatency.WINDOW_MILLIS));
        assertThat(meters.stateLatency().valueAtPercentile(StateLatency.Kind.DEVICE, 50)).isZero();
        assertThat(meters.stateLatency().cumulative(StateLatency.Kind.DEVICE).getTotalCount()).isEqualTo(1);
    }

    @Test
    void noMeterCarriesADeviceIdTag() {
        ShardMeters m = meters.shard("shardId-000");
        m.leaseAcquired(0);
        m.durable(List.of(snapshot("PUMP-SECRET-1", 0)), 10);
        registry.getMeters().forEach(meter -> meter.getId().getTags().forEach(tag -> {
            assertThat(tag.getKey()).isNotIn("deviceId", "device", "patientId");
            assertThat(tag.getValue()).doesNotContain("PUMP-SECRET-1");
        }));
    }
}
