package vigil.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vigil.sim.publish.JsonLinesSink;
import vigil.sim.publish.PublishFailedException;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryRecord;

/** The driver with a JSON-lines sink in memory: limits, pacing, determinism, stop, failures. */
class SimulationTest {
    private static final long T0_MILLIS = 1_714_521_600_000L;

    @Test
    void shouldStopAfterMaxRecordsWithDevicesTakingTurnsAndReportLastSeqPerDevice() {
        SimConfig config = SimConfig.defaults().withDevices(3, 2).withRecordsPerSecond(10_000).withLimits(null, 23);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SimResult result;
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            result = new Simulation(config, sink).run();
        }
        // 23 turns over 5 devices: the first three devices had 5 turns, the other two 4
        assertThat(result.lastSeqByDevice()).containsExactly(
                Map.entry("DIAL-0001", 3L), Map.entry("DIAL-0002", 3L),
                Map.entry("PUMP-0001", 4L), Map.entry("PUMP-0002", 4L), Map.entry("PUMP-0003", 4L));
        assertThat(result.recordsGenerated()).isEqualTo(23);
        assertThat(result.recordsSent()).isEqualTo(23);
        assertThat(result.complete()).isTrue();
        List<TelemetryRecord> records = decodeLines(bytes);
        assertThat(records).hasSize(23);
        assertThat(records).extracting(TelemetryRecord::deviceId).startsWith(
                "PUMP-0001", "PUMP-0002", "PUMP-0003", "DIAL-0001", "DIAL-0002", "PUMP-0001");
        assertThat(records).extracting(r -> r.envelope().careUnit()).startsWith(
                "ICU-4A", "WARD-3B", "DIALYSIS-2", "ICU-4A", "WARD-3B");
    }

    @Test
    void shouldCountOnlyItsOwnRecordsWhenASinkIsReusedByConsecutiveRuns() {
        SimConfig config = SimConfig.defaults().withRecordsPerSecond(10_000).withLimits(null, 50);
        try (JsonLinesSink sink = new JsonLinesSink(new ByteArrayOutputStream())) {
            assertThat(new Simulation(config, sink).run().complete()).isTrue();
            SimResult second = new Simulation(config.withStartSeq(1_000), sink).run();

            assertThat(second.recordsSent()).isEqualTo(50);
            assertThat(second.complete()).isTrue();
            assertThat(second.lastSeqByDevice().values()).allSatisfy(seq -> assertThat(seq).isGreaterThan(1_000));
        }
    }

    @Test
    void shouldWriteIdenticalOutputForTheSameSeedAndDeviceClock() {
        SimConfig config = SimConfig.defaults().withDevices(4, 3).withRecordsPerSecond(50_000).withLimits(null, 700);

        String first = runToString(config, new SteppingClock(T0_MILLIS, 1_000));
        String second = runToString(config, new SteppingClock(T0_MILLIS, 1_000));
        String otherSeed = runToString(config.withSeed(2), new SteppingClock(T0_MILLIS, 1_000));

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void shouldSpreadRecordsEvenlyOverTimeAtTheConfiguredRate() {
        // 200 records/s for 1 s over 4 devices: a record every 5 ms, each device every 20 ms. Paced in virtual
        // time, so the assertions are exact whatever the machine's load.
        SimConfig config = SimConfig.defaults().withDevices(2, 2).withRecordsPerSecond(200)
                .withLimits(Duration.ofSeconds(1), 0);
        VirtualTime time = new VirtualTime(1_795_340_400_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SimResult result;
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            result = new Simulation(config, sink, time.clock(), time).run();
        }
        List<TelemetryRecord> records = decodeLines(bytes);
        assertThat(records).hasSize(200);
        assertThat(result.elapsed()).isEqualTo(Duration.ofMillis(995)); // the last record is due at 995 ms
        long firstMillis = records.get(0).tsMillis();
        TreeMap<Long, Integer> perTenthOfSecond = new TreeMap<>();
        for (TelemetryRecord r : records) {
            perTenthOfSecond.merge((r.tsMillis() - firstMillis) / 100, 1, Integer::sum);
        }
        // evenly paced: 20 in every 100 ms; a burst would put them in few buckets
        assertThat(perTenthOfSecond).hasSize(10);
        assertThat(perTenthOfSecond.values()).containsOnly(20);
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).tsMillis() - records.get(i - 1).tsMillis()).isEqualTo(5);
        }
    }

    @Test
    void shouldSendTheBacklogAtOnceThenPaceWithRisingDeviceTimeWhenCatchingUp() {
        // 4 devices at 1 record/s each (4 records/s), a 10 s backlog, then 3 s in real time. Virtual time: the
        // backlog takes no time at all (a sink as fast as can be), so the switch to pacing is exact.
        SimConfig config = SimConfig.defaults().withDevices(2, 2).withRecordsPerSecond(4)
                .withLimits(Duration.ofSeconds(3), 0).withCatchUp(Duration.ofSeconds(10));
        VirtualTime time = new VirtualTime(T0_MILLIS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Simulation simulation;
        SimResult result;
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            simulation = new Simulation(config, sink, time.clock(), time);
            result = simulation.run();
        }
        List<TelemetryRecord> records = decodeLines(bytes);
        // due from -10 s to just under +3 s, every 250 ms: 52 records, the last at +2.75 s
        assertThat(records).hasSize(52);
        assertThat(result.complete()).isTrue();
        assertThat(records.get(0).tsMillis()).isEqualTo(T0_MILLIS - 10_000);
        assertThat(records.get(51).tsMillis()).isEqualTo(T0_MILLIS + 2_750);
        // caught up at the first record due at most 1 s before the start (-1 s): 36 records of backlog before it
        assertThat(simulation.caughtUp()).isTrue();
        assertThat(simulation.catchUpRecords()).isEqualTo(36);
        Map<String, List<Long>> tsByDevice = new TreeMap<>();
        for (TelemetryRecord r : records) {
            tsByDevice.computeIfAbsent(r.deviceId(), k -> new ArrayList<>()).add(r.tsMillis());
        }
        // each device: 13 records exactly 1 s apart, none in the future of the (virtual) clock at the end
        assertThat(tsByDevice).hasSize(4);
        tsByDevice.values().forEach(ts -> {
            assertThat(ts).hasSize(13);
            for (int i = 1; i < ts.size(); i++) {
                assertThat(ts.get(i) - ts.get(i - 1)).isEqualTo(1_000);
            }
            assertThat(ts.get(ts.size() - 1)).isLessThanOrEqualTo(T0_MILLIS + result.elapsed().toMillis());
        });
    }

    @Test
    void shouldBeCaughtUpFromTheStartWithoutABacklog() {
        SimConfig config = SimConfig.defaults().withRecordsPerSecond(10_000).withLimits(null, 10);
        try (JsonLinesSink sink = new JsonLinesSink(new ByteArrayOutputStream())) {
            Simulation simulation = new Simulation(config, sink);
            simulation.run();
            assertThat(simulation.caughtUp()).isTrue();
            assertThat(simulation.catchUpRecords()).isZero();
        }
    }

    /** Virtual monotonic time for pacing: waiting advances it at once. The device clock reads the same time. */
    private static final class VirtualTime implements Pacer {
        private final long originMillis;
        private long nanos;

        VirtualTime(long originMillis) {
            this.originMillis = originMillis;
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public void parkNanos(Object blocker, long waitNanos) {
            nanos += waitNanos;
        }

        Clock clock() {
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    throw new UnsupportedOperationException("fixed zone");
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(originMillis + nanos / 1_000_000);
                }
            };
        }
    }

    @Test
    void shouldStopOnRequestAndFlushWhenRunningInTheBackground() throws Exception {
        SimConfig unlimited = SimConfig.defaults().withRecordsPerSecond(500).withLimits(null, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            Simulation simulation = new Simulation(unlimited, sink);
            CompletableFuture<SimResult> done = simulation.start();
            awaitGenerated(simulation, 1);
            Thread.sleep(300);
            simulation.stop();
            SimResult result = done.get(10, TimeUnit.SECONDS);

            assertThat(result.complete()).isTrue();
            assertThat(result.recordsGenerated()).isPositive(); // about 150 at 500/s for 0.3 s; no timing bound
            assertThat(decodeLines(bytes)).hasSize((int) result.recordsGenerated());
            assertThat(simulation.awaitFinished(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void shouldEndTheRunAndReportTheFailureWhenTheSinkFails() {
        SimConfig config = SimConfig.defaults().withRecordsPerSecond(10_000).withLimits(null, 1_000);
        SimResult result = new Simulation(config, new FailingAfter(100)).run();

        assertThat(result.complete()).isFalse();
        assertThat(result.failure()).isInstanceOf(PublishFailedException.class);
        assertThat(result.recordsGenerated()).isEqualTo(100);
    }

    private static String runToString(SimConfig config, SteppingClock clock) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonLinesSink sink = new JsonLinesSink(bytes)) {
            assertThat(new Simulation(config, sink, clock).run().complete()).isTrue();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static List<TelemetryRecord> decodeLines(ByteArrayOutputStream bytes) {
        TelemetryDecoder decoder = new TelemetryDecoder();
        List<TelemetryRecord> records = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            DecodeResult result = decoder.decode(line.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE / 2);
            assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
            records.add(((DecodeResult.Decoded) result).record());
        }
        return records;
    }

    /** A sink that accepts {@code limit} records and then fails for good, like a publisher that gave up. */
    private static final class FailingAfter implements RecordSink {
        private final long limit;
        private long accepted;

        FailingAfter(long limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void submit(String partitionKey, byte[] data) {
            if (accepted == limit) {
                throw new PublishFailedException("injected failure", null);
            }
            accepted++;
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public synchronized SinkStats stats() {
            return new SinkStats(accepted, accepted, accepted, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {}
    }

    /** Waits (up to 30 s, a loaded machine starts slowly) until a background run has generated {@code n} records. */
    static void awaitGenerated(Simulation simulation, long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (simulation.progress().recordsGenerated() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulation.progress().recordsGenerated()).as("records generated").isGreaterThanOrEqualTo(n);
    }
}
