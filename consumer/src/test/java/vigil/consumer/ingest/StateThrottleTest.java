package vigil.consumer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.replay.ReplayClock;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.state.PendingEffects;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;

/**
 * The per-device state-write throttle (issue 14): a changed device whose last write is at least a second old is
 * written in the drain after the record that changed it (leading edge); a device changing faster is written once
 * its second is up (trailing edge); never more than once per second per device; and the checkpoint position never
 * passes a record whose state is not yet written.
 */
class StateThrottleTest {
    private static final long T0 = 1_795_340_400_000L;
    private final ReplayClock clock = new ReplayClock();
    private final ShardIngest ingest = new ShardIngest("shardId-000", clock,
            new ConsumerMeters(new SimpleMeterRegistry()), SettingsSource.NONE, 20_000);
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private long kinesisSeq;

    private void send(String deviceId, long seq, long tsMillis) {
        PumpRecord r = new PumpRecord(
                new Envelope(deviceId, DeviceType.INFUSION_PUMP, seq, tsMillis, "LVP-200", null, "ICU-4A", null,
                        null),
                new PumpMetrics(PumpState.RUNNING, 125, 10 + seq * 0.01, 500, 85, 97, true, "inf-1", null, null));
        ingest.accept(ByteBuffer.wrap(encoder.encode(r)), Long.toString(++kinesisSeq), 0, clock.millis());
    }

