package vigil.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.RejectReason;
import vigil.telemetry.TelemetryEncoder;

/**
 * The replay treats a file as a recording in arrival order and behaves as the live ingest path fed the same
 * arrivals: a plain line arrives at the greatest ts of the earlier accepted lines, a wrapper line at its
 * {@code arrivalMs}. The file has far-future records (rejected), a late record, a record out of order within 120 s,
 * a silent device, and a wrapped stretch with explicit arrivals; the replay's transitions and counts must equal
 * those of a {@link ShardIngest} (the live consumer's per-shard path) given the same arrival for every record and
 * polled about once a second (a tick whenever the processing clock moved a second since the last one).
 */
class ReplayLiveSemanticsTest {
    private static final long T0 = 1_795_340_400_000L;
    private final TelemetryEncoder encoder = new TelemetryEncoder();

    /** One line of the file and the arrival the live path is given for it. */
    private record Line(byte[] bytes, byte[] record, long arrivalMillis) {}

    private final List<Line> lines = new ArrayList<>();
    private long greatestAcceptedTs = Long.MIN_VALUE;
    private final long[] seq = new long[3];

    private byte[] pump(int device, double tsSeconds, PumpState state) {
        long ts = T0 + Math.round(tsSeconds * 1000);
        PumpRecord r = new PumpRecord(new Envelope("PUMP-000" + device, DeviceType.INFUSION_PUMP, seq[device]++, ts,
                "LVP-200", null, "ICU-4A", null, null),
                new PumpMetrics(state, 100, seq[device] * 0.03, 400, 60, 90, true, "inf-1", null, null));
        return encoder.encode(r);
    }

    /** A plain line: arrives at the greatest ts of the earlier accepted lines (the test knows which are accepted). */
    private void plain(byte[] record, long tsMillis, boolean accepted) {
        long arrival = greatestAcceptedTs == Long.MIN_VALUE ? tsMillis : greatestAcceptedTs;
        lines.add(new Line(record, record, arrival));
        if (accepted) {
            greatestAcceptedTs = Math.max(greatestAcceptedTs, tsMillis);
        }
    }

    private void wrapped(byte[] record, long arrivalMillis, long tsMillis, boolean accepted) {
        byte[] line = ("{\"arrivalMs\": " + arrivalMillis + ", \"payload\": " + new String(record, StandardCharsets.UTF_8)
                + "}").getBytes(StandardCharsets.UTF_8);
        lines.add(new Line(line, record, arrivalMillis));
        if (accepted) {
            greatestAcceptedTs = Math.max(greatestAcceptedTs, tsMillis);
        }
    }

    private static long at(double seconds) {
        return T0 + Math.round(seconds * 1000);
    }

    private void buildFile() {
        // 0..299 s: pumps 1 and 2 every second (pump 2 silent 100..159 s: DEVICE_OFFLINE, then back)
        for (int s = 0; s < 300; s++) {
            plain(pump(1, s, PumpState.RUNNING), at(s), true);
            if (s < 100 || s >= 160) {
                plain(pump(2, s, PumpState.RUNNING), at(s), true);
            }
            if (s == 50) { // pump 1 with its clock 10 min ahead: > 300 s in the future of its arrival (49 s)
                plain(pump(1, s + 600, PumpState.RUNNING), at(s + 600), false);
            }
            if (s == 200) { // pump 2's record of 195.5 s, held back: out of order within 120 s, applied
                plain(pump(2, 195.5, PumpState.RUNNING), at(195.5), true);
            }
            if (s == 250) { // pump 1's record of 100.5 s: 149.5 s older than its newest: late
                plain(pump(1, 100.5, PumpState.RUNNING), at(100.5), true);
            }
        }
        // 300..399 s: a wrapped stretch. Pump 1 goes on; pump 3 (new) has its clock 200 s ahead (accepted: within
        // 300 s) and then 400 s ahead (rejected) of the explicit arrival times.
        for (int s = 300; s < 400; s++) {
            wrapped(pump(1, s, PumpState.RUNNING), at(s + 0.2), at(s), true);
            if (s % 10 == 0) {
                boolean farAhead = s >= 350;
                double ts = s + (farAhead ? 400 : 200);
                wrapped(pump(0, ts, PumpState.STOPPED), at(s + 0.4), at(ts), !farAhead);
            }
        }
        // plain again: arrives at the greatest accepted ts before (pump 3's 540 s): pump 2 and 3 are now offline,
        // pump 1's next records look 140 s behind that clock but are not late for the device itself
        for (int s = 400; s < 420; s++) {
            plain(pump(1, s, PumpState.RUNNING), at(s), true);
        }
    }