    @Test
    void writesAtTheLeadingEdgeThenAtMostOncePerSecondThenAtTheTrailingEdge() {
        clock.set(T0);
        Map<String, List<Long>> writeTimes = new HashMap<>();
        Map<String, Long> lastSeqWritten = new HashMap<>();
        // PUMP-FAST sends every 100 ms for 5 s; PUMP-SLOW every 2 s; a drain after every 50 ms, as a KCL poll would.
        long seqFast = 0;
        long seqSlow = 0;
        for (long t = T0; t <= T0 + 5_000; t += 50) {
            clock.set(t);
            if ((t - T0) % 100 == 0) {
                send("PUMP-FAST", ++seqFast, t);
            }
            if ((t - T0) % 2_000 == 0) {
                send("PUMP-SLOW", ++seqSlow, t);
            }
            drain(writeTimes, lastSeqWritten);
        }
        // After the last record: the trailing edge writes PUMP-FAST's last change within a second.
        for (long t = T0 + 5_050; t <= T0 + 6_100; t += 50) {
            clock.set(t);
            drain(writeTimes, lastSeqWritten);
        }

        List<Long> fast = writeTimes.get("PUMP-FAST");
        assertThat(fast.get(0)).as("leading edge: written in the drain after its first record").isEqualTo(T0);
        for (int i = 1; i < fast.size(); i++) {
            assertThat(fast.get(i) - fast.get(i - 1)).as("the minimum gap")
                    .isGreaterThanOrEqualTo(ShardIngest.STATE_MIN_GAP_MILLIS);
            assertThat(fast.get(i) - fast.get(i - 1)).as("trailing edge: within a poll of its second")
                    .isLessThanOrEqualTo(1_050);
            for (int j = 0; j < i; j++) {
                assertThat(i - j).as("at most one write per second over any stretch, plus one")
                        .isLessThanOrEqualTo((int) ((fast.get(i) - fast.get(j)) / 1_000) + 1);
            }
        }
        assertThat(fast).as("5 s of data: the first write, one slot early, then one a second").hasSizeBetween(5, 7);
        assertThat(lastSeqWritten.get("PUMP-FAST")).as("the last change is written").isEqualTo(seqFast);
        assertThat(fast.get(fast.size() - 1)).isLessThanOrEqualTo(T0 + 6_000);
        assertThat(writeTimes.get("PUMP-SLOW")).as("a slow device is written at once, every time")
                .containsExactly(T0, T0 + 2_000, T0 + 4_000);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "a record every {0} ms of device time")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1_000, 999, 1_003})
    void aDeviceSendingOnceASecondIsWrittenInTheDrainAfterEachRecordHoweverItsArrivalsJitter(long period) {
        // Ten minutes of records a second apart in ts; their arrivals jitter by +-80 ms (batching upstream) and one
        // in 50 arrives 300-900 ms late; a drain every 230 ms (KCL sleeps 200 ms after each call, which takes some
        // ms, so the drains do not divide the second). Counted on the consumer's clock, the throttle drifted: a
        // write a poll after the device's second moved its next second as far, and the wait cycled through the
        // whole second. Counted on the device's clock, each record is written in the drain after it arrives.
        java.util.SplittableRandom random = new java.util.SplittableRandom(14);
        long poll = 230;
        int records = 600;
        long[] arrival = new long[records + 1]; // by seq
        List<long[]> byArrival = new ArrayList<>(); // {arrival, seq}
        for (int seq = 1; seq <= records; seq++) {
            long jitter = random.nextLong(-80, 81) + (random.nextInt(50) == 0 ? random.nextLong(300, 901) : 0);
            arrival[seq] = T0 + 37 + (seq - 1) * period + jitter;
            byArrival.add(new long[] {arrival[seq], seq});
        }
        byArrival.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Long> waits = new ArrayList<>();
        long lastWriteAt = Long.MIN_VALUE;
        long minGap = Long.MAX_VALUE;
        int writes = 0;
        int next = 0;
        long lastWrittenSeq = 0;
        for (long t = T0; t <= T0 + (records + 2) * 1_000L; t += poll) {
            clock.set(t);
            while (next < records && byArrival.get(next)[0] <= t) {
                long seq = byArrival.get(next++)[1];
                send("PUMP-1HZ", seq, T0 + 37 + (seq - 1) * period);
            }
            for (DeviceSnapshot s : ingest.drainEffects(ShardIngest.StateWrites.DUE, false).deviceStates()) {
                for (long seq = lastWrittenSeq + 1; seq <= s.lastSeq(); seq++) {
                    waits.add(t - arrival[(int) seq]);
                }
                lastWrittenSeq = Math.max(lastWrittenSeq, s.lastSeq());
                if (lastWriteAt != Long.MIN_VALUE) {
                    minGap = Math.min(minGap, t - lastWriteAt);
                }
                lastWriteAt = t;
                writes++;
            }
        }
        assertThat(lastWrittenSeq).isEqualTo(records);
        java.util.Collections.sort(waits);
        long p90 = waits.get(waits.size() * 9 / 10);
        long p99 = waits.get(waits.size() * 99 / 100);
        assertThat(p90).as("record arrival to its write, p90 (a drain is at most %d ms away)", poll)
                .isLessThanOrEqualTo(poll);
        assertThat(p99).as("p99: the late records' successors wait for the minimum gap").isLessThanOrEqualTo(600);
        assertThat(writes).as("at most one write per second of device time")
                .isBetween(580, (int) ((records - 1) * period / 1_000) + 2);
        assertThat(minGap).as("two writes of the device, consumer clock")
                .isGreaterThanOrEqualTo(ShardIngest.STATE_MIN_GAP_MILLIS);
    }

    @Test
    void aDeviceClockRunningFastBuysNoMoreThanOneWriteInTheMinimumGap() {
        // ts advances 2 s per real second: every record is a new device second, the consumer's gap still holds
        long seq = 0;
        List<Long> writeTimes = new ArrayList<>();
        for (long t = T0; t <= T0 + 10_000; t += 50) {
            clock.set(t);
            if (t % 250 == 0) {
                send("PUMP-FASTCLOCK", ++seq, T0 + (t - T0) * 2);
            }
            if (!ingest.drainEffects(ShardIngest.StateWrites.DUE, false).deviceStates().isEmpty()) {
                writeTimes.add(t);
            }
        }
        for (int i = 1; i < writeTimes.size(); i++) {
            assertThat(writeTimes.get(i) - writeTimes.get(i - 1)).isGreaterThanOrEqualTo(ShardIngest.STATE_MIN_GAP_MILLIS);
        }
        assertThat(writeTimes).hasSizeBetween(19, 21); // 10 s at one write per 500 ms
    }

    @Test
    void durablePositionNeverPassesARecordWhoseStateIsNotWritten() {
        clock.set(T0);
        send("PUMP-A", 1, T0);
        ingest.drainEffects(ShardIngest.StateWrites.DUE, true); // A written, journal clean: position is record 1
        assertThat(ingest.durablePosition().sequenceNumber()).isEqualTo("1");
        clock.set(T0 + 200);
        send("PUMP-A", 2, T0 + 200); // record 2: A's state not due again until T0 + 1000
        PendingEffects effects = ingest.drainEffects(ShardIngest.StateWrites.DUE, true);
        assertThat(effects.deviceStates()).isEmpty();
        assertThat(effects.recoveryChunks()).hasSize(1); // in the journal, but its state is not written
        assertThat(ingest.durablePosition().sequenceNumber()).as("before record 2").isEqualTo("1");
        clock.set(T0 + 1_000);
        assertThat(ingest.drainEffects(ShardIngest.StateWrites.DUE, false).deviceStates()).hasSize(1);
        assertThat(ingest.durablePosition().sequenceNumber()).isEqualTo("2");
    }

    private void drain(Map<String, List<Long>> writeTimes, Map<String, Long> lastSeqWritten) {
        for (DeviceSnapshot s : ingest.drainEffects(ShardIngest.StateWrites.DUE, false).deviceStates()) {
            writeTimes.computeIfAbsent(s.deviceId(), k -> new ArrayList<>()).add(clock.millis());
            lastSeqWritten.put(s.deviceId(), s.lastSeq());
        }
    }
}