    @Test
    void shouldMatchTheLiveIngestPathFedTheSameArrivals() {
        buildFile();
        long last = lines.get(lines.size() - 1).arrivalMillis();

        List<AlertTransition> replayed = new ArrayList<>();
        Replay replay = new Replay(SettingsSource.NONE, replayed::add);
        for (Line l : lines) {
            replay.line(l.bytes(), 0, l.bytes().length);
        }
        replay.finish(last);

        ReplayClock clock = new ReplayClock();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardIngest live = new ShardIngest("shardId-000", clock, new ConsumerMeters(registry), SettingsSource.NONE,
                ShardIngest.JOURNAL_OFF);
        List<AlertTransition> lived = new ArrayList<>();
        long processingMillis = Long.MIN_VALUE;
        long lastPollMillis = Long.MIN_VALUE;
        int n = 0;
        for (Line l : lines) {
            processingMillis = Math.max(processingMillis, l.arrivalMillis());
            if (lastPollMillis == Long.MIN_VALUE || processingMillis - lastPollMillis >= 1_000) {
                lastPollMillis = processingMillis;
                live.onTick(processingMillis);
            }
            clock.set(l.arrivalMillis());
            live.accept(ByteBuffer.wrap(l.record()), Integer.toString(n), n++, l.arrivalMillis());
            lived.addAll(live.drainTransitionsOnly());
        }
        live.onTick(last);
        lived.addAll(live.drainTransitionsOnly());

        assertThat(replay.wrappedLines()).isEqualTo(110);
        assertThat(replay.badWrappers()).isZero();
        assertThat(replay.count("vigil.records.in")).isEqualTo(lines.size());
        for (String meter : List.of("vigil.records.accepted", "vigil.records.late", "vigil.records.duplicate")) {
            assertThat(replay.count(meter)).as(meter).isEqualTo((long) count(registry, meter));
        }
        assertThat(replay.rejectedCount(RejectReason.FUTURE_TIMESTAMP)).as("1 plain + 5 wrapped far-future records")
                .isEqualTo(6).isEqualTo((long) registry.find("vigil.records.rejected")
                        .tag("reason", "FUTURE_TIMESTAMP").counter().count());
        assertThat(replay.count("vigil.records.late")).isEqualTo(1);
        assertThat(describe(replayed)).isEqualTo(describe(lived));
        assertThat(replayed).filteredOn(t -> t.type() == AlertType.DEVICE_OFFLINE && t.change() == Change.RAISED)
                .extracting(AlertTransition::deviceId)
                .as("pump 2 in its silence (latched after), pump 0 once its accepted records stop, pump 1 when the"
                        + " plain stretch after the wrapped one arrives at pump 0's ts, 200 s ahead")
                .containsExactly("PUMP-0002", "PUMP-0000", "PUMP-0001");
    }

    @Test
    void shouldCountAndSkipALineThatBeginsLikeAWrapperButIsNotOne() {
        List<AlertTransition> out = new ArrayList<>();
        Replay replay = new Replay(SettingsSource.NONE, out::add);
        for (String bad : List.of("{\"arrivalMs\": 5}", "{\"arrivalMs\": \"5\", \"payload\": {}}",
                "{\"payload\": {}, \"arrivalMs\": 1, \"extra\": 2}", "{\"arrivalMs\": 1, \"payload\": [1]}",
                "{\"arrivalMs\": 1, \"payload\": {\"a\": }")) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            replay.line(b, 0, b.length);
        }
        // well delimited, but the payload is not a record: decoded and rejected, as on the stream
        byte[] b = "{\"arrivalMs\":1795340400000,\"payload\":{\"schema\":tru, \"x\":\"}\\\"{\"}}"
                .getBytes(StandardCharsets.UTF_8);
        replay.line(b, 0, b.length);
        replay.finish(null);
        assertThat(replay.badWrappers()).isEqualTo(5);
        assertThat(replay.lines()).isEqualTo(1);
        assertThat(replay.rejectedCount(RejectReason.NOT_JSON)).isEqualTo(1);
        assertThat(replay.summary()).contains("5 unreadable wrapper lines skipped");
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    private static List<String> describe(List<AlertTransition> transitions) {
        return transitions.stream().map(t -> t.alertId() + " " + t.change() + " " + t.status() + " " + t.priority()
                + " at " + t.updatedMillis()).toList();
    }
}
